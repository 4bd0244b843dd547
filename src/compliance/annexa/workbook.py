"""An Annex A workbook read list by list, each cell checked before any figure is counted.

fastexcel (Rust's calamine) reads a sheet's cells straight into Arrow memory as text, and polars
types them: dates (Excel dates, or text as 2025-03-31 or 31/03/2025), whole numbers, codes (a
cell reads as the code whose pattern it matches in full) and identifiers. A cell that will not
type is a problem, positioned as a spreadsheet user reads it (``Annex_A.xlsx:List 7!H12``); so
are a list's missing identifier or required column, two columns matching one pattern, a
duplicate row, a formula whose result cannot be trusted, and a list that fills every row Excel
allows. Messages never quote
an identifier, a name, a date or free text from the workbook: only codes and numbers, which
say nothing about a child. One list is in memory at a time.
"""

from __future__ import annotations

import re
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl
else:
    from .lazy import pl

from ..model import Location, Problem
from .derivations import Column, ListSpec

EXCEL_ROWS = 1_048_576  # the last row a sheet can have: a list that reaches it was cut short
SHOWN = 10  # problems listed for each column of a list; the rest are counted
ROW = "__row"
_ISO = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$"
_UK = r"^\d{1,2}/\d{1,2}/\d{4}$"
_TIDY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def letter(index: int) -> str:
    """A 0-based column index as Excel's letters: 0 is A, 26 is AA."""
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(65 + remainder) + text
    return text


def tidy(header: Any) -> str:
    return " ".join(str(header or "").translate(_TIDY).split())


def _header(name: str) -> str:
    """A header as fastexcel names it, tidied; a blank header (which fastexcel names __UNNAMED__N) is blank."""
    return "" if re.fullmatch(r"__UNNAMED__\d+", name) else tidy(name)


@dataclass
class ReadList:
    """One list as typed columns (named as the derivations name them), with what was found."""

    spec: ListSpec
    sheet: str
    frame: pl.DataFrame
    headers: dict[str, str]  # column -> the header as the workbook spells it
    letters: dict[str, str]  # column -> its letter
    rows: int
    missing: dict[str, str] = field(default_factory=dict)  # column -> why it was not found
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0


