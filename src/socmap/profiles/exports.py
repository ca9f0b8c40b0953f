"""A profile edition as a document: one list of blocks (headings, paragraphs, tables) that the
page, the PDF (ReportLab) and the DOCX (python-docx) all render, so they say the same."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

from socmap.profiles.selectors import Edition


@dataclass(frozen=True)
class Block:
    kind: str  # "h1" | "h2" | "p" | "table" | "list"
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    items: tuple[str, ...] = ()


def _table(header, rows) -> Block:
    return Block("table", header=tuple(header), rows=tuple(tuple(str(c) for c in r) for r in rows))


def blocks(edition: Edition) -> list[Block]:
    f = edition.figures
    profile, version = edition.profile, edition.version
    out = [
        Block("h1", profile.title),
        Block(
            "p",
            f"{profile.get_area_kind_display()}: {f.get('area', profile.area_name)}. "
            f"Period {f['period']['start']} to {f['period']['end']}. Version {version.number}, "
            f"saved {timezone.localtime(version.created_at):%d %B %Y %H:%M}"
            + (f" by {version.created_by.display_name}" if version.created_by else "")
            + f". Figures generated {f.get('generated_at', '')[:16].replace('T', ' ')}.",
        ),
    ]
    if edition.is_partner:
        out.append(Block("h2", "Partner edition: what is withheld"))
        out.append(Block("list", items=tuple(edition.withheld)))
    h = f["headline"]
    out.append(Block("h2", "Headline figures"))
    out.append(
        _table(
            ["Measure", "Figure"],
            [
                ["Active threats", h["active_threats"]],
                ["Organised crime groups", h["ocgs"]],
                ["Priority individuals", h["priority_individuals"]],
                ["Vulnerabilities", h["vulnerabilities"]],
                [
                    "Disruptions in the period",
                    f"{h['disruptions']} ({h['disruptions_trend']} in the period before)",
                ],
                ["Live ancillary orders", h["live_orders"]],
            ],
        )
    )
    for key, title, column in (
        ("by_kind", "Active threats by kind", "Kind"),
        ("by_band", "Active threats by band", "Band"),
        ("by_crime_type", "Active threats by predominant crime type", "Crime type"),
    ):
        out.append(Block("h2", title))
        rows = f["threats"][key]
        out.append(_table([column, "Threats"], rows) if rows else Block("p", "None."))
    v = f["vulnerabilities"]
    out.append(Block("h2", "Vulnerabilities"))
    out.append(Block("p", f"{v['count']} active vulnerabilit{'y' if v['count'] == 1 else 'ies'}."))
    if v["by_crime_type"]:
        out.append(_table(["Crime type", "Vulnerabilities"], v["by_crime_type"]))
    if "vulnerabilities_named" in f and f["vulnerabilities_named"]:
        out.append(
            _table(
                ["Reference", "Name"],
                [[x["reference"], x["name"]] for x in f["vulnerabilities_named"]],
            )
        )
    d = f["disruptions"]
    out.append(Block("h2", "Disruptions and their 4P mix"))
    out.append(Block("p", f"{d['total']} disruptions in the period, {d['validated']} validated."))
    out.append(_table(["4P category", "Disruptions", "Share %"], d["by_category"]))
    out.append(_table(["Impact grade", "Disruptions"], d["by_grade"]))
    lt = f["lifetime"]
    out.append(Block("h2", "Lifetime management"))
    out.append(
        _table(
            ["Measure", "Figure"],
            [
                ["Live ancillary orders", lt["live_orders"]],
                ["Orders ending in the next 90 days", lt["orders_ending_90_days"]],
                ["People in custody", lt["in_custody"]],
                ["Releases expected in the next 90 days", lt["releases_90_days"]],
            ],
        )
    )
    if lt["orders_by_type"]:
        out.append(_table(["Order type", "Live orders"], lt["orders_by_type"]))
    out.append(Block("h2", "Trends by quarter"))
    out.append(
        _table(
            ["Quarter", "Threats mapped", "Threats archived", "Disruptions"],
            [
                [q["quarter"], q["threats_mapped"], q["threats_archived"], q["disruptions"]]
                for q in f["trends"]
            ],
        )
    )
    if "top_threats" in f:
        out.append(Block("h2", "Highest-banded active threats (internal)"))
        rows = [
            [
                t["reference"],
                t["name"],
                t["kind"],
                t["band"],
                t["crime_type"],
                t["lro"],
                t["operations"],
            ]
            for t in f["top_threats"]
        ]
        out.append(
            _table(["Reference", "Name", "Kind", "Band", "Crime type", "LRO", "Operations"], rows)
            if rows
            else Block("p", "None.")
        )
    if "intelligence" in f:
        out.append(Block("h2", "Intelligence (internal)"))
        out.append(
            Block(
                "p",
                f"{f['intelligence']['reports']} intelligence reports linked to these threats "
                "in the period.",
            )
        )
    for section in edition.sections:
        out.append(Block("h2", section["title"]))
        text = section["text"] or "Not written yet."
        for paragraph in [p for p in text.split("\n\n") if p.strip()] or [text]:
            out.append(Block("p", paragraph.strip()))
    return out


def _escape(value) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_pdf(edition: Edition, exported_by: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        ListFlowable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    cell.fontSize, cell.leading = 8, 10
    out = io.BytesIO()

    def marking(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        width, height = A4
        canvas.drawCentredString(width / 2, height - 10 * mm, edition.marking)
        footer = f" · exported by {exported_by}" if exported_by else ""
        canvas.drawCentredString(width / 2, 8 * mm, f"{edition.marking} · page {doc.page}{footer}")
        canvas.restoreState()

    story = []
    for b in blocks(edition):
        if b.kind == "h1":
            story.append(Paragraph(_escape(b.text), styles["Title"]))
        elif b.kind == "h2":
            story.append(Paragraph(_escape(b.text), styles["Heading2"]))
        elif b.kind == "p":
            story.append(Paragraph(_escape(b.text), styles["BodyText"]))
        elif b.kind == "list":
            story.append(
                ListFlowable(
                    [Paragraph(_escape(i), styles["BodyText"]) for i in b.items],
                    bulletType="bullet",
                )
            )
        elif b.kind == "table":
            data = [[Paragraph(f"<b>{_escape(h)}</b>", cell) for h in b.header]]
            data += [[Paragraph(_escape(c), cell) for c in row] for row in b.rows]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
            story.append(Spacer(1, 3 * mm))
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=edition.profile.title,
        author=exported_by or "socmap",
        topMargin=18 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return out.getvalue()


def to_docx(edition: Edition, exported_by: str = "") -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = edition.profile.title
    section = document.sections[0]
    section.header.paragraphs[0].text = edition.marking
    section.footer.paragraphs[0].text = edition.marking + (
        f" · exported by {exported_by}" if exported_by else ""
    )
    if exported_by:
        document.core_properties.author = exported_by
        document.core_properties.last_modified_by = exported_by
    for b in blocks(edition):
        if b.kind == "h1":
            document.add_heading(b.text, level=0)
        elif b.kind == "h2":
            document.add_heading(b.text, level=1)
        elif b.kind == "p":
            document.add_paragraph(b.text)
        elif b.kind == "list":
            for item in b.items:
                document.add_paragraph(item, style="List Bullet")
        elif b.kind == "table":
            table = document.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for i, h in enumerate(b.header):
                table.rows[0].cells[i].text = h
            for row in b.rows:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FORMATS = {
    "pdf": ("application/pdf", to_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        to_docx,
    ),
}


def export(edition: Edition, fmt: str, exported_by: str = "") -> tuple[bytes, str, str]:
    """(content, content type, file name stem) of ``edition`` as ``fmt`` (pdf or docx)."""
    from socmap.errors import InvalidInput

    if fmt not in FORMATS:
        raise InvalidInput({"format": [f"Choose a format from {', '.join(FORMATS)}."]})
    content_type, render = FORMATS[fmt]
    suffix = "-partner" if edition.is_partner else ""
    stem = f"{edition.profile.reference.lower()}-v{edition.version.number}{suffix}"
    return render(edition, exported_by), content_type, stem


def download(edition: Edition, fmt: str) -> HttpResponse:
    """``edition`` as a download: its name and footer say who exported it and when, and the
    audit trail records the export (``web.tables.audit_export``, as for every export)."""
    from socmap.web.tables import audit_export, export_filename, exported_by_line

    content, content_type, stem = export(edition, fmt, exported_by_line())
    response = HttpResponse(content, content_type=content_type)
    return audit_export(response, export_filename(stem, fmt), fmt, 1)
