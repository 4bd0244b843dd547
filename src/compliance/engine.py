"""Evaluate a pack's rules against one submission: findings, judgements, improvements.

Pure: values in, values out. Nothing here reads files, prints or exits.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Set
from dataclasses import replace
from typing import Any, NamedTuple

from . import expressions, grading, periods
from .model import (
    BENCHMARK_WORDS,
    RULE_NAMES,
    TIMESCALES,
    Condition,
    Finding,
    Improvement,
    Indicator,
    IndicatorResult,
    InputError,
    Location,
    Metric,
    MetricValue,
    Pack,
    Polarity,
    Problem,
    Query,
    QueryResult,
    QueryStatus,
    Result,
    Rule,
    Signal,
    Status,
    Submission,
    Unit,
    Waiver,
)
from .units import number_text, with_unit

# Enum members as module globals: looking a member up on its class is slow in a hot loop.
_PERCENT = Unit.PERCENT
_HIGHER, _LOWER = Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER



def evaluate(pack: Pack, submission: Submission, today: datetime.date | None = None) -> Result:
    """Grade every rule of ``pack`` on ``submission`` and aggregate the judgement tree.

    A waiver applies up to and including its expiry date, judged on ``today`` (the day
    of the run by default); a waived finding keeps, in its evidence, what it would have been.
    """
    today = today or datetime.date.today()
    shared = {metric_id: item.value for metric_id, item in submission.values.items()}
    rule_ids = {rule.id for rule in pack.rules}
    waivers = tuple((w, datetime.date.fromisoformat(w.expires) >= today)
                    for w in submission.waivers if w.rule in rule_ids)
    active: dict[str, Waiver] = {}
    for waiver, applies in waivers:
        if applies:
            active.setdefault(waiver.rule, waiver)
    queries = tuple(check_query(query, pack, submission, shared) for query in pack.queries)
    queried = _queried(pack, queries)
    findings = tuple(_waived(grade_finding(rule, pack, submission, shared), active.get(rule.id))
                     for rule in pack.rules)
    indicators = tuple(read_indicator(indicator, pack, submission, shared) for indicator in pack.indicators)
    if queried:  # a figure a query doubts is never graded silently: its grade or reading says so
        findings = tuple(_finding_queried(finding, queried, pack) for finding in findings)
        indicators = tuple(_reading_queried(reading, queried) for reading in indicators)
    areas, further = improvements(pack, findings)
    return Result(
        submission=submission,
        pack=pack,
        findings=findings,
        judgements=grading.judge(pack, findings, indicators),
        indicators=indicators,
        areas_for_improvement=areas,
        further_shortfalls=further,
        queries=queries,
        waivers=waivers,
        warnings=tuple(warnings(pack, submission)),
    )


def warnings(pack: Pack, submission: Submission) -> list[str]:
    """What looks wrong with the figures but may be right: every percentage below 1 is most often
    a fraction typed into a percent slot (0.74 for 74%); a figure read against the pack's default
    England, region or neighbour figure of another year than the file's."""
    return _fractions(pack, submission) + _other_years(pack, submission)


#: Benchmarks that belong to a year; a target is the pack's, whatever the year.
_YEARLY = ("national", "region", "neighbours")


def _other_years(pack: Pack, submission: Submission) -> list[str]:
    year = submission.period[:7]
    taken: dict[str, set[str]] = {}  # metric -> the yearly defaults it takes, from another year than the file's
    for metric in pack.metrics.values():
        item = submission.values.get(metric.id)
        if item is not None and metric.defaults_period and metric.defaults_period != year:
            names = {name for name in _YEARLY if name in metric.defaults and name not in item.benchmarks}
            if names:
                taken[metric.id] = names
    if not taken:
        return []
    graded = {rule.metric for rule in pack.rules if taken.get(rule.metric, set()) & _condition_names(rule)}
    graded |= {indicator.metric for indicator in pack.indicators
               if taken.get(indicator.metric, set()) & (indicator.strength.names | indicator.concern.names)}
    by_year: dict[str, list[str]] = {}
    for metric_id in sorted(graded):
        by_year.setdefault(pack.metrics[metric_id].defaults_period or "", []).append(metric_id)
    return [f"{', '.join(ids)} {'is' if len(ids) == 1 else 'are'} graded against the pack's default "
            f"benchmarks for {other}, not {year}'s: give {year}'s figures in the file where they are published"
            for other, ids in sorted(by_year.items())]


def _fractions(pack: Pack, submission: Submission) -> list[str]:
    percentages = [item.value for item in submission.values.values()
                   if pack.metrics[item.metric].unit is _PERCENT and isinstance(item.value, int | float)
                   and not isinstance(item.value, bool) and item.numerator is None]
    if percentages and all(value < 1 for value in percentages) and any(value > 0 for value in percentages):
        return [f"every percentage in the file is below 1 ({len(percentages)} of them, e.g. "
                f"{max(percentages):g}): percentages are 0-100, so 74% is 74, not 0.74"]
    return []


def _queried(pack: Pack, queries: tuple[QueryResult, ...]) -> dict[str, tuple[str, ...]]:
    """Each metric a raised query reads (its own, and any its check names): the queries, by id."""
    doubted: dict[str, list[str]] = {}
    for outcome in queries:
        if outcome.status is QueryStatus.RAISED:
            query = outcome.query
            names = {name for name in query.check.names if name in pack.metrics}
            for metric_id in sorted(names | ({query.metric} if query.metric else set())):
                doubted.setdefault(metric_id, []).append(query.id)
    return {metric_id: tuple(ids) for metric_id, ids in doubted.items()}


def _doubt(ids: tuple[str, ...]) -> str:
    return f"; a data query doubts the figure ({', '.join(ids)}): confirm it before relying on this"


def _finding_queried(finding: Finding, queried: dict[str, tuple[str, ...]], pack: Pack) -> Finding:
    """A graded finding whose figures a raised query reads, saying so."""
    if finding.status is not Status.GRADED:
        return finding
    rule = finding.rule
    ids = tuple(dict.fromkeys(query for name in [rule.metric, *sorted(_metric_names(rule, pack))]
                              for query in queried.get(name, ())))
    if not ids:
        return finding
    return replace(finding, evidence=finding.evidence + _doubt(ids), queried=ids)


def _reading_queried(reading: IndicatorResult, queried: dict[str, tuple[str, ...]]) -> IndicatorResult:
    """An indicator read from a figure a raised query reads, saying so."""
    ids = queried.get(reading.indicator.metric, ())
    if not ids or reading.signal is None:
        return reading
    return replace(reading, evidence=reading.evidence + _doubt(ids), queried=ids)


def _waived(finding: Finding, waiver: Waiver | None) -> Finding:
    if waiver is None:
        return finding
    evidence = (f"waived until {waiver.expires}, agreed by {waiver.agreed_by}: {waiver.reason.rstrip(' .;')}; "
                f"without the waiver: {finding.evidence}")
    return Finding(finding.rule, Status.WAIVED, evidence, None, finding.value, finding.benchmarks)


def check_query(query: Query, pack: Pack, submission: Submission, shared: dict[str, Any]) -> QueryResult:
    """A data query's outcome: passed, raised (with the figures), or not checked (what was missing)."""
    inputs = _inputs(query.metric, set(query.check.names), pack, submission, shared)
    try:
        if expressions.evaluate(query.check, inputs.names):
            return QueryResult(query, QueryStatus.PASSED, "")
    except expressions.Unavailable as missing:
        metric = pack.metrics.get(query.metric or "")
        reason = missing_reason(missing.reason, metric, pack) if metric else f"no figure for {missing.reason}"
        return QueryResult(query, QueryStatus.NOT_CHECKED, f"not checked: {reason}")
    described = expressions.describe(query.check, inputs.names, inputs.shown)
    return QueryResult(query, QueryStatus.RAISED, f"{query.message} ({described} does not hold)")


def read_indicator(indicator: Indicator, pack: Pack, submission: Submission,
                   shared: dict[str, Any]) -> IndicatorResult:
    """A published figure's signal for the estimates: a strength, a concern, else neutral; None
    (neutral in the points) when the figure or a benchmark it is read against is not there."""
    metric = pack.metrics[indicator.metric]
    inputs = _inputs(indicator.metric, set(indicator.strength.names | indicator.concern.names), pack, submission,
                     shared)
    value = inputs.submitted.value if inputs.submitted else None
    described = _described_value(metric, inputs.submitted, inputs.benchmarks, pack)
    try:
        for signal, condition in ((Signal.STRENGTH, indicator.strength), (Signal.CONCERN, indicator.concern)):
            if expressions.evaluate(condition, inputs.names):
                because = expressions.describe(condition, inputs.names, inputs.shown)
                return IndicatorResult(indicator, signal, f"{described}: {signal.value}, since {because}", value,
                                       inputs.benchmarks)
    except expressions.Unavailable as missing:
        return IndicatorResult(indicator, None, f"not published: {missing_reason(missing.reason, metric, pack)}; "
                               "counts as neutral", value, inputs.benchmarks)
    return IndicatorResult(indicator, Signal.NEUTRAL, f"{described}: neutral, between the strength and concern "
                           f"bands ({indicator.strength.text}; {indicator.concern.text})", value, inputs.benchmarks)


def missing_metrics(pack: Pack, submission: Submission) -> list[Problem]:
    """A problem for each metric that some rule reads and the submission lacks (for --strict)."""
    needed: dict[str, str] = {}
    for rule in pack.rules:
        for name in [rule.metric] + sorted(_metric_names(rule, pack)):
            needed.setdefault(name, rule.id)
    return [
        Problem(Location(submission.path), f"{metric_id} is missing (read by rule {rule_id})")
        for metric_id, rule_id in needed.items()
        if metric_id not in submission.values
    ]


def _metric_names(rule: Rule, pack: Pack) -> set[str]:
    return {name for name in _condition_names(rule) if name in pack.metrics}


def _condition_names(rule: Rule) -> frozenset[str]:
    """The names the rule's conditions read, worked out once for each rule (a region asks for each authority)."""
    kept = _READS.get(id(rule))
    if kept is None or kept[0] is not rule:
        if len(_READS) >= _READS_KEPT:  # a process that builds pack after pack (a test run) lets the old go
            _READS.clear()
        names = frozenset().union(*(band.condition.names for band in rule.bands),
                                  rule.applies_when.names if rule.applies_when else ())
        kept = _READS[id(rule)] = (rule, names)
    return kept[1]


#: Each rule seen, by id, with the names it reads; holding the rule keeps its id from being reused.
_READS: dict[int, tuple[Rule, frozenset[str]]] = {}
_READS_KEPT = 20_000  # rules: forty packs of the largest size


class RuleInputs(NamedTuple):
    """What a rule's conditions read for one submission, and how to show each value (a tuple: one is made
    for every rule of every authority, and a frozen dataclass takes three times as long to make)."""

    names: Mapping[str, Any]
    shown: dict[str, str]
    benchmarks: dict[str, float]
    submitted: MetricValue | None


def rule_inputs(rule: Rule, pack: Pack, submission: Submission, shared: dict[str, Any]) -> RuleInputs:
    """The rule's own values (value, benchmarks, trend...) over every submitted metric."""
    return _inputs(rule.metric, _condition_names(rule), pack, submission, shared)


def _inputs(metric_id: str | None, read: Set[str], pack: Pack, submission: Submission,
            shared: dict[str, Any]) -> RuleInputs:
    """The names a rule's conditions read and how to show them.

    ``shared`` maps every submitted metric to its value and is reused from rule to rule,
    its own names (value, benchmarks, trend...) replaced each time; the names returned are
    good until the next call. Metric ids never clash with those names (packs refuse it).
    """
    metric = pack.metrics[metric_id] if metric_id else None
    submitted = submission.values.get(metric_id) if metric_id else None
    benchmarks = dict(metric.defaults) if metric else {}
    own: dict[str, Any] = {}
    if metric and submitted is not None:
        benchmarks.update(submitted.benchmarks)
        own["value"] = submitted.value
        if submitted.numerator is not None:
            own["numerator"], own["denominator"] = submitted.numerator, submitted.denominator
        if "trend" in read:
            trend = _trend(metric, submitted)
            if trend is not None:
                own["trend"] = trend
    own.update(benchmarks)
    names = shared
    for name in RULE_NAMES:  # the names a rule or query has of its own, replaced from one to the next
        names.pop(name, None)
    names.update(own)
    shown = {
        name: f"trend {names[name]}" if name == "trend" else _figure(pack.metrics.get(name, metric), names[name])
        for name in read if name in names
    }
    return RuleInputs(names, shown, benchmarks, submitted)


def grade_finding(rule: Rule, pack: Pack, submission: Submission, shared: dict[str, Any]) -> Finding:
    """One rule's finding: graded by the first band that holds, or why it could not be."""
    metric = pack.metrics[rule.metric]
    names, shown, benchmarks, submitted = _inputs(rule.metric, _condition_names(rule), pack, submission, shared)
    value = submitted.value if submitted else None
    described = _described_value(metric, submitted, benchmarks, pack)
    try:
        if rule.applies_when and not expressions.evaluate(rule.applies_when, names):
            because = expressions.describe(rule.applies_when, names, shown)
            return Finding(rule, Status.NOT_APPLICABLE, f"not applicable, since {because} does not hold", None, value,
                           benchmarks)
        for band in rule.bands:
            if expressions.evaluate(band.condition, names):
                grade = pack.scale[band.grade]
                return Finding(rule, Status.GRADED, f"{described}: {grade.label}"
                               f"{_since(band.condition, metric, names, shown)}", grade, value, benchmarks)
    except expressions.Unavailable as missing:
        return Finding(rule, Status.NOT_EVIDENCED, f"not evidenced: {missing_reason(missing.reason, metric, pack)}",
                       None, value, benchmarks)
    grade = pack.scale[rule.otherwise]
    because = _since(rule.bands[-1].condition, metric, names, shown, " does not hold")
    return Finding(rule, Status.GRADED, f"{described}: {grade.label}{because}", grade, value, benchmarks)


def _since(condition: Condition, metric: Metric, names: Any, shown: dict[str, str], tail: str = "") -> str:
    if metric.is_boolean and condition.names <= {"value"}:
        return ""  # "Independent LSCB chair: yes: Good" needs no 'since yes'
    return ", since " + expressions.describe(condition, names, shown) + tail


def _trend(metric: Metric, submitted: MetricValue) -> int | None:
    """How many consecutive periods, up to now, the figure moved in its good direction."""
    if metric.polarity not in (_HIGHER, _LOWER) or metric.is_boolean:
        return None
    series = [submitted.history[period] for period in sorted(submitted.history, key=periods.order)]
    if not series and "previous" in submitted.benchmarks:
        series = [submitted.benchmarks["previous"]]
    if not series:
        return None
    series.append(float(submitted.value or 0))
    sign = 1 if metric.polarity is _HIGHER else -1
    count = 0
    for earlier, later in zip(reversed(series[:-1]), reversed(series[1:]), strict=True):
        if (later - earlier) * sign <= 0:
            break
        count += 1
    return count


def missing_reason(name: str, metric: Metric, pack: Pack) -> str:
    if name == "value":
        return f"no figure for {metric.id}"
    if name in BENCHMARK_WORDS:
        return f"no {name} benchmark for {metric.id}"
    if name == "trend":
        return f"no previous or history figures for {metric.id}, so no trend"
    if name in ("numerator", "denominator"):
        return f"{metric.id} was given as a value, not as numerator and denominator"
    if name in pack.metrics:
        return f"no figure for {name}"
    return name


def _described_value(metric: Metric, submitted: MetricValue | None, benchmarks: dict[str, float],
                     pack: Pack) -> str:
    if submitted is None:
        return metric.title
    text = f"{metric.title}: {with_unit(metric.unit, submitted.value)}"
    notes = []
    if submitted.denominator is not None:
        notes.append(f"{submitted.numerator} of {submitted.denominator}")
        if submitted.denominator < pack.small_cohort:
            notes.append(f"small cohort of {submitted.denominator}: treat with care")
    if submitted.estimated & {"value", "numerator", "denominator"}:
        notes.append("estimated")
    notes += [f"{BENCHMARK_WORDS[name]} {with_unit(metric.unit, figure)}"
              + (" estimated" if name in submitted.estimated else "")
              for name, figure in benchmarks.items()]
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _figure(metric: Metric | None, figure: Any) -> str:
    return number_text(metric.unit if metric else None, figure)


def improvements(pack: Pack, findings: tuple[Finding, ...]) -> tuple[tuple[Improvement, ...],
                                                                         tuple[Improvement, ...]]:
    """Areas for improvement (rules with a timescale) and further shortfalls (without one)."""
    threshold = pack.scale[pack.recommend_below].score
    short = [finding for finding in findings
             if finding.grade is not None and finding.grade.score > threshold and finding.rule.recommendation]
    areas = [Improvement(f.rule, pack.judgement(f.rule.judgement), f.rule.timescale)
             for f in short if f.rule.timescale]
    areas.sort(key=lambda area: TIMESCALES.index(area.timescale or ""))
    further = tuple(Improvement(f.rule, pack.judgement(f.rule.judgement), None)
                    for f in short if not f.rule.timescale)
    return tuple(areas), further


def strict_check(pack: Pack, submission: Submission) -> None:
    """Raise InputError if the submission lacks a metric that a rule reads."""
    problems = missing_metrics(pack, submission)
    if problems:
        raise InputError(problems)
