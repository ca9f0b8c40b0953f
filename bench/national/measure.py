"""The measurements of issue 10 on the national dataset, each beside a baseline of the same
run (the floor the same work has on this machine), so that the ratio means something on a
shared, noisy machine."""

from __future__ import annotations

import copy
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import timed as _timed

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
)


def machine() -> dict:
    from django.db import connection

    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        settings = {}
        for name in SERVER_SETTINGS:  # the figures depend on them: say what they were
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": server,
        "database_size": size,
        "postgresql_settings": settings,
    }


def data_sizes() -> dict:
    from socmap.disruptions.models import Disruption
    from socmap.intel.models import IntelligenceReport
    from socmap.orgs.models import Organisation, OrganisationKind
    from socmap.people.models import Alias, Association, Nominal
    from socmap.scoring.models import Assessment
    from socmap.threats.models import Membership, Status, Threat

    return {
        "forces": Organisation.objects.filter(kind=OrganisationKind.FORCE).count(),
        "active_threats": Threat.objects.filter(status=Status.ACTIVE).count(),
        "archived_threats": Threat.objects.filter(status=Status.ARCHIVED).count(),
        "assessments": Assessment.objects.count(),
        "nominals": Nominal.objects.count(),
        "aliases": Alias.objects.count(),
        "memberships": Membership.objects.count(),
        "associations": Association.objects.count(),
        "disruptions": Disruption.objects.count(),
        "disruption_threat_links": Disruption.threats.through.objects.count(),
        "disruption_people_links": Disruption.nominals.through.objects.count(),
        "intelligence_reports": IntelligenceReport.objects.count(),
        "intelligence_links": IntelligenceReport.threats.through.objects.count()
        + IntelligenceReport.nominals.through.objects.count(),
    }


def _user(name: str):
    from socmap.orgs.models import User

    return User.objects.get(username=name)


# --------------------------------------------------------------------------- ranking


