"""Order types and breach outcomes are reference data: the shipped files load, and a file that
breaks the rules is refused whole, with every problem named."""

from __future__ import annotations

import pytest
import yaml

from socmap.errors import InvalidInput
from socmap.lifetime.models import Applicant, BreachOutcome, OrderType
from socmap.lifetime.services import (
    ORDER_TYPES_FILE,
    load_breach_outcomes,
    load_order_types,
    parse_order_types,
)


def test_the_shipped_order_types_load_with_their_sources():
    applicants, types, problems = parse_order_types(yaml.safe_load(ORDER_TYPES_FILE.read_text()))
    assert problems == []
    codes = {t["code"] for t in types}
    assert {
        "scpo",
        "fro",
        "tro",
        "stpo",
        "stro",
        "kcpo",
        "cbo",
        "gang-injunction",
        "shpo",
        "svro",
        "confiscation",
        "afo",
        "uwo",
        "closure-order",
    } <= codes
    assert all(t["statute"] for t in types)
    assert len(applicants) >= 10


def test_loading_twice_refreshes_without_duplicates(db):
    load_order_types()
    first = (OrderType.objects.count(), Applicant.objects.count())
    load_order_types()
    assert (OrderType.objects.count(), Applicant.objects.count()) == first
    assert OrderType.objects.get(code="scpo").rule.duration.max_months == 60
    load_breach_outcomes()
    assert BreachOutcome.objects.get(code="arrested").tactic == "arrest"


def test_a_broken_order_types_file_is_refused_whole(db, tmp_path):
    bad = {
        "applicants": [{"code": "cps", "name": "CPS"}, {"code": "cps", "name": "Again"}],
        "order_types": [
            {
                "code": "x",
                "name": "X",
                "statute": "",
                "duration": {"min_months": 10, "max_months": 5},
                "applicants": ["police"],
                "start_on_release": "sometimes",
                "colour": "red",
            },
            {
                "code": "y",
                "name": "Y",
                "statute": "Act",
                "duration": {"time_limited": False},
                "applicants": ["cps"],
                "start_on_release": "required",
            },
        ],
    }
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(InvalidInput) as refused:
        load_order_types(path=path)
    problems = " | ".join(refused.value.field_errors["order_types"])
    for expected in (
        "applicant 'cps' is listed twice",
        "'x': name the statute",
        "the minimum is longer than the maximum",
        "unknown applicants police",
        "start_on_release must be one of",
        "unknown settings colour",
        "an order that starts on release needs a duration",
    ):
        assert expected in problems
    assert not OrderType.objects.filter(code__in=["x", "y"]).exists()


def test_a_breach_outcome_with_action_needs_a_tactic(db, tmp_path):
    path = tmp_path / "outcomes.yaml"
    path.write_text(
        yaml.safe_dump(
            [
                {"code": "arrested", "name": "Arrested", "action": True},
                {"code": "odd", "name": "Odd", "tactic": "teleport"},
            ]
        )
    )
    from socmap.reference import ensure_all

    ensure_all()
    with pytest.raises(InvalidInput) as refused:
        load_breach_outcomes(path=path)
    text = " ".join(refused.value.field_errors["breach_outcomes"])
    assert "needs a tactic" in text and "'teleport' is not a disruption tactic" in text
