"""Aggregate findings into the judgement tree, as DESIGN.md's "How grades are reached".

Each judgement takes its graded inputs (the rules that name it and the judgements it
lists), applies its method to their scores, then its limits: no better than any
judgement in ``limited_by``, nor than any graded ``limiting`` rule.

A judgement the pack can estimate from published figures (estimates.py) is judged this way
only when it rests on the authority's own evidence: enough of its own rules graded, and
every judgement it reads judged so too. Otherwise it is estimated by its ``points``, or,
where the estimate was withdrawn on the validation, not estimable from published figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple

from .model import (
    Estimate,
    Finding,
    Grade,
    IndicatorResult,
    Judgement,
    JudgementKind,
    JudgementResult,
    Pack,
    Signal,
    Status,
)


def best_fit(scores: Sequence[int]) -> int:
    """The median score; with an even count, the worse of the two middle scores."""
    ordered = sorted(scores)
    return ordered[len(ordered) // 2]


def worst(scores: Sequence[int]) -> int:
    return max(scores)


#: Aggregation methods by the name a pack uses, with how the basis describes them.
METHODS: dict[str, tuple[Callable[[Sequence[int]], int], str]] = {
    "best_fit": (best_fit, "best fit (median, ties to the worse grade)"),
    "worst": (worst, "worst"),
}


class Graded(NamedTuple):
    """A judgement graded by its method, with what its limits read."""

    pack: Pack
    judgement: Judgement
    rules: list[Finding]  # its graded rules
    limits: list[JudgementResult]  # the judgements in its limited_by
    sinks: list[JudgementResult]  # the judgements in its worst_grade_from
    scores: list[int]  # every graded input's score
    grade: Grade  # the method's grade


#: What lowered a grade (as the basis names it), to what grade, and where the limit comes from.
Lowering = tuple[str, Grade, str | None]


def limited_by(graded: Graded) -> list[Lowering]:
    """No better than any judgement it is limited by."""
    why = graded.judgement.limits_rationale.get("limited_by")
    return [(limit.judgement.title, limit.grade, why) for limit in graded.limits
            if limit.grade and limit.grade.score > graded.grade.score]


def limiting_rules(graded: Graded) -> list[Lowering]:
    """No better than any of its limiting rules' grades."""
    return [(f"limiting rule {finding.rule.id}", finding.grade, finding.rule.limiting_rationale)
            for finding in graded.rules
            if finding.rule.limiting and finding.grade and finding.grade.score > graded.grade.score]


def cap_above_worst(graded: Graded) -> list[Lowering]:
    """No more than ``cap_above_worst`` grades better than its worst graded input."""
    cap, worst_score, scale = graded.judgement.cap_above_worst, max(graded.scores), graded.pack.scale
    if cap is None or worst_score - cap <= graded.grade.score:
        return []
    return [(f"no more than {cap} above the worst input, {scale.by_score(worst_score).label},",
             scale.by_score(worst_score - cap), graded.judgement.limits_rationale.get("cap_above_worst"))]


def worst_grade_from(graded: Graded) -> list[Lowering]:
    """At the scale's worst grade when any judgement of its ``worst_grade_from`` is."""
    worst = graded.pack.scale.grades[-1]
    sunk = next((sink for sink in graded.sinks if sink.grade and sink.grade.score == worst.score), None)
    if sunk is None or worst.score <= graded.grade.score:
        return []
    return [(sunk.judgement.title, worst, graded.judgement.limits_rationale.get("worst_grade_from"))]


#: A judgement's limits, in the order its basis names what lowered it.
LIMITS: tuple[Callable[[Graded], list[Lowering]], ...] = (limited_by, limiting_rules, cap_above_worst,
                                                           worst_grade_from)


def points(signals: Sequence[tuple[Signal | None, float]]) -> float:
    """Concerns less strengths, each by its weight; a missing figure (None) and a neutral count nothing."""
    return sum(weight * (1 if signal is Signal.CONCERN else -1 if signal is Signal.STRENGTH else 0)
               for signal, weight in signals)


#: Estimate methods by the name a pack's estimates.yaml uses, with how the basis describes them.
ESTIMATE_METHODS: dict[str, tuple[Callable[[Sequence[tuple[Signal | None, float]]], float], str]] = {
    "points": (points, "points (concerns less strengths)"),
}


