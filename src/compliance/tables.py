"""Published tables read as rows: which rows an adapter keeps, how they are told apart, and
the statistical neighbour groupings. Each CSV is read as a stream, once however many tables
(and years) it serves; a caller importing many years may keep the rows (``FileCache``).
Suppressed cells are missing, never zero; a figure that is not finite is no figure.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import MAX_NUMBER
from .model import InputError, Location, Problem
from .schema import did_you_mean

#: Cells that published tables use for values withheld or not applicable.
SUPPRESSED = {"c", "x", "z", "low", "k", "u", ":", "..", "-", "", "n/a", "na", "*"}
NATIONAL, REGION, AUTHORITY = "national", "region", "authority"
_BOM = "\ufeff"


def columns(part: Any) -> list[str]:
    """An adapter's column reference, or list of them, as a list."""
    if part is None:
        return []
    return part if isinstance(part, list) else [part]


@dataclass
class Row:
    level: str
    code: str
    number: str
    name: str
    cells: dict[str, str]
    line: int = 0


@dataclass
class Table:
    name: str
    path: Path
    rows: list[Row] = field(default_factory=list)
    _index: dict[tuple[str, str], Any] | None = field(default=None, repr=False)

    def find(self, level: str, key: str) -> Row | None:
        """The row of the level whose code, number or name is key (any case)."""
        if self._index is None:
            self._index = self._build_index()
        found = self._index.get((level, key.casefold()))
        if isinstance(found, list):
            raise InputError([Problem(Location(str(self.path), found[1].line),
                                      f"table {self.name!r}: {key!r} names more than one {level} row (lines "
                                      f"{found[0].line} and {found[1].line}); give the authority's number")])
        return found

    def _build_index(self) -> dict[tuple[str, str], Any]:
        """Rows by level and every key. The same authority twice with other figures is refused,
        not chosen between; a key that several authorities share (a name, a code of a merged area)
        is ambiguous, and refused only when looked up."""
        index: dict[tuple[str, str], Any] = {}
        identities: dict[tuple[str, str, str, str], Row] = {}
        for row in self.rows:
            identity = (row.level, row.code, row.number, row.name)
            seen = identities.setdefault(identity, row)
            if seen is not row:
                if seen.cells != row.cells:
                    raise InputError([Problem(Location(str(self.path), row.line),
                                              f"table {self.name!r}: a second {row.level} row for "
                                              f"{row.name or row.number or row.code!r} that differs from the one at "
                                              f"line {seen.line}; which one holds?")])
                continue
            for key in {row.code, row.number, row.name} - {""}:
                slot = (row.level, key.casefold())
                if slot in index and index[slot] is not row:
                    first = index[slot] if isinstance(index[slot], Row) else index[slot][0]
                    index[slot] = [first, row]
                else:
                    index[slot] = row
        return index

    def authorities(self) -> list[Row]:
        """The authority rows, each once (identical repeats are one row)."""
        if self._index is None:
            self._index = self._build_index()  # refuses conflicting duplicates
        seen: dict[tuple[str, str, str], Row] = {}
        for row in self.rows:
            if row.level == AUTHORITY:
                seen.setdefault((row.code, row.number, row.name), row)
        return list(seen.values())


#: Rows of each published file, kept across importers when the caller asks (the ILACS
#: validation imports a dozen years from the same files).
FileCache = dict[Path, list[tuple[int, list[str]]]]


