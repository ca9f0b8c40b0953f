"""Schemathesis against the OpenAPI schema, in-process through the WSGI application: no
operation answers a server error (5xx), whatever it is sent, signed in as a national user
holding every role (so the most code is reached) with a bearer token.

The number of generated cases per operation is bounded so that the default suite stays fast
(``SOCMAP_FUZZ_EXAMPLES``, default 2); ``make fuzz`` runs a longer pass.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from socmap.api import api

EXAMPLES = int(os.environ.get("SOCMAP_FUZZ_EXAMPLES", "2"))
# The default suite runs the random (fuzzing) phase only; ``make fuzz`` (SOCMAP_FUZZ_FULL=1)
# adds schemathesis's coverage phase (boundary values of every parameter) and the examples.
FULL = os.environ.get("SOCMAP_FUZZ_FULL") == "1"

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.config.phases.coverage.enabled = FULL
schema.config.phases.examples.enabled = FULL


@pytest.fixture(scope="module")
def national_token(django_db_setup, django_db_blocker):
    """A national user with every role and a bearer token, made once for the module (inside a
    transaction rolled back at the end, like every test's own changes)."""
    from django.db import transaction

    from socmap.orgs.models import Organisation, Role
    from socmap.orgs.services import create_api_token, create_user
    from socmap.reference import ensure_all

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_all()
            roles = [c for c in Role.CODES if c not in (Role.PARTNER, Role.INSPECTOR)]
            user = create_user(
                actor=None,
                username="fuzz.national",
                email="fuzz@test.example",
                first_name="Fuzz",
                last_name="National",
                roles=roles,
                organisation=Organisation.objects.get(short_name="NCA"),
                password="correct-horse-battery-staple",
            ).user
            _, raw = create_api_token(actor=None, user=user, name="fuzz", days=1)
            yield {"Authorization": f"Bearer {raw}"}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def bearer(national_token, db):
    return national_token


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes database connections at the end of each request (as in
    production); the test's transaction lives on that connection, so, like Django's test
    client, keep it open while the test runs."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_no_operation_answers_a_server_error(case, bearer):
    case.call_and_validate(checks=[not_a_server_error], headers=bearer)
