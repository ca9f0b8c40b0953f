"""Helpers every list page uses: pagination, sorting and CSV/XLSX export.

Every export goes through :func:`export_filename` and :func:`audit_export`: the file's name
carries who made it and when (``threats-20261201-2040-wiltshire.analyst.csv``), an XLSX file
also carries them in its document properties, and the audit trail gets one ``export.downloaded``
event with the number of rows and the filters used. CSV bodies stay plain tables (no footer
row) so that socmap's own imports and other tools can read them back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone

PAGE_SIZE = 50
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _PageOfIds:
    """A page's rows read in two steps: the ids of the page, in order, from the sorted query
    alone, then those rows with their joins. PostgreSQL otherwise joins every matching row
    before sorting them (six thousand active threats for a national user) to keep fifty."""

    def __init__(self, queryset, count: int | None = None):
        self.queryset = queryset
        self.counted = count

    def count(self) -> int:
        return self.queryset.count() if self.counted is None else self.counted

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part):
        ids = list(self.queryset.values_list("pk", flat=True)[part])
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


def paginate(
    request, queryset, per_page: int = PAGE_SIZE, *, ids_first: bool = False, count=None
):
    """The requested page; a page number out of range gives the nearest real page.
    ``ids_first``: read the page's ids before its rows (a wide, joined, sorted query);
    ``count``: the rows' number where the view has already counted them with other figures."""
    rows = _PageOfIds(queryset, count) if ids_first else queryset
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def first_and_count(queryset, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and how many it has in all; counted from the
    rows themselves when there are fewer than ``limit`` (a panel's usual case), so the count
    costs no second query."""
    rows = list(queryset[:limit])
    return rows, (len(rows) if len(rows) < limit else queryset.count())


def sorted_by(request, queryset, allowed: dict[str, str], default: str):
    """Order by the ``sort`` parameter if it names an allowed column (``-`` for descending)."""
    key = request.GET.get("sort", default)
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, field = default, allowed[default.lstrip("-")]
    descending = key.startswith("-")
    return queryset.order_by(("-" if descending else "") + field), key


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


MARKING = "OFFICIAL-SENSITIVE"


def _exporter():
    from socmap.audit.context import current_request

    request = current_request()
    user = getattr(request, "user", None)
    return request, (user if getattr(user, "is_authenticated", False) else None)


def export_filename(stem: str, suffix: str) -> str:
    """``stem-YYYYMMDD-HHMM-username.suffix``: the time and the person who made the export."""
    from django.utils.text import slugify

    _, user = _exporter()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    who = f"-{slugify(user.username.replace('.', '-'))}" if user is not None else ""
    return f"{stem}-{stamp}{who}.{suffix}"


def exported_by_line(user=None) -> str:
    """``username (organisation) on 01 Dec 2026 20:40``: the line a PDF or DOCX export prints in
    its footer and keeps as its author (the signed-in user, or ``user`` at the command line)."""
    if user is None:
        _, user = _exporter()
    when = timezone.localtime().strftime("%d %b %Y %H:%M")
    return f"{user.username} ({user.organisation}) on {when}" if user is not None else when


def export_properties() -> dict[str, str]:
    """What an XLSX export says about itself: who made it, when, from where."""
    request, user = _exporter()
    who = f"{user.username} ({user.organisation})" if user is not None else "socmap"
    return {
        "creator": who,
        "lastModifiedBy": who,
        "created": timezone.now(),
        "title": f"socmap export: {request.path if request is not None else ''}",
        "description": f"Exported by {who} at {timezone.localtime():%Y-%m-%d %H:%M %Z}. "
        f"{MARKING}: handle under the Government Security Classifications.",
        "keywords": MARKING,
        "category": MARKING,
    }


def stamp_workbook(workbook) -> None:
    for name, value in export_properties().items():
        setattr(workbook.properties, name, value)


def audit_export(response: HttpResponse, filename: str, fmt: str, rows: int) -> HttpResponse:
    """Stamp the response and write the ``export.downloaded`` audit event."""
    from socmap.audit.services import record_event

    request, user = _exporter()
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if user is not None:
        response["X-Socmap-Exported-By"] = user.username
    response["X-Socmap-Exported-At"] = timezone.now().isoformat(timespec="seconds")
    record_event(
        actor=user,
        action="export.downloaded",
        target_type="export",
        target_id=fmt,
        target_repr=filename,
        changes={
            "format": fmt,
            "rows": rows,
            "path": request.get_full_path()[:500] if request is not None else "",
        },
    )
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        count += 1
    return audit_export(response, export_filename(filename, "csv"), "csv", count)


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """One sheet with a bold, frozen header; text cells escaped like :func:`safe_cell`."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    stamp_workbook(workbook)
    sheet = workbook.create_sheet(filename[:31])
    sheet.freeze_panes = "A2"
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        sheet.append([v if isinstance(v, int | float) else safe_cell(v) for v in row])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return audit_export(response, export_filename(filename, "xlsx"), "xlsx", count)
