"""The performance pages, commands and reports as a performance lead uses them: filters with a
clear message when they are wrong, sorting, the charts beside their tables, the dashboard
panel, the PDF reports, and the documentation of every command and API path."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
API = "/api/performance"
COMMANDS = (
    "rates",
    "ranking",
    "disruption-trends",
    "disruption-breakdown",
    "compliance",
    "what-works",
    "public-summary",
    "performance-pack",
    "performance-rollup",
)


def pdf_text(content: bytes) -> str:
    """The text drawn in a ReportLab PDF (its page streams, decompressed)."""
    text = []
    for head, stream in re.findall(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        if b"ASCII85Decode" in head:
            data = base64.a85decode(data.removesuffix(b"~>") + b"~>", adobe=True)
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        text += re.findall(r"\((.*?)\) Tj", data.decode("latin-1"))
    return " ".join(text)


@pytest.fixture
def lead(make_user, org):
    return make_user(org("Wiltshire"), "performance_lead", username="wiltshire.performance")


@pytest.fixture
def figures(put):
    today = dt.date.today()
    put("Wiltshire", 30, today - dt.timedelta(days=40), arrests=9, firearms=1)
    put("Dorset", 10, today - dt.timedelta(days=400))


def test_the_ranking_page_shows_the_chart_its_table_and_the_population_year(
    client_for, lead, figures
):
    page = client_for(lead).get(reverse("performance:ranking")).content.decode()
    assert '<svg class="chart"' in page and "<title" in page
    assert "Disruptions per 1,000 population by force" in page
    assert "population year 2019" in page
    assert "(your force)" in page
    # 30 / 722,217 per 1,000 = 0.04; Dorset 10 / 773,839 = 0.01
    assert "0.04" in page and "Average of the 2 forces compared" in page


def test_sorting_the_ranking_by_name_and_by_rate(client_for, lead, figures):
    client = client_for(lead)
    by_name = client.get(reverse("performance:ranking"), {"sort": "name", "format": "csv"})
    names = [line.split(",")[1] for line in by_name.content.decode().splitlines()[1:-1]]
    assert names == sorted(names)
    by_rate = client.get(reverse("performance:ranking"), {"sort": "-rate", "region": "south-west"})
    page = by_rate.content.decode()
    assert page.index("Wiltshire") < page.index("Dorset")
    assert 'aria-sort="descending"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-01-10", "end": "2025-01-01"}, "before it starts"),
        ({"end": "2999-01-01"}, "cannot end in the future"),
        ({"forces": "atlantis"}, "Not a force: atlantis"),
        ({"end": "1999-12-31", "months": "12"}, "No force is left in the comparison"),
        ({"format": "csv", "table": "nonsense"}, "Download one of"),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_figures(client_for, lead, figures, query, message):
    response = client_for(lead).get(reverse("performance:ranking"), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "These figures cannot be shown" in page
    assert '<svg class="chart"' not in page


def test_the_api_refuses_bad_filters_with_field_errors(client_for, lead, figures):
    client = client_for(lead)
    response = client.get(f"{API}/ranking", {"start": "2026-01-10", "end": "2025-01-01"})
    assert response.status_code == 400 and "before it starts" in response.content.decode()
    assert client.get(f"{API}/trends", {"by": "week"}).status_code == 400
    assert client.get(f"{API}/report", {"kind": "pack"}).status_code == 400


def test_every_page_has_its_charts_tables_and_downloads(client_for, lead, figures):
    client = client_for(lead)
    for url, tables in (
        ("performance:trends", ("trend",)),
        ("performance:breakdown", ("categories", "tactics", "grades", "crime_types")),
        ("performance:compliance", ("compliance", "first_disruption")),
        ("performance:what-works", ("categories", "tactics", "survival", "curve")),
    ):
        page = client.get(reverse(url)).content.decode()
        assert '<svg class="chart"' in page, url
        for table in tables:
            response = client.get(reverse(url), {"format": "xlsx", "table": table})
            assert response.status_code == 200, (url, table)
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_performance_leads_dashboard_panel(client_for, lead, figures):
    page = client_for(lead).get("/").content.decode()
    assert "Performance" in page and "ranked 1 of 2" in page
    assert "Active threats with an LRO" in page


def test_the_performance_pack_and_public_summary_pdfs(client_for, lead, figures, tmp_path):
    client = client_for(lead)
    pack = client.get(reverse("performance:reports"), {"kind": "pack", "force": "wiltshire"})
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
    text = pdf_text(pack.content)
    for words in ("OFFICIAL-SENSITIVE", "Ranking of forces", "Compliance", "What works"):
        assert words in text, words
    public = client.get(f"{API}/report", {"kind": "public", "region": "south-west"})
    text = pdf_text(public.content)
    assert public.status_code == 200 and "OFFICIAL-SENSITIVE" not in text
    assert "South West" in text and "made over 250 arrests" in text
    out = io.StringIO()
    target = tmp_path / "wiltshire.pdf"
    call_command("performance-pack", "--force", "wiltshire", "-o", str(target), stdout=out)
    assert target.read_bytes().startswith(b"%PDF") and "performance pack" in out.getvalue()
    call_command("performance-pack", "--force", "wiltshire", "--public", "-o", str(target))
    assert "OFFICIAL" in pdf_text(target.read_bytes())
    missing = client.get(reverse("performance:reports"), {"kind": "pack"})
    assert missing.status_code == 400 and "Choose a force or a region" in missing.content.decode()


def test_the_commands_refuse_bad_input_clearly(figures, council_partner, tmp_path):
    with pytest.raises(CommandError, match="before it starts"):
        call_command("ranking", "--start", "2026-01-10", "--end", "2025-01-01")
    with pytest.raises(CommandError, match="Not a force: atlantis"):
        call_command("rates", "--forces", "atlantis")
    with pytest.raises(CommandError, match="No force is left"):
        call_command("ranking", "--end", "1999-12-31")
    with pytest.raises(CommandError, match="Choose --force"):
        call_command("performance-pack", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Partner agencies see the public summary"):
        call_command("compliance", "--as", "council.partner")


def test_a_partner_at_the_command_line_gets_the_public_summary(council_partner, figures):
    out = io.StringIO()
    call_command("public-summary", "--force", "wiltshire", "--as", "council.partner", stdout=out)
    # 30 disruptions of 9 arrests and a firearm each: 270 arrests, 30 firearms
    assert "made over 250 arrests" in out.getvalue() and "recovered 30 firearms" in out.getvalue()


def test_the_readme_lists_every_performance_command_and_each_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installed = get_commands()
    for command in COMMANDS:
        assert f"| `socmap {command}" in readme, command
        assert installed[command] == "socmap.performance", command


def test_the_api_guide_lists_every_performance_path(client_for, lead):
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    paths = client_for(lead).get("/api/openapi.json").json()["paths"]
    for path in paths:
        if path.startswith(API):
            assert f"`GET {path}" in guide, path


def test_the_methodology_explains_the_rates_and_what_works():
    method = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    section = method[method.index("## Performance") :]
    for words in ("population year", "Kaplan-Meier", "bootstrap", "confounding", "not causal"):
        assert words in section, words
