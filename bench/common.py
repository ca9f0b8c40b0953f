"""What the benchmark scripts share: where they measure, how they start Django, how they time.

A script run as ``python bench/NAME.py`` puts the repository on ``sys.path`` itself (its own
folder is what Python adds) and imports this as ``bench.common``, as ``python -m bench.national``
does.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(default: str, *, sqlite_fallback: bool = True) -> str:
    """``DATABASE_URL``, else ``default`` when a PostgreSQL server answers (or always, without
    ``sqlite_fallback``), else ``""``: measure on SQLite and say so."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if not sqlite_fallback:
        return default
    try:
        import psycopg

        psycopg.connect(default.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        return default
    except Exception as unreachable:  # noqa: BLE001
        print(f"No PostgreSQL on 127.0.0.1:5432 ({unreachable}); measuring on SQLite instead.")
        return ""


def setup_django(url: str, scratch: Path) -> None:
    """Django on ``url`` (SQLite when empty), its files under ``scratch``."""
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SOCMAP_VAR_DIR", str(scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def timed(function, repeat: int) -> dict:
    """``function`` run ``repeat`` times: median, p95, best and worst in ms, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(
            1000 * sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1
        ),
        "best_ms": round(1000 * min(times), 1),
        "worst_ms": round(1000 * max(times), 1),
        "runs": repeat,
        "result": result,
    }
