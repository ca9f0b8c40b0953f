"""Reading import files (CSV or XLSX) into rows, and writing spreadsheets: the published
import template and XLSX exports. No database writes here; the import itself is
``services.import_disruptions``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from socmap.errors import ImportRejected, RowError
from socmap.orgs.uploads import decode_csv_bytes
from socmap.web.tables import safe_cell

SHEET = "Disruptions"
FORMATS = ("csv", "xlsx")


def file_format(name: str) -> str:
    lower = (name or "").lower()
    for suffix in FORMATS:
        if lower.endswith("." + suffix):
            return suffix
    raise ImportRejected(
        [RowError(1, "", f"'{name}' is neither a .csv nor a .xlsx file: use the template.")]
    )


def read_table(name: str, data: bytes) -> tuple[list[dict[str, str]], list[int]]:
    """The rows of an import file as dicts keyed by its header, and each row's line number
    (line 1 is the header; blank lines are skipped but keep their numbers)."""
    if file_format(name) == "xlsx":
        return _read_xlsx(data)
    return _read_csv(decode_csv_bytes(data))


def _header(cells: Sequence) -> list[str]:
    return [str(c if c is not None else "").strip().lower().replace(" ", "_") for c in cells]


def _cells(reader):
    """The reader's rows; a malformed file (a stray quote or carriage return) is a clear
    rejection at the line where it breaks, not a crash."""
    try:
        yield from reader
    except csv.Error as broken:
        raise ImportRejected(
            [RowError(reader.line_num or 1, "", f"The file is not valid CSV: {broken}.")]
        ) from broken


def _read_csv(text: str) -> tuple[list[dict[str, str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows, lines, problems = [], [], []
    for cells in _cells(reader):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = _header(cells)
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                RowError(reader.line_num, "", "The row has more cells than the header has columns.")
            )
            continue
        rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
        lines.append(reader.line_num)
    if problems:
        raise ImportRejected(problems, rows_read=len(rows) + len(problems))
    if header is None:
        raise ImportRejected([RowError(1, "", "The file is empty: it needs a header row.")])
    return rows, lines


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(data: bytes) -> tuple[list[dict[str, str]], list[int]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as broken:
        raise ImportRejected(
            [RowError(1, "", "The file is not a valid XLSX workbook: save it again from Excel.")]
        ) from broken
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        header: list[str] | None = None
        rows, lines = [], []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            if header is None:
                header = _header(texts)
                while header and not header[-1]:
                    header.pop()
                continue
            rows.append(dict(zip(header, texts + [""] * (len(header) - len(texts)), strict=False)))
            lines.append(number)
    finally:
        workbook.close()
    if header is None:
        raise ImportRejected([RowError(1, "", "The workbook is empty: it needs a header row.")])
    return rows, lines


# --------------------------------------------------------------------------- writing


def _value(value):
    """A cell value for XLSX: numbers and dates as themselves, text escaped so that a
    spreadsheet shows it and never runs it as a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal, dt.date)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    return safe_cell(value)


def xlsx_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]], counter: list | None = None
) -> bytes:
    """A workbook with one sheet per ``(title, header, rows)``; the header is bold and frozen.
    An export's workbook carries who made it and when (web.tables.stamp_workbook); ``counter``
    (a one-item list) receives the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from socmap.web.tables import stamp_workbook

    workbook = Workbook(write_only=True)
    stamp_workbook(workbook)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_value(v) for v in row])
            if counter is not None:
                counter[0] += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(columns: Sequence) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([c.name for c in columns])
    return out.getvalue()


def template_xlsx(columns: Sequence, tactics: Sequence, guidance: Sequence) -> bytes:
    """The published import template: an empty Disruptions sheet with the columns (with drop-
    down lists for the category, tactic, grade and status), and sheets describing the
    columns, the tactics and the impact grades."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([c.name for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    names = [c.name for c in columns]
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 4)

    def listed(column: str, formula: str) -> None:
        if column not in names:
            return
        letter = get_column_letter(names.index(column) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = f"Choose a value from the list for {column}."
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}200000")

    listed("category", '"pursue,prevent,protect,prepare"')
    listed("grade", '"major,moderate,minor,none,negative"')
    listed("status", '"draft,submitted,validated"')
    listed("tactic", f"Tactics!$A$2:$A${len(tactics) + 1}")

    described = workbook.create_sheet("Columns")
    described.append(["column", "required", "meaning", "example"])
    for column in columns:
        described.append([column.name, column.required, column.meaning, safe_cell(column.example)])
    listing = workbook.create_sheet("Tactics")
    listing.append(["code", "name", "4P categories", "quantities that apply", "description"])
    for tactic in tactics:
        listing.append(
            [
                tactic.code,
                tactic.name,
                ", ".join(tactic.categories),
                ", ".join(tactic.quantities) or "none",
                tactic.description,
            ]
        )
    grades = workbook.create_sheet("Impact grades")
    grades.append(["grade", "summary", "guidance"])
    for entry in guidance:
        grades.append([entry.grade, entry.summary, entry.guidance])
    for extra in (described, listing, grades):
        for cell in extra[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDE", (22, 24, 60, 40, 60), strict=False):
            extra.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