class Workbook:
    """The workbook's sheets, and a scan for formulas and where each sheet starts, made in a thread
    while the cells are read (the scan decompresses the sheets' XML, which fastexcel does not report)."""

    def __init__(self, path: Path, shown: str) -> None:
        import fastexcel

        self.path, self.shown = path, shown
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise _problem(shown, "is not an .xlsx workbook: save Annex A as an Excel workbook (.xlsx)")
        try:
            self.reader = fastexcel.read_excel(str(path))
        except Exception as error:  # fastexcel's errors share no base class we can name
            raise _problem(shown, f"cannot be read as an Excel workbook ({_first_line(error)})") from None
        self.sheets = list(self.reader.sheet_names)
        self._scan: dict[str, tuple[list[tuple[str, str]], tuple[int, int] | None]] = {}
        self._thread = threading.Thread(target=self._scan_sheets, daemon=True)
        self._thread.start()
        # the next list's cells are read while this one's are typed and counted (calamine and polars
        # both work outside Python's lock), one list ahead, so memory stays one or two lists
        self._ahead = ThreadPoolExecutor(max_workers=1)
        self._loading: dict[str, Future[Any]] = {}

    def read_ahead(self, spec: ListSpec, sheet: str) -> None:
        """Start reading a list's cells now, for a read() to come."""
        if sheet not in self._loading:
            self._loading[sheet] = self._ahead.submit(self._load, spec, sheet)

    def _load(self, spec: ListSpec, sheet: str) -> Any:
        wanted = [column.header for column in spec.columns.values()]

        def used(column: Any) -> bool:
            return any(pattern.search(_header(column.name)) for pattern in wanted)

        try:
            return self.reader.load_sheet(sheet, header_row=0, dtypes="string", use_columns=used)
        except Exception:  # fastexcel refuses a sheet with no cells at all
            return None

    def close(self) -> None:
        self._ahead.shutdown(wait=True, cancel_futures=True)

    def _scan_sheets(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                parts = _sheet_parts(archive)
                for name in self.sheets:
                    if name in parts:
                        self._scan[name] = _scan_part(archive.read(parts[name]))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError):
            pass  # what cannot be scanned is read at A1, with formulas unchecked: the cells decide

    def sheet_for(self, spec: ListSpec) -> tuple[str | None, list[Problem]]:
        found = [name for name in self.sheets if spec.sheet.search(tidy(name))]
        if len(found) > 1:
            return None, [Problem(Location(self.shown), f"{spec.title}: sheets {', '.join(map(repr, found))} all "
                                  "look like it; rename all but one")]
        return (found[0] if found else None), []

    def read(self, spec: ListSpec, sheet: str) -> ReadList:
        """The list's columns that some figure reads, typed; its other columns are never converted."""
        pending = self._loading.pop(sheet, None)
        loaded = pending.result() if pending is not None else self._load(spec, sheet)
        try:
            available = loaded.available_columns() if loaded is not None else []
        except Exception:  # fastexcel refuses a sheet with no cells at all
            loaded, available = None, []
        self._thread.join()
        formulas, first = self._scan.get(sheet, ([], None))
        where = f"{self.shown}:{sheet}"
        if loaded is None or not available:
            return ReadList(spec, sheet, pl.DataFrame(), {}, {}, 0, problems=[Problem(
                Location(where), f"the sheet is empty: {spec.title} needs a header row, then a row per child")])
        headers = [_header(column.name) for column in available]
        first_row, first_column = 1, 0
        if first is not None:  # the range fastexcel returns begins at the first cell with a value
            leading = next((index for index, text in enumerate(headers) if text), 0)
            first_row, first_column = first[0], max(0, first[1] - leading)
        raw = loaded.to_polars()
        raw = raw.rename({column.name: f"__UNNAMED__{column.index}" for column in loaded.selected_columns})
        read = ReadList(spec, sheet, pl.DataFrame(), {}, {}, raw.height)
        positions = self._match(spec, headers, first_column, first_row, where, read)
        if first_row + raw.height >= EXCEL_ROWS:
            read.problems.append(Problem(Location(f"{where}!A{EXCEL_ROWS}"), f"the list fills every row Excel allows "
                                         f"({EXCEL_ROWS:,}): the export was cut short; export it again in parts"))
        used_letters = set(read.letters.values())  # a formula in a column no figure reads (an age from TODAY())
        formulas = [(cell, why) for cell, why in formulas if cell.rstrip("0123456789") in used_letters]
        read.problems += [Problem(Location(f"{where}!{cell}"), f"{why}: paste the column as values")
                          for cell, why in formulas[:SHOWN]]
        if len(formulas) > SHOWN:
            more = f"{len(formulas) - SHOWN:,}" + (" or more" if len(formulas) >= _FORMULAS_COUNTED else "")
            read.problems.append(Problem(Location(where), f"and {more} more such formulas"))
        if read.problems:  # the list as a whole cannot be used: its cells are not checked
            return read
        body = raw.with_row_index(ROW, offset=first_row + 1)
        # rows with nothing in any column a figure reads are no rows (a list's blank tail, a spacer)
        body = body.filter(pl.any_horizontal(pl.all().exclude(ROW).is_not_null()))
        typed, problems, bad = _typed(body, spec, positions, read.letters, where)
        read.frame, read.bad_rows = typed, bad
        read.problems += problems
        read.rows = typed.height
        return read

    def _match(self, spec: ListSpec, headers: list[str], first_column: int, first_row: int, where: str,
               read: ReadList) -> dict[str, int]:
        positions: dict[str, int] = {}
        for name, column in spec.columns.items():
            found = [index for index, text in enumerate(headers) if text and column.header.search(text)]
            if len(found) > 1:
                cells = [f"{letter(first_column + i)}{first_row}" for i in found]
                read.problems.append(Problem(Location(f"{where}!{cells[1]}"), f"this header and {cells[0]}'s both "
                                             f"match {column.header.pattern!r}; rename one"))
            elif found:
                positions[name] = found[0]
                read.letters[name] = letter(first_column + found[0])
                text = " ".join(headers[found[0]].split())
                # a note quotes the header only when it is made of header words: a header cell holding more
                # (a name or a postcode pasted into the header row) is named by its column instead
                read.headers[name] = repr(text) if _header_like(text, spec) else \
                    f"column {read.letters[name]} ({name.replace('_', ' ')})"
            else:
                read.missing[name] = f"no header matches {column.header.pattern!r}"
        for name, why in read.missing.items():
            if spec.columns[name].required:
                # the row's cells are quoted only when it is evidently a header row (another header of the list
                # is in it): a list without one has a child's row there
                seen = (" (headers: " + ", ".join(repr(h) for h in headers if h) + ")") if positions else \
                    f"; no cell of row {first_row} is a header this list has: is its header row missing?"
                read.problems.append(Problem(Location(f"{where}!{first_row}"), f"{spec.title} needs a column "
                                             f"for {name.replace('_', ' ')}, but {why}{seen}"))
        return positions


