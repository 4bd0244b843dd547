"""A metrics file to fill in: every metric of a pack with its unit, range and definition."""

from __future__ import annotations

import datetime
import json
import textwrap

from .model import Metric, Pack, Unit

_UNIT_TEXT = {
    Unit.PERCENT: "percentage, 0-100; or numerator and denominator",
    Unit.COUNT: "count, a whole number, 0 or more",
    Unit.RATE: "rate, 0 or more",
    Unit.DAYS: "number of days, 0 or more",
    Unit.NUMBER: "number",
    Unit.BOOLEAN: "yes/no: true or false",
}


def render(pack: Pack, today: datetime.date | None = None) -> str:
    today = today or datetime.date.today()
    start = today.year if today.month >= 4 else today.year - 1
    readers: dict[str, list[str]] = {}
    for rule in pack.rules:
        readers.setdefault(rule.metric, []).append(rule.id)
    lines = [
        f"# Metrics for {pack.title}",
        f"# Pack {pack.id} {pack.version}: {len(pack.metrics)} metrics.",
        "# Fill in each figure. Leave one empty if you do not have it: the rules that read it",
        "# are then reported as not evidenced. A figure may also be written in long form:",
        "#   metric_id: {value: 84.6, national: 85.0, previous: 80.1, note: \"source of the figure\"}",
        "# and a percentage as {numerator: 11, denominator: 13}. Mark estimates with",
        "# estimated: true and say in note how the figure was estimated.",
        "authority: Name of the authority",
        "# code: E06000021  # the authority's DfE or ONS code",
        f"period: {start}-{(start + 1) % 100:02d}  # financial year ending 31 March, e.g. 2010-11 or 2010-11 Q3",
        f"pack: {pack.id}",
        "metrics:",
    ]
    for metric in pack.metrics.values():
        lines += ["", *_comment(metric, readers.get(metric.id, [])), f"  {metric.id}:"]
    return "\n".join(lines) + "\n"


def _comment(metric: Metric, readers: list[str]) -> list[str]:
    unit = _UNIT_TEXT[metric.unit]
    if metric.minimum is not None or metric.maximum is not None:
        low = "" if metric.minimum is None else f"{metric.minimum:g}"
        high = "" if metric.maximum is None else f"{metric.maximum:g}"
        unit += f"; range {low}-{high}"
    head = f"{metric.title} ({unit})"
    if metric.code:
        head += f" [{metric.code}]"
    text = [head, metric.definition]
    if metric.defaults:
        shown = ", ".join(f"{name} {json.dumps(value)}" for name, value in metric.defaults.items())
        text.append(f"Default benchmarks: {shown}" + (f" ({metric.defaults_source})" if metric.defaults_source else ""))
    text.append("Read by: " + (", ".join(readers) if readers else "no rule (context only)"))
    lines: list[str] = []
    for paragraph in text:
        lines += textwrap.wrap(paragraph, 96, initial_indent="  # ", subsequent_indent="  #   ")
    return lines
