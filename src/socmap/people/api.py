"""API for the people app. Thin: parse, call a selector or a service."""

from ninja import Router

router = Router(tags=["people"])