def ranking(repeat: int = 7) -> dict:
    """The force ranking as the page, API and CLI compute it, beside the same count straight
    from the disruptions table (no rollup)."""
    from bench.performance_ranking import raw_ranking_count

    from socmap.performance import selectors as s

    options = s.default_options()
    officer = _user("bench.nca")
    timed = _timed(lambda: s.ranking(officer, options), repeat)
    table = timed.pop("result")
    raw = _timed(lambda: raw_ranking_count(options.period), max(3, repeat // 2))
    raw.pop("result")
    return {
        "ranking": timed,
        "forces_compared": table.average.forces,
        "disruptions_counted": table.average.count,
        "baseline_raw_group_by": raw,
        "ratio_to_baseline": round(timed["median_ms"] / raw["median_ms"], 3),
    }


# --------------------------------------------------------------------------- re-scoring


def _next_version(name: str):
    """A new version of a shipped methodology with one weight changed, published through
    ``publish_methodologies`` as an administrator would."""
    from socmap.scoring.methodology import parse_methodology
    from socmap.scoring.models import MethodologyVersion
    from socmap.scoring.services import publish_methodologies

    current = MethodologyVersion.objects.get(name=name, is_current=True)
    document = copy.deepcopy(current.document)
    document["version"] = current.version + 1
    document["attributes"][0]["weight"] = float(document["attributes"][0]["weight"]) + 1
    publish_methodologies(actor=None, methodologies=[parse_methodology(document)])
    return MethodologyVersion.objects.get(name=name, version=current.version + 1)


def rescore() -> dict:
    """Re-score every active threat (``rescore_active_threats``, the service behind the page,
    the API and ``socmap rescore``) with a new version of each methodology; beside it, the
    pure scoring of the same inputs alone, with no database (the floor)."""
    from socmap.scoring.methodology import score
    from socmap.scoring.models import Assessment
    from socmap.scoring.services import rescore_active_threats
    from socmap.threats.models import Status

    figures = {"by_methodology": {}, "rescored": 0}
    total = 0.0
    floor = 0.0
    for name in ("group-matrix", "morile"):
        version = _next_version(name)
        started = time.perf_counter()
        outcome = rescore_active_threats(actor=None, methodology=version)
        seconds = time.perf_counter() - started
        inputs = list(
            Assessment.objects.filter(
                methodology=version, threat__status=Status.ACTIVE
            ).values_list("inputs", flat=True)
        )
        rules = version.rules()
        clock = time.perf_counter()
        for answers in inputs:
            score(rules, answers)
        pure = time.perf_counter() - clock
        figures["by_methodology"][version.label] = {
            "seconds": round(seconds, 2),
            **outcome,
            "pure_scoring_seconds": round(pure, 2),
        }
        figures["rescored"] += outcome["rescored"]
        total += seconds
        floor += pure
    figures["seconds"] = round(total, 2)
    figures["baseline_pure_scoring_seconds"] = round(floor, 2)
    figures["ratio_to_baseline"] = round(total / max(floor, 1e-9), 1)
    return figures


# --------------------------------------------------------------------------- networks

TWO_STEP_SQL = """
WITH one AS (
    SELECT target_id AS n FROM people_association WHERE source_id = %(start)s
    UNION SELECT source_id FROM people_association WHERE target_id = %(start)s
), two AS (
    SELECT a.target_id AS n FROM people_association a JOIN one ON a.source_id = one.n
    UNION SELECT a.source_id FROM people_association a JOIN one ON a.target_id = one.n
)
SELECT count(*) FROM (SELECT n FROM one UNION SELECT n FROM two) reached
"""


def network(queries: int = 40) -> dict:
    """The two-step network around a person as the network page computes it
    (``networks.selectors.network_for``: reading the neighbourhood from the database, the
    scoped walk, the measures), from members of active groups; beside it a recursive SQL
    count of the same people's two-step association neighbourhood, and the build of the
    whole graph (what each first query paid before)."""
    from django.db import connection

    from socmap.networks import store
    from socmap.networks.graph import NodeKind
    from socmap.networks.selectors import network_for
    from socmap.threats.models import Membership, Status

    officer = _user("bench.nca")
    starts = list(
        Membership.objects.filter(threat__status=Status.ACTIVE, left_on__isnull=True)
        .order_by("?")
        .values_list("nominal_id", flat=True)[:queries]
    )
    times, reading, sizes = [], [], []
    for pk in starts:
        clock = time.perf_counter()
        view = network_for(officer, NodeKind.NOMINAL, pk, steps=2)
        times.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        store.graph_around(NodeKind.NOMINAL, pk, 2)
        reading.append(time.perf_counter() - clock)
        sizes.append(view.people + view.threats)
    sql_times = []
    with connection.cursor() as cursor:
        for pk in starts[:20]:
            clock = time.perf_counter()
            cursor.execute(TWO_STEP_SQL, {"start": pk})
            cursor.fetchone()
            sql_times.append(time.perf_counter() - clock)
    store.forget()
    clock = time.perf_counter()
    graph = store.build_from_database()
    build = time.perf_counter() - clock

    def p95(values):
        ordered = sorted(values)
        return round(1000 * ordered[round(0.95 * (len(ordered) - 1))], 1)

    return {
        "queries": len(starts),
        "two_step_median_ms": round(1000 * statistics.median(times), 1),
        "two_step_p95_ms": p95(times),
        "two_step_max_ms": round(1000 * max(times), 1),
        "reading_neighbourhood_median_ms": round(1000 * statistics.median(reading), 1),
        "nodes_reached_median": statistics.median(sizes),
        "nodes_reached_max": max(sizes),
        "baseline_sql_two_step_median_ms": round(1000 * statistics.median(sql_times), 1),
        "whole_graph_build_seconds": round(build, 2),
        "whole_graph_nodes": graph.node_count,
        "whole_graph_edges": graph.edge_count,
    }


# --------------------------------------------------------------------------- import


def disruption_import(rows: int) -> dict:
    """``bench/import_disruptions.py`` (the import end to end beside raw COPY of the same
    rows), in its own scratch database on the same server."""
    import json
    import tempfile

    out = Path(tempfile.mkstemp(suffix=".json")[1])
    env = dict(os.environ)
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/socmap_bench_disruptions"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_disruptions.py"), "--rows", str(rows),
         "--json", str(out)],
        check=True, env=env, cwd=ROOT,
    )  # fmt: skip
    figures = json.loads(out.read_text())
    out.unlink()
    imported, raw = figures["csv"], figures["copy_baseline"]
    return {
        "rows": imported["rows"],
        "import_seconds": imported["seconds"],
        "import_rows_per_second": imported["rows_per_second"],
        "stages": {
            k: imported[k] for k in ("reading_seconds", "checking_seconds", "saving_seconds")
        },
        "copy_seconds": raw["seconds"],
        "copy_rows_per_second": raw["rows_per_second"],
        "share_of_copy_speed": round(imported["rows_per_second"] / raw["rows_per_second"], 3),
    }


