"""Reading uploaded import files safely: bounded size, explicit encoding errors."""

from __future__ import annotations

from django.conf import settings

from socmap.errors import ImportRejected, RowError


def read_uploaded_text(upload) -> str:
    """The text of an uploaded CSV file, or a clear rejection if it is too big or not text."""
    limit = settings.SOCMAP_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ImportRejected(
            [RowError(1, "", f"The file is {upload.size:,} bytes; the limit is {limit:,}.")]
        )
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ImportRejected([RowError(1, "", f"The file is larger than {limit:,} bytes.")])
    return decode_csv_bytes(raw)


def decode_csv_bytes(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # a NUL byte: a binary file (or a spreadsheet saved as something else)
        return text
    raise ImportRejected(
        [RowError(1, "", "The file is not text: save it as CSV (UTF-8) and try again.")]
    )


def csv_dict_rows(text: str) -> list[dict]:
    """The rows of CSV text as dicts keyed by its header; a malformed file (a stray quote,
    a broken line) is a clear rejection, not a crash."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return list(reader)
    except csv.Error as broken:
        raise ImportRejected(
            [RowError(reader.line_num or 1, "", f"The file is not valid CSV: {broken}.")]
        ) from broken
