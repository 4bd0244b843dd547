"""A pack's metric catalogue (metrics.yaml), and the names a condition on one of its metrics may read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import expressions, periods
from .loader import Document
from .model import RULE_NAMES, Metric, Polarity, Unit

if TYPE_CHECKING:
    from .builder import PackBuilder


def metrics(builder: PackBuilder, catalogue: Document) -> dict[str, Metric]:
    """Every metric of the catalogue, its problems noted with ``builder``."""
    found: dict[str, Metric] = {}
    for metric_id, item in catalogue.data["metrics"].items():
        location = catalogue.where_key(("metrics", metric_id))
        if metric_id in RULE_NAMES or metric_id in expressions.CONSTANTS or metric_id in expressions.FUNCTIONS:
            builder.problem(location, f"{metric_id!r} is a reserved name in conditions; choose another id")
        unit = Unit(item["unit"])
        minimum, maximum = item.get("minimum"), item.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            builder.problem(location, f"{metric_id}: minimum {minimum} is above maximum {maximum}")
        wrong_year = periods.problem(item["benchmarks_period"]) if "benchmarks_period" in item else None
        if wrong_year:
            builder.problem(catalogue.where(("metrics", metric_id, "benchmarks_period")),
                            f"{metric_id}: benchmarks_period {wrong_year}")
        if unit is Unit.BOOLEAN and item["polarity"] not in ("higher_better", "lower_better", "context"):
            builder.problem(location, f"{metric_id}: a yes/no metric cannot have polarity 'band'")
        found[metric_id] = Metric(
            id=metric_id,
            title=item["title"],
            unit=unit,
            polarity=Polarity(item["polarity"]),
            definition=" ".join(item["definition"].split()),
            minimum=minimum,
            maximum=maximum,
            code=item.get("code"),
            defaults=dict(item.get("benchmarks", {})),
            defaults_source=item.get("benchmarks_source"),
            defaults_period=item.get("benchmarks_period"),
            location=location,
        )
    return found


def condition_types(metric: Metric, metrics: dict[str, Metric]) -> dict[str, str]:
    """The names a condition on ``metric`` may read, and the type of each: every metric, and the rule's own."""
    def kind(m: Metric) -> str:
        return expressions.BOOLEAN if m.is_boolean else expressions.NUMBER

    types = {other.id: kind(other) for other in metrics.values()}
    types.update({name: expressions.NUMBER for name in RULE_NAMES})
    types["value"] = types["previous"] = kind(metric)
    if metric.unit is not Unit.PERCENT:
        del types["numerator"], types["denominator"]
    if metric.is_boolean or metric.polarity in (Polarity.BAND, Polarity.CONTEXT):
        del types["trend"]
    return types