def _csv_rows(path: Path, table: str) -> Iterator[tuple[int, list[str]]]:
    """A published CSV's rows with their line numbers, read as a stream."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            for row in reader:
                if any("\n" in cell or "\r" in cell for cell in row):  # a published table has none
                    raise InputError([Problem(Location(str(path), reader.line_num), f"table {table!r}: a quoted "
                                              "cell runs on over lines, up to here: a quote is not closed; "
                                              "download the table again")])
                yield reader.line_num, row
    except FileNotFoundError:
        raise InputError([Problem(Location(str(path)), f"no such file (table {table!r} of the adapter)")]) from None
    except UnicodeDecodeError as error:
        raise InputError([Problem(Location(str(path)), f"table {table!r} is not UTF-8 text (byte {error.start}): "
                                  "save it as UTF-8 (CSV UTF-8 in Excel)")]) from None
    except csv.Error as error:
        raise InputError([Problem(Location(str(path)), f"table {table!r} is not CSV: {error}")]) from None
    except OSError as error:
        raise InputError([Problem(Location(str(path)), f"cannot read table {table!r}: {error.strerror}")]) from None


@dataclass
class Wanted:
    """One adapter table at one year: how its rows are told apart, and which it keeps."""

    key: tuple[str, int]
    spec: dict[str, Any]
    year: int
    table: Table
    optional: bool = False


def load(wanted: list[Wanted], folder: Path, cache: FileCache | None) -> list[Problem]:
    """Fill every wanted table, reading each file once however many tables (and years) it serves.

    A file that only optional tables need (the year before's) and that cannot be read is
    returned as a problem rather than raised."""
    by_file: dict[Path, list[Wanted]] = {}
    for item in wanted:
        by_file.setdefault(folder / item.spec["file"].format(year=item.year), []).append(item)
    skipped: list[Problem] = []
    for path, items in by_file.items():
        for item in items:
            item.table.path = path
        try:
            if cache is not None:
                if path not in cache:
                    cache[path] = list(_csv_rows(path, items[0].key[0]))
                _fill(path, items, iter(cache[path]))
            else:
                _fill(path, items, _csv_rows(path, items[0].key[0]))
        except InputError as error:
            if not all(item.optional for item in items):
                raise
            skipped += error.problems
    return skipped


def _fill(path: Path, items: list[Wanted], rows: Iterator[tuple[int, list[str]]]) -> None:
    header_row = max(item.spec.get("header_row", 1) for item in items)
    headers: dict[int, list[str]] = {}  # by header row: tables of one file may place their headers apart
    readers: list[tuple[Wanted, Any]] = []
    for line_index, (line, raw) in enumerate(rows, 1):
        if line_index <= header_row:
            headers[line_index] = [" ".join(cell.lstrip(_BOM).split()) for cell in raw]
            if line_index == header_row:
                readers = [(item, _row_reader(item, headers.get(item.spec.get("header_row", 1), []), path))
                           for item in items]
            continue
        if not any(text.strip() for text in raw):
            continue
        for item, reader in readers:
            row = reader(raw, line)
            if row is not None:
                item.table.rows.append(row)
    if not readers:
        raise InputError([Problem(Location(str(path)), f"table {items[0].key[0]!r}: the file has no header row "
                                  f"{header_row}; is it empty?")])


def _row_reader(item: Wanted, headers: list[str], path: Path) -> Any:
    """A function from a raw CSV row to the table's Row, or None for rows the table does not keep."""
    spec, name = item.spec, item.key[0]
    identify = spec["rows"]
    positions = {header: index for index, header in reversed(list(enumerate(headers)))}
    twice = {header for index, header in enumerate(headers) if header and positions[header] != index}
    if twice:  # which of them the figures are in cannot be told
        from openpyxl.utils import get_column_letter  # only on this error's path: it costs 170 ms to import

        first = sorted(twice)[0]
        letters = " and ".join(get_column_letter(index + 1) for index, header in enumerate(headers)
                               if header == first)
        raise InputError([Problem(Location(str(path), spec.get("header_row", 1)),
                                  f"table {name!r}: columns {letters} are both headed {first!r}; which holds the "
                                  "figures cannot be told")])

    def position(where: str | int, purpose: str = "") -> int:
        if isinstance(where, int):
            return where - 1
        if where not in positions:
            raise InputError([Problem(Location(str(path), spec.get("header_row", 1)),
                                      f"table {name!r}: no column {where!r}{purpose}" + did_you_mean(where, headers))])
        return positions[where]

    def choices(key: str) -> list[int]:
        wanted = identify.get(key)
        return [position(where) for where in (wanted if isinstance(wanted, list) else [] if wanted is None
                                               else [wanted])]

    columns = {key: choices(key) for key in ("code", "number", "name", "level")}
    keep = [(position(where, " to select rows by"), str(value).format(year=item.year))
            for where, value in spec.get("where", {}).items()]
    tests = []
    for candidate in (NATIONAL, REGION, AUTHORITY):
        test = identify["levels"][candidate]
        tests.append((candidate, test["column"], str(test.get("equals", "")).casefold(),
                      re.compile(test["matches"]) if "matches" in test else None, "equals" in test))
    width = len(headers)

    def cell(raw: list[str], index: int) -> str:
        return raw[index].strip() if 0 <= index < len(raw) else ""

    def read(raw: list[str], line: int) -> Row | None:
        if any(cell(raw, index) != value for index, value in keep):
            return None
        values = {key: next((text for text in (cell(raw, i) for i in indexes) if text), "")
                  for key, indexes in columns.items()}
        level = None
        for candidate, column, equals, pattern, by_equals in tests:
            text = values.get(column, "")
            if (by_equals and text.casefold() == equals) or (pattern is not None and pattern.fullmatch(text)):
                level = candidate
                break
        if level is None:
            return None
        cells = {headers[index]: text.strip() for index, text in enumerate(raw[:width])}
        return Row(level, values["code"], values["number"], values["name"], cells, line)

    return read


def number(text: str) -> tuple[float | None, str]:
    """A cell as a number, or None and why: suppression markers are missing, thousands separators
    and a trailing % are dropped, and a figure that is not finite (NaN, inf, 1e309) is no figure."""
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    if cleaned.casefold() in SUPPRESSED:
        return None, f"is suppressed ({text.strip() or 'blank'!r})"
    try:
        number = float(cleaned)
    except ValueError:
        return None, f"is not a number ({text.strip()!r})"
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None, f"is not a usable number ({text.strip()!r})"
    return number, ""


@dataclass
class Grouping:
    """One statistical neighbour grouping: each authority's neighbours and region, by DfE number."""

    description: str
    minimum: int
    neighbours: dict[str, list[str]]
    regions: dict[str, str]


def read_grouping(spec: dict[str, Any], folder: Path) -> Grouping:
    path = folder / spec["file"]
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            rows = [{(key or "").lstrip(_BOM).strip(): (value or "").strip() for key, value in row.items()
                     if isinstance(value, str)} for row in reader]
            headers = [(name or "").lstrip(_BOM).strip() for name in reader.fieldnames or []]
    except FileNotFoundError:
        raise InputError([Problem(Location(str(path)), "no such file (the adapter's statistical neighbours)")]) \
            from None
    except UnicodeDecodeError as error:
        raise InputError([Problem(Location(str(path)), f"the statistical neighbours are not UTF-8 text (byte "
                                  f"{error.start}): save the file as UTF-8")]) from None
    except (OSError, csv.Error) as error:
        raise InputError([Problem(Location(str(path)), f"cannot read the statistical neighbours: {error}")]) from None
    for column in [spec["number"], spec["region"], *spec["columns"]]:
        if column not in headers:
            raise InputError([Problem(Location(str(path), 1), f"the statistical neighbours have no column "
                                      f"{column!r}" + did_you_mean(column, headers))])
    aliases = {key.casefold(): value for key, value in spec.get("region_names", {}).items()}
    neighbours, regions = {}, {}
    for row in rows:
        number = row.get(spec["number"], "")
        if number:
            neighbours[number] = [row[c] for c in spec["columns"] if row.get(c)]
            regions[number] = aliases.get(row[spec["region"]].casefold(), row[spec["region"]])
    return Grouping(spec["description"], spec["minimum"], neighbours, regions)
