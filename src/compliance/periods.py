"""Periods: financial years and their quarters, and the order they come in.

``2010-11`` is the financial year April 2010 to 31 March 2011; ``2010-11 Q1`` is its first
quarter, April to June 2010, and ``2010-11 Q4`` its last, January to March 2011.

Annual and quarterly figures are different series. A year's previous figure is the year
before's; a quarter's is the quarter before's (2010-11 Q1 follows 2009-10 Q4), never a
year's, which covers more and may end after it. Periods sort by the day they end, a year
after its fourth quarter, which ends on the same day.
"""

from __future__ import annotations

import datetime

_QUARTER_ENDS = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}  # years after the start, month, day


def quarter(period: str) -> int | None:
    """The quarter, 1-4, of ``2010-11 Q3``; None for a year."""
    return int(period[-1]) if period[-3:-1] == " Q" else None


def series(period: str) -> str:
    """'year' or 'quarter': figures are compared only within a series."""
    return "year" if quarter(period) is None else "quarter"


def end(period: str) -> datetime.date:
    """The last day of the period: 31 March for a year; 30 June, 30 September, 31 December or 31 March for a quarter."""
    years, month, day = _QUARTER_ENDS[quarter(period) or 4]
    return datetime.date(int(period[:4]) + years, month, day)


def order(period: str) -> tuple[datetime.date, int]:
    """A sort key: by the day the period ends, a year after its fourth quarter."""
    return end(period), quarter(period) is None


def before(period: str, others: list[str] | set[str] | dict[str, object]) -> list[str]:
    """The periods of ``others`` in ``period``'s series that come before it, earliest first."""
    return sorted((other for other in others if series(other) == series(period) and order(other) < order(period)),
                  key=order)
