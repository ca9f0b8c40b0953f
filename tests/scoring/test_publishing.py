"""Publishing methodology versions: all or nothing, versions are immutable, and a new version
becomes current without touching past assessments."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.scoring.methodology import METHODOLOGY_DIR, parse_methodology
from socmap.scoring.models import MethodologyVersion
from socmap.scoring.services import (
    load_methodology_files,
    methodology_version,
    publish_methodologies,
)

from .conftest import TOP_ANSWERS


def matrix_document() -> dict:
    return yaml.safe_load((METHODOLOGY_DIR / "group-matrix.yaml").read_text())


def version_2(**changes) -> dict:
    document = copy.deepcopy(matrix_document())
    document["version"] = 2
    document.update(changes)
    return document


def write(tmp_path: Path, name: str, document) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document) if not isinstance(document, str) else document)
    return path


def test_republishing_a_version_unchanged_is_harmless(db, wiltshire_admin):
    outcome = publish_methodologies(
        actor=wiltshire_admin, methodologies=[parse_methodology(matrix_document())]
    )
    assert outcome == {"group-matrix@1": "unchanged"}


def test_the_same_version_with_different_content_is_refused(db, wiltshire_admin):
    # given group-matrix@1 with its weight for criminality changed but its version kept
    document = matrix_document()
    document["attributes"][0]["weight"] = 9
    before = MethodologyVersion.objects.count()
    # when it is published, then it is refused and nothing changes
    with pytest.raises(InvalidInput) as refused:
        publish_methodologies(actor=wiltshire_admin, methodologies=[parse_methodology(document)])
    assert "group-matrix@1 is already published with different content" in refused.value.summary()
    assert MethodologyVersion.objects.count() == before
    assert methodology_version("group-matrix@1").document == matrix_document()


def test_nothing_is_published_when_one_of_several_files_is_bad(db, wiltshire_admin, tmp_path):
    good = write(tmp_path, "matrix-2.yaml", version_2())
    broken = version_2(name="broken")
    del broken["attributes"][2]["weight"]
    bad = write(tmp_path, "broken.yaml", broken)
    before = MethodologyVersion.objects.count()
    with pytest.raises(InvalidInput) as refused:
        load_methodology_files(actor=wiltshire_admin, paths=[good, bad])
    assert "broken.yaml" in refused.value.summary()
    assert "attribute 'violence' has no weight" in refused.value.summary()
    assert MethodologyVersion.objects.count() == before
    assert methodology_version("group-matrix").version == 1


def test_unreadable_yaml_is_named(db, wiltshire_admin, tmp_path):
    bad = write(tmp_path, "mangled.yaml", "name: [unclosed\n")
    with pytest.raises(InvalidInput, match="mangled.yaml: .*the YAML cannot be read"):
        load_methodology_files(actor=wiltshire_admin, paths=[bad])


def test_a_new_version_becomes_current_and_past_assessments_keep_theirs(
    db, wiltshire_admin, wiltshire_analyst, map_ocg
):
    # given a threat assessed with group-matrix@1
    threat = map_ocg(wiltshire_analyst, answers=TOP_ANSWERS)
    first = threat.assessments.get()
    # when version 2 is published
    outcome = publish_methodologies(
        actor=wiltshire_admin, methodologies=[parse_methodology(version_2())]
    )
    # then it is current, version 1 is kept, and the assessment still points at version 1
    assert outcome == {"group-matrix@2": "published"}
    assert methodology_version("group-matrix").label == "group-matrix@2"
    assert not methodology_version("group-matrix@1").is_current
    first.refresh_from_db()
    assert first.methodology.label == "group-matrix@1"
    assert AuditEvent.objects.filter(action="methodology.published").exists()


def test_only_administrators_publish(db, wiltshire_analyst):
    with pytest.raises(PermissionDenied):
        publish_methodologies(
            actor=wiltshire_analyst, methodologies=[parse_methodology(version_2())]
        )
