"""PostgreSQL keeps each searched text's vector in a stored generated column: it is what the
expression gives for every row, it follows an edit at once, and a later migration can take it
off and put it back around a change to a searched column (search/stored.py)."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.db import connection

from socmap.search import documents, stored
from socmap.threats.models import Threat

from .test_search import run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("stored search vectors exist on PostgreSQL only (SQLite searches with LIKE)")


def _stored_equals_expression(kind: str) -> list[bool]:
    app_label, model_name, _ = documents.VECTORS[kind]
    model = django_apps.get_model(app_label, model_name)
    with connection.schema_editor(atomic=False) as editor:
        expression = documents.vector_sql(kind, model, editor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {documents.column_name(kind)} = ({expression}) FROM {model._meta.db_table}"  # noqa: S608 (names from code)
        )
        return [row[0] for row in cursor.fetchall()]


def test_every_stored_vector_is_what_its_expression_gives(world):
    # Given the search world's records of every kind
    # Then each row's stored vector is exactly its expression over the row's own text
    for kind in documents.VECTORS:
        assert all(_stored_equals_expression(kind)), kind
    assert _stored_equals_expression("threat")  # there are rows to compare


def test_an_edited_name_is_found_at_once(world, wiltshire_analyst):
    # Given the Kettering firm, renamed by an update that bypasses every service
    assert run(wiltshire_analyst, "firm", kind="threat").total == 1
    Threat.objects.filter(pk=world["threat"].pk).update(name="Marchwood syndicate")
    # When the analyst searches for the new name, and the old
    # Then the new name finds it and the old one no longer does
    assert run(wiltshire_analyst, "Marchwood", kind="threat").total == 1
    assert run(wiltshire_analyst, "firm", kind="threat").total == 0


def test_a_searched_column_can_change_type_between_dropping_and_adding_its_vector(
    world, wiltshire_analyst
):
    # Given a later migration widening the threat's name, as search/stored.py describes
    forwards, _ = stored.drop("threat")
    add_again, _ = stored.add("threat")
    with connection.cursor() as cursor:  # (the world's rows were written in this transaction)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        forwards(django_apps, editor)
        editor.execute('ALTER TABLE "threats_threat" ALTER COLUMN "name" TYPE varchar(400)')
        add_again(django_apps, editor)
    # Then the vector is back, equal to its expression, and the search finds the threat
    assert all(_stored_equals_expression("threat"))
    assert run(wiltshire_analyst, "Kettering", kind="threat").total == 1


def test_without_dropping_it_postgresql_refuses_the_change(world):
    # (why stored.drop exists: the generated column depends on the name)
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="generated column"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute('ALTER TABLE "threats_threat" ALTER COLUMN "name" TYPE varchar(400)')
