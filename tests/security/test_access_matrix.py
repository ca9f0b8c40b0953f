"""The access matrix: every page and every API operation, for every relationship to the owner.

Every URL pattern (from the URL resolver) and every API operation (from the OpenAPI schema)
is requested by an anonymous visitor and by a user of each column of
socmap.security.matrix.COLUMNS (own force, another force of the region, a force of another
region, the region's ROCU, a national agency, a partner the record is shared with, a partner
without a share), in a world of real records (tests/security/world.py). Each answer's status
must be the one the route declares, and on top of that, whatever is declared:

* a user who may not see the route's record never gets a 2xx answer;
* no 2xx answer shows a record the user may not see (scope, shares, restrictions): every
  record of every scoped model carries a tag, and every tag in a body is checked;
* no HTML page shows a tagged field's HTML unescaped.

A ROUTE WITH NO EXPECTATION FAILS. To declare yours, add it to ``EXPECT`` in
``socmap/<your app>/access.py`` - the rules and an example are in the docstring of
socmap/security/matrix.py and in docs/security.md ("Adding a route"). The failure message
prints the codes the route gave, so a new route takes a minute: check that they are right
(who should see it?) before you paste them.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socmap.security.matrix import COLUMNS, codes, format_codes
from tests.security import world as world_module

pytestmark = pytest.mark.django_db
API_NAMESPACE = "api-1.0.0"
API_PAGES = {"openapi-json", "openapi-view"}  # resolver entries of the API that are pages


# --------------------------------------------------------------------------- the routes


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from _walk(entry.url_patterns, inner if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def page_routes() -> dict[str, URLPattern]:
    routes = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(f"{API_NAMESPACE}:") and name.split(":")[1] not in API_PAGES:
            continue  # an API operation: taken from the OpenAPI schema instead
        routes.setdefault(name, pattern)
    return routes


def api_operations() -> dict[str, tuple[str, str]]:
    from socmap.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _params(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _admin_value(pattern: URLPattern, name: str) -> str:
    """A value that fits a named group of an admin regex: the first of its alternatives."""
    match = re.search(rf"\(\?P<{name}>([^)]*)\)", pattern.pattern.regex.pattern)
    alternatives = match.group(1).split("|") if match else []
    first = alternatives[0] if alternatives else "1"
    return first if re.fullmatch(r"[\w-]+", first) else "1"


ROUTES = {
    **{k: ("page", v) for k, v in page_routes().items()},
    **{k: ("api", v) for k, v in api_operations().items()},
}


# --------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield world_module.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _kwargs(key: str, declared, record, pattern: URLPattern | None, path: str | None):
    names = _params(pattern) if pattern is not None else re.findall(r"{(\w+)}", path)
    if len(declared) > 2 and not isinstance(declared, str):
        return declared[2](record)
    if key.startswith("admin:"):
        return {n: _admin_value(pattern, n) for n in names}
    values = {}
    for name in names:
        if record is None:
            raise AssertionError(f"{key} takes {{{name}}}: name a record in its expectation")
        values[name] = (
            getattr(record, name, None)
            if hasattr(record, name) and name != "pk" and not name.endswith(("_id", "_pk"))
            else record.pk
        )
    return values


def _request(client, kind: str, target, url: str):
    with transaction.atomic():
        if kind == "page":
            response = client.get(url)
        else:
            method = target[0].lower()
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, data="{}", content_type="application/json")
        transaction.set_rollback(True)
    return response


def _leaks(world, column: str, body: str) -> list[str]:
    seen = world.visible[column]
    leaks = []
    for key, pk in world_module.TAG.findall(body):
        if key in seen and int(pk) not in seen[key]:
            leaks.append(f"{key} #{pk}")
    return sorted(set(leaks))


# --------------------------------------------------------------------------- the tests


def test_every_route_has_an_expectation_and_every_expectation_a_route(world):
    declared = set(world.registry.expect)
    missing = sorted(set(ROUTES) - declared)
    stale = sorted(declared - set(ROUTES))
    assert not missing, (
        f"{len(missing)} routes have no access expectation; add them to EXPECT in "
        "socmap/<app>/access.py (see socmap/security/matrix.py):\n  " + "\n  ".join(missing)
    )
    assert not stale, "Expectations for routes that no longer exist:\n  " + "\n  ".join(stale)


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route_answers_each_relationship_as_declared(world, key):
    kind, target = ROUTES[key]
    declared = world.registry.expect.get(key)
    record_name = None if declared is None or isinstance(declared, str) else declared[0]
    record = world.records[record_name] if record_name else None
    if declared is None:
        declared = ("?", "0 0 0 0 0 0 0")
    pattern = target if kind == "page" else None
    path = target[1] if kind == "api" else None
    kwargs = _kwargs(key, declared, record, pattern, path)
    if kind == "page":
        url = reverse(key, kwargs=kwargs)
    else:
        url = path
        for name, value in kwargs.items():
            url = url.replace("{" + name + "}", str(value))

    # Anonymous visitors: the log-in page (pages) or 401 (API), unless the route is public
    anonymous = _request(world.anonymous, kind, target, url)
    if key in world.registry.anonymous:
        wanted = world.registry.anonymous[key]
        assert anonymous.status_code == wanted, f"{key}: anonymous got {anonymous.status_code}"
    elif kind == "page":
        assert anonymous.status_code == 302, f"{key}: anonymous got {anonymous.status_code}"
        assert "login" in anonymous["Location"]
    else:
        assert anonymous.status_code == 401, f"{key}: anonymous got {anonymous.status_code}"

    from socmap.orgs.scoping import can_see

    got, problems = [], []
    for column in COLUMNS:
        response = _request(world.clients[column], kind, target, url)
        status = response.status_code
        got.append(status)
        ok = 200 <= status < 300
        if (
            ok
            and record is not None
            and hasattr(record, "_meta")
            and getattr(type(record), "scope_owner", None)
            and not can_see(world.viewers[column], record)
        ):
            problems.append(f"{column} got {status} for a record it may not see")
        body = getattr(response, "content", b"")
        if ok and body:
            text = body.decode("utf-8", errors="replace")
            leaks = _leaks(world, column, text)
            if leaks:
                problems.append(f"{column} was shown records it may not see: {leaks[:8]}")
            if "text/html" in response.get("Content-Type", "") and "zq<x>" in text:
                problems.append(f"{column}: a text field's HTML is not escaped")
    expected = codes(declared)
    if tuple(got) != expected:
        problems.append(
            f"declared {format_codes(expected)}\n      got {format_codes(got)}   "
            f"(columns: {' '.join(COLUMNS)})"
        )
    assert not problems, f"{key} ({url}):\n  " + "\n  ".join(problems)


def test_a_route_without_an_expectation_is_reported_by_name(world):
    # Given a registry that forgot one route
    registry = world_module.Registry(expect=dict(world.registry.expect))
    registry.expect.pop("threats:detail")
    # Then the check names it, and says where to declare it
    missing = sorted(set(ROUTES) - set(registry.expect))
    assert missing == ["threats:detail"]


def test_the_leak_check_finds_a_record_the_viewer_may_not_see(world):
    from socmap.threats.models import Threat

    dorset = Threat.objects.filter(owner__short_name="Dorset").order_by("pk").first()
    wiltshire = (
        Threat.objects.filter(owner__short_name="Wiltshire")
        .exclude(pk__in=[r.pk for r in world.restricted])
        .order_by("pk")
        .first()
    )
    restricted = world.restricted[0]
    body = " ".join(f"=zqthreatsthreat{t.pk}zq<x>" for t in (dorset, wiltshire, restricted))
    assert _leaks(world, "own", body) == sorted(
        {f"threatsthreat #{dorset.pk}", f"threatsthreat #{restricted.pk}"}
    )
    assert _leaks(world, "national", body) == [f"threatsthreat #{restricted.pk}"]


# --------------------------------------------------------------------------- exports

EXPORT_LINK = re.compile(r'href="([^"]*format=(?:csv|xlsx|pdf)[^"]*)"')
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_links(world) -> dict[str, str]:
    """Every export link on every page without parameters and every record page, as the
    national viewer (who sees every page's full set of links)."""
    import html
    from urllib.parse import urljoin

    client, links = world.clients["national"], {}
    for key, (kind, target) in ROUTES.items():
        if kind != "page" or key.startswith(("admin:", "api-1.0.0:")):
            continue
        declared = world.registry.expect.get(key)
        record = (
            None if isinstance(declared, str) or declared is None else world.records[declared[0]]
        )
        try:
            url = reverse(key, kwargs=_kwargs(key, declared or "", record, target, None))
        except AssertionError:
            continue
        response = _request(client, "page", target, url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in EXPORT_LINK.findall(response.content.decode()):
            links.setdefault(urljoin(url, html.unescape(href)), key)
    return links


def _cells(response) -> list[str]:
    import csv
    import io

    if "csv" in response["Content-Type"]:
        return [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a live formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def test_every_export_names_who_and_when_leaks_nothing_and_runs_no_formula(world):
    from django.urls import resolve

    from socmap.audit.models import AuditEvent

    links = {
        url: page
        for url, page in _export_links(world).items()
        if resolve(url.split("?")[0]).view_name not in world.registry.blank_downloads
    }
    # the exports of every app with data tables are found (threats, people, plans,
    # disruptions, lifetime, intel, scoring, audit, organisations)
    prefixes = {link.split("/")[1] for link in links}
    assert {"threats", "people", "plans", "disruptions", "lifetime", "intel"} <= prefixes, links
    problems = []
    for url, page in sorted(links.items()):
        for column in ("own", "national"):
            user = world.viewers[column]
            with transaction.atomic():
                before = AuditEvent.objects.filter(action="export.downloaded").count()
                response = world.clients[column].get(url)
                events = (
                    list(
                        AuditEvent.objects.filter(action="export.downloaded").order_by("-sequence")[
                            :1
                        ]
                    )
                    if response.status_code == 200
                    else []
                )
                after = AuditEvent.objects.filter(action="export.downloaded").count()
                transaction.set_rollback(True)
            if response.status_code != 200:
                continue
            where = f"{url} (from {page}, as {column})"
            disposition = response.get("Content-Disposition", "")
            slug = user.username.replace(".", "-")
            if slug not in disposition or not re.search(r"-\d{8}-\d{4}-", disposition):
                problems.append(f"{where}: the filename does not say who and when: {disposition}")
            if after != before + 1 or events[0].actor_id != user.pk:
                problems.append(f"{where}: no export.downloaded audit event for the user")
            if "pdf" in response["Content-Type"]:
                continue
            if "spreadsheetml" in response["Content-Type"]:
                import io

                from openpyxl import load_workbook

                creator = load_workbook(io.BytesIO(response.content)).properties.creator or ""
                if user.username not in creator:
                    problems.append(f"{where}: the workbook does not name its exporter")
            cells = _cells(response)
            live = [c for c in cells if c.startswith(FORMULA_START) and "zq" in c]
            if live:
                problems.append(f"{where}: cells a spreadsheet would run: {live[:3]}")
            leaks = _leaks(world, column, "\n".join(cells))
            if leaks:
                problems.append(f"{where}: records the user may not see: {leaks[:5]}")
    assert not problems, "\n".join(problems)
    print(f"{len(links)} exports checked: {sorted(links)}")
