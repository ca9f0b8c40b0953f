"""The JSON API: one NinjaAPI, one router per app, OpenAPI at /api/docs.

Authentication is the browser session (with CSRF on unsafe methods) or a bearer token
from ``socmap create-api-token``. Service errors become the same messages the pages show.
"""

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from socmap.concurrency import Conflict
from socmap.errors import ImportRejected, InvalidInput
from socmap.orgs.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="socmap API",
    version="1.0.0",
    description=(
        "Serious and organised crime threat mapping. Every list is limited to what the "
        "signed-in user may see; a record outside that scope answers 404."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api-1.0.0",
)


@api.exception_handler(InvalidInput)
def _invalid_input(request, exc: InvalidInput):
    return api.create_response(
        request, {"detail": exc.summary(), "errors": exc.field_errors}, status=400
    )


@api.exception_handler(ImportRejected)
def _import_rejected(request, exc: ImportRejected):
    return api.create_response(
        request,
        {
            "detail": str(exc),
            "rows_read": exc.rows_read,
            "row_errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in exc.row_errors
            ],
        },
        status=400,
    )


@api.exception_handler(Conflict)
def _conflict(request, exc: Conflict):
    return api.create_response(
        request,
        {"detail": exc.summary(), "version": exc.current, "errors": exc.field_errors},
        status=409,
    )


BAD_VALUE = (
    "A value is too large, too long or not allowed (a number beyond the database's range, a "
    "NUL character): check what you sent. Nothing was changed."
)


@api.exception_handler(DataError)
def _bad_value(request, exc):
    return api.create_response(request, {"detail": BAD_VALUE}, status=400)


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    return api.create_response(request, {"detail": BAD_VALUE}, status=400)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do that."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Sign in, or send a valid bearer token."}, status=401
    )


def _add_routers() -> None:
    from socmap.audit.api import router as audit_router
    from socmap.disruptions.api import router as disruptions_router
    from socmap.intel.api import router as intel_router
    from socmap.lifetime.api import router as lifetime_router
    from socmap.networks.api import router as networks_router
    from socmap.orgs.api import router as orgs_router
    from socmap.people.api import router as people_router
    from socmap.performance.api import router as performance_router
    from socmap.plans.api import router as plans_router
    from socmap.profiles.api import router as profiles_router
    from socmap.retention.api import router as retention_router
    from socmap.scoring.api import router as scoring_router
    from socmap.search.api import router as search_router
    from socmap.security.api import router as security_router
    from socmap.threats.api import router as threats_router

    api.add_router("/", orgs_router)
    api.add_router("/audit", audit_router)
    api.add_router("/people", people_router)
    api.add_router("/threats", threats_router)
    api.add_router("/scoring", scoring_router)
    api.add_router("/plans", plans_router)
    api.add_router("/disruptions", disruptions_router)
    api.add_router("/lifetime", lifetime_router)
    api.add_router("/intel", intel_router)
    api.add_router("/networks", networks_router)
    api.add_router("/performance", performance_router)
    api.add_router("/profiles", profiles_router)
    api.add_router("/search", search_router)
    api.add_router("/security", security_router)
    api.add_router("/retention", retention_router)


_add_routers()
