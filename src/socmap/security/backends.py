"""The log-in backend with lockout (django-axes).

Every log-in over the web passes its request, so axes counts failures per username and per
client address and refuses attempts while either is locked. An in-process call without a
request (a management command, the shell, a test) is not a network log-in: it is checked
by the next backend (Django's ModelBackend) alone.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials) -> str:
    """Log-in names are matched without regard to case, so failures are counted that way."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()[:150]
