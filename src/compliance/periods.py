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
import re

_QUARTER_ENDS = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}  # years after the start, month, day


_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})( Q[1-4])?")
FIRST, LAST = 1900, 9998  # the financial years a period may start in: 1900-01 to 9998-99


def problem(period: str) -> str | None:
    """What is wrong with a period as written, or None: a financial year (2010-11), or one of its quarters
    (2010-11 Q3), starting between 1900 and 9998 (a later one would end past the calendar's last year)."""
    found = _PERIOD.fullmatch(period)
    if found is None:
        return f"{period!r} is not a period: write a financial year such as 2010-11, or a quarter: 2010-11 Q3"
    start, end = int(found.group(1)), int(found.group(2))
    if (start + 1) % 100 != end:
        return f"{period!r} is not a financial year: after {start} comes {(start + 1) % 100:02d}"
    if not FIRST <= start <= LAST:
        return f"{period!r} is not a year comply can place: periods run from {FIRST}-01 to {LAST}-99"
    return None


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
