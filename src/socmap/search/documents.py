"""The text socmap searches in each kind of record, as PostgreSQL full-text expressions.

Each vector here is used twice: by the migration, which builds a GIN expression index from it on
the record's own table, and by the search query, which matches the same expression, so
PostgreSQL answers from the index. Nothing is copied into a second table, so nothing can go
stale: an imported, bulk-inserted or edited record is searchable the moment it is committed.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector

CONFIG = "english"


def vector(*weighted: tuple[str, str]):
    """``SearchVector(field, weight=w) || ...`` with socmap's text configuration."""
    parts = [SearchVector(field, weight=weight, config=CONFIG) for field, weight in weighted]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined + part
    return combined


# kind -> (app label, model name, weighted fields). Weight A: names and titles; B: the body.
VECTORS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "threat": (
        "threats",
        "Threat",
        (("name", "A"), ("operation_names", "A"), ("description", "B")),
    ),
    "nominal": (
        "people",
        "Nominal",
        (("surname", "A"), ("forenames", "A"), ("pnc_id", "A"), ("notes", "C")),
    ),
    "alias": ("people", "Alias", (("name", "A"),)),
    "plan": ("plans", "Plan", (("look_for", "B"),)),
    "objective": ("plans", "Objective", (("description", "B"),)),
    "action": ("plans", "Action", (("description", "B"),)),
    "disruption": (
        "disruptions",
        "Disruption",
        (("operation_name", "A"), ("narrative", "B")),
    ),
    "intel_reference": ("intel", "IntelligenceReport", (("external_reference", "A"),)),
    "intel_original": ("intel", "IntelligenceReport", (("text", "B"),)),
    "sanitised_copy": ("intel", "SanitisedCopy", (("text", "B"),)),
}

# Trigram (pg_trgm) indexes for typo-tolerant names: (app label, model name, field).
TRIGRAM_FIELDS = (
    ("people", "Nominal", "surname"),
    ("people", "Nominal", "forenames"),
    ("people", "Alias", "name"),
)


def vector_for(kind: str):
    return vector(*VECTORS[kind][2])


def index_name(kind: str) -> str:
    return f"search_fts_{kind}"[:30]


def trigram_index_name(model: str, field: str) -> str:
    return f"search_trgm_{model.lower()}_{field}"[:30]
