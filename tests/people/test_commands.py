"""`socmap nominals` and `socmap import-nominals` at the command line."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from socmap.audit.models import AuditEvent
from socmap.people.models import Nominal

HEADER = "surname,forenames,date_of_birth,gender,nationality,pnc_id,aliases,flags\n"


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _run_failing(*args) -> tuple[str, str]:
    """The CommandError message and what the command wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return str(failed.value), err.getvalue()


def _csv(tmp_path, text: str):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_list_as_a_user_sees_it(wiltshire_analyst, dorset_analyst, person):
    person(wiltshire_analyst, "Smith", aliases=["Big Dave"])
    person(wiltshire_analyst, "Jones")
    person(dorset_analyst, "Dorsetman")
    output = _run("nominals", "--as", "wiltshire.analyst")
    assert output.index("Jones") < output.index("Smith")
    assert "Dorsetman" not in output
    assert "2 people." in output
    assert "Smith" in _run("nominals", "--as", "wiltshire.analyst", "--search", "big dave")


def test_without_as_the_operator_sees_everyone(wiltshire_analyst, dorset_analyst, person):
    person(wiltshire_analyst, "Smith", iom=True)
    person(dorset_analyst, "Dorsetman", iom=True, mappa=True)
    person(dorset_analyst, "Plain")
    rows = list(csv.reader(io.StringIO(_run("nominals", "--flag", "iom", "--format", "csv"))))
    assert rows[0][:3] == ["id", "surname", "forenames"]
    assert [(r[1], r[7]) for r in rows[1:]] == [("Dorsetman", "iom;mappa"), ("Smith", "iom")]
    assert "No people match." in _run("nominals", "--search", "nobody")


def test_an_unknown_flag_or_user_is_a_clear_error(db):
    message, _ = _run_failing("nominals", "--flag", "dangerous")
    assert "Unknown flag 'dangerous'" in message
    message, _ = _run_failing("nominals", "--as", "nobody")
    assert message == "There is no active user called 'nobody'."


def test_an_import_records_everyone_with_aliases_and_flags(tmp_path, wiltshire_analyst):
    path = _csv(
        tmp_path,
        HEADER
        + "Smith,John,1990-05-01,male,British,19/123456A,Big Dave;Smithy,iom;mappa\n"
        + "Jones,Mary,04/03/1985,F,,,,vulnerable\n",
    )
    output = _run("import-nominals", path, "--owner", "wiltshire", "--as", "wiltshire.analyst")
    assert "Checking 2 rows" in output and "checked 2 of 2 rows" in output
    assert "Recorded 2 people for Wiltshire" in output
    smith = Nominal.objects.get(surname="Smith")
    assert smith.iom and smith.mappa and smith.pnc_id == "19/123456A"
    assert sorted(smith.aliases.values_list("name", flat=True)) == ["Big Dave", "Smithy"]
    jones = Nominal.objects.get(surname="Jones")
    assert jones.date_of_birth.isoformat() == "1985-03-04" and jones.gender == "female"
    assert jones.vulnerable and jones.owner.slug == "wiltshire"
    assert AuditEvent.objects.filter(action="nominals.imported").count() == 1


def test_an_import_with_bad_rows_saves_nothing_and_lists_every_problem(tmp_path, wiltshire_analyst):
    path = _csv(
        tmp_path,
        HEADER
        + "Smith,John,1990-05-01,male,,19/123456A,,\n"  # fine
        + ",Nobody,,,,,,\n"  # no surname
        + "Jones,Mary,2999-01-01,,,bad-pnc,,\n"  # future birth, bad PNC ID
        + "Brown,Bob,,alien,,19/123456A,,dangerous\n",  # gender, duplicate PNC, flag
    )
    message, errors = _run_failing(
        "import-nominals", path, "--owner", "wiltshire", "--as", "wiltshire.analyst"
    )
    assert message == "Nothing was imported: 6 problems found in 4 rows."
    assert "line 3, column 'surname'" in errors
    assert "line 4, column 'date_of_birth': The date of birth cannot be in the future." in errors
    assert "line 4, column 'pnc_id'" in errors
    assert "line 5, column 'gender'" in errors
    assert "line 5, column 'flags': Unknown flag 'dangerous'" in errors
    assert "line 5, column 'pnc_id': PNC ID 19/123456A is already given on line 2." in errors
    assert not Nominal.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="nominal").exists()


