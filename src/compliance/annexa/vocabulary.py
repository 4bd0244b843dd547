"""The words a derivation may use: what each condition reads, how it selects rows, and how it
reads aloud in a figure's note. Derivations are data; this is the one dict of what they may say.

A condition becomes a polars expression over one list's typed columns (dates as dates, counts
as integers, codes as the code they read as, blanks as null) and is false, never null, where a
cell it needs is blank. ``end`` in a span names the reference date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl
else:
    from .lazy import pl

END = "end"  # in a span, the reference date rather than a column
SPAN_UNITS = {"working_days": "working days", "days": "days", "months": "months"}


@dataclass(frozen=True)
class Window:
    """The period a derivation counts in: the 12 months ending on the reference date."""

    start: datetime.date
    end: datetime.date
    holidays: tuple[datetime.date, ...]  # England's bank holidays, for working days

    def says(self) -> str:
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Word:
    """One condition: the columns it reads (with the type each must be), its expression, its words."""

    reads: Callable[[Any], list[tuple[str, str | None]]]
    select: Callable[[Any, Window], pl.Expr]
    says: Callable[[Any, dict[str, str], Window], str]


def _date(name: str, window: Window) -> pl.Expr:
    return pl.lit(window.end) if name == END else pl.col(name)


def _span(argument: dict[str, Any]) -> tuple[str, int]:
    unit = next(key for key in SPAN_UNITS if key in argument)
    return unit, argument[unit]


def _within(argument: dict[str, Any], window: Window, beyond: bool) -> pl.Expr:
    start, finish = _date(argument["from"], window), _date(argument["to"], window)
    unit, size = _span(argument)
    if unit == "working_days":
        too_long = pl.business_day_count(start, finish, holidays=window.holidays) > size
    elif unit == "days":
        too_long = (finish - start).dt.total_days() > size
    else:
        too_long = finish > start.dt.offset_by(f"{size}mo")
    dated = start.is_not_null() & finish.is_not_null() & (finish >= start)
    return dated & (too_long if beyond else ~too_long)


def _span_reads(argument: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(argument[side], "date") for side in ("from", "to") if argument[side] != END]


def _span_says(argument: dict[str, Any], headers: dict[str, str], beyond: bool) -> str:
    def name(column: str) -> str:
        return "the reference date" if column == END else headers[column]

    unit, size = _span(argument)
    relation = "more than" if beyond else "within"
    return f"{name(argument['to'])} {relation} {size} {SPAN_UNITS[unit]} after {name(argument['from'])}"


def _age(argument: dict[str, Any], window: Window) -> pl.Expr:
    born, end = pl.col(argument["born"]), window.end
    not_yet = (born.dt.month() > end.month) | ((born.dt.month() == end.month) & (born.dt.day() > end.day))
    age = pl.lit(end.year) - born.dt.year().cast(pl.Int32) - not_yet.cast(pl.Int32)
    return born.is_not_null() & age.is_between(argument["from"], argument["to"])


def _only(argument: dict[str, Any]) -> tuple[str, Any]:
    return next(iter(argument.items()))


WORDS: dict[str, Word] = {
    "dated_in_period": Word(
        lambda column: [(column, "date")],
        lambda column, window: pl.col(column).is_between(window.start, window.end),
        lambda column, headers, window: f"{headers[column]} from {window.says()}"),
    "open_at_end": Word(
        lambda pair: [(pair[0], "date"), (pair[1], "date")],
        lambda pair, window: (pl.col(pair[0]) <= window.end) & (pl.col(pair[1]).is_null()
                                                                 | (pl.col(pair[1]) > window.end)),
        lambda pair, headers, window: f"{headers[pair[0]]} by {_day(window.end)} and {headers[pair[1]]} "
                                      "blank or after it"),
    "during_period": Word(
        lambda pair: [(pair[0], "date"), (pair[1], "date")],
        lambda pair, window: (pl.col(pair[0]) <= window.end) & (pl.col(pair[1]).is_null()
                                                                 | (pl.col(pair[1]) >= window.start)),
        lambda pair, headers, window: f"{headers[pair[0]]} by {_day(window.end)} and {headers[pair[1]]} "
                                      f"blank or from {_day(window.start)}"),
    "filled": Word(
        lambda column: [(column, None)],
        lambda column, window: pl.col(column).is_not_null(),
        lambda column, headers, window: f"{headers[column]} filled in"),
    "blank": Word(
        lambda column: [(column, None)],
        lambda column, window: pl.col(column).is_null(),
        lambda column, headers, window: f"{headers[column]} blank"),
    "is": Word(
        lambda argument: [(_only(argument)[0], "code")],
        lambda argument, window: pl.col(_only(argument)[0]).is_in(_only(argument)[1]),
        lambda argument, headers, window: f"{headers[_only(argument)[0]]} reads "
                                          + " or ".join(c.replace("_", " ") for c in _only(argument)[1])),
    "at_least": Word(
        lambda argument: [(_only(argument)[0], "count")],
        lambda argument, window: pl.col(_only(argument)[0]) >= _only(argument)[1],
        lambda argument, headers, window: f"{headers[_only(argument)[0]]} at least {_only(argument)[1]}"),
    "within": Word(
        _span_reads,
        lambda argument, window: _within(argument, window, beyond=False),
        lambda argument, headers, window: _span_says(argument, headers, beyond=False)),
    "beyond": Word(
        _span_reads,
        lambda argument, window: _within(argument, window, beyond=True),
        lambda argument, headers, window: _span_says(argument, headers, beyond=True)),
    "age": Word(
        lambda argument: [(argument["born"], "date")],
        _age,
        lambda argument, headers, window: f"aged {argument['from']}"
                                          + (f" to {argument['to']}" if argument["to"] != argument["from"] else "")
                                          + f" on {_day(window.end)} by {headers[argument['born']]}"),
}


def condition(item: dict[str, Any]) -> tuple[str, Any]:
    """A condition's word and argument (each condition is a mapping of one key)."""
    return next(iter(item.items()))


def expression(conditions: list[dict[str, Any]], window: Window) -> pl.Expr:
    """All the conditions at once, as one expression that is never null."""
    selected = pl.col("__row").is_not_null()  # every row (a literal would not broadcast in a sum)
    for item in conditions:
        word, argument = condition(item)
        selected = selected & WORDS[word].select(argument, window).fill_null(False)
    return selected


def reads(conditions: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """The columns the conditions read, each with the type it must have (None: any)."""
    return [read for item in conditions for read in WORDS[condition(item)[0]].reads(condition(item)[1])]


def says(conditions: list[dict[str, Any]], headers: dict[str, str], window: Window) -> str:
    return "; ".join(WORDS[condition(item)[0]].says(condition(item)[1], headers, window) for item in conditions)
