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


class BadInputMiddleware:
    """Hostile input the forms and schemas let through is refused as bad input, never a
    server error: a NUL character anywhere in the request (PostgreSQL cannot store one), a
    request body beyond ``SOCMAP_MAX_REQUEST_BYTES`` (refused before it is read), and a
    value the database cannot hold (a number beyond its range) - 400 or 413 with a message,
    and the transaction that met it rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "SOCMAP_MAX_REQUEST_BYTES", None)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if limit and length.isdigit() and int(length) > limit:
            return _refuse(
                request, 413, f"The request is {int(length):,} bytes; the limit is {limit:,}."
            )
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return _refuse(request, 400, "NUL characters are not allowed.")
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/"):
            body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
            urlencoded = content_type.startswith("application/x-www-form-urlencoded")
            if b"\x00" in body or b"\\u0000" in body or (urlencoded and b"%00" in body):
                return _refuse(request, 400, "NUL characters are not allowed.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError

        if isinstance(exception, DataError | OverflowError):
            return _refuse(
                request,
                400,
                "A value is too large, too long or not allowed: check what you entered. "
                "Nothing was changed.",
            )
        return None


def _refuse(request, status: int, message: str):
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "security/bad_input.html", {"message": message}, status=status)


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
