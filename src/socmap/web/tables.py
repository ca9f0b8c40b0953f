"""Helpers every list page uses: pagination, sorting and CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone

PAGE_SIZE = 50
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page; a page number out of range gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


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


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """One sheet with a bold, frozen header; text cells escaped like :func:`safe_cell`."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.freeze_panes = "A2"
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([v if isinstance(v, int | float) else safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
