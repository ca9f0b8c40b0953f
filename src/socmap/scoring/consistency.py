"""Pure measures of scoring consistency: no database, tested directly.

* :func:`krippendorff_alpha` measures how far several assessors agree when they score the same
  cases (1 = perfect agreement, 0 = no better than chance, below 0 = systematic disagreement).
* :func:`inconsistent_pairs` finds threats whose objective answers are near-identical but whose
  bands differ: the cases where human judgement moved the band.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = ("nominal", "ordinal", "interval")


def _ordinal_distances(totals: Mapping[Hashable, float], order: Sequence[Hashable]):
    position = {value: i for i, value in enumerate(order)}
    cumulative = [0.0]
    for value in order:
        cumulative.append(cumulative[-1] + totals.get(value, 0.0))

    def distance(c, k) -> float:
        low, high = sorted((position[c], position[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (totals.get(c, 0.0) + totals.get(k, 0.0)) / 2) ** 2

    return distance


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable | None]],
    *,
    level: str = "ordinal",
    order: Sequence[Hashable] | None = None,
) -> float | None:
    """Krippendorff's alpha over ``units`` (each unit: the values its assessors gave; ``None``
    where an assessor gave none).

    ``ordinal`` needs the values' ``order`` (lowest first) unless they sort naturally;
    ``interval`` needs numbers. Units with fewer than two values are left out. Returns
    ``None`` when agreement cannot be measured (fewer than two pairable values, or every value
    the same so that no disagreement was possible).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    coincidence: dict[tuple, float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidence[(c, k)] += pairs / (m - 1)
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _), weight in coincidence.items():
        totals[c] += weight
    n = sum(totals.values())
    if n < 2 or len(totals) < 2:
        return None

    if level == "nominal":

        def distance(c, k):
            return 0.0 if c == k else 1.0
    elif level == "interval":

        def distance(c, k):
            return (float(c) - float(k)) ** 2
    else:
        ranked = list(order) if order is not None else sorted(totals)
        missing = set(totals) - set(ranked)
        if missing:
            raise ValueError(f"values missing from the ordinal order: {sorted(map(str, missing))}")
        distance = _ordinal_distances(totals, ranked)

    observed = sum(w * distance(c, k) for (c, k), w in coincidence.items()) / n
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in totals for k in totals) / (
        n * (n - 1)
    )
    if expected == 0:
        return None
    return 1.0 - observed / expected


@dataclass(frozen=True)
class Profile:
    """A threat's objective answers as positions on each attribute's scale (0..1)."""

    threat_id: int
    band: str
    band_rank: int  # 0 = highest band
    positions: tuple[float, ...]


@dataclass(frozen=True)
class InconsistentPair:
    first: Profile
    second: Profile
    distance: float  # mean absolute difference of the objective positions, 0..1
    band_gap: int


def inconsistent_pairs(
    profiles: Sequence[Profile], *, max_distance: float = 0.1, min_band_gap: int = 1
) -> list[InconsistentPair]:
    """Pairs of threats whose objective answers differ by at most ``max_distance`` (mean absolute
    difference over the objective attributes) but whose bands are ``min_band_gap`` or more
    apart; the most alike first, then the widest gap."""
    if not profiles:
        return []
    width = len(profiles[0].positions)
    if any(len(p.positions) != width for p in profiles):
        raise ValueError("every profile must answer the same objective attributes")
    positions = np.array([p.positions for p in profiles], dtype=float)
    ranks = np.array([p.band_rank for p in profiles])
    found = []
    for i in range(len(profiles) - 1):
        distances = np.abs(positions[i + 1 :] - positions[i]).mean(axis=1)
        gaps = np.abs(ranks[i + 1 :] - ranks[i])
        for offset in np.nonzero((distances <= max_distance + 1e-12) & (gaps >= min_band_gap))[0]:
            j = i + 1 + int(offset)
            found.append(
                InconsistentPair(
                    profiles[i], profiles[j], round(float(distances[offset]), 4), int(gaps[offset])
                )
            )
    found.sort(key=lambda p: (p.distance, -p.band_gap, p.first.threat_id, p.second.threat_id))
    return found
