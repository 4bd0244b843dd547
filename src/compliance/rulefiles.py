"""A pack's rule files (rules/*.yaml): its graded rules and its data queries, built and checked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import expressions
from .catalogue import condition_types
from .loader import Document, PathKey, one_line
from .model import Judgement, Location, Metric, Problem, Query, Rule, Scale, Source

if TYPE_CHECKING:
    from .builder import PackBuilder


def rules(builder: PackBuilder, document: Document, judgements: dict[str, Judgement], metrics: dict[str, Metric],
          scale: Scale, sources: tuple[Source, ...]) -> list[Rule]:
    """The graded rules of a rule file; a rule with any problem is left out, its problems noted."""
    found = []
    for index, item in enumerate(document.data["rules"]):
        if item.get("kind") == "query":
            continue
        path = ("rules", index)
        rule_id = item["id"]

        def problem(where: Location, message: str, rule_id: str = rule_id) -> None:
            builder.problem(where, message, subject=rule_id)

        problems_before = len(builder.problems)
        if item["judgement"] not in judgements:
            problem(document.where(path + ("judgement",)), f"unknown judgement {item['judgement']!r}"
                    + builder.suggest(item["judgement"], judgements))
        metric = metrics.get(item["metric"])
        if metric is None:
            problem(document.where(path + ("metric",)), f"unknown metric {item['metric']!r}"
                    + builder.suggest(item["metric"], metrics))
            continue
        types = condition_types(metric, metrics)
        bands = builder.bands(item["bands"], types, document, path, rule_id, scale)
        builder.check_grade(item["otherwise"], document.where(path + ("otherwise",)), rule_id, scale, "otherwise ")
        applies_when = None
        if "applies_when" in item:
            applies_when = builder.condition(item["applies_when"], types, document, path + ("applies_when",), rule_id)
        if "timescale" in item and "recommendation" not in item:
            problem(document.where(path + ("timescale",)), "a timescale needs a recommendation")
        cites = builder.cites(item["cites"], document, path + ("cites",), rule_id, sources)
        if len(builder.problems) > problems_before:
            continue
        found.append(Rule(
            id=rule_id,
            title=item["title"],
            judgement=item["judgement"],
            metric=item["metric"],
            bands=tuple(bands),
            otherwise=item["otherwise"],
            cites=cites,
            location=document.where(path),
            recommendation=one_line(item.get("recommendation")),
            timescale=item.get("timescale"),
            limiting=item.get("limiting", False),
            applies_when=applies_when,
            rationale=one_line(item.get("rationale")),
            limiting_rationale=one_line(item.get("limiting_rationale")),
        ))
        check_limiting_source(builder, found[-1], document, path, item)
    return found


def queries(builder: PackBuilder, document: Document, metrics: dict[str, Metric],
            sources: tuple[Source, ...]) -> list[Query]:
    """The data queries of a rule file (``kind: query``); a query with any problem is left out."""
    found = []
    for index, item in enumerate(document.data["rules"]):
        if item.get("kind") != "query":
            continue
        path = ("rules", index)
        before = len(builder.problems)
        metric = metrics.get(item.get("metric", ""))
        if "metric" in item and metric is None:
            builder.problem(document.where(path + ("metric",)), f"unknown metric {item['metric']!r}"
                            + builder.suggest(item["metric"], metrics), item["id"])
            continue
        types = condition_types(metric, metrics) if metric else {
            other.id: expressions.BOOLEAN if other.is_boolean else expressions.NUMBER for other in metrics.values()}
        check = builder.condition(item["check"], types, document, path + ("check",), item["id"])
        cites = builder.cites(item["cites"], document, path + ("cites",), item["id"], sources)
        if check is None or len(builder.problems) > before:
            continue
        found.append(Query(item["id"], item["title"], check, one_line(item["message"]) or "", cites,
                           document.where(path), item.get("metric")))
    return found


def check_limiting_source(builder: PackBuilder, rule: Rule, document: Document, path: PathKey,
                          item: dict[str, Any]) -> None:
    """Note a limiting rule set here with no rationale, or a rationale given here for a rule that is not."""
    if rule.limiting and item.get("limiting") and not rule.limiting_rationale:
        builder.unsourced.append(Problem(
            document.where_key(path + ("limiting",)), "limiting has no rationale: say where the limit comes "
            "from (the framework, or the source's reasoning with its paragraph) in limiting_rationale", rule.id))
    if "limiting_rationale" in item and not rule.limiting:
        builder.unsourced.append(Problem(document.where_key(path + ("limiting_rationale",)),
                                         "limiting_rationale: the rule is not limiting", rule.id))
