"""Probabilistic record linkage of people with splink (DuckDB backend, in memory).

The model is the Fellegi-Sunter one splink implements: each pair of records is compared on
names (with aliases), date of birth, gender and PNC ID; each comparison lands in one *level*
("the same", "forenames and surname swapped", "day and month swapped", "one typing
error"...), and each level carries an ``m`` probability (how often two records of the same
person land there) and a ``u`` probability (how often two different people do). A pair's
match weight is the sum of ``log2(m/u)`` over its levels plus the log-odds of the prior;
its match probability follows from the weight.

socmap trains the model on its own records every run (see docs/methodology.md, "Finding
the same person recorded twice"):

* ``u`` by random sampling of record pairs (nearly all random pairs are different people),
  capped at :data:`U_SAMPLE_PAIRS`; a level no sampled pair fell in gets the least ``u`` the
  sample can tell apart;
* ``m`` by expectation-maximisation from sensible starting values, in two sessions on a
  capped sample of pairs: one among pairs born on the same day (training the names and PNC
  ID), one among pairs with the same names (training the date of birth), so that each
  comparison is trained only where it is free to vary; both hold gender fixed (names are
  gendered), whose m probabilities keep their starting values;
* the prior (how likely two random records are the same person) by expectation-
  maximisation over the scored pairs: the expected number of true pairs among them, over
  all pairs.

Only pairs that share a *blocking* key are scored (:data:`BLOCKING_RULES`); the keys are
chosen so that each kind of keying mistake leaves at least one of them intact. Scored pairs
stay in DuckDB; only those at or above the threshold come back to Python.

Plain functions over plain records, no Django: the service layer reads the nominals a user
may see, calls :func:`find_candidate_pairs` and records the result.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import math
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_THRESHOLD = 0.9  # match probability at which a pair goes to the review queue
U_SAMPLE_PAIRS = 10_000_000  # random pairs for the u probabilities (at most)
EM_SAMPLE_PAIRS = 2_000_000  # blocked pairs for each expectation-maximisation session
MIN_RECORDS_TO_TRAIN = 50
M_FLOOR = 1e-3  # the least m probability a level may have (see _floor_probabilities)
M_FLOORS = {"gender": 0.01}  # a gender keyed wrongly is not that rare
U_FLOOR = 1e-9
DEFAULT_PRIOR = 1e-4
PRIOR_BOUNDS = (1e-12, 0.5)
KEEP_PROBABILITY = 1e-4  # scored pairs below this (at the first prior) are dropped at once
PRIOR_ITERATIONS = 200
DEFAULT_MEMORY_LIMIT = os.environ.get("SOCMAP_LINKAGE_MEMORY_LIMIT", "4GB")
NICKNAMES_FILE = Path(__file__).parent / "fixtures" / "nicknames.csv"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkageRecord:
    id: int
    surname: str
    forenames: str = ""
    date_of_birth: dt.date | None = None
    gender: str = ""
    pnc_id: str = ""
    aliases: tuple[str, ...] = ()
    owner_id: int | None = None


@dataclass(frozen=True)
class CandidatePair:
    left_id: int  # the smaller id
    right_id: int
    match_weight: float
    match_probability: float
    levels: dict[str, str]  # comparison -> the level the pair fell in, with its weight


@dataclass
class LinkageResult:
    pairs: list[CandidatePair]
    records: int
    comparisons: int  # pairs scored after blocking
    seconds: float
    trained: bool
    prior: float  # probability two random records are the same person
    parameters: list[dict] = field(default_factory=list)  # per comparison level: m, u, weight
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    blocked_by_rule: dict[str, int] = field(default_factory=dict)  # pairs each rule added


def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "O'Neil-Smith " ->
    "oneil smith"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z ]+", "", text.lower().replace("-", " "))
    return " ".join(text.split())


@functools.cache
def nicknames() -> dict[str, str]:
    """Normalised forename or nickname -> the formal name it stands for (the first listed,
    where a nickname stands for several), from fixtures/nicknames.csv."""
    table: dict[str, str] = {}
    with NICKNAMES_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            formal = normalise_name(row["name"])
            table.setdefault(formal, formal)
            for nickname in row["nicknames"].split():
                table.setdefault(normalise_name(nickname), formal)
    return table


def _name_key(forenames: str, surname: str) -> str:
    """The same for "John Smith" and "Smith John": the two parts, sorted."""
    return "|".join(sorted((forenames, surname)))


def _split_alias(alias: str) -> tuple[str, str]:
    parts = alias.split(" ")
    return " ".join(parts[:-1]), parts[-1]


COLUMNS = (
    "unique_id",
    "surname",
    "forenames",
    "first_forename",
    "forename_key",  # the formal name a nickname stands for (Billy -> william)
    "surname_key",  # the same, of the surname (for forenames and surname swapped)
    "full_name",
    "name_key",  # forenames and surname, sorted: the same when swapped
    "canon_key",  # formal first forename and surname, sorted
    "alias_keys",  # canon_key of each alias
    "alias_key",  # the first two, for blocking
    "alias_key_2",
    "dob",
    "birth_date",
    "birth_year",
    "birth_day",
    "gender",
    "pnc_id",
)


def _rows(records: Iterable[LinkageRecord]) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    canonical = nicknames()

    def canon_key(forenames: str, surname: str) -> str:
        first = forenames.split(" ")[0]
        return _name_key(canonical.get(first, first), surname)

    for record in records:
        surname = normalise_name(record.surname)
        forenames = normalise_name(record.forenames)
        first = forenames.split(" ")[0] if forenames else ""
        own = canon_key(forenames, surname)
        alias_keys = sorted(
            {canon_key(*_split_alias(a)) for a in map(normalise_name, record.aliases) if a} - {own}
        )
        dob = record.date_of_birth
        gender = (record.gender or "").lower()
        values = {
            "unique_id": record.id,
            "surname": surname or None,
            "forenames": forenames or None,
            "first_forename": first or None,
            "forename_key": canonical.get(first, first) or None,
            "surname_key": canonical.get(surname, surname) or None,
            "full_name": f"{forenames} {surname}".strip() or None,
            "name_key": _name_key(forenames, surname) if surname else None,
            "canon_key": own if surname else None,
            "alias_keys": alias_keys or None,
            "alias_key": alias_keys[0] if alias_keys else None,
            "alias_key_2": alias_keys[1] if len(alias_keys) > 1 else None,
            "dob": dob.isoformat() if dob else None,
            "birth_date": dob,
            "birth_year": dob.year if dob else None,
            "birth_day": dob.strftime("%m-%d") if dob else None,
            "gender": gender if gender in ("male", "female") else None,
            "pnc_id": (record.pnc_id or "").upper().replace(" ", "") or None,
        }
        for name in COLUMNS:
            columns[name].append(values[name])
    return columns


# --------------------------------------------------------------------------- the model

# Which pairs are scored: each rule is an equality join, and each kind of mistake leaves at
# least one rule intact (a pair with two mistakes usually too). Name -> SQL condition.
BLOCKING_RULES: dict[str, str] = {
    "same date of birth and forename initial": (
        "l.dob = r.dob and substr(l.first_forename, 1, 1) = substr(r.first_forename, 1, 1)"
    ),
    "same date of birth and surname initial": (
        "l.dob = r.dob and substr(l.surname, 1, 1) = substr(r.surname, 1, 1)"
    ),
    "same date of birth, initials crossed (names swapped)": (
        "l.dob = r.dob and substr(l.surname, 1, 1) = substr(r.first_forename, 1, 1)"
    ),
    "same date of birth, initials crossed the other way": (
        "l.dob = r.dob and substr(l.first_forename, 1, 1) = substr(r.surname, 1, 1)"
    ),
    "same names (either order) and year of birth": (
        "l.name_key = r.name_key and l.birth_year = r.birth_year"
    ),
    "same names (either order) and day and month of birth": (
        "l.name_key = r.name_key and l.birth_day = r.birth_day"
    ),
    "same names (either order), a date of birth missing": (
        "l.name_key = r.name_key and (l.dob is null or r.dob is null)"
    ),
    "same surname and forename (or nickname), year of birth": (
        "l.surname = r.surname and l.forename_key = r.forename_key and l.birth_year = r.birth_year"
    ),
    "same surname and forename (or nickname), day and month of birth": (
        "l.surname = r.surname and l.forename_key = r.forename_key and l.birth_day = r.birth_day"
    ),
    "same surname and forename (or nickname), a date of birth missing": (
        "l.surname = r.surname and l.forename_key = r.forename_key "
        "and (l.dob is null or r.dob is null)"
    ),
    "same surname, forename initial and year of birth": (
        "l.surname = r.surname and substr(l.first_forename, 1, 1) = "
        "substr(r.first_forename, 1, 1) and l.birth_year = r.birth_year"
    ),
    "same forename, surname initial and year of birth": (
        "l.first_forename = r.first_forename and substr(l.surname, 1, 1) = "
        "substr(r.surname, 1, 1) and l.birth_year = r.birth_year"
    ),
    "same surname, forename initial and day and month of birth": (
        "l.surname = r.surname and substr(l.first_forename, 1, 1) = "
        "substr(r.first_forename, 1, 1) and l.birth_day = r.birth_day"
    ),
    "same forename, surname initial and day and month of birth": (
        "l.first_forename = r.first_forename and substr(l.surname, 1, 1) = "
        "substr(r.surname, 1, 1) and l.birth_day = r.birth_day"
    ),
    "same PNC ID": "l.pnc_id = r.pnc_id",
    # (the first two aliases of each person)
    "an alias of one is the name of the other": "l.alias_key = r.canon_key",
    "the name of one is an alias of the other": "l.canon_key = r.alias_key",
    "a second alias of one is the name of the other": "l.alias_key_2 = r.canon_key",
    "the name of one is a second alias of the other": "l.canon_key = r.alias_key_2",
    "the same alias": "l.alias_key = r.alias_key",
}


def _prefix(a: str, b: str) -> str:
    """SQL: one of ``a`` and ``b`` (three letters or more) begins the other."""
    return (
        f"(least(length({a}), length({b})) >= 3 "
        f"and (starts_with({a}, {b}) or starts_with({b}, {a})))"
    )


# Each fuzzy level starts with a cheap equality that any pair it is meant for passes (one
# typing error leaves either the forenames or the surname intact...), so that the costly
# string distances are computed for a few pairs only.
NAME_LEVELS = [
    # (label, SQL, starting m, starting u)
    ("Forenames and surname the same", "full_name_l = full_name_r", 0.45, 1e-5),
    (
        "Forenames and surname swapped",
        "forenames_l = surname_r and surname_l = forenames_r",
        0.12,
        1e-8,
    ),
    (
        # Aliases belong here, not in a comparison of their own: a person recorded under an
        # alias has a different surname, and that must not count against the pair twice.
        "The name of one is an alias of the other",
        "(alias_keys_l is not null or alias_keys_r is not null) and ("
        "list_contains(coalesce(alias_keys_l, []::varchar[]), canon_key_r) "
        "or list_contains(coalesce(alias_keys_r, []::varchar[]), canon_key_l) "
        "or list_has_any(coalesce(alias_keys_l, []::varchar[]), "
        "coalesce(alias_keys_r, []::varchar[])))",
        0.12,
        1e-6,
    ),
    (
        "One typing error in the names",
        "(surname_l = surname_r or forenames_l = forenames_r) "
        "and damerau_levenshtein(full_name_l, full_name_r) <= 1",
        0.10,
        1e-6,
    ),
    (
        "Same surname and first forename, other forenames differ",
        "surname_l = surname_r and first_forename_l = first_forename_r",
        0.02,
        1e-5,
    ),
    (
        "A nickname or shortened forename",
        "(forename_key_l = forename_key_r "
        f"or {_prefix('first_forename_l', 'first_forename_r')}) "
        "and damerau_levenshtein(surname_l, surname_r) <= 1",
        0.10,
        1e-5,
    ),
    (
        "Swapped, with a typing error or a nickname",
        "(forenames_l = surname_r and (damerau_levenshtein(surname_l, forenames_r) <= 1 "
        f"or surname_key_l = forename_key_r or {_prefix('surname_l', 'first_forename_r')})) "
        "or (surname_l = forenames_r and (damerau_levenshtein(forenames_l, surname_r) <= 1 "
        f"or forename_key_l = surname_key_r or {_prefix('first_forename_l', 'surname_r')}))",
        0.03,
        1e-7,
    ),
    (
        "Similar forenames and surname, same initials",
        "substr(surname_l, 1, 1) = substr(surname_r, 1, 1) "
        "and substr(forenames_l, 1, 1) = substr(forenames_r, 1, 1) "
        "and jaro_winkler_similarity(forenames_l, forenames_r) >= 0.88 "
        "and jaro_winkler_similarity(surname_l, surname_r) >= 0.88",
        0.02,
        1e-4,
    ),
    ("Same surname only", "surname_l = surname_r", 0.02, 5e-3),
    ("Same first forename only", "first_forename_l = first_forename_r", 0.1, 5e-3),
]
# Two neighbouring digits swapped, or one digit wrong, leave the year or the day and month
# intact (the digits are never neighbours across a dash).
SAME_YEAR_OR_DAY = (
    "(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) or substr(dob_l, 6, 5) = substr(dob_r, 6, 5))"
)
DATE_LEVELS = [
    ("The same", "dob_l = dob_r", 0.80, 5e-5),
    (
        "Day and month swapped",
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) and substr(dob_l, 6, 2) = "
        "substr(dob_r, 9, 2) and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
        0.06,
        2e-5,
    ),
    (
        "Two neighbouring digits swapped",
        f"{SAME_YEAR_OR_DAY} and damerau_levenshtein(dob_l, dob_r) = 1 "
        "and levenshtein(dob_l, dob_r) = 2",
        0.08,
        2e-4,
    ),
    (
        "A few days apart",
        "abs(date_diff('day', birth_date_l, birth_date_r)) <= 3",
        0.03,
        3e-4,
    ),
    ("One digit wrong", f"{SAME_YEAR_OR_DAY} and levenshtein(dob_l, dob_r) = 1", 0.01, 2e-3),
]


def _levels_with_else(cll, null_sql: str, levels, else_m: float, else_u: float, tf=None):
    tf = tf or {}
    out = [cll.CustomLevel(null_sql, label_for_charts="Not recorded").configure(is_null_level=True)]
    for label, sql, m, u in levels:
        level = cll.CustomLevel(sql, label_for_charts=label).configure(
            m_probability=m, u_probability=u
        )
        if label in tf:
            level = level.configure(tf_adjustment_column=tf[label])
        out.append(level)
    out.append(
        cll.ElseLevel().configure(
            m_probability=else_m, u_probability=else_u, label_for_charts="Different"
        )
    )
    return out


def _settings(term_frequencies: bool = True):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator
    from splink.blocking_rule_library import CustomRule

    names = cl.CustomComparison(
        output_column_name="names",
        comparison_description="Forenames and surname",
        comparison_levels=_levels_with_else(
            cll,
            "surname_l is null or surname_r is null",
            NAME_LEVELS,
            0.02,
            0.99,
            tf={
                "Forenames and surname the same": "full_name",
                "Same surname only": "surname",
                "Same first forename only": "first_forename",
            }
            if term_frequencies
            else None,
        ),
    )
    date_of_birth = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=_levels_with_else(
            cll, "dob_l is null or dob_r is null", DATE_LEVELS, 0.03, 0.998
        ),
    )
    gender = cl.CustomComparison(
        output_column_name="gender",
        comparison_description="Gender",
        comparison_levels=_levels_with_else(
            cll,
            "gender_l is null or gender_r is null",
            [("The same", "gender_l = gender_r", 0.98, 0.55)],
            0.02,
            0.45,
        ),
    )
    pnc = cl.CustomComparison(
        output_column_name="pnc_id",
        comparison_description="PNC ID",
        comparison_levels=_levels_with_else(
            cll,
            "pnc_id_l is null or pnc_id_r is null",
            [("The same", "pnc_id_l = pnc_id_r", 0.99, 1e-7)],
            0.01,
            0.9999999,
        ),
    )
    rules = [CustomRule(sql) for sql in BLOCKING_RULES.values()]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=DEFAULT_PRIOR,
        comparisons=[names, date_of_birth, gender, pnc],
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # for the gamma (level) of each kept pair
        additional_columns_to_retain=[],
    )


RULE_NAMES = list(BLOCKING_RULES)


# --------------------------------------------------------------------------- training


def _levels(linker):
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level:
                yield comparison, level


def _train(linker, records: int, seed: int, notes: list[str], say) -> bool:
    from splink import block_on

    total_pairs = records * (records - 1) / 2
    if records < MIN_RECORDS_TO_TRAIN:
        notes.append(
            f"Only {records} records: the starting m and u probabilities were kept (training "
            f"needs at least {MIN_RECORDS_TO_TRAIN})."
        )
        return False
    starting = {
        (c.output_column_name, lv.label_for_charts): lv.u_probability for c, lv in _levels(linker)
    }
    max_pairs = min(U_SAMPLE_PAIRS, total_pairs)
    say(f"Estimating u from {max_pairs:,.0f} random pairs...")
    clock = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    unobserved = []
    least = 1 / max_pairs
    for comparison, level in _levels(linker):
        if not level._has_estimated_u_values or not level._trained_u_median:
            # No sampled pair fell in this level: it is rarer than the sample can tell.
            start = starting[(comparison.output_column_name, level.label_for_charts)]
            level.u_probability = min(start or least, least)
            unobserved.append(f"{comparison.output_column_name}: {level.label_for_charts}")
    if unobserved:
        notes.append(
            "No random pair fell in "
            + "; ".join(unobserved)
            + f" (u set to at most 1 in {max_pairs:,.0f})."
        )
    logger.info("u estimated in %.1f s", time.perf_counter() - clock)
    sessions = (
        # (blocking rule, comparisons this session trains). Names are gendered: among people
        # born on the same day, or of the same name, different people share a gender far
        # more often than random pairs do, so both sessions hold gender fixed rather than
        # mistake it for evidence of a match; its m probabilities keep their starting values.
        (block_on("dob", "gender"), ("names", "pnc_id")),
        (block_on("surname", "forenames", "gender"), ("date_of_birth",)),
    )
    trained_m: dict[tuple[str, str], float] = {}
    trained = False
    for blocking, comparisons in sessions:
        say(f"Training m by expectation-maximisation ({', '.join(comparisons)})...")
        clock = time.perf_counter()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                blocking,
                estimate_without_term_frequencies=True,
                max_pairs=EM_SAMPLE_PAIRS,
            )
        except Exception as failure:  # splink raises plain exceptions on degenerate data
            notes.append(f"Training {', '.join(comparisons)} was skipped ({failure}).")
            continue
        trained = True
        logger.info("EM session %s in %.1f s", comparisons, time.perf_counter() - clock)
        for comparison, level in _levels(linker):
            if comparison.output_column_name in comparisons and level.m_probability:
                trained_m[(comparison.output_column_name, level.label_for_charts)] = (
                    level.m_probability
                )
    # Each comparison keeps the m values of the session that trained it freely.
    for comparison, level in _levels(linker):
        key = (comparison.output_column_name, level.label_for_charts)
        if key in trained_m:
            level.m_probability = trained_m[key]
    return trained


def _floor_probabilities(linker) -> None:
    """No level may prove or disprove a match on its own: a gender or PNC ID keyed wrongly
    must not give minus infinity, nor a level unseen among random pairs plus infinity."""
    for comparison, level in _levels(linker):
        floor = M_FLOORS.get(comparison.output_column_name, M_FLOOR)
        if level.m_probability is not None and level.m_probability < floor:
            level.m_probability = floor
        if level.u_probability is not None and level.u_probability < U_FLOOR:
            level.u_probability = U_FLOOR


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def estimate_prior(
    bayes_factor_weights: Sequence[float], total_pairs: float, start: float
) -> float:
    """The prior by expectation-maximisation with the m and u probabilities held: the
    expected number of true pairs among the scored pairs (each counted by its match
    probability at the current prior), over all pairs; repeated until it settles. Pairs
    that were not scored count as different people. ``bayes_factor_weights`` are the
    pairs' match weights without the prior."""
    import numpy as np

    weights = np.asarray(bayes_factor_weights, dtype=float)
    if not len(weights) or total_pairs <= 0:
        return start
    prior = min(max(start, PRIOR_BOUNDS[0]), PRIOR_BOUNDS[1])
    for _ in range(PRIOR_ITERATIONS):
        probabilities = 1 / (1 + np.exp2(-(weights + _logit2(prior))))
        new = min(max(float(probabilities.sum()) / total_pairs, PRIOR_BOUNDS[0]), PRIOR_BOUNDS[1])
        if abs(math.log(new / prior)) < 1e-6:
            return new
        prior = new
    return prior


