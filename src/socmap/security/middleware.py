"""Middleware: the second factor at sign-in, and the security headers of every answer."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from socmap.security import two_factor


def _exempt(path: str) -> bool:
    prefixes = (
        reverse("security:two-factor"),
        reverse("security:two-factor-verify"),
        reverse("logout"),
        reverse("login"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )
    return path.startswith(prefixes)


class SecondFactorMiddleware:
    """After the password: a user with a second factor enters a code before anything else;
    a user who must have one and has none enrols first. (A bearer token is a credential of
    its own, issued by an administrator: scripts are not asked for a code.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _exempt(request.path):
            target = None
            if two_factor.has_second_factor(user):
                if not user.is_verified():
                    target = "security:two-factor-verify"
            elif two_factor.is_required(user):
                target = "security:two-factor"
            if target is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Complete the second factor at sign-in first."}, status=403
                    )
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # width of bars in the figures tables
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
API_DOCS = ("/api/docs",)  # django-ninja's Swagger page loads its scripts from a CDN


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a content security policy (no inline script, no
    framing, forms post only to socmap), a permissions policy, and no caching of what a
    signed-in user was shown (OFFICIAL-SENSITIVE pages stay out of shared browser caches)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_DOCS):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
