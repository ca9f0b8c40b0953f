"""A bounded load test on loopback: N simulated users, each signed in with its own session,
send a realistic mix of page views to a gunicorn server on 127.0.0.1, waiting between views
as a person does. It stops by itself after ``seconds`` (and after at most ``max_requests``).

The mix (weights): the prioritised threat list (its pages and filters) 30, a threat's page
25 (followed, as in the browser, by its panels and its network, which the page loads after
itself and which are timed on lines of their own), the disruption list 20, the ranking of
forces 10, search 10 (or the threat list again, ``search=False``), and the sign-in page 5 as
the baseline (a page that reads nothing: what any request costs on this server and machine).
Each user waits 5 to 15 seconds between views (a person reading a page).
"""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

AFTER_THREAT_PAGE = {  # what a threat's page loads after itself, as the browser does
    "threat page: its panels, loaded after it": "/threats/{pk}/panels/",
    "threat page: its network, loaded after it": "/networks/threat/{pk}/panel/",
}
SEARCH_WORDS = ("cocaine", "Holloway", "county lines", "warehouse", "Smith", "cash", "Kettering")
BANDS = ("1A", "1B", "2A", "2B", "3A")


@dataclass
class Visitor:
    """One simulated user: a session cookie and the threats they may open."""

    name: str
    cookie: str
    threat_ids: list[int]


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


def _pick(rng: random.Random, visitor: Visitor, search: bool = True) -> tuple[str, str]:
    roll = rng.random() * 100
    if roll < 30 or (not search and 85 <= roll < 95):
        choice = rng.random()
        if choice < 0.5:
            return "threat list", "/threats/?status=active"
        if choice < 0.75:
            return "threat list", f"/threats/?status=active&page={rng.randint(2, 10)}"
        return "threat list", f"/threats/?status=active&band={rng.choice(BANDS)}"
    if roll < 55 and visitor.threat_ids:
        return "threat page", f"/threats/{rng.choice(visitor.threat_ids)}/"
    if roll < 75:
        page = "" if rng.random() < 0.6 else f"?page={rng.randint(2, 20)}"
        return "disruption list", f"/disruptions/{page}"
    if roll < 85:
        return "ranking", "/performance/"
    if roll < 95:
        return "search", "/search/?q=" + rng.choice(SEARCH_WORDS).replace(" ", "+")
    return "baseline: sign-in page", "/login/"


def run(
    port: int,
    visitors: list[Visitor],
    *,
    users: int = 50,
    seconds: float = 60.0,
    warmup: float = 30.0,
    think: tuple[float, float] = (5.0, 15.0),
    search: bool = True,
    max_requests: int = 100_000,
    seed: int = 10,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Drive the server; latencies of requests started after the warm-up are kept."""
    outcome = Outcome()
    lock = threading.Lock()
    sent = [0]
    begin = time.perf_counter()
    measure_from = begin + warmup
    stop_at = measure_from + seconds

    def fetch(label: str, path: str, headers: dict) -> int | str:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            # the baseline is a page anyone may read, so it goes without the session
            anonymous = label.startswith("baseline")
            connection.request("GET", path, headers={} if anonymous else headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as failed:
            status = f"{type(failed).__name__}: {failed}"
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        if started >= measure_from and started < stop_at:
            with lock:
                if status == 200:
                    outcome.latencies[label].append(elapsed)
                else:
                    outcome.errors[label] += 1
                    if len(outcome.error_samples) < 10:
                        outcome.error_samples.append(f"{path}: {status}")
        return status

    def user(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        visitor = visitors[number % len(visitors)]
        # a connection per request, as a reverse proxy without upstream keep-alive does
        headers = {"Cookie": f"sessionid={visitor.cookie}", "Connection": "close"}
        time.sleep(rng.uniform(0, think[1]))  # users arrive spread out
        while time.perf_counter() < stop_at:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            label, path = _pick(rng, visitor, search)
            status = fetch(label, path, headers)
            if label == "threat page" and status == 200:
                threat = path.strip("/").split("/")[-1]
                for after, template in AFTER_THREAT_PAGE.items():
                    fetch(after, template.format(pk=threat), {**headers, "HX-Request": "true"})
            time.sleep(rng.uniform(*think))

    say(
        f"  load test: {users} users, think time {think[0]}-{think[1]} s, "
        f"{warmup:.0f} s warm-up then {seconds:.0f} s measured..."
    )
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    outcome.started = measure_from
    for thread in threads:
        thread.join(timeout=stop_at - time.perf_counter() + 120)
    outcome.finished = min(time.perf_counter(), stop_at)
    return outcome


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(outcome: Outcome) -> dict:
    measured = max(outcome.finished - outcome.started, 1e-9)
    rows = {}
    for label in sorted(set(outcome.latencies) | set(outcome.errors)):
        times = outcome.latencies.get(label, [])
        rows[label] = {
            "requests": len(times),
            "errors": outcome.errors.get(label, 0),
            "p50_ms": round(1000 * statistics.median(times), 1) if times else None,
            "p95_ms": round(1000 * percentile(times, 0.95), 1) if times else None,
            "p99_ms": round(1000 * percentile(times, 0.99), 1) if times else None,
            "max_ms": round(1000 * max(times), 1) if times else None,
        }
    everything = [t for times in outcome.latencies.values() for t in times]
    return {
        "by_page": rows,
        "requests": len(everything),
        "errors": sum(outcome.errors.values()),
        "error_samples": outcome.error_samples,
        "requests_per_second": round(len(everything) / measured, 1),
        "p95_ms_all": round(1000 * percentile(everything, 0.95), 1) if everything else None,
    }
