""".ci/run: `make test` on SQLite, then on PostgreSQL when one is reachable, saying why not.

The script is run from a copy of the project's .ci folder with stand-ins for `make` (which
records the DATABASE_URL each pass sees) and for the virtual environment's python (the
PostgreSQL probe), so these tests run no suite and need no server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ci_copy(tmp_path):
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    make = bin_dir / "make"
    make.write_text('#!/bin/sh\necho "make $* DATABASE_URL=${DATABASE_URL-unset}" >> "$CI_LOG"\n')
    make.chmod(0o755)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    return tmp_path


def _probe(root: Path, *, reachable: bool) -> None:
    python = root / ".venv" / "bin" / "python"
    body = (
        "cat > /dev/null; exit 0"
        if reachable
        else ("cat > /dev/null; echo 'connection refused' >&2; exit 1")
    )
    python.write_text(f"#!/bin/sh\n{body}\n")
    python.chmod(0o755)


def _run(root: Path, **env) -> tuple[subprocess.CompletedProcess, list[str]]:
    log = root / "ci.log"
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "PATH": f"{root / 'fake-bin'}:{os.environ['PATH']}",
        "CI_LOG": str(log),
        **env,
    }
    done = subprocess.run(  # noqa: S603 - our own script
        [shutil.which("bash") or "/bin/bash", str(root / ".ci" / "run")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done, log.read_text().splitlines() if log.exists() else []


def test_with_database_url_the_first_pass_still_runs_on_sqlite(ci_copy):
    done, passes = _run(ci_copy, DATABASE_URL="postgres://postgres@db.example:5432/ci")
    assert done.returncode == 0, done.stderr
    assert passes == [
        "make test DATABASE_URL=unset",
        "make test DATABASE_URL=postgres://postgres@db.example:5432/ci",
    ]


def test_without_database_url_the_local_server_is_used_when_it_answers(ci_copy):
    _probe(ci_copy, reachable=True)
    done, passes = _run(ci_copy)
    assert done.returncode == 0, done.stderr
    assert passes == [
        "make test DATABASE_URL=unset",
        "make test DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ]


def test_without_a_server_the_postgresql_pass_is_skipped_saying_why(ci_copy):
    _probe(ci_copy, reachable=False)
    done, passes = _run(ci_copy)
    assert done.returncode == 0, done.stderr
    assert passes == ["make test DATABASE_URL=unset"]
    assert "PostgreSQL pass SKIPPED" in done.stdout
    assert "connection refused" in done.stdout