#: the words of Ofsted's Annex A template's headers (every list), and a few more a renamed header may use
_WORDS = """
a absent abuse accept accommodation activity adopter adopters adoption advisor after age allocated alone an
and application approved as assessed assessment asylum authorisation be been being birth care case category
ceased check child children cin closure code completing completion concurrent conference contact continuous
current date decision deemed dental did disability discussion does during eligibility emergency end ended
enquiries enquiry entered episode episodes ethnicity family ffa for formerly fostering from gender has have
health icpcs id identifier if in individual initial initiating interview iro is la last latest leaving legal
location longer looked matched matching missing months most n need nfa no number of offered or order
organisation over pathway period permanence personal placed placement placements plan planning plans police
postcode powers previous primary process prospective protected protection provider reason received recent
referral referrals ren requiring result return review s second section seeking seen should six social source
stage start started status statutory strategy subject submitted subsequent suitability support team that the
their this to touch type uasc unaccompanied under unique unnecessary urn visit was what why with within work
worker y years
the at by on were had dd mm yyyy yes past days weeks working reference ref adviser advisor lead
"""
HEADER_WORDS = frozenset(_WORDS.split())


def _header_like(text: str, spec: ListSpec) -> bool:
    """Whether a header cell holds only header words (Annex A's, and its list's patterns') and small numbers
    (12 months, 45 days): what a note may quote without risk of quoting a child's details."""
    words = HEADER_WORDS | {word for column in spec.columns.values()
                            for word in re.findall(r"[a-z]+", column.header.pattern.lower())}
    return all((token.isdigit() and len(token) <= 3) or token.lower() in words
               for token in re.findall(r"[A-Za-z]+|\d+", text))


def _typed(body: pl.DataFrame, spec: ListSpec, positions: dict[str, int], letters: dict[str, str],
           where: str) -> tuple[pl.DataFrame, list[Problem], int]:
    """The list's columns typed, every cell that will not type as a problem, and how many rows have one."""
    typed: list[pl.Expr] = [pl.col(ROW)]
    checks: list[tuple[str, pl.Expr, str]] = []  # column, bad-cell mask, message
    for name, index in positions.items():
        column = spec.columns[name]
        text = pl.col(f"__UNNAMED__{index}").str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        value, bad, message = _type(column, text)
        typed.append(value.alias(name))
        if bad is not None:
            checks.append((name, bad, message))
        if column.required:
            checks.append((name, text.is_null(), "blank, but every row needs it"))
    frame = body.select(*typed, *(bad.alias(f"__bad{i}") for i, (_, bad, _) in enumerate(checks)),
                        *(pl.col(f"__UNNAMED__{positions[n]}").alias(f"__raw{i}") for i, (n, _, _)
                          in enumerate(checks)))
    masks = [f"__bad{i}" for i in range(len(checks))]
    problems: list[Problem] = []
    if checks and frame.select(pl.any_horizontal(masks).any()).item():
        for i, (name, _, message) in enumerate(checks):
            failing = frame.filter(pl.col(masks[i]))
            for row, raw in failing.select(ROW, f"__raw{i}").head(SHOWN).iter_rows():
                problems.append(Problem(Location(f"{where}!{letters[name]}{row}"), message.format(
                    value=_shown(spec.columns[name], raw))))
            if failing.height > SHOWN:
                problems.append(Problem(Location(f"{where}!{letters[name]}"), f"and {failing.height - SHOWN:,} "
                                        "more cells like these"))
    bad_rows = frame.select(pl.any_horizontal(masks).sum()).item() if masks else 0
    frame = frame.drop(*masks, *(f"__raw{i}" for i in range(len(checks))))
    if spec.key and all(column in positions for column in spec.key):
        duplicates, more = _duplicates(frame, spec, letters, where)
        problems += duplicates
        bad_rows += more
    return frame, problems, bad_rows


