"""Probabilistic record linkage of people with splink (DuckDB backend, in memory).

The model is the Fellegi-Sunter one splink implements: each pair of records is compared on
names, date of birth, aliases, gender and PNC ID, each comparison lands in one *level*
("exact", "day and month swapped", "one typing error"...), and each level carries an
``m`` probability (how often true matches land there) and a ``u`` probability (how often
two different people do). A pair's match weight is the sum of ``log2(m/u)`` over its levels
plus the prior; its match probability follows from the weight.

socmap trains the model on its own records every run:

* ``u`` by random sampling of record pairs (nearly all random pairs are different people);
* the prior (how likely two random records are the same person) from pairs that agree on
  name and date of birth exactly;
* ``m`` by expectation-maximisation, in two sessions blocked on different fields so that each
  comparison is trained while it is free to vary.

Plain functions over plain records, no Django: the service layer reads the nominals a user
may see, calls :func:`find_candidate_pairs` and records the result. See
docs/methodology.md, "Finding the same person recorded twice".
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_THRESHOLD = 0.9  # match probability at which a pair goes to the review queue
U_SAMPLE_PAIRS = 1_000_000
MIN_RECORDS_TO_TRAIN = 50
M_FLOOR = 1e-3  # the least m probability a level may have (see _floor_probabilities)
U_FLOOR = 1e-7
DEFAULT_PRIOR = 1e-4
PRIOR_BOUNDS = (1e-9, 0.5)  # fewer records than this: keep the starting m values


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
    levels: dict[str, str]  # comparison -> the level the pair fell in


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


def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "O'Neil-Smith " ->
    "oneil smith"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z ]+", "", text.lower().replace("-", " "))
    return " ".join(text.split())


def _rows(records: Iterable[LinkageRecord]) -> dict[str, list]:
    columns: dict[str, list] = {
        name: []
        for name in (
            "unique_id",
            "surname",
            "forenames",
            "first_forename",
            "full_name",
            "alias_names",
            "dob",
            "birth_year",
            "gender",
            "pnc_id",
            "owner_id",
        )
    }
    for record in records:
        surname = normalise_name(record.surname)
        forenames = normalise_name(record.forenames)
        first = forenames.split(" ")[0] if forenames else ""
        aliases = sorted({normalise_name(a) for a in record.aliases} - {""})
        columns["unique_id"].append(record.id)
        columns["surname"].append(surname or None)
        columns["forenames"].append(forenames or None)
        columns["first_forename"].append(first or None)
        columns["full_name"].append(f"{first} {surname}".strip() or None)
        columns["alias_names"].append(aliases or None)
        dob = record.date_of_birth
        columns["dob"].append(dob.isoformat() if dob else None)
        columns["birth_year"].append(dob.year if dob else None)
        gender = (record.gender or "").lower()
        columns["gender"].append(gender if gender in ("male", "female") else None)
        columns["pnc_id"].append((record.pnc_id or "").upper().replace(" ", "") or None)
        columns["owner_id"].append(record.owner_id)
    return columns


def _settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    names = cl.ForenameSurnameComparison(
        "forenames", "surname", jaro_winkler_thresholds=[0.92, 0.85]
    ).configure(m_probabilities=[0.7, 0.04, 0.12, 0.06, 0.03, 0.03, 0.02])
    date_of_birth = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "and substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                label_for_charts="Day and month swapped",
            ),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="One digit wrong or two swapped"
            ),
            cll.AbsoluteDifferenceLevel("birth_year", 1).configure(
                label_for_charts="Within a year"
            ),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.85, 0.04, 0.05, 0.03, 0.03])
    aliases = cl.CustomComparison(
        output_column_name="aliases",
        comparison_description="Name recorded as an alias of the other",
        comparison_levels=[
            cll.CustomLevel(
                "alias_names_l is null and alias_names_r is null", label_for_charts="No aliases"
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "list_contains(coalesce(alias_names_l, []), full_name_r) "
                "or list_contains(coalesce(alias_names_r, []), full_name_l) "
                "or len(list_intersect(coalesce(alias_names_l, []), "
                "coalesce(alias_names_r, []))) > 0",
                label_for_charts="An alias of one is a name of the other",
            ),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.3, 0.7])
    gender = cl.ExactMatch("gender").configure(m_probabilities=[0.97, 0.03])
    pnc = cl.ExactMatch("pnc_id").configure(m_probabilities=[0.9, 0.1])
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[names, date_of_birth, aliases, gender, pnc],
        blocking_rules_to_generate_predictions=[
            block_on("dob", "substr(first_forename, 1, 1)"),
            block_on("dob", "substr(surname, 1, 1)"),
            "l.dob = r.dob and substr(l.surname, 1, 1) = substr(r.forenames, 1, 1)",
            block_on("surname", "first_forename"),
            "l.surname = r.forenames and l.forenames = r.surname",
            block_on("pnc_id"),
            block_on("substr(surname, 1, 3)", "birth_year", "substr(first_forename, 1, 2)"),
            block_on("surname", "substr(dob, 6, 5)"),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


def _train(linker, records: int, seed: int, notes: list[str]) -> bool:
    from splink import block_on

    if records < MIN_RECORDS_TO_TRAIN:
        notes.append(
            f"Only {records} records: the starting m probabilities were kept (expectation-"
            f"maximisation needs at least {MIN_RECORDS_TO_TRAIN})."
        )
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("surname", "forenames", "dob")], recall=0.7
        )
    except Exception as failure:  # splink raises plain exceptions on degenerate data
        notes.append(f"The prior could not be estimated ({failure}); 1 in 10,000 was used.")
    settings = linker._settings_obj
    prior = settings._probability_two_random_records_match
    if not prior or not PRIOR_BOUNDS[0] <= prior <= PRIOR_BOUNDS[1]:
        if prior:
            notes.append(
                f"The estimated prior {prior:.3g} was out of bounds; 1 in 10,000 was used."
            )
        else:
            notes.append(
                "No pair agreed exactly on name and date of birth; a prior of 1 in 10,000 was used."
            )
        settings._probability_two_random_records_match = DEFAULT_PRIOR
    max_pairs = min(U_SAMPLE_PAIRS, records * (records - 1) / 2)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    if records < MIN_RECORDS_TO_TRAIN:
        return False
    trained = False
    for blocking in (block_on("dob"), block_on("surname")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                blocking, estimate_without_term_frequencies=True
            )
            trained = True
        except Exception as failure:
            notes.append(f"One training session was skipped ({failure}).")
    _floor_probabilities(linker)
    return trained


def _floor_probabilities(linker) -> None:
    """No level may prove or disprove a match on its own: a gender or PNC ID keyed wrongly
    must not give minus infinity, nor a level unseen among random pairs plus infinity."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            if level.m_probability is not None and level.m_probability < M_FLOOR:
                level.m_probability = M_FLOOR
            if level.u_probability is not None and level.u_probability < U_FLOOR:
                level.u_probability = U_FLOOR


