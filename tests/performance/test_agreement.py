"""The page, its CSV and XLSX downloads, the API and the command line give the same figures
for the same filters (they all call one selector and one set of tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

API = "/api/performance"
FILTERS = {"end": "2025-12-31", "exclude": "dorset"}


@pytest.fixture
def figures(put, population):
    population("Wiltshire", 2024, 800_000)
    put("Wiltshire", 240, dt.date(2024, 3, 10), arrests=1)
    put("Wiltshire", 40, dt.date(2025, 11, 2), category="protect", code="victim-safeguarding")
    put("Dorset", 20, dt.date(2025, 6, 30))
    put("Kent", 90, dt.date(2025, 2, 1), status="submitted")
    put("Kent", 180, dt.date(2025, 2, 1))


def page_csv(client, url, **query) -> list[list[str]]:
    response = client.get(url, {**FILTERS, **query, "format": "csv"})
    assert response.status_code == 200, response.content[:300]
    return list(csv.reader(io.StringIO(response.content.decode())))


def command_csv(name, *args) -> list[list[str]]:
    out = io.StringIO()
    call_command(name, "--end", "2025-12-31", "--exclude", "dorset", *args, "--format", "csv",
                 stdout=out)  # fmt: skip
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_ranking_agrees_on_the_page_csv_xlsx_api_and_command(figures, client_for, inspector):
    client = client_for(inspector)
    # the page shows the figures
    page = client.get(reverse("performance:ranking"), FILTERS).content.decode()
    assert "0.35" in page and "Kent" in page
    # the CSV download and the command give the same rows
    download = page_csv(client, reverse("performance:ranking"), table="ranking")
    assert download == command_csv("ranking")
    header, *rows = download
    by_force = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    # 280 / 800,000 per 1,000, with the 2024 figure
    assert by_force["Wiltshire"]["per 1,000 population"] == "0.35"
    assert by_force["Wiltshire"]["population year"] == "2024"
    assert by_force["Dorset"]["note"] == "Left out of the comparison by choice."
    # the XLSX has the same cells
    response = client.get(reverse("performance:ranking"), {**FILTERS, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == download
    # and the API the same numbers
    body = client.get(f"{API}/ranking", FILTERS).json()
    api = {f["name"]: f for f in body["forces"]}
    for name, row in by_force.items():
        if name.startswith("Average"):
            continue
        assert str(api[name]["rate"] or "") == row["per 1,000 population"]
        assert str(api[name]["ratio"] or "") == row["ratio to the average"]
        assert str(api[name]["rank"] or "") == row["rank"]
        assert str(api[name]["population_year"] or "") == row["population year"]
    assert (
        str(body["average"]["rate"])
        == by_force["Average of the 2 forces compared"]["per 1,000 population"]
    )


def test_trends_breakdowns_and_compliance_agree(figures, client_for, inspector):
    client = client_for(inspector)
    trend = page_csv(client, reverse("performance:trends"), force="wiltshire", by="quarter")
    assert trend == command_csv("disruption-trends", "--force", "wiltshire", "--by", "quarter")
    api = client.get(f"{API}/trends", {**FILTERS, "force": "wiltshire", "by": "quarter"}).json()
    assert [[p["label"], str(p["count"]), str(p["rate"])] for p in api["points"]] == [
        [row[0], row[3], row[4]] for row in trend[1:]
    ]
    tactics = page_csv(client, reverse("performance:breakdown"), table="tactics")
    assert tactics == command_csv("disruption-breakdown", "--table", "tactics")
    api = client.get(f"{API}/breakdown", FILTERS).json()
    assert [[t["code"], str(t["count"])] for t in api["tactics"]] == [
        [row[0], row[2]] for row in tactics[1:]
    ]
    compliance = page_csv(client, reverse("performance:compliance"))
    assert compliance == command_csv("compliance")


def test_what_works_and_rates_agree(figures, client_for, inspector):
    client = client_for(inspector)
    works = page_csv(client, reverse("performance:what-works"), table="categories")
    assert works == command_csv("what-works", "--table", "categories")
    api = client.get(f"{API}/what-works", FILTERS).json()
    assert [c["score"]["treated"] for c in api["categories"]] == [int(r[2]) for r in works[1:]]
    regions = page_csv(client, reverse("performance:ranking"), table="regions")
    assert regions == command_csv("rates", "--table", "regions")
    rates = client.get(f"{API}/rates", FILTERS).json()
    assert str(rates["national"]["rate"]) == regions[-1][4]


def test_the_command_prints_json_records_of_the_same_table(figures):
    out = io.StringIO()
    call_command("ranking", "--end", "2025-12-31", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    wiltshire = next(r for r in records if r["force"] == "Wiltshire")
    assert wiltshire["per 1,000 population"] == "0.35" and wiltshire["rank"] == 1