# --------------------------------------------------------------------------- load test


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sessions() -> list:
    """A signed-in session for each benchmark user (as after their log-in), and the active
    threats each may open."""
    from bench.national.generate import USERS
    from bench.national.loadtest import Visitor
    from django.test import Client

    from socmap.threats.models import Status
    from socmap.threats.selectors import threats_visible_to

    visitors = []
    for username, _where, role, _clearance in USERS:
        if role != "analyst":
            continue
        user = _user(username)
        client = Client()
        client.force_login(user)
        ids = list(
            threats_visible_to(user)
            .filter(status=Status.ACTIVE)
            .order_by("?")
            .values_list("pk", flat=True)[:300]
        )
        visitors.append(Visitor(username, client.cookies["sessionid"].value, ids))
    return visitors


def _wait_for(port: int, process, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def load_test(
    *, users: int, seconds: int, workers: int = 8, threads: int = 1, search: bool = True
) -> dict:
    from bench.national import loadtest

    visitors = _sessions()
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "SOCMAP_DEBUG": "0",
            "SOCMAP_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SOCMAP_SECRET_KEY": env.get("SOCMAP_SECRET_KEY", "bench-national-not-secret-" * 3),
            "DJANGO_SETTINGS_MODULE": "socmap.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    command = [
        str(BIN / "gunicorn"), "socmap.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
        "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        _wait_for(port, server)
        before = _cpu_times()
        outcome = loadtest.run(port, visitors, users=users, seconds=seconds, search=search)
        after = _cpu_times()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    figures = loadtest.summary(outcome)
    figures.update(
        {
            "users": users,
            "seconds": seconds,
            "think_seconds": "5-15 (uniform)",
            "mix": "with search" if search else "search's share sent to the threat list",
            "server": f"gunicorn, {workers} workers x {threads} threads (gthread), DEBUG off",
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "cpu_during": _cpu_shares(before, after),
        }
    )
    return figures


def _cpu_times() -> list[int] | None:
    """The machine's CPU time counters (Linux ``/proc/stat``: user, nice, system, idle,
    iowait, irq, softirq, steal), or None elsewhere."""
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None


def _cpu_shares(before, after) -> dict | None:
    """How busy the machine's cores were over a run, and how much of their time the host
    took for other machines (steal): a noisy neighbour shows here, not in the figures."""
    if not before or not after:
        return None
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    idle = spent[3] + spent[4]
    return {
        "busy_percent": round(100 * (total - idle - spent[7]) / total, 1),
        "steal_percent": round(100 * spent[7] / total, 1),
    }


# --------------------------------------------------------------------------- all


def measure_all(url: str, *, users: int = 50, seconds: int = 60, only=None, say=print) -> dict:
    """Every measurement (or those named in ``only``), printed as they come."""
    from bench.national.generate import SIZES

    results = {"machine": machine(), "data": data_sizes()}
    scale = results["data"]["disruptions"] / SIZES["disruptions"]
    rows = max(2_000, round(100_000 * min(scale, 1)))
    steps = [
        ("ranking", "the force ranking", ranking),
        ("network", "the two-step network", network),
        ("load", f"a load test, {users} users for {seconds}s",
         lambda: load_test(users=users, seconds=seconds)),
        ("load_without_search", f"the load test without search, {users} users for {seconds}s",
         lambda: load_test(users=users, seconds=seconds, search=False)),
        ("rescore", "re-scoring every active threat", rescore),
        ("import", f"importing {rows:,} disruptions", lambda: disruption_import(rows)),
    ]  # fmt: skip
    say(f"Machine: {results['machine']}")
    say(f"Data: {results['data']}")
    for key, what, function in steps:
        if only and key not in only:
            continue
        say(f"Measuring {what}...")
        results[key] = function()
        say(f"  {results[key]}")
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return results