def judge(pack: Pack, findings: Sequence[Finding],
          indicators: Sequence[IndicatorResult] = ()) -> tuple[JudgementResult, ...]:
    """A result for every judgement of the pack, in the pack's order."""
    by_judgement: dict[str, list[Finding]] = {j.id: [] for j in pack.judgements}
    for finding in findings:
        by_judgement[finding.rule.judgement].append(finding)
    results: dict[str, JudgementResult] = {}

    def result(judgement_id: str) -> JudgementResult:
        # The pack loader refused cycles, so this recursion ends.
        if judgement_id not in results:
            judgement = pack.judgement(judgement_id)
            inputs = [result(other) for other in judgement.inputs]
            limits = [result(other) for other in judgement.limited_by]
            sinks = [result(other) for other in judgement.worst_grade_from]
            judged = _aggregate(pack, judgement, by_judgement[judgement_id], inputs, limits, sinks)
            estimate = pack.estimates.get(judgement_id)
            own_evidence = judged.grade is not None and all(r.kind is JudgementKind.JUDGED for r in inputs)
            if estimate is not None and not own_evidence:
                if any(r.kind is JudgementKind.JUDGED and r.grade for r in inputs):
                    judged = _from_own_evidence(pack, judgement, by_judgement[judgement_id], inputs, limits, sinks)
                else:
                    judged = _estimated(pack, judgement, estimate, indicators, judged.basis)
            results[judgement_id] = judged
        return results[judgement_id]

    return tuple(result(judgement.id) for judgement in pack.judgements)


def _from_own_evidence(pack: Pack, judgement: Judgement, findings: list[Finding], inputs: list[JudgementResult],
                       limits: list[JudgementResult], sinks: list[JudgementResult]) -> JudgementResult:
    """A judgement some of whose inputs the authority's own evidence judged: from those alone, as an inspector
    would (the others, estimated or not estimable, count as not judged), never from published figures, whose
    estimate was validated only where there is no own evidence to read and would ignore what there is."""
    own = {id(r): r if r.kind is JudgementKind.JUDGED else replace(r, grade=None) for r in [*inputs, *limits, *sinks]}
    result = _aggregate(pack, judgement, findings, [own[id(r)] for r in inputs], [own[id(r)] for r in limits],
                        [own[id(r)] for r in sinks])
    left = [r.judgement.title for r in inputs if r.kind is not JudgementKind.JUDGED]
    note = (f"; from the authority's own evidence only: {'; '.join(left)} "
            f"{'is' if len(left) == 1 else 'are'} not judged from it, so not read")
    if result.grade is None:
        note += " (an estimate from published figures is not given: it would not read the judgements that are)"
    return replace(result, basis=result.basis + note)


def _estimated(pack: Pack, judgement: Judgement, estimate: Estimate, indicators: Sequence[IndicatorResult],
               why_not_judged: str) -> JudgementResult:
    """The judgement from published figures: its estimate, or why there can be none."""
    if not estimate.estimable:
        return JudgementResult(judgement, None, f"not estimable from published figures: {estimate.why_not}; the "
                               f"authority's own evidence would judge it ({why_not_judged})",
                               kind=JudgementKind.NOT_ESTIMABLE, estimate=estimate)
    weights = dict(estimate.indicators)
    read = [reading for reading in indicators if reading.indicator.id in weights]
    published = sum(weights[r.indicator.id] for r in read if r.signal is not None)
    total = sum(weights.values())
    if published < 0.5 * total or not read:  # by weight: two figures sharing one count count once
        return JudgementResult(judgement, None, f"not estimable from published figures: only "
                               f"{sum(r.signal is not None for r in read)} of its {len(read)} indicators are "
                               f"published for this authority, {published:g} of their {total:g} counts, under "
                               f"half; the authority's own evidence would judge it ({why_not_judged})",
                               kind=JudgementKind.NOT_ESTIMABLE, estimate=estimate)
    method, words = ESTIMATE_METHODS[estimate.method]
    score = method([(reading.signal, weights[reading.indicator.id]) for reading in read])
    grade = next((pack.scale[grade_id] for grade_id, highest in estimate.cut_points if score <= highest),
                 pack.scale.grades[-1])

    def named(signal: Signal | None) -> str:
        chosen = [r.indicator.title for r in read if r.signal is signal]
        word = signal.value + ("s" if len(chosen) != 1 and signal is not Signal.NEUTRAL else "") if signal \
            else "not published (neutral)"
        return f"{len(chosen)} {word}" + (
            f" ({'; '.join(chosen)})" if chosen and signal is not Signal.NEUTRAL else "")

    counts = ", ".join(named(signal) for signal in (Signal.STRENGTH, Signal.CONCERN, Signal.NEUTRAL, None)
                       if signal is not None or any(r.signal is None for r in read))
    cuts = ", ".join(f"{pack.scale[grade_id].label} up to {highest:g}" for grade_id, highest in estimate.cut_points)
    doubted = [r.indicator.title for r in read if r.queried]
    doubt = (f"; a data query doubts the figure behind {len(doubted)} of these readings ({'; '.join(doubted)}): "
             "confirm it before relying on the estimate" if doubted else "")
    basis = (f"estimate from published figures, {words} of {len(read)} indicators: {counts}; score {score:+g}: "
             f"{grade.label} ({cuts}; above, {pack.scale.grades[-1].label}){doubt}; on the validation, "
             f"{estimate.agreement}")
    return JudgementResult(judgement, grade, basis, grade, kind=JudgementKind.ESTIMATED, score=score,
                           estimate=estimate)


