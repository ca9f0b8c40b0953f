"""The text socmap searches in each kind of record, as PostgreSQL full-text expressions.

Each vector here is kept, on PostgreSQL, in a stored generated column of the record's own
table (``fts_<kind>``, migration search/0002), GIN-indexed: the database computes it when a row
is written, so an imported, bulk-inserted or edited record is searchable the moment it is
committed and nothing can go stale. The search matches and ranks that column; ranking from an
expression instead made PostgreSQL parse every matching report's text again (``ts_rank`` over
tens of thousands of matches at the national scale).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Expression
from django.db.models.expressions import Col

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


def column_name(kind: str) -> str:
    """The stored generated column holding ``kind``'s vector (PostgreSQL only)."""
    return f"fts_{kind}"


def vector_sql(kind: str, model, schema_editor) -> str:
    """The SQL of ``kind``'s vector over ``model``'s own columns, as Django compiles it for an
    index (so the generated column and the old expression index are the same expression)."""
    from django.db.models.sql import Query

    query = Query(model, alias_cols=False)
    expression = vector_for(kind).resolve_expression(query)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(expression)
    return sql % tuple(schema_editor.quote_value(p) for p in params)


class StoredVector(Expression):
    """The record's ``fts_<kind>`` column in a query (not a model field: only PostgreSQL has
    it, and no page reads it), resolved against the query's own table alias so it works in
    subqueries too."""

    output_field = SearchVectorField()

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False,
                           for_save=False):  # fmt: skip
        target = SearchVectorField()
        target.set_attributes_from_name(column_name(self.kind))
        target.model = query.model
        return Col(query.get_initial_alias(), target, output_field=SearchVectorField())


def index_name(kind: str) -> str:
    return f"search_fts_{kind}"[:30]


def trigram_index_name(model: str, field: str) -> str:
    return f"search_trgm_{model.lower()}_{field}"[:30]
