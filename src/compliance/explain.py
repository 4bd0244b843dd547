"""``comply explain``: why a rule got its grade, and how that grade reached the top of the tree."""

from __future__ import annotations

from . import expressions
from .engine import missing_reason, rule_inputs, with_unit
from .model import Judgement, Result, Rule


def explain(result: Result, rule: Rule) -> str:
    pack, submission = result.pack, result.submission
    metric = pack.metrics[rule.metric]
    shared = {metric_id: item.value for metric_id, item in submission.values.items()}
    inputs = rule_inputs(rule, pack, submission, shared)
    finding = next(f for f in result.findings if f.rule.id == rule.id)
    lines = [
        f"{rule.id}: {rule.title}",
        f"  defined at {rule.location}; cites {', '.join(rule.cites)}",
        "",
        f"{submission.authority}, {submission.period} ({submission.path})",
        f"  {metric.id} ({metric.title}): "
        + (with_unit(metric, inputs.submitted.value) if inputs.submitted else "not in the file"),
    ]
    if inputs.submitted and inputs.submitted.note:
        lines.append(f"  note: {inputs.submitted.note}")
    for name, figure in inputs.benchmarks.items():
        from_file = inputs.submitted is not None and name in inputs.submitted.benchmarks
        origin = "from the file" if from_file else f"the pack's default ({metric.defaults_source or 'catalogue'})"
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
    lines.append(f"  otherwise: {pack.scale[rule.otherwise or ''].label}")
    lines += ["", f"Finding: {finding.status.value.replace('_', ' ')}"
              + (f", {finding.grade.label}" if finding.grade else "")
              + (" (limiting)" if rule.limiting else ""), f"  {finding.evidence}"]
    if rule.limiting:
        lines.append(f"  limiting because: {rule.limiting_rationale or 'no source given'}")
    lines += ["", "How it flows up the tree:"]
    results = {r.judgement.id: r for r in result.judgements}
    for judgement_id in _path_up(result, rule.judgement):
        judged = results[judgement_id]
        grade = judged.grade.label if judged.grade else "not judged"
        lines.append(f"  {judged.judgement.section}: {judged.judgement.title}: {grade}")
        lines.append(f"    {judged.basis}")
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