def test_a_row_with_a_bad_flag_also_has_its_other_problems_named(tmp_path, wiltshire_analyst):
    # Given a row with an unknown gender, a future date of birth and no surname
    path = _csv(tmp_path, HEADER + ",Ann,2999-01-01,robot,,,,\n")
    # When it is imported, then every problem of the row is listed, not only the first kind
    message, errors = _run_failing(
        "import-nominals", path, "--owner", "wiltshire", "--as", "wiltshire.analyst"
    )
    assert message == "Nothing was imported: 3 problems found in 1 row."
    assert "line 2, column 'gender'" in errors
    assert "line 2, column 'surname'" in errors
    assert "line 2, column 'date_of_birth': The date of birth cannot be in the future." in errors
    assert not Nominal.objects.exists()


def test_an_import_refuses_people_already_recorded(tmp_path, wiltshire_analyst, person):
    person(wiltshire_analyst, "Smith", pnc_id="19/123456A")
    path = _csv(tmp_path, HEADER + "Smith,John,,,,19/123456a,,\n")
    message, errors = _run_failing("import-nominals", path, "--owner", "wiltshire")
    assert "PNC ID 19/123456A is already recorded for Wiltshire." in errors
    assert Nominal.objects.count() == 1


def test_an_import_for_another_force_is_refused(tmp_path, dorset_analyst):
    path = _csv(tmp_path, HEADER + "Smith,John,,,,,,\n")
    message, _ = _run_failing(
        "import-nominals", path, "--owner", "wiltshire", "--as", "dorset.analyst"
    )
    assert message == "You may not record people for Wiltshire."
    assert not Nominal.objects.exists()


def test_an_import_with_a_wrong_header_or_no_rows_is_refused(tmp_path, db):
    message, errors = _run_failing(
        "import-nominals", _csv(tmp_path, "name,colour\nSmith,red\n"), "--owner", "wiltshire"
    )
    assert "line 1, column 'surname': The header has no 'surname' column." in errors
    assert "Unknown column 'colour'" in errors
    message, errors = _run_failing(
        "import-nominals", _csv(tmp_path, HEADER), "--owner", "wiltshire"
    )
    assert message == "Nothing was imported: 1 problem found in 0 rows."
    assert "line 2: The file has no people in it" in errors
    message, _ = _run_failing("import-nominals", str(tmp_path / "missing.csv"), "--owner", "x")
    assert message.startswith("No such file")
    message, _ = _run_failing("import-nominals", _csv(tmp_path, HEADER), "--owner", "atlantis")
    assert message == "There is no organisation with the slug 'atlantis'."


def test_the_nominal_command_shows_a_person_as_their_page_does(
    wiltshire_analyst, dorset_analyst, person
):
    # Given a Wiltshire person with an alias and an associate, and a Dorset associate
    from socmap.people.services import add_alias, link_people

    boss = person(wiltshire_analyst, "Boss", "Al", pnc_id="19/123456A", mappa=True)
    runner = person(wiltshire_analyst, "Runner", "Bo")
    hidden = person(dorset_analyst, "Hidden", "Cy")
    add_alias(actor=wiltshire_analyst, nominal=boss, name="Big Al")
    link_people(actor=wiltshire_analyst, source=boss, target=runner, kind="exploits")
    # When the Wiltshire analyst looks the person up
    output = _run("nominal", str(boss.pk), "--as", "wiltshire.analyst")
    # Then they see the details, flags, alias and associate
    assert output.startswith(f"BOSS, Al (id {boss.pk}, recorded by Wiltshire)")
    assert "19/123456A" in output and "MAPPA" in output and "Big Al" in output
    assert "Exploits" in output and "RUNNER, Bo" in output
    # And a person outside their scope is not found, as on the page
    message, _ = _run_failing("nominal", str(hidden.pk), "--as", "wiltshire.analyst")
    assert message == f"There is no person {hidden.pk} you can see."
    assert '"name": "HIDDEN, Cy"' in _run("nominal", str(hidden.pk), "--format", "json")
