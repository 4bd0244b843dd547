"""A pack's ``estimates.yaml``: judgements estimated from published figures.

Published figures are noisy, and one of them alone must not sink a judgement, so an estimate
does not use the inspector's roll-up. Each indicator reads one published figure as a
strength, a neutral or a concern; an estimate adds them up (``points``: concerns less
strengths, each by its weight; a figure that is missing or suppressed is neutral) and maps
the score to a grade through cut-points. The file is generated: the calibration script fits
the bands and cut-points on the training years, the validation script records how the
estimate then fared on later inspections, and an estimate that did not beat its baselines
is withdrawn (``estimable: false``): comply then says the judgement cannot be estimated from
published figures, rather than guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalogue import condition_types
from .loader import Document, one_line
from .model import Estimate, Indicator, Judgement, Metric, Polarity, Scale, Source
from .schema import did_you_mean

if TYPE_CHECKING:
    from .builder import PackBuilder


def build(builder: PackBuilder, document: Document, metrics: dict[str, Metric], judgements: dict[str, Judgement],
          scale: Scale, sources: tuple[Source, ...]) -> tuple[tuple[Indicator, ...], dict[str, Estimate]]:
    """The indicators and estimates of an estimates file, every problem reported to ``builder``."""
    indicators: dict[str, Indicator] = {}
    for index, item in enumerate(document.data["indicators"]):
        path = ("indicators", index)
        metric = metrics.get(item["metric"])
        if metric is None:
            builder.problem(document.where(path + ("metric",)), f"unknown metric {item['metric']!r}"
                            + did_you_mean(item["metric"], metrics), item["id"])
            continue
        if metric.polarity in (Polarity.CONTEXT, Polarity.BAND) or metric.is_boolean:
            builder.problem(document.where(path + ("metric",)), f"{metric.id} is {metric.polarity.value}: an "
                            "indicator reads a figure whose better direction is known", item["id"])
        types = condition_types(metric, metrics)
        strength = builder.condition(item["strength"], types, document, path + ("strength",), item["id"])
        concern = builder.condition(item["concern"], types, document, path + ("concern",), item["id"])
        cites = builder.cites(item["cites"], document, path + ("cites",), item["id"], sources)
        if item["id"] in indicators:
            builder.problem(document.where(path + ("id",)), "a second indicator with this id", item["id"])
        if strength is not None and concern is not None:
            indicators[item["id"]] = Indicator(item["id"], item["title"], metric.id, strength, concern, cites,
                                               document.where(path), one_line(item.get("rationale")))
    estimates: dict[str, Estimate] = {}
    for index, item in enumerate(document.data["estimates"]):
        path = ("estimates", index)
        judgement = item["judgement"]
        if judgement not in judgements:
            builder.problem(document.where(path + ("judgement",)), f"unknown judgement {judgement!r}"
                            + did_you_mean(judgement, judgements), judgement)
            continue
        if judgement in estimates:
            builder.problem(document.where(path), "a second estimate of this judgement", judgement)
        for name in item["indicators"]:
            if name not in indicators:
                builder.problem(document.where_key(path + ("indicators", name)), f"unknown indicator {name!r}"
                                + did_you_mean(name, indicators), judgement)
        for position, metric_id in enumerate(item.get("prompts", [])):
            if metric_id not in metrics:
                builder.problem(document.where(path + ("prompts", position)), f"unknown metric {metric_id!r}"
                                + did_you_mean(metric_id, metrics), judgement)
        cuts = _cut_points(builder, document, path, item["cut_points"], scale, judgement)
        validation = item.get("validation", {})
        estimates[judgement] = Estimate(
            judgement=judgement, method=item["method"], cut_points=cuts,
            indicators=tuple((name, float(weight)) for name, weight in item["indicators"].items()),
            location=document.where(path), rationale=one_line(item.get("rationale")),
            estimable=validation.get("estimable", False),
            agreement=validation.get("agreement", "not validated against inspections"),
            why_not=validation.get("why_not", "" if validation else "it has not been validated"),
            prompts=tuple(item.get("prompts", [])), validation=validation)
    return tuple(indicators.values()), estimates


def _cut_points(builder: PackBuilder, document: Document, path: tuple[Any, ...], raw: dict[str, float], scale: Scale,
                judgement: str) -> tuple[tuple[str, float], ...]:
    """Every grade but the worst, best first, each with a higher score than the one before."""
    wanted = list(scale.ids[:-1])
    if list(raw) != wanted:
        builder.problem(document.where(path + ("cut_points",)), "cut_points name every grade but the worst, best "
                        f"first: {', '.join(wanted)}", judgement)
        return ()
    scores = list(raw.values())
    if any(later < earlier for earlier, later in zip(scores, scores[1:], strict=False)):
        builder.problem(document.where(path + ("cut_points",)), "cut_points must not fall from one grade to the "
                        "next", judgement)
    return tuple((grade, float(score)) for grade, score in raw.items())


def inherited(parent_indicators: tuple[Indicator, ...], parent_estimates: dict[str, Estimate],
              judgements: dict[str, Judgement]) -> tuple[tuple[Indicator, ...], dict[str, Estimate]]:
    """A parent's estimates for a pack without its own file: those of judgements it still has, and
    the indicators they read."""
    kept = {key: value for key, value in parent_estimates.items() if key in judgements}
    read = {name for estimate in kept.values() for name, _ in estimate.indicators}
    return tuple(indicator for indicator in parent_indicators if indicator.id in read), kept
