"""Pure rules for populations and rates: no database, tested directly.

A rate is meaningless without the population year it used and the size it is per,
so a :class:`Rate` always carries both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Rate:
    count: int
    population: int
    population_year: int
    per: int

    @property
    def value(self) -> Decimal:
        return per_population(self.count, self.population, self.per)

    def __str__(self) -> str:
        return (
            f"{self.value} per {self.per:,} population "
            f"({self.count:,} over a {self.population_year} population of {self.population:,})"
        )


def per_population(count: int, population: int, per: int = 1000, places: int = 2) -> Decimal:
    """``count`` per ``per`` people, rounded half up to ``places`` decimal places."""
    if population <= 0:
        raise ValueError("A rate needs a population greater than zero.")
    if count < 0:
        raise ValueError("A rate needs a count of zero or more.")
    if per <= 0:
        raise ValueError("A rate must be per a positive number of people.")
    exact = Decimal(count) * Decimal(per) / Decimal(population)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def choose_population_year(available_years: Iterable[int], for_year: int) -> int | None:
    """The year to use for a period ending in ``for_year``: the latest figure not after it,
    or else the earliest figure there is (it is the nearest). ``None`` if there are none."""
    years = sorted(set(available_years))
    if not years:
        return None
    earlier = [y for y in years if y <= for_year]
    return earlier[-1] if earlier else years[0]