def _type(column: Column, text: pl.Expr) -> tuple[pl.Expr, pl.Expr | None, str]:
    """A column's typed value, the mask of its cells that will not type, and what to say of them."""
    value: pl.Expr
    if column.type == "date":
        value = (pl.when(text.str.contains(_ISO)).then(text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
                 .when(text.str.contains(_UK)).then(text.str.to_date("%d/%m/%Y", strict=False)))
        sane = value.is_between(pl.date(1900, 1, 1), pl.date(2100, 12, 31))
        return value, text.is_not_null() & ~sane.fill_null(False), \
            "not a date: give an Excel date, or text as 2025-03-31 or 31/03/2025"
    if column.type == "count":
        value = pl.when(text.str.contains(r"^\d{1,9}$")).then(text.cast(pl.Int64, strict=False))
        return value, text.is_not_null() & value.is_null(), "{value} is not a whole number of 0 or more"
    if column.type == "code":
        spaced = text.str.replace_all(r"\s+", " ")
        value = pl.lit(None, dtype=pl.String)
        for code, pattern in reversed(column.codes):  # the first code whose pattern matches wins
            value = pl.when(spaced.str.contains(f"(?i)^(?:{pattern})$")).then(pl.lit(code)).otherwise(value)
        codes = ", ".join(code.replace("_", " ") for code, _ in column.codes)
        return value, text.is_not_null() & value.is_null(), "{value} reads as none of: " + codes
    return text, None, ""  # identifiers and text are kept as they are, and never shown


def _shown(column: Column, raw: Any) -> str:
    """A cell that will not type, for a message: never its content (a name or a postcode typed into a yes/no
    or a count column is as personal as anywhere else), only what kind of thing it holds."""
    text = str(raw).strip()
    kind = "a number" if re.fullmatch(r"-?\d+(\.\d+)?", text) else "text"
    return f"the cell ({kind}, {len(text)} character{'s' * (len(text) != 1)})"


def _duplicates(frame: pl.DataFrame, spec: ListSpec, letters: dict[str, str], where: str
                ) -> tuple[list[Problem], int]:
    keyed = frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in spec.key))
    repeats = keyed.filter(pl.struct(spec.key).is_duplicated())
    if repeats.is_empty():
        return [], 0
    firsts = repeats.group_by(spec.key).agg(pl.col(ROW).min().alias("__first"))
    later = repeats.join(firsts, on=list(spec.key)).filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    named = " and ".join(c.replace("_", " ") for c in spec.key)
    problems = [Problem(Location(f"{where}!{letters[spec.key[0]]}{row}"), f"the same {named} as row {first}: "
                        "a duplicate row") for row, first in later.select(ROW, "__first").head(SHOWN).iter_rows()]
    if later.height > SHOWN:
        problems.append(Problem(Location(where), f"and {later.height - SHOWN:,} more duplicate rows"))
    return problems, later.height


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive, from the workbook and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for relation in re.finditer(r"<Relationship\b[^>]*>", relations):
        tag = relation.group(0)
        ident, target = re.search(r'Id="([^"]+)"', tag), re.search(r'Target="([^"]+)"', tag)
        if ident and target:
            path = target.group(1).lstrip("/")
            targets[ident.group(1)] = path if path.startswith("xl/") else f"xl/{path}"
    parts = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        tag = sheet.group(0)
        name, ident = re.search(r'name="([^"]*)"', tag), re.search(r'r:id="([^"]+)"', tag)
        if name and ident and ident.group(1) in targets:
            parts[_unescape(name.group(1))] = targets[ident.group(1)]
    return parts


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


_FORMULAS_COUNTED = 10_000  # a sheet of formulas is counted this far, not to its end
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _scan_part(xml: bytes) -> tuple[list[tuple[str, str]], tuple[int, int] | None]:
    """The formulas whose value cannot be trusted (cell, why), and the (row, 0-based column) of the
    first cell with a value. A formula with a saved result is read as that result, as Excel shows it;
    one with none, or one whose result changes whenever the workbook opens (TODAY, NOW, RAND, OFFSET,
    INDIRECT), is a problem."""
    first = None
    for match in _CELL.finditer(xml):
        if match.group(3) and (b"<v" in match.group(3) or b"<is" in match.group(3)):
            first = (int(match.group(2)), _column_index(match.group(1).decode()))
            break
    doubtful: list[tuple[str, str]] = []
    volatile_shared: set[bytes] = set()
    start = xml.find(b"<f")
    while start != -1 and len(doubtful) < _FORMULAS_COUNTED:
        if xml[start + 2:start + 3] in (b">", b" ", b"/"):
            cell = xml.rfind(b'<c r="', 0, start)
            close = xml.find(b"</c>", start)
            element = xml[cell:close if close != -1 else start + 2000]
            reference = element[6:element.find(b'"', 6)].decode()
            formula = _FORMULA.search(element)
            text = (formula.group(2) or b"") if formula else b""
            shared = _SHARED.search(formula.group(1)) if formula else None
            volatile = bool(_VOLATILE.search(text))
            if shared and volatile:
                volatile_shared.add(shared.group(1))
            elif shared and not text and shared.group(1) in volatile_shared:
                volatile = True
            value = _VALUE.search(element)
            if volatile:
                doubtful.append((reference, "a formula whose result changes whenever the workbook opens"))
            elif value is None or not value.group(1).strip():
                doubtful.append((reference, "a formula with no saved result"))
        start = xml.find(b"<f", start + 2)
    return doubtful, first


_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_SHARED = re.compile(rb'si="([0-9]+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_VOLATILE = re.compile(rb"\b(TODAY|NOW|RAND|RANDBETWEEN|OFFSET|INDIRECT)\s*\(", re.I)


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _problem(shown: str, message: str) -> Exception:
    from ..model import InputError

    return InputError([Problem(Location(shown), message)])


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
