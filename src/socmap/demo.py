"""The synthetic demo data generator behind ``socmap demo-data``.

Each app contributes a step with :func:`demo_step`; steps run in order with one shared
:class:`DemoContext`, whose random source and Faker are seeded, so the same ``--forces`` and
``--seed`` always give the same data. Steps must be safe to run again (they skip what exists).
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from faker import Faker

DEMO_PASSWORD = "socmap-demo-2026"  # noqa: S105  (printed by make demo; demo data only)
SCALE_VARIABLE = "SOCMAP_DEMO_SCALE"


def default_scale() -> float:
    """The volume of synthetic records, 1.0 unless ``SOCMAP_DEMO_SCALE`` says otherwise (the
    test suite runs the generator at a small scale to stay fast)."""
    raw = os.environ.get(SCALE_VARIABLE, "").strip()
    try:
        return float(raw) if raw else 1.0
    except ValueError:
        return 1.0


@dataclass
class DemoContext:
    seed: int
    force_count: int
    rng: random.Random
    faker: Faker
    out: TextIO
    password: str = DEMO_PASSWORD
    scale: float = 1.0  # multiplies the volume of people and threats (1.0: thousands)
    forces: list = field(default_factory=list)
    personas: dict = field(default_factory=dict)  # username -> (User, description)

    def say(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[DemoContext], str]


_STEPS: dict[str, DemoStep] = {}


def demo_step(order: int, name: str):
    """Register ``fn(context) -> summary`` as a step of the generator."""

    def register(fn: Callable[[DemoContext], str]):
        _STEPS[name] = DemoStep(order, name, fn)
        return fn

    return register


def steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: s.order)


def make_context(
    *, forces: int, seed: int, out: TextIO | None = None, scale: float | None = None
) -> DemoContext:
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    return DemoContext(
        seed=seed,
        force_count=forces,
        rng=random.Random(seed),
        faker=faker,
        out=out or sys.stdout,
        scale=default_scale() if scale is None else scale,
    )


def generate(
    *, forces: int, seed: int, out: TextIO | None = None, scale: float | None = None
) -> DemoContext:
    """Run every registered step; each step is its own transaction."""
    context = make_context(forces=forces, seed=seed, out=out, scale=scale)
    all_steps = steps()
    for number, step in enumerate(all_steps, start=1):
        context.say(f"[{number}/{len(all_steps)}] {step.name}...")
        summary = step.run(context)
        context.say(f"      {summary}")
    return context
