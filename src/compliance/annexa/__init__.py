"""``comply import annex-a``: a metrics file from the authority's own Annex A workbook.

Ofsted's Annex A holds a row per child in eleven lists. A pack's derivations file (data, like
the published-data adapters) says which list and rows each metric is counted from; this
package reads the workbook list by list (fastexcel into polars), checks every cell it uses,
and counts. Only aggregates leave: the metrics file holds numerators, denominators, counts
and means, each with a note naming the list, columns and conditions that made it. Nothing a
child could be known by (identifier, name, date of birth, postcode) reaches the file, a
message or a log; the children behind a shortfall are listed only when the officer asks, in
a file the officer names.

The heavy libraries (fastexcel, polars, holidays) are imported here and only here, so that
``comply check`` never pays for them.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import InputError, Location, Pack, Polarity, Problem
from ..periods import problem, quarter
from .derivations import Derivation, Derivations
from .derivations import read as read_derivations
from .workbook import ROW, ReadList, Workbook

__all__ = ["Derived", "derive", "file_name", "read_derivations"]


class WorkbookError(InputError):
    """The workbook's problems, in the order a reader meets them (list by list, row by row)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class Derived:
    """What an import derived: the metrics file's content and comments, and (when asked) the
    children behind each shortfall, which never go into the metrics file."""

    content: dict[str, Any]
    comments: list[str]
    trailer: list[str]
    lists: dict[str, int]  # sheet -> rows read
    shortfalls: list[tuple[str, str, int, str]] = field(default_factory=list)  # metric, sheet, row, child


