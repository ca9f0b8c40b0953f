"""Errors that services raise for bad input. Views, the API and commands turn them into
field errors, 400 responses and row-by-row reports; nothing has been changed when one is raised."""

from __future__ import annotations

from dataclasses import dataclass


class InvalidInput(Exception):
    """One or more fields are wrong. ``field_errors`` maps a field name to its messages."""

    def __init__(self, field_errors: dict[str, list[str]] | str):
        if isinstance(field_errors, str):
            field_errors = {"__all__": [field_errors]}
        self.field_errors = field_errors
        super().__init__(self.summary())

    def summary(self) -> str:
        parts = []
        for field, messages in self.field_errors.items():
            prefix = "" if field == "__all__" else f"{field}: "
            parts.extend(prefix + m for m in messages)
        return "; ".join(parts)


@dataclass(frozen=True)
class RowError:
    """A problem with one row of an import file. ``line`` counts the header as line 1."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """An import file had errors; nothing from it was saved."""

    def __init__(self, row_errors: list[RowError], rows_read: int = 0):
        self.row_errors = row_errors
        self.rows_read = rows_read
        count = len(row_errors)
        super().__init__(
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found"
            f" in {rows_read} row{'s' if rows_read != 1 else ''}."
        )
