"""Reference data loaders. Each app registers a loader for the reference data it ships
(forces, crime types, scoring methodologies...); ``socmap load-reference`` runs them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Loader:
    order: int
    name: str
    load: Callable[..., str]  # (actor) -> summary
    is_loaded: Callable[[], bool]


_LOADERS: dict[str, Loader] = {}


def reference_loader(order: int, name: str, *, is_loaded: Callable[[], bool]):
    def register(fn):
        _LOADERS[name] = Loader(order, name, fn, is_loaded)
        return fn

    return register


def loaders() -> list[Loader]:
    return sorted(_LOADERS.values(), key=lambda loader: loader.order)


def load_all(actor=None) -> list[tuple[str, str]]:
    return [(loader.name, loader.load(actor)) for loader in loaders()]


def ensure_all() -> None:
    """Load whatever reference data is missing (tests and the demo call this)."""
    for loader in loaders():
        if not loader.is_loaded():
            loader.load(None)