def window_of(period: str, as_of: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The 12 months ending on the reference date: 31 March of the period, or ``as_of`` within it."""
    wrong = problem(period)
    if wrong or quarter(period):
        raise InputError([Problem(Location("--period"), wrong or f"{period!r}: give a financial year such as "
                                                                  "2024-25: Annex A covers a year")])
    first, last = datetime.date(int(period[:4]), 4, 1), datetime.date(int(period[:4]) + 1, 3, 31)
    end = as_of or last
    if not first <= end <= last:
        raise InputError([Problem(Location("--as-of"), f"{end.isoformat()} is not in {period} "
                                  f"({first.isoformat()} to {last.isoformat()})")])
    start = (datetime.date(end.year - 1, end.month, end.day) if (end.month, end.day) != (2, 29)
             else datetime.date(end.year - 1, 2, 28)) + datetime.timedelta(days=1)
    return start, end


def derive(path: Path, derivations: Derivations, pack: Pack, period: str, authority: str,
           as_of: datetime.date | None = None, shown: str | None = None, children: bool = False) -> Derived:
    """Every metric the derivations give, from the workbook at ``path``; raise with every problem
    of the workbook (and write nothing) when any cell the figures rest on is not what it should be."""
    from .vocabulary import Window

    start, end = window_of(period, as_of)
    shown = shown or str(path)
    book = Workbook(path, shown)
    found = [(spec, *book.sheet_for(spec)) for spec in derivations.lists.values()]
    ahead = [(spec, sheet) for spec, sheet, _ in found if sheet is not None]
    after = {sheet: ahead[index + 1] for index, (_, sheet) in enumerate(ahead[:-1])}  # the list to read next
    if ahead:
        book.read_ahead(*ahead[0])  # first: the imports below happen while it is read
    import holidays

    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year - 12, end.year + 2))
    window = Window(start, end, tuple(sorted(bank)))
    try:
        problems, figures, not_given, sheets, shortfalls = _derive_lists(
            found, after, book, derivations, window, pack, children, shown)
    finally:
        book.close()
    if problems:
        raise WorkbookError(problems)
    return _derived(path, derivations, pack, period, authority, as_of, end, window, figures, not_given, sheets,
                    shortfalls)


def _derive_lists(found: list[Any], after: dict[str, Any], book: Workbook, derivations: Derivations, window: Any,
                  pack: Pack, children: bool, shown: str) -> tuple[list[Problem], dict[str, dict[str, Any]],
                                                                   dict[str, str], dict[str, int],
                                                                   list[tuple[str, str, int, str]]]:
    problems: list[Problem] = []
    figures: dict[str, dict[str, Any]] = {}
    not_given: dict[str, str] = {}
    sheets: dict[str, int] = {}
    shortfalls: list[tuple[str, str, int, str]] = []
    for spec, sheet, ambiguous in found:
        wanted = [d for d in derivations.metrics.values() if d.list == spec.name]
        problems += ambiguous
        if sheet in after:
            book.read_ahead(*after[sheet])
        if sheet is None:
            for derivation in wanted:
                not_given[derivation.metric] = f"the workbook has no sheet for {spec.title}" if not ambiguous \
                    else f"several sheets look like {spec.title}"
            continue
        read = book.read(spec, sheet)
        sheets[sheet] = read.rows
        if read.problems:
            problems += read.problems
            problems.append(Problem(Location(f"{shown}:{sheet}"), (
                f"{read.bad_rows:,} of {read.rows:,} rows have problems" if read.bad_rows
                else "the list cannot be used as it is") + "; nothing was written"))
            continue
        for derivation, (figure, why) in zip(wanted, _figures(wanted, read, window), strict=True):
            if figure is None:
                not_given[derivation.metric] = why
            else:
                figures[derivation.metric] = figure
                if children:
                    shortfalls += _shortfall(derivation, read, window, pack)
    return problems, figures, not_given, sheets, shortfalls


def _derived(path: Path, derivations: Derivations, pack: Pack, period: str, authority: str,
             as_of: datetime.date | None, end: datetime.date, window: Any, figures: dict[str, dict[str, Any]],
             not_given: dict[str, str], sheets: dict[str, int], shortfalls: list[tuple[str, str, int, str]]
             ) -> Derived:
    content = {"authority": authority, "period": period, **({"as_of": end.isoformat()} if as_of else {}),
               "pack": _pack_reference(pack),
               "metrics": {metric: figures[metric] for metric in derivations.metrics if metric in figures}}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    comments = [
        f"# Derived by comply import annex-a ({derivations.id}) from {path.name} (sha256 {digest}...) for {period}.",
        f"# Source: {derivations.source}, the authority's own records.",
        f"# Period: {window.says()}, the 12 months ending on the reference date; working days are Monday",
        "# to Friday less England's bank holidays. Each note names the list, its columns (as headed in the",
        "# workbook, or by letter where a header holds more than header words) and the rows counted.",
        "# Aggregates only: no child's identifier, name, date of birth or postcode is in this file.",
        "# Lists read: " + ", ".join(f"{sheet} ({rows:,} rows)" for sheet, rows in sheets.items()) + ".",
    ]
    trailer = []
    if not_given:
        trailer += ["", "# Not derived from this workbook:"]
        trailer += [f"#   {metric}: {why}" for metric, why in not_given.items()]
    if derivations.cannot_give:
        trailer += ["", "# Annex A cannot evidence the pack's other attested metrics; among them:"]
        trailer += [f"#   {metric}: {why}" for metric, why in derivations.cannot_give.items()]
    return Derived(content, comments, trailer, sheets, shortfalls)


def _figures(wanted: list[Derivation], read: ReadList, window: Any) -> list[tuple[dict[str, Any] | None, str]]:
    """Each wanted metric from its list, every count made in one pass over the list."""
    plans = [_plan(derivation, read, window) for derivation in wanted]
    aggregates = [expr for plan in plans if isinstance(plan, list) for expr in plan]
    values = read.frame.select(aggregates).row(0, named=True) if aggregates else {}
    return [(None, plan) if isinstance(plan, str) else _entry(derivation, read, window, values)
            for derivation, plan in zip(wanted, plans, strict=True)]


def _plan(derivation: Derivation, read: ReadList, window: Any) -> list[Any] | str:
    """The aggregates one metric needs (named after it), or why the list cannot give it."""
    import polars as pl

    from .vocabulary import expression, reads

    needed = [column for column, _ in reads([*derivation.rows, *(derivation.numerator or [])])]
    needed += list(derivation.mean_days or ())
    absent = [column for column in needed if column in read.missing]
    if absent:
        return f"{read.spec.title} has no column for {absent[0].replace('_', ' ')} ({read.missing[absent[0]]})"
    rows = expression(derivation.rows, window)
    name = derivation.metric
    if derivation.numerator is not None:
        return [rows.sum().alias(f"{name}:n"), (rows & expression(derivation.numerator, window)).sum()
                .alias(f"{name}:k")]
    if derivation.mean_days is not None:
        start, finish = derivation.mean_days
        days = (pl.col(finish) - pl.col(start)).dt.total_days()
        return [rows.sum().alias(f"{name}:n"), days.filter(rows & days.is_not_null()).mean().alias(f"{name}:mean")]
    return [rows.sum().alias(f"{name}:n")]


def _entry(derivation: Derivation, read: ReadList, window: Any, values: dict[str, Any]
           ) -> tuple[dict[str, Any] | None, str]:
    """A metric's {numerator, denominator} or {value}, with its note, from the list's counts; or None and why."""
    from .vocabulary import says

    spec, headers, name = read.spec, read.headers, derivation.metric
    where = f"Annex A {spec.title}, sheet {read.sheet!r}"
    counted = says(derivation.rows, headers, window) or "every row"
    total = values[f"{name}:n"]
    if derivation.numerator is not None:
        if not total:
            return None, f"no rows of {spec.title} meet: {counted}"
        note = f"{where}: {derivation.says}. Rows: {counted}; of them counted: " \
               f"{says(derivation.numerator, headers, window)}"
        entry: dict[str, Any] = {"numerator": int(values[f"{name}:k"]), "denominator": int(total)}
    elif derivation.mean_days is not None:
        start, finish = derivation.mean_days
        mean = values[f"{name}:mean"]
        if not total or mean is None:
            return None, f"no rows of {spec.title} meet: {counted}"
        note = f"{where}: {derivation.says}. Rows: {counted} ({int(total)}); days from {headers[start]} to " \
               f"{headers[finish]}"
        entry = {"value": round(float(mean), 1)}
    else:
        note = f"{where}: {derivation.says}. Counted: {counted}"
        entry = {"value": int(total)}
    if derivation.estimated:
        entry["estimated"] = True
        note += f". An estimate: {derivation.estimated}"
    entry["note"] = note
    return entry, ""


def _shortfall(derivation: Derivation, read: ReadList, window: Any, pack: Pack) -> list[tuple[str, str, int, str]]:
    """The rows behind a percentage's shortfall: of its denominator, those outside the numerator when
    more is better, inside it when less is better."""
    from .vocabulary import expression

    polarity = pack.metrics[derivation.metric].polarity
    if derivation.numerator is None or polarity not in (Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER):
        return []
    rows, numerator = expression(derivation.rows, window), expression(derivation.numerator, window)
    short = rows & (~numerator if polarity is Polarity.HIGHER_BETTER else numerator)
    identifier = read.spec.identifier.name
    return [(derivation.metric, read.sheet, row, child)
            for row, child in read.frame.filter(short).select(ROW, identifier).iter_rows()]


def _pack_reference(pack: Pack) -> str:
    from ..packs import bundled_family

    return bundled_family(Path(pack.path)) or pack.id


def file_name(authority: str, period: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", authority.casefold()).strip("-") or "authority"
    return f"{slug}-annex-a-{period}.yaml"


def shortfalls_csv(derived: Derived) -> str:
    """The children behind each shortfall, for the officer's own audit: never into history or a report."""
    import csv
    import io

    from ..report.escaping import spreadsheet

    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["metric", "sheet", "row", "child"])
    # a child's identifier as written in the workbook: a spreadsheet opening this file must show it, never obey it
    writer.writerows([spreadsheet(cell) for cell in row] for row in derived.shortfalls)
    return stream.getvalue()

