"""Session rules beyond Django's idle expiry."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from socmap.orgs.scoping import remembering

SESSION_STARTED = "socmap_session_started"
SESSION_RENEWED = "socmap_session_renewed"
RENEW_EVERY_SECONDS = 60  # how often a busy session's idle limit is pushed back


class AbsoluteSessionLimitMiddleware:
    """End a session a fixed time after log-in, however active it is, and send a user
    whose password must be changed to the password page before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED, int(time.time()))
            if time.time() - started > settings.SOCMAP_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('login')}?expired=1")
            _renew_idle_limit(request.session)
            if getattr(user, "password_change_required", False) and not _exempt(request.path):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"detail": "You must change your temporary password before using socmap."},
                        status=403,
                    )
                return redirect("password_change")
        return self.get_response(request)


def _renew_idle_limit(session) -> None:
    """Push the idle limit back (a session saved starts its SESSION_COOKIE_AGE again), at most
    once a minute: saving the session on every request wrote to the database for every page,
    and each of the threat page's parts, only to move its expiry on by seconds."""
    now = int(time.time())
    if now - session.get(SESSION_RENEWED, 0) >= RENEW_EVERY_SECONDS:
        session[SESSION_RENEWED] = now


def _exempt(path: str) -> bool:
    allowed = (reverse("password_change"), reverse("logout"), settings.STATIC_URL)
    return any(
        path.startswith(prefix if prefix.startswith("/") else "/" + prefix) for prefix in allowed
    )


class RememberScopeMiddleware:
    """While a request that only reads (GET, HEAD) is answered, scoped queries reuse the small
    sets they depend on instead of repeating them as sub-queries (orgs.scoping.remembering).
    Requests that write are left alone, so what they change is seen at once."""

    SAFE = frozenset({"GET", "HEAD"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.SAFE:
            return self.get_response(request)
        with remembering():
            return self.get_response(request)