def _aggregate(pack: Pack, judgement: Judgement, findings: list[Finding], inputs: list[JudgementResult],
               limits: list[JudgementResult], sinks: list[JudgementResult]) -> JudgementResult:
    graded_rules = [f for f in findings if f.status is Status.GRADED and f.grade]
    graded_inputs = [r for r in inputs if r.grade]
    counts = _counts(len(graded_rules), len(findings), len(graded_inputs), len(inputs))
    if findings and len(graded_rules) < judgement.min_evidence * len(findings):
        return JudgementResult(judgement, None, f"not judged: {counts}, fewer than the "
                                                f"{judgement.min_evidence:.0%} of rules this judgement needs",
                               kind=JudgementKind.NOT_JUDGED)
    unjudged_sink = next((sink for sink in sinks if sink.grade is None), None)
    if unjudged_sink is not None:  # its grade alone could set this one: without it there is no telling
        return JudgementResult(judgement, None, f"not judged: {unjudged_sink.judgement.title} is not judged, and "
                                                f"at {pack.scale.grades[-1].label} it would make this one so",
                               kind=JudgementKind.NOT_JUDGED)
    scores = [f.grade.score for f in graded_rules if f.grade] + [r.grade.score for r in graded_inputs if r.grade]
    if not scores:
        return JudgementResult(judgement, None, f"not judged: nothing graded ({counts})", kind=JudgementKind.NOT_JUDGED)
    method, method_words = METHODS[judgement.method]
    method_grade = pack.scale.by_score(method(scores))
    graded = Graded(pack, judgement, graded_rules, limits, sinks, scores, method_grade)
    lowered_by = [lowering for limit in LIMITS for lowering in limit(graded)]
    grade = pack.scale.by_score(max(limit_grade.score for _, limit_grade, _ in lowered_by)) if lowered_by \
        else method_grade
    inputs_word = "input" if len(scores) == 1 else "inputs"
    basis = f"{method_words} of {len(scores)} graded {inputs_word} ({counts}): {method_grade.label}"
    if lowered_by:
        basis += f"; limited to {grade.label} by " + ", ".join(
            f"{name} ({limit_grade.label})" for name, limit_grade, _ in lowered_by) + _sources(lowered_by)
    return JudgementResult(judgement, grade, basis, method_grade, tuple(name for name, _, _ in lowered_by))


def _sources(lowered_by: list[Lowering]) -> str:
    """The limits' rationales, each once, as the basis's closing sentence."""
    rationales = list(dict.fromkeys(rationale for _, _, rationale in lowered_by if rationale))
    if not rationales:
        return ""
    return ". Why: " + " ".join(text if text.endswith(".") else text + "." for text in rationales)


def _counts(rules_graded: int, rules: int, judgements_graded: int, judgements: int) -> str:
    parts = []
    if rules:
        parts.append(f"{rules_graded} of {rules} rules graded")
    if judgements:
        parts.append(f"{judgements_graded} of {judgements} judgements judged")
    return ", ".join(parts) or "no inputs"
