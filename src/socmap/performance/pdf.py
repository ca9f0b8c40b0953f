"""The printable reports (ReportLab, as the tasking pack): the performance pack of a force or
region (OFFICIAL-SENSITIVE: the ranking, trends, the 4P mix, compliance and what works, each
from the same tables as the pages) and the public summary (OFFICIAL: rounded figures, no
names, no operations, no records)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from socmap.performance import exports
from socmap.performance import selectors as s
from socmap.plans.pdf import _escape, _table

SENSITIVE = "OFFICIAL-SENSITIVE"
PUBLIC = "OFFICIAL"
PACK_COLUMNS = {
    "ranking": [0, 1, 3, 5, 6, 7],
    "regions": [0, 1, 3, 4, 5],
    "trend": [0, 3, 4],
    "categories": [1, 2, 3],
    "tactics": [1, 2, 3],
    "grades": [1, 2, 3],
    "crime_types": [1, 2, 3],
    "compliance": [0, 1, 2, 3, 4, 5, 7, 8, 10],
    "what_works": [0, 2, 3, 8, 9, 10, 14],
    "survival": [0, 1, 2, 4, 5, 6],
}


@dataclass(frozen=True)
class Pack:
    options: s.Options
    area: s.Area
    sections: list[tuple[str, str, exports.Table]]  # heading, introduction, table
    summary: s.PublicSummary
    generated_at: object


def build_pack(user, options: s.Options) -> Pack:
    """Every section of the performance pack, from the selectors the pages use."""
    s.require_figures(user)
    area = s.area_for(options)
    ranking = exports.ranking_tables(s.ranking(user, options))
    trend = exports.trend_table(s.trends(user, options))
    mix = exports.breakdown_tables(s.breakdown(user, options))
    comply = exports.compliance_tables(s.compliance(user, options))
    works = exports.what_works_tables(s.what_works(user, options))
    works_rows = exports.Table(
        "what_works",
        works["categories"].title,
        works["categories"].header,
        works["categories"].rows + [r for r in works["tactics"].rows if r[2]],
    )
    table = ranking["ranking"]
    compared = exports.Table(
        table.name,
        table.title,
        table.header,
        [row for row in table.rows if row[8] != "no"],
    )
    left_out = [row[1] for row in table.rows if row[8] == "no"]
    sections = [
        ("Ranking of forces", "Disruptions per 1,000 population and ratio to the average of "
         f"the forces compared. Not compared ({len(left_out)}, with the reason on the ranking "
         f"page): {', '.join(left_out) or 'none'}.", compared),
        ("Regions", "", ranking["regions"]),
        ("Trend", f"{area.name}, by {options.by}.", trend),
        ("4P mix", area.name, mix["categories"]),
        ("Tactics", area.name, mix["tactics"]),
        ("Impact grades", area.name, mix["grades"]),
        ("Crime types", area.name, mix["crime_types"]),
        ("Compliance", "Of the records you may see.", comply["compliance"]),
        ("What works", "Change in threat score at the next re-assessment after a disruption of "
         "each kind, against matched threats without one (negative: less threat). "
         "Observational: see the methodology.", works_rows),
        ("How long threats stay active", "Kaplan-Meier, still-active threats censored.",
         works["survival"]),
    ]  # fmt: skip
    return Pack(options, area, sections, s.public_summary(user, options), timezone.now())


def _document(out, title: str, marking: str) -> tuple[SimpleDocTemplate, object]:
    def mark(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        width, height = A4
        canvas.drawCentredString(width / 2, height - 8 * mm, marking)
        canvas.drawCentredString(width / 2, 6 * mm, f"{marking} · page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    return doc, mark


def performance_pack_pdf(pack: Pack) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    title = f"Performance pack: {pack.area.name}"
    doc, mark = _document(out, title, SENSITIVE)
    when = timezone.localtime(pack.generated_at).strftime("%d %b %Y %H:%M")
    story = [
        Paragraph(_escape(title), styles["Heading1"]),
        Paragraph(
            _escape(
                f"{pack.options.counting.capitalize()}, {pack.options.period.label}. "
                f"Produced {when}."
            ),
            styles["BodyText"],
        ),
        Paragraph("Summary", styles["Heading2"]),
        *[Paragraph(_escape(line), styles["BodyText"]) for line in pack.summary.sentences],
    ]
    for heading, introduction, table in pack.sections:
        story.append(Paragraph(_escape(heading), styles["Heading2"]))
        if introduction:
            story.append(Paragraph(_escape(introduction), styles["BodyText"]))
        columns = PACK_COLUMNS.get(table.name, range(len(table.header)))
        if table.rows:
            story.append(
                _table(
                    [table.header[i] for i in columns],
                    [[row[i] for i in columns] for row in table.rows],
                    styles,
                )
            )
        else:
            story.append(Paragraph("Nothing to show for this period.", styles["BodyText"]))
    story.append(Spacer(1, 6 * mm))
    doc.build(story, onFirstPage=mark, onLaterPages=mark)
    return out.getvalue()


def public_summary_pdf(summary: s.PublicSummary) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    title = f"Tackling serious and organised crime: {summary.area.name}"
    doc, mark = _document(out, title, PUBLIC)
    story = [Paragraph(_escape(title), styles["Heading1"])]
    story += [Paragraph(_escape(line), styles["BodyText"]) for line in summary.sentences]
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            "Figures are rounded and name no one: a disruption is an action that leaves an "
            "organised crime group or individual unable to operate at their usual level.",
            styles["Italic"],
        )
    )
    doc.build(story, onFirstPage=mark, onLaterPages=mark)
    return out.getvalue()


def report_pdf(user, options: s.Options, kind: str) -> tuple[bytes, str]:
    """The PDF (bytes) and its file name: the same for the page, the API and the command."""
    area = options.force or options.region
    if kind == "public":
        return public_summary_pdf(s.public_summary(user, options)), f"public-summary-{area}.pdf"
    return performance_pack_pdf(build_pack(user, options)), f"performance-pack-{area}.pdf"