# --------------------------------------------------------------------------- running


def _connect(memory_limit: str | None, threads: int | None):
    import duckdb

    connection = duckdb.connect(":memory:")
    # Spill large joins to the system's temporary folder, never into the working directory.
    spill = Path(tempfile.gettempdir()) / "socmap-duckdb"
    connection.execute(f"SET temp_directory = '{spill}'")
    connection.execute(f"SET memory_limit = '{memory_limit or DEFAULT_MEMORY_LIMIT}'")
    connection.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    connection.execute("SET preserve_insertion_order = false")
    return connection


def find_candidate_pairs(
    records: Sequence[LinkageRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    term_frequencies: bool = True,
) -> LinkageResult:
    """Score the likely duplicate pairs among ``records`` and return those whose match
    probability is at least ``threshold``, strongest first."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    say = progress or (lambda message: None)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        timings[stage] = round(now - since, 3)
        return now

    notes: list[str] = []
    if len(records) < 2:
        return LinkageResult([], len(records), 0, 0.0, False, 0.0, [], ["Fewer than two people."])
    logging.getLogger("splink").setLevel(logging.ERROR)
    connection = _connect(memory_limit, threads)
    try:
        db_api = DuckDBAPI(connection)
        table = db_api.register(pa.table(_rows(records)), table_name="people")
        linker = Linker(table, _settings(term_frequencies), log_level=logging.ERROR)
        mark = lap("prepare", started)
        trained = _train(linker, len(records), seed, notes, say)
        _floor_probabilities(linker)
        mark = lap("train", mark)
        total_pairs = len(records) * (len(records) - 1) / 2
        prior = _first_prior(linker, total_pairs, notes)
        say("Finding the pairs to compare (blocking)...")
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        blocked_by_rule = _blocked_by_rule(connection, blocked.physical_name)
        comparisons = sum(blocked_by_rule.values())
        mark = lap("block", mark)
        say(f"Scoring {comparisons:,} pairs...")
        predictions, prior = _score(linker, connection, prior, total_pairs, threshold, trained)
        mark = lap("score", mark)
        parameters = _parameters(linker)
        pairs = _fetch_pairs(connection, linker, predictions, threshold)
        lap("fetch", mark)
    finally:
        connection.close()
    return LinkageResult(
        pairs,
        len(records),
        int(comparisons),
        time.perf_counter() - started,
        trained,
        float(prior),
        parameters,
        notes,
        timings,
        blocked_by_rule,
    )


def _first_prior(linker, total_pairs: float, notes: list[str]) -> float:
    """A first prior, from the pairs that agree exactly on name and date of birth (taken
    as half of the true pairs); :func:`estimate_prior` refines it once pairs are scored."""
    from splink import block_on

    settings = linker._settings_obj
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("full_name", "dob")], recall=0.5
        )
        prior = settings._probability_two_random_records_match
    except Exception:  # splink raises plain exceptions on degenerate data
        prior = None
    if not prior or not PRIOR_BOUNDS[0] <= prior <= PRIOR_BOUNDS[1]:
        # never 1 (two people, one pair): the prior's log-odds would be infinite
        prior = min(max(DEFAULT_PRIOR, 1 / max(total_pairs, 1)), PRIOR_BOUNDS[1])
    settings._probability_two_random_records_match = prior
    return prior


def _blocked_by_rule(connection, table: str) -> dict[str, int]:
    counts = dict(
        connection.execute(
            f"select match_key, count(*) from {table} group by match_key"  # noqa: S608
        ).fetchall()
    )
    return {name: int(counts.get(str(i), counts.get(i, 0))) for i, name in enumerate(RULE_NAMES)}


def _score(linker, connection, prior: float, total_pairs: float, threshold: float, trained):
    """Score the blocked pairs, keeping in DuckDB only those that could matter; then settle
    the prior on them (scoring again if it moved far)."""
    settings = linker._settings_obj
    for attempt in range(2):
        settings._probability_two_random_records_match = prior
        keep = min(KEEP_PROBABILITY, threshold / 10)
        predictions = linker.inference.predict(
            threshold_match_weight=_logit2(keep), warning_mode="never"
        )
        if not trained:
            return predictions, prior
        weights = [
            row[0] - _logit2(prior)
            for row in connection.execute(
                f"select match_weight from {predictions.physical_name}"  # noqa: S608
            ).fetchall()
        ]
        settled = estimate_prior(weights, total_pairs, prior)
        moved = _logit2(settled) - _logit2(prior)
        if attempt == 0 and moved > math.log2(threshold / keep) - 1:
            # Pairs dropped as unlikely could now reach the threshold: score them again.
            predictions.drop_table_from_database_and_remove_from_cache()
            prior = settled
            continue
        _reweigh(connection, predictions.physical_name, moved)
        settings._probability_two_random_records_match = settled
        return predictions, settled
    raise AssertionError("unreachable")  # pragma: no cover


def _reweigh(connection, table: str, shift: float) -> None:
    if abs(shift) < 1e-12:
        return
    connection.execute(
        f"update {table} set match_weight = match_weight + ?, "  # noqa: S608
        "match_probability = 1 / (1 + pow(2, -(match_weight + ?)))",
        [shift, shift],
    )


def _fetch_pairs(connection, linker, predictions, threshold: float) -> list[CandidatePair]:
    comparisons = linker._settings_obj.comparisons
    names = [c.output_column_name for c in comparisons]
    labels = {
        c.output_column_name: {
            lv.comparison_vector_value: lv.label_for_charts for lv in c.comparison_levels
        }
        for c in comparisons
    }
    tf_columns = {
        column[0]
        for column in connection.execute(
            f"select * from {predictions.physical_name} limit 0"  # noqa: S608
        ).description
    }

    def partial(name: str) -> str:
        if f"mw_tf_adj_{name}" in tf_columns:
            return f"mw_{name} + mw_tf_adj_{name}"
        return f"mw_{name}"

    cursor = connection.execute(
        "select unique_id_l, unique_id_r, match_weight, match_probability, "  # noqa: S608
        + ", ".join(f"gamma_{n}, {partial(n)}" for n in names)
        + f" from {predictions.physical_name} where match_probability >= ? "
        "order by match_weight desc, unique_id_l, unique_id_r",
        [threshold],
    )
    pairs = []
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            levels = {}
            for i, name in enumerate(names):
                gamma, weight = row[4 + 2 * i], row[5 + 2 * i]
                label = labels[name].get(gamma, "")
                levels[name] = "Not recorded" if gamma == -1 else f"{label} ({weight:+.1f})"
            pairs.append(
                CandidatePair(
                    min(row[0], row[1]),
                    max(row[0], row[1]),
                    round(float(row[2]), 3),
                    float(row[3]),
                    levels,
                )
            )
    return pairs


def _parameters(linker) -> list[dict]:
    out = []
    for comparison, level in _levels(linker):
        m, u = level.m_probability, level.u_probability
        weight = math.log2(m / u) if m and u else None
        out.append(
            {
                "comparison": comparison.output_column_name,
                "level": level.label_for_charts,
                "m": round(m, 6) if m is not None else None,
                "u": float(f"{u:.4g}") if u is not None else None,
                "weight": round(weight, 3) if weight is not None else None,
            }
        )
    return out