def find_candidate_pairs(
    records: Sequence[LinkageRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 2026,
) -> LinkageResult:
    """Score the likely duplicate pairs among ``records`` and return those whose match
    probability is at least ``threshold``, strongest first."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    started = time.perf_counter()
    notes: list[str] = []
    if len(records) < 2:
        return LinkageResult([], len(records), 0, 0.0, False, 0.0, [], ["Fewer than two people."])
    logging.getLogger("splink").setLevel(logging.ERROR)
    connection = duckdb.connect(":memory:")
    # Spill large joins to the system's temporary folder, never into the working directory.
    connection.execute(f"SET temp_directory = '{Path(tempfile.gettempdir()) / 'socmap-duckdb'}'")
    db_api = DuckDBAPI(connection)
    table = db_api.register(pa.table(_rows(records)), table_name="people")
    linker = Linker(table, _settings(), log_level=logging.ERROR)
    linker._settings_obj._probability_two_random_records_match = DEFAULT_PRIOR
    trained = _train(linker, len(records), seed, notes)
    predictions = linker.inference.predict(warning_mode="never")
    comparisons = connection.execute(
        f"select count(*) from {predictions.physical_name}"  # noqa: S608 (splink's own table)
    ).fetchone()[0]
    parameters = _parameters(linker)
    names = [c.output_column_name for c in linker._settings_obj.comparisons]
    rows = connection.execute(
        "select unique_id_l, unique_id_r, match_weight, match_probability, "  # noqa: S608
        + ", ".join(f"mw_{name}" for name in names)
        + f" from {predictions.physical_name} where match_probability >= ? "
        "order by match_weight desc, unique_id_l, unique_id_r",
        [threshold],
    ).fetchall()
    pairs = [
        CandidatePair(
            min(row[0], row[1]),
            max(row[0], row[1]),
            round(float(row[2]), 3),
            float(row[3]),
            {name: _level_label(parameters, name, row[4 + i]) for i, name in enumerate(names)},
        )
        for row in rows
    ]
    prior = linker._settings_obj._probability_two_random_records_match
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
    )


def _level_label(parameters: list[dict], comparison: str, weight: float | None) -> str:
    """The level of ``comparison`` whose weight is ``weight`` (splink reports each pair's
    partial match weight, not its level)."""
    if weight is None or abs(weight) < 1e-9:
        return "Not recorded"
    levels = [p for p in parameters if p["comparison"] == comparison and p["weight"] is not None]
    if not levels:
        return ""
    best = min(levels, key=lambda p: abs(p["weight"] - weight))
    return f"{best['level']} ({weight:+.1f})"


def _parameters(linker) -> list[dict]:
    out = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m, u = level.m_probability, level.u_probability
            weight = math.log2(m / u) if m and u else None
            out.append(
                {
                    "comparison": comparison.output_column_name,
                    "level": level.label_for_charts,
                    "m": round(m, 6) if m is not None else None,
                    "u": round(u, 8) if u is not None else None,
                    "weight": round(weight, 3) if weight is not None else None,
                }
            )
    return out
