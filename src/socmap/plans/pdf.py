"""The tasking pack as a PDF (ReportLab, BSD-licensed, pure Python), with the same sections
as the printable page: gaps, proposals, threats waiting for adoption, the prioritised
active threats, LRO workload and recent decisions."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from socmap.fourp import FourP
from socmap.plans.selectors import GAP_KINDS, TaskingPack

MARKING = "OFFICIAL-SENSITIVE"


def _table(header: list[str], rows: list[list], styles, widths=None) -> Table:
    cell = styles["BodyText"]
    cell.fontSize, cell.leading = 8, 10
    data = [[Paragraph(f"<b>{h}</b>", cell) for h in header]]
    data += [[Paragraph(_escape(v), cell) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _escape(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _missing(threat) -> str:
    if threat.board_plan is None:
        return "No plan"
    if not threat.uncovered:
        return "All four Ps"
    return "No action under " + ", ".join(FourP(p).label for p in threat.uncovered)


def pack_pdf(pack: TaskingPack, exported_by: str = "") -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    footer = f" · exported by {exported_by}" if exported_by else ""

    def marking(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        width, height = landscape(A4)
        canvas.drawCentredString(width / 2, height - 8 * mm, MARKING)
        canvas.drawCentredString(width / 2, 6 * mm, f"{MARKING} · page {doc.page}{footer}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Tasking pack: {pack.board.name}",
        author=exported_by or "socmap",
    )
    h1, h2, body = styles["Heading1"], styles["Heading2"], styles["BodyText"]
    when = timezone.localtime(pack.generated_at).strftime("%d %b %Y %H:%M")
    story = [
        Paragraph(_escape(f"Tasking pack: {pack.board.name}"), h1),
        Paragraph(_escape(f"Produced {when}. Handle and share it only for the meeting."), body),
        Paragraph("Gaps", h2),
        _table(["Gap", "Count"], [[GAP_KINDS[k], n] for k, n in pack.gap_counts.items()], styles),
        Paragraph(f"Proposals for decision ({len(pack.proposals)})", h2),
    ]
    story.append(
        _table(
            ["Proposal", "Threat", "Proposed", "Why", "By", "Status"],
            [
                [
                    p.reference,
                    f"{p.threat.reference} {p.threat.name}",
                    p.proposed_change,
                    p.reason,
                    p.proposed_by.display_name if p.proposed_by else "System",
                    p.get_status_display(),
                ]
                for p in pack.proposals
            ],
            styles,
        )  # fmt: skip
        if pack.proposals
        else Paragraph("None.", body)
    )
    story.append(Paragraph(f"Assessed, waiting for adoption ({len(pack.adoption)})", h2))
    story.append(
        _table(
            ["Threat", "Owner", "Band"],
            [
                [f"{t.reference} {t.name}", t.owner.name, t.current_band or "-"]
                for t in pack.adoption
            ],
            styles,
        )
        if pack.adoption
        else Paragraph("None.", body)
    )
    story.append(Paragraph(f"Prioritised active threats ({len(pack.threats)})", h2))
    story.append(
        _table(
            ["Threat", "Owner", "Tier", "Band", "LRO", "4P plan", "Next review"],
            [
                [
                    f"{t.reference} {t.name}",
                    t.owner.name,
                    t.get_tier_display(),
                    t.current_band or "-",
                    t.lro.display_name if t.lro_id else "No LRO",
                    _missing(t),
                    (t.board_plan.next_review_due.strftime("%d %b %Y") if t.board_plan else "-")
                    + (" (overdue)" if t.review_overdue else ""),
                ]
                for t in pack.threats
            ],
            styles,
            widths=[75 * mm, 35 * mm, 25 * mm, 15 * mm, 35 * mm, 50 * mm, 30 * mm],
        )
        if pack.threats
        else Paragraph("None.", body)
    )
    story.append(Paragraph("LRO workload", h2))
    story.append(
        _table(
            ["LRO", "Active threats", "Against the limit"],
            [
                [w.lro.display_name, w.threats, f"over by {w.over_by}" if w.over_by else "within"]
                for w in pack.workload
            ],
            styles,
        )
        if pack.workload
        else Paragraph("No LROs assigned.", body)
    )
    story.append(Paragraph(f"Decisions of the last 90 days ({len(pack.decisions)})", h2))
    story.append(
        _table(
            ["When", "Proposal", "Outcome", "Reason", "Decided by"],
            [
                [
                    timezone.localtime(d.decided_at).strftime("%d %b %Y"),
                    f"{d.proposal.reference}: {d.proposal.proposed_change}",
                    d.get_outcome_display(),
                    d.reason,
                    d.decided_by.display_name if d.decided_by else "System",
                ]
                for d in pack.decisions
            ],
            styles,
        )  # fmt: skip
        if pack.decisions
        else Paragraph("None.", body)
    )
    story.append(Spacer(1, 6 * mm))
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return out.getvalue()
