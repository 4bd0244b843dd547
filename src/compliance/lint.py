"""``comply rules lint``: what is wrong with a pack, beyond what stops it loading.

Loading already refuses schema errors, unknown metrics and judgements, grades off the
scale, duplicate ids, citations past the source's last paragraph and cycles; lint
reports those too, then looks for what loads but cannot be right: bands that can never
be reached, rules that would fall short and recommend nothing, judgements fed by
nothing, metrics no rule reads, context metrics being graded, and limits (a judgement's
``limited_by``, ``cap_above_worst`` or ``worst_grade_from``, a rule's ``limiting``) that do not
say where they come from; and, when the pack traces its source (traceability.yaml), where
the trace and the rules' citations disagree.
"""

from __future__ import annotations

import ast
from pathlib import Path

from . import trace
from .expressions import CONSTANTS, Unavailable, evaluate, syntax
from .model import Condition, InputError, Pack, Polarity, Problem, Rule
from .packs import build_pack
from .problems import shown
from .units import bounds

Linear = dict[str, float]  # name -> coefficient; "" is the constant term


def lint(folder: Path) -> list[Problem]:
    """Every lint finding of the pack in ``folder``, sorted by position."""
    try:
        pack = build_pack(folder)  # uncached: lint reads the files as they are now
    except InputError as error:
        return [p if p.subject else Problem(p.location, p.message, _subject_of(p)) for p in error.problems]
    findings: list[Problem] = list(pack.unsourced) + trace.check(folder, pack)
    read = {rule.metric for rule in pack.rules} | {
        name for rule in pack.rules for band in rule.bands for name in band.condition.names} | {
        name for query in pack.queries for name in query.check.names} | {q.metric for q in pack.queries if q.metric} | {
        indicator.metric for indicator in pack.indicators} | {
        metric for estimate in pack.estimates.values() for metric in estimate.prompts}
    estimated = {name for estimate in pack.estimates.values() for name, _ in estimate.indicators}
    findings += [Problem(indicator.location, "read by no estimate", indicator.id)
                 for indicator in pack.indicators if indicator.id not in estimated]
    for rule in pack.rules:
        findings += _unreachable_bands(pack, rule)
        if rule.recommendation is None:
            findings.append(Problem(rule.location, "no recommendation: a shortfall would raise nothing", rule.id))
        if pack.metrics[rule.metric].polarity is Polarity.CONTEXT:
            findings.append(Problem(rule.location, f"grades {rule.metric}, a context metric", rule.id))
    fed = {rule.judgement for rule in pack.rules} | set(pack.estimates)
    for judgement in pack.judgements:
        if judgement.id not in fed and not judgement.inputs:
            findings.append(Problem(judgement.location, "fed by nothing: no rule names it and it has no inputs",
                                    judgement.id))
    own = str(Path(pack.path))
    for metric in pack.metrics.values():
        # a local pack answers for its own metrics; disabling a rule may leave a parent's unread
        if metric.id not in read and metric.polarity is not Polarity.CONTEXT and metric.location \
                and metric.location.path.startswith(own):
            findings.append(Problem(metric.location, "read by no rule (make it context, or add a rule)", metric.id))
    return sorted(findings)


def report(findings: list[Problem]) -> str:
    """comply rules lint: a line a finding, then how many."""
    return "".join(f"{line}\n" for line in shown(findings)) \
        + f"{len(findings)} problem{'' if len(findings) == 1 else 's'} found\n"


def _subject_of(problem: Problem) -> str:
    return Path(problem.location.path).stem if problem.location.path else "pack"


def _unreachable_bands(pack: Pack, rule: Rule) -> list[Problem]:
    """Bands that no value of the metric reaches first, where the conditions can be analysed.

    Conditions compare ``value`` with one shared base (a constant, or a benchmark plus or
    minus a constant), combined with and/or/not. Each threshold splits the line; trying
    every threshold and a point inside every gap between them covers every case.
    """
    metric = pack.metrics[rule.metric]
    if metric.is_boolean:
        points: list[object] = [True, False]
        if any(band.condition.names - {"value"} for band in rule.bands):
            return []
        names: list[str] = []
    else:
        analysed = [_thresholds(band.condition) for band in rule.bands]
        if any(a is None for a in analysed):
            return []
        bases = {tuple(sorted(base.items())) for a in analysed if a for base, _ in a}
        if len(bases) > 1:
            return []  # compares with different bases: which wins depends on the benchmarks
        cuts = sorted({cut for a in analysed if a for _, cut in a})
        names = sorted({name for base in bases for name, _ in base})
        low, high = bounds(metric) if not names else (None, None)
        candidates = cuts + [(a + b) / 2 for a, b in zip(cuts, cuts[1:], strict=False)]
        candidates += [cuts[0] - 1, cuts[-1] + 1] if cuts else [0.0]
        points = [x for x in candidates if (low is None or x >= low) and (high is None or x <= high)]
        points += [x for x in (low, high) if x is not None]
    reached = set()
    for point in points:
        values: dict[str, object] = {name: 0 for name in names}
        values["value"] = point
        for band in rule.bands:
            try:
                if evaluate(band.condition, values):
                    reached.add(band.grade)
                    break
            except Unavailable:
                return []
    return [
        Problem(band.condition.location, f"band {band.grade!r} can never be reached: the bands before it "
                                         "take every value it allows, or no value satisfies it", rule.id)
        for band in rule.bands if band.grade not in reached
    ]


def _thresholds(condition: Condition) -> list[tuple[Linear, float]] | None:
    """Each comparison as (base, cut), meaning ``value`` against ``base + cut``; None if not analysable."""
    found: list[tuple[Linear, float]] = []

    def walk(node: ast.AST) -> bool:
        if isinstance(node, ast.BoolOp):
            return all(walk(value) for value in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return walk(node.operand)
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for left, right in zip(sides, sides[1:], strict=False):
                difference = _subtract(_linear(left), _linear(right))
                if difference is None or not difference.get("value"):
                    return False
                scale = difference.pop("value")
                constant = difference.pop("", 0.0)
                base = {name: -coefficient / scale for name, coefficient in difference.items() if coefficient}
                found.append((base, -constant / scale))
            return True
        return False

    return found if walk(syntax(condition)) else None


def _linear(node: ast.AST) -> Linear | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return {"": float(node.value)}
    if isinstance(node, ast.Name) and node.id not in CONSTANTS:
        return {node.id: 1.0}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _linear(node.operand)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return None if inner is None else {k: sign * v for k, v in inner.items()}
    if isinstance(node, ast.BinOp):
        left, right = _linear(node.left), _linear(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return _subtract(left, {k: -v for k, v in right.items()})
        if isinstance(node.op, ast.Sub):
            return _subtract(left, right)
        if isinstance(node.op, ast.Mult):
            if set(left) == {""}:
                return {k: left[""] * v for k, v in right.items()}
            if set(right) == {""}:
                return {k: right[""] * v for k, v in left.items()}
        if isinstance(node.op, ast.Div) and set(right) == {""} and right[""]:
            return {k: v / right[""] for k, v in left.items()}
    return None


def _subtract(left: Linear | None, right: Linear | None) -> Linear | None:
    if left is None or right is None:
        return None
    result = dict(left)
    for name, coefficient in right.items():
        result[name] = result.get(name, 0.0) - coefficient
    return result
