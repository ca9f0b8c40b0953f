"""A tasking meeting moves a threat to another owner (``transfer_threat``, the hook the
tasking board uses): the threat's audit history records it, and bad moves change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.threats.services import transfer_threat

pytestmark = pytest.mark.django_db


def test_a_threat_moves_to_its_rocu_and_the_move_is_recorded(
    wiltshire_analyst, map_ocg, org
):
    threat = map_ocg(wiltshire_analyst)
    transfer_threat(actor=wiltshire_analyst, threat=threat, owner=org("SWROCU"),
                    reason="Regional reach")  # fmt: skip
    threat.refresh_from_db()
    assert threat.owner == org("SWROCU")
    event = AuditEvent.objects.get(action="threat.transferred", target_id=str(threat.pk))
    assert event.changes["owner"] == ["Wiltshire", org("SWROCU").name]
    assert event.reason == "Regional reach"


@pytest.mark.parametrize(
    ("owner", "reason", "message"),
    [
        ("Wiltshire Council", "x", "owned by a force, a ROCU or the NCA"),
        ("Wiltshire", "x", "already owns"),
        ("SWROCU", " ", "Record why the threat moves"),
    ],
)
def test_bad_moves_are_refused(wiltshire_analyst, map_ocg, org, wiltshire_council, owner,
                               reason, message):  # fmt: skip
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(InvalidInput, match=message):
        transfer_threat(actor=wiltshire_analyst, threat=threat, owner=org(owner), reason=reason)
    threat.refresh_from_db()
    assert threat.owner == org("Wiltshire")


def test_only_mappers_who_see_the_threat_move_it(wiltshire_analyst, dorset_analyst, map_ocg,
                                                 inspector, org):  # fmt: skip
    threat = map_ocg(wiltshire_analyst)
    for outsider in (dorset_analyst, inspector):
        with pytest.raises(PermissionDenied):
            transfer_threat(actor=outsider, threat=threat, owner=org("NCA"), reason="x")
