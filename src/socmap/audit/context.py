"""Request details (client address) that audit events pick up without every service
having to pass the request along."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("socmap_client_ip", default=None)
_request: ContextVar[object | None] = ContextVar("socmap_request", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


def current_request():
    """The request being answered (for exports, which stamp who made them), or ``None``."""
    return _request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(request.META.get("REMOTE_ADDR") or None)
        request_token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(request_token)
            _client_ip.reset(token)
