"""Metrics from the spreadsheets officers keep: a CSV file, or an Excel workbook's Metrics sheet.

One layout, a row per metric (the README's "Metrics in a spreadsheet"):

    metric            value           numerator  denominator  national  ...  note
    authority         Stoke-on-Trent
    period            2010-11
    re_referrals_pct  25.1                                    22.6           C1, our own count

The first row names the columns: ``metric`` and ``value`` and any of numerator, denominator,
national, region, neighbours, previous, target, note and estimated; the template's own columns
(title, unit, range, definition, code, read by) are read past. A row whose metric is authority,
code, period, as_of or pack gives that header field in its value cell; a blank row, or one whose
metric starts with #, is skipped; a metric row with nothing filled in is not supplied. The
result is a document like a YAML metrics file's, with every value's row and column, so the same
checks apply and each problem is shown as a spreadsheet user reads it (``figures.xlsx:Metrics!B12``).

A number in a cell formatted as a percentage (74%, stored as 0.74) is read as the percentage
it shows. In a workbook, the sheet named Metrics is read, else the first; one authority per file.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
from pathlib import Path
from typing import Any

from .loader import MAX_FILE_BYTES, Document
from .model import InputError, Location, Problem
from .schema import did_you_mean

SUFFIXES = (".csv", ".xlsx")
HEADER_FIELDS = ("authority", "code", "period", "as_of", "pack")
METRIC_FIELDS = ("value", "numerator", "denominator", "national", "region", "neighbours", "previous", "target",
                 "note", "estimated")
#: Columns a template carries for the person filling it in; never read as figures.
INFO_COLUMNS = ("title", "unit", "range", "definition", "code", "read by", "default benchmarks")
MAX_ROWS = 10_000
_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def read(path: Path) -> Document:
    """The spreadsheet as a metrics document; raise InputError with every problem of its layout."""
    raw = _bytes(path)
    if path.suffix.lower() == ".csv":
        rows, sheet = _csv_rows(path, raw), ""
    else:
        rows, sheet = _xlsx_rows(path, raw)
    document = Document(str(path), None, sheet=sheet, sha256=hashlib.sha256(raw).hexdigest())
    document.data = _layout(document, rows)
    return document


def _bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(Location(str(path)), "no such file")]) from None
    except OSError as error:
        raise InputError([Problem(Location(str(path)), f"cannot read the file: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(Location(str(path)), f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")])
    return raw


Cell = tuple[int, int, Any]  # row, column (1-based), value


def _csv_rows(path: Path, raw: bytes) -> list[list[Cell]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([Problem(Location(str(path)), f"not UTF-8 text (byte {error.start}); save it as "
                                  "CSV UTF-8")]) from None
    try:
        rows = csv.reader(io.StringIO(text, newline=""))
        return [[(number, column, value) for column, cell in enumerate(row, 1)
                 if (value := _csv_value(cell)) is not None] for number, row in enumerate(rows, 1)]
    except csv.Error as error:
        raise InputError([Problem(Location(str(path)), f"not CSV: {error}")]) from None


def _csv_value(text: str) -> Any:
    """A CSV cell as YAML would read it, without YAML's surprises: blank is nothing, a number is a
    number, true/false/yes/no a yes/no; anything else stays text (so '21.5%' is refused, with why)."""
    text = text.strip()
    if not text:
        return None
    if text.casefold() in _TRUE | _FALSE:
        return text.casefold() in _TRUE
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() and "." not in text and "e" not in text.casefold() else number


def _xlsx_rows(path: Path, raw: bytes) -> tuple[list[list[Cell]], str]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise InputError([Problem(Location(str(path)), f"not an Excel workbook (.xlsx) that can be read: "
                                  f"{error}")]) from None
    try:
        names = book.sheetnames
        sheet = next((name for name in names if name.casefold() == "metrics"), names[0] if names else None)
        if sheet is None:
            raise InputError([Problem(Location(str(path)), "the workbook has no sheets")])
        rows: list[list[Cell]] = []
        for number, row in enumerate(book[sheet].iter_rows(), 1):
            if number > MAX_ROWS:
                raise InputError([Problem(Location(str(path), number, 1, sheet, True),
                                          f"more than {MAX_ROWS} rows; a metrics sheet has one row per metric")])
            rows.append([(number, column, _xlsx_value(cell)) for column, cell in enumerate(row, 1)
                         if getattr(cell, "value", None) is not None])
    finally:
        book.close()
    return rows, sheet


def _xlsx_value(cell: Any) -> Any:
    """A cell's value: a percent-formatted number as the percentage shown, a date as YYYY-MM-DD,
    'true'/'yes' text as yes."""
    value = cell.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return round(value * 100, 10)  # a cell formatted 74% holds 0.74
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text.casefold() in _TRUE | _FALSE:
            return text.casefold() in _TRUE
        return text or None
    return str(value)


def _layout(document: Document, rows: list[list[Cell]]) -> dict[str, Any]:
    """The rows as a metrics mapping, with marks; problems of the layout raised together."""
    problems: list[Problem] = []

    def problem(row: int, column: int, message: str) -> None:
        problems.append(Problem(document._location((row, column)), message))

    header_index = next((index for index, row in enumerate(rows) if row), None)
    if header_index is None:
        raise InputError([Problem(Location(document.path), "the sheet is empty: its first row names the columns "
                                  "(metric, value, ...)")])
    columns: dict[int, str] = {}
    for row, column, value in rows[header_index]:
        name = str(value).strip().casefold().replace("_", " ") if value is not None else ""
        key = name.replace(" ", "_")
        if key == "metric" or key in METRIC_FIELDS:
            columns[column] = key
        elif name not in INFO_COLUMNS:
            problem(row, column, f"unknown column {value!r}" + did_you_mean(key, ["metric", *METRIC_FIELDS])
                    + f"; the columns are metric, {', '.join(METRIC_FIELDS)}")
    if "metric" not in columns.values() or "value" not in columns.values():
        row = rows[header_index][0][0]
        missing = [name for name in ("metric", "value") if name not in columns.values()]
        problem(row, 0, f"the first row names no {' or '.join(missing)} column: it names the columns, "
                        "metric and value first")
        raise InputError(problems)
    data: dict[str, Any] = {"metrics": {}}
    document.marks[("metrics",)] = (rows[header_index][0][0], 1)
    seen: dict[str, int] = {}
    for cells in rows[header_index + 1:]:
        fields = {columns[column]: (row, column, value) for row, column, value in cells if column in columns}
        if "metric" not in fields:
            if cells:
                row, column, _ = cells[0]
                problem(row, column, "a row with figures but no metric named in its metric column")
            continue
        row, column, name = fields.pop("metric")
        if not isinstance(name, str):
            problem(row, column, f"a metric is named by its id, not {name!r}")
            continue
        name = name.strip()
        if name.startswith("#"):
            continue
        if name in seen:
            problem(row, column, f"{name} is given twice (first at row {seen[name]}); which one holds?")
            continue
        seen[name] = row
        if name in HEADER_FIELDS:
            row_, column_, value = fields.get("value", (row, column, None))
            if value is not None:
                data[name] = value if name != "code" or isinstance(value, str) else str(value)
                document.marks[(name,)] = (row_, column_)
                document.key_marks[(name,)] = (row, column)
            continue
        entry = {field: value for field, (_, _, value) in fields.items() if value is not None}
        if isinstance(entry.get("estimated"), str):  # "national, region": the fields that are estimates
            entry["estimated"] = [part.strip() for part in entry["estimated"].split(",") if part.strip()]
        document.key_marks[("metrics", name)] = (row, column)
        document.marks[("metrics", name)] = (row, column)
        for field, (row_, column_, _) in fields.items():
            document.marks[("metrics", name, field)] = (row_, column_)
        data["metrics"][name] = entry or None
    if problems:
        raise InputError(problems)
    return data
