"""API for the threats app. Thin: parse, call a selector or a service."""

from ninja import Router

router = Router(tags=["threats"])
