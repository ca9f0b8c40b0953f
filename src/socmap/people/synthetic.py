"""Synthetic people with known duplicates, for measuring record linkage and for demo data.

:func:`generate_people` makes ``n`` records of distinct people and then copies a share of them
as they might be recorded again by another force: a quarter of the copies exactly, the rest
with one or (a fifth of them) two of the mistakes that really happen: a typing error in a
name, forenames and surname swapped, the day and month of the date of birth transposed (or two
digits swapped), the second record under an alias (with the first name kept as a recorded
alias), a nickname, a missing date of birth. The truth (which records are the same person) is
returned with the records, so precision and recall can be counted. Plain data, no database;
deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from faker import Faker

MISTAKES = ("typo", "swapped_names", "transposed_date", "alias", "missing_date", "nickname")

NICKNAMES = {
    "William": "Billy",
    "Robert": "Bob",
    "James": "Jim",
    "Thomas": "Tom",
    "Michael": "Mick",
    "Daniel": "Danny",
    "Joseph": "Joe",
    "Anthony": "Tony",
    "Christopher": "Chris",
    "Matthew": "Matt",
    "Rebecca": "Becky",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Jennifer": "Jenny",
    "Victoria": "Vicky",
    "Samantha": "Sam",
    "Alexander": "Alex",
    "Jonathan": "Jon",
    "Benjamin": "Ben",
}


@dataclass(frozen=True)
class SyntheticPerson:
    key: int  # the record's own number
    person: int  # the true person it records (the truth)
    owner: int  # which of the organisations recorded it (0..organisations-1)
    surname: str
    forenames: str
    date_of_birth: dt.date | None
    gender: str
    pnc_id: str = ""
    aliases: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = field(default=())


def typo(text: str, rng: random.Random) -> str:
    """One keying error: a letter dropped, doubled, replaced or two neighbours swapped."""
    if len(text) < 3:
        return text + text[-1:]
    i = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("drop", "double", "replace", "swap"))
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    if kind == "replace":
        letter = rng.choice("aeiourstnl")
        return text[:i] + (letter if letter != text[i].lower() else "y") + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def transpose_date(day: dt.date, rng: random.Random) -> dt.date:
    """Day and month the wrong way round where that is a date, else two digits of the day
    (or the year's last two digits) swapped."""
    if day.day <= 12 and day.day != day.month:
        return day.replace(month=day.day, day=day.month)
    digits = f"{day.day:02d}"
    if digits[0] != digits[1] and int(digits[::-1]) and int(digits[::-1]) <= 28:
        return day.replace(day=int(digits[::-1]))
    year = f"{day.year:04d}"
    swapped = int(year[:2] + year[3] + year[2])
    if swapped != day.year and 1900 <= swapped <= dt.date.today().year - 10:
        try:
            return day.replace(year=swapped)
        except ValueError:  # 29 February in a year that is not a leap year
            pass
    return day + dt.timedelta(days=1)


def misrecord(
    record: SyntheticPerson, rng: random.Random, faker: Faker, mistakes: tuple[str, ...]
) -> SyntheticPerson:
    """``record`` as another force might key it, with ``mistakes`` made."""
    surname, forenames, dob, aliases = (
        record.surname,
        record.forenames,
        record.date_of_birth,
        list(record.aliases),
    )
    for mistake in mistakes:
        if mistake == "typo":
            if rng.random() < 0.5:
                surname = typo(surname, rng)
            else:
                forenames = typo(forenames, rng)
        elif mistake == "swapped_names":
            surname, forenames = forenames, surname
        elif mistake == "transposed_date" and dob:
            dob = transpose_date(dob, rng)
        elif mistake == "missing_date":
            dob = None
        elif mistake == "nickname":
            first, *rest = forenames.split(" ")
            forenames = " ".join([NICKNAMES.get(first, first[:3]), *rest])
        elif mistake == "alias":
            # Known to this force under another name; the real one is kept as an alias.
            aliases.append(f"{forenames} {surname}")
            surname = faker.last_name()
    return replace(
        record,
        surname=surname,
        forenames=forenames,
        date_of_birth=dob,
        aliases=tuple(aliases),
        mistakes=mistakes,
    )


def generate_people(
    n: int,
    *,
    seed: int = 2026,
    duplicate_share: float = 0.2,
    organisations: int = 6,
    today: dt.date | None = None,
) -> tuple[list[SyntheticPerson], set[tuple[int, int]]]:
    """``n`` records in all: distinct people plus, for ``duplicate_share`` of them, a second
    record by another organisation with one or two mistakes. Returns the records and the true
    duplicate pairs as ``(smaller key, larger key)``."""
    rng = random.Random(seed)
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    today = today or dt.date(2026, 1, 1)
    originals = max(1, round(n / (1 + duplicate_share)))
    records: list[SyntheticPerson] = []
    for person in range(originals):
        gender = rng.choice(("male", "male", "female"))
        first = faker.first_name_male() if gender == "male" else faker.first_name_female()
        if rng.random() < 0.25:
            first = f"{first} {faker.first_name()}"
        age_days = rng.randint(16 * 365, 70 * 365)
        dob = today - dt.timedelta(days=age_days) if rng.random() > 0.04 else None
        records.append(
            SyntheticPerson(
                key=person,
                person=person,
                owner=rng.randrange(organisations),
                surname=faker.last_name(),
                forenames=first,
                date_of_birth=dob,
                gender=gender,
                pnc_id=(
                    f"{rng.randint(0, 25):02d}/{rng.randint(1, 999999)}"
                    f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}"
                    if rng.random() < 0.3
                    else ""
                ),
            )
        )
    truth: set[tuple[int, int]] = set()
    candidates = list(range(originals))
    rng.shuffle(candidates)
    for person in candidates[: n - originals]:
        original = records[person]
        draw = rng.random()
        count = 0 if draw < 0.25 else 1 if draw < 0.8 else 2
        mistakes = tuple(rng.sample(MISTAKES, count))
        owner = (original.owner + rng.randrange(1, organisations)) % organisations
        pnc = original.pnc_id if rng.random() < 0.3 else ""
        copy = misrecord(
            replace(original, key=len(records), owner=owner, pnc_id=pnc), rng, faker, mistakes
        )
        records.append(copy)
        truth.add((original.key, copy.key))
    return records, truth


def precision_recall(
    found: set[tuple[int, int]], truth: set[tuple[int, int]]
) -> tuple[float, float]:
    """Pairwise precision and recall of ``found`` against ``truth`` (pairs as sorted tuples)."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall
