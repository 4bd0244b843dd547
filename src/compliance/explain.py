"""``comply explain``: why a rule got its grade, and how that grade reached the top of the tree."""

from __future__ import annotations

from . import expressions
from .engine import missing_reason, rule_inputs
from .model import Judgement, JudgementKind, JudgementResult, Result, Rule
from .packdoc import find_rule
from .units import with_unit


def explanation(result: Result, item_id: str) -> str:
    """comply explain: a judgement's, an indicator's or a rule's; BadValue when it is none of them."""
    if item_id in {judgement.id for judgement in result.pack.judgements}:
        return explain_judgement(result, item_id)
    if item_id in {indicator.id for indicator in result.pack.indicators}:
        return explain_indicator(result, item_id)
    return explain(result, find_rule(result.pack, item_id))


def explain(result: Result, rule: Rule) -> str:
    pack, submission = result.pack, result.submission
    metric = pack.metrics[rule.metric]
    shared = {metric_id: item.value for metric_id, item in submission.values.items()}
    inputs = rule_inputs(rule, pack, submission, shared)
    finding = next(f for f in result.findings if f.rule.id == rule.id)
    lines = [
        f"{rule.id}: {rule.title}",
        f"  defined at {rule.location}; cites {', '.join(rule.cites)}",
        *[f"  {', '.join(key for key in keys if key != 'rationale') or 'its rationale'} changed by {by} at {where}"
          + (f": {reason}" if reason else "") for rule_id, by, keys, reason, where in pack.overridden
          if rule_id == rule.id],
        "",
        f"{submission.authority}, {submission.period} ({submission.path})",
        f"  {metric.id} ({metric.title}): "
        + (with_unit(metric.unit, inputs.submitted.value) if inputs.submitted else "not in the file"),
    ]
    if inputs.submitted and inputs.submitted.note:
        lines.append(f"  note: {inputs.submitted.note}")
    for name, figure in inputs.benchmarks.items():
        from_file = inputs.submitted is not None and name in inputs.submitted.benchmarks
        origin = "from the file" if from_file else (
            f"the pack's default ({metric.defaults_source or 'catalogue'}"
            + (f"; for {metric.defaults_period}" if metric.defaults_period else "") + ")")
        estimated = " (estimated)" if inputs.submitted and name in inputs.submitted.estimated else ""
        lines.append(f"  {name}: {figure:g}{estimated}, {origin}")
    if "trend" in inputs.names:
        lines.append(f"  trend: {inputs.names['trend']} consecutive period(s) moving in the good direction")
    lines += ["", "Bands, in order:"]
    conditions = ([("applies when", rule.applies_when)] if rule.applies_when else []) + [
        (pack.scale[band.grade].label, band.condition) for band in rule.bands]
    for number, (label, condition) in enumerate(conditions, 1):
        assert condition is not None
        described = expressions.describe(condition, inputs.names, inputs.shown)
        try:
            outcome = "holds" if expressions.evaluate(condition, inputs.names) else "does not hold"
        except expressions.Unavailable as missing:
            outcome = f"cannot be tried: {missing_reason(missing.reason, metric, pack)}"
        lines.append(f"  {number}. {label}: {condition.text}")
        lines.append(f"       {described}: {outcome}")
        if outcome == "holds" and label != "applies when":
            break
    lines.append(f"  otherwise: {pack.scale[rule.otherwise].label}")
    lines += ["", f"Finding: {finding.status.value.replace('_', ' ')}"
              + (f", {finding.grade.label}" if finding.grade else "")
              + (" (limiting)" if rule.limiting else ""), f"  {finding.evidence}"]
    if rule.limiting:
        lines.append(f"  limiting because: {rule.limiting_rationale or 'no source given'}")
    lines += ["", "How it flows up the tree:"]
    results = {r.judgement.id: r for r in result.judgements}
    for judgement_id in _path_up(result, rule.judgement):
        judged = results[judgement_id]
        lines.append(f"  {judged.judgement.section}: {judged.judgement.title}: {_grade_text(judged)}")
        lines.append(f"    {judged.basis}")
        if judged.kind is JudgementKind.ESTIMATED:
            if judged.judgement.limits():
                lines.append("    its limits apply to a judgement from the authority's own evidence, not to this "
                             "estimate from published figures")
        else:
            lines += _limits(judged.judgement, judged.basis)
    return "\n".join(lines) + "\n"


def _limits(judgement: Judgement, basis: str) -> list[str]:
    """The judgement's limits with their sources, but for those its basis already gives (they lowered it)."""
    lines = []
    for key in judgement.limits():
        why = judgement.limits_rationale.get(key, "no source given")
        if why not in basis:
            value = judgement.cap_above_worst if key == "cap_above_worst" else ", ".join(getattr(judgement, key))
            lines.append(f"    limit {key} {value} (did not lower it): {why}")
    return lines


