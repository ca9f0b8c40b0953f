"""A progress bar for long disruption commands: redrawn in place on a terminal, a line every
tenth of the way when the output goes to a file or a pipe (so logs stay readable)."""

from __future__ import annotations

import time

WIDTH = 30
STAGES = {"checking": "Checking", "saving": "Saving"}


class ProgressBar:
    def __init__(self, stdout, noun: str = "rows"):
        self.stdout = stdout
        self.noun = noun
        self.tty = stdout.isatty()
        self.stage = ""
        self.started = time.monotonic()
        self.next_line = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.stage and self.tty:
                self.stdout.write("")  # end the previous stage's bar
            self.stage, self.started, self.next_line = stage, time.monotonic(), 0.0
        share = done / total if total else 1.0
        label = STAGES.get(stage, stage.capitalize())
        elapsed = time.monotonic() - self.started
        if self.tty:
            filled = round(WIDTH * share)
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stdout.write(
                f"\r  {label:<8} [{bar}] {share:>4.0%}  {done:,}/{total:,} {self.noun}"
                f"  {elapsed:.1f}s",
                ending="",
            )
            self.stdout.flush()
            if done >= total:
                self.stdout.write("")
                self.stage = ""
        elif share >= self.next_line or done >= total:
            self.stdout.write(f"  {label} {done:,}/{total:,} {self.noun} ({share:.0%})")
            self.next_line = min(1.0, share + 0.1)
