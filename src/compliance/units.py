"""The units a metric is measured in: what a figure of each is called, the values it can take, how it is written.

The one home of these words: a metrics file's checks, lint's reachable bands, the evidence
sentences and the catalogue all read them here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .model import Metric, Unit


class UnitWords(NamedTuple):
    noun: str  # a figure of the unit, in a message: "value 101 is out of range for a percentage"
    label: str  # the unit in the catalogue's column
    least: float | None  # the least and most a figure can be, before the catalogue's minimum and maximum
    most: float | None


UNITS: dict[Unit, UnitWords] = {
    Unit.PERCENT: UnitWords("a percentage", "%", 0.0, 100.0),
    Unit.COUNT: UnitWords("a count", "count", 0.0, None),
    Unit.RATE: UnitWords("a rate", "rate", 0.0, None),
    Unit.DAYS: UnitWords("a number of days", "days", 0.0, None),
    Unit.NUMBER: UnitWords("a number", "number", None, None),
    Unit.BOOLEAN: UnitWords("yes or no", "yes/no", None, None),
}

# Enum members as module globals: the evidence sentences write figures in a hot loop.
_PERCENT, _RATE, _COUNT, _DAYS = Unit.PERCENT, Unit.RATE, Unit.COUNT, Unit.DAYS


def bounds(metric: Metric) -> tuple[float | None, float | None]:
    """The least and most a figure of the metric may be: its unit's range, narrowed by the catalogue's."""
    words = UNITS[metric.unit]
    low, high = words.least, words.most
    if metric.minimum is not None:
        low = metric.minimum if low is None else max(low, metric.minimum)
    if metric.maximum is not None:
        high = metric.maximum if high is None else min(high, metric.maximum)
    return low, high


def number_text(unit: Unit | None, figure: Any) -> str:
    """A figure as the evidence writes it, without its unit: 84.6 for a percentage, 12 for a count, yes or no."""
    if isinstance(figure, bool):
        return "yes" if figure else "no"
    if unit is _PERCENT or unit is _RATE:
        return f"{figure:.1f}"
    if unit is _COUNT:
        return str(int(figure))
    return f"{figure:g}"


def with_unit(unit: Unit, figure: Any) -> str:
    """A figure with its unit: 84.6%, 1 day, 12 days."""
    text = number_text(unit, figure)
    if unit is _PERCENT:
        return text + "%"
    if unit is _DAYS:
        return text + (" day" if figure == 1 else " days")
    return text