def _path_up(result: Result, start: str) -> list[str]:
    """``start`` and every judgement that reads it, directly or further up, in the pack's order."""
    reached = {start}
    changed = True
    while changed:
        changed = False
        for judgement in result.pack.judgements:
            if judgement.id not in reached and reached & set(judgement.inputs + judgement.limited_by):
                reached.add(judgement.id)
                changed = True
    return [start] + [j.id for j in result.pack.judgements if j.id in reached and j.id != start]


def explain_judgement(result: Result, judgement_id: str) -> str:
    """How a judgement got its grade: its inputs, its method and limits, or its estimate."""
    pack = result.pack
    judgement = pack.judgement(judgement_id)
    judged = next(r for r in result.judgements if r.judgement.id == judgement_id)
    submission = result.submission
    lines = [f"{judgement.id}: {judgement.section}: {judgement.title}", f"  defined at {judgement.location}", "",
             f"{submission.authority}, {submission.period} ({submission.path})",
             f"  {judged.grade.label if judged.grade else 'no grade'} ({judged.kind.value.replace('_', ' ')})",
             f"  {judged.basis}", ""]
    findings = [f for f in result.findings if f.rule.judgement == judgement_id]
    if findings:
        lines.append(f"Its rules (the authority's own evidence; {judgement.min_evidence:.0%} must be graded):")
        lines += [f"  {f.rule.id}: {f.grade.label if f.grade else f.status.value.replace('_', ' ')}"
                  + (" (limiting)" if f.rule.limiting else "") for f in findings]
    results = {r.judgement.id: r for r in result.judgements}
    if judged.kind is JudgementKind.ESTIMATED and (judgement.inputs or judgement.limits()):
        lines.append("The inspector's roll-up below (what it reads, and its limits) is how the authority's own "
                     "evidence would judge it; it does not apply to this estimate from published figures, which one "
                     "noisy figure must not sink:")
    for title, ids in (("The judgements it reads", judgement.inputs), ("No better than", judgement.limited_by),
                       ("At the worst grade when any of these is", judgement.worst_grade_from)):
        if ids:
            lines.append(f"{title}:")
            lines += [f"  {results[i].judgement.title}: {_grade_text(results[i])}" for i in ids if i in results]
    if judgement.cap_above_worst is not None:
        lines.append(f"No more than {judgement.cap_above_worst} grade(s) better than its worst graded input.")
    estimate = pack.estimates.get(judgement_id)
    if estimate is not None:
        weights = dict(estimate.indicators)
        lines += ["", f"Without enough of its own evidence it is estimated from published figures ({estimate.method}):"]
        for reading in result.indicators:
            if reading.indicator.id in weights:
                lines.append(f"  {reading.indicator.id} (counts {weights[reading.indicator.id]:g}): "
                             f"{reading.signal.value if reading.signal else 'not published, neutral'}")
                lines.append(f"       {reading.evidence}")
        lines.append("  cut-points: " + ", ".join(f"{pack.scale[grade].label} up to {score:g}"
                                                  for grade, score in estimate.cut_points))
        lines.append(f"  validation: {estimate.agreement}" + ("" if estimate.estimable else
                                                             f"; withdrawn: {estimate.why_not}"))
        if estimate.rationale:
            lines.append(f"  calibration: {estimate.rationale}")
    lines += ["", "How it flows up the tree:"]
    for other in _path_up(result, judgement_id)[1:]:
        lines.append(f"  {results[other].judgement.title}: {_grade_text(results[other])}")
    if len(lines) and lines[-1] == "How it flows up the tree:":
        lines.append("  (nothing reads it)")
    return "\n".join(lines) + "\n"


def _grade_text(judged: JudgementResult) -> str:
    if judged.grade is not None:
        return judged.grade.label + (" (estimate)" if judged.kind is JudgementKind.ESTIMATED else "")
    return "not estimable" if judged.kind is JudgementKind.NOT_ESTIMABLE else "not judged"


def explain_indicator(result: Result, indicator_id: str) -> str:
    """How a published indicator read for the estimates, against its bands, and which estimates use it."""
    reading = next(r for r in result.indicators if r.indicator.id == indicator_id)
    indicator = reading.indicator
    used = [f"{result.pack.judgement(judgement).title} (counts {dict(estimate.indicators)[indicator_id]:g})"
            for judgement, estimate in result.pack.estimates.items()
            if indicator_id in dict(estimate.indicators)]
    lines = [f"{indicator.id}: {indicator.title}", f"  defined at {indicator.location}; cites "
             f"{', '.join(indicator.cites)}", "", f"  strength: {indicator.strength.text}",
             f"  concern: {indicator.concern.text}", "  otherwise: neutral"]
    if indicator.rationale:
        lines.append(f"  where the bands come from: {indicator.rationale}")
    lines += ["", f"Reads as: {reading.signal.value if reading.signal else 'not published (neutral)'}",
              f"  {reading.evidence}", "", "Estimates that read it:", *[f"  {item}" for item in used]]
    return "\n".join(lines) + "\n"
