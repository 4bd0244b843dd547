"""``comply margins``: how far each judgement sits from the next grade, and which evidence would move it.

A step is one rule's grade moving one place on the scale (a yes/no rule that can only be
Good or Inadequate moves two). A judgement's margin is the fewest steps among its own rules,
and its input and limiting judgements, that change its grade; moving an input judgement one
grade costs that judgement's own margin. Each candidate is graded by the engine's own
aggregation (grading.judge) on a small pack holding the judgement and one stand-in per
judgement it reads, so the margins follow the method and every limit exactly as a check does.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import groupby

from .grading import judge
from .model import Finding, Grade, Judgement, JudgementKind, JudgementResult, Location, Pack, Result, Rule, Status

WORSE, BETTER = 1, -1
MAX_STEPS = 20  # past this, the margin is reported as "more than"
MAX_TRIES = 20000


@dataclass(frozen=True)
class Move:
    """One input of a judgement moving: a rule, or a judgement it reads."""

    unit: str  # the rule or judgement id
    title: str
    is_rule: bool
    limiting: bool
    before: Grade
    after: Grade
    steps: int


@dataclass(frozen=True)
class Shift:
    """The fewest steps that move a judgement one grade, and the inputs that would do it."""

    steps: int
    moves: tuple[Move, ...]  # one cheapest choice
    alike: tuple[tuple[str, ...], ...]  # per group of interchangeable moves chosen: every rule that would serve


#: Why no shift was found: the judgement is at that end of the scale, no change of its inputs'
#: grades can move it there, or it would take more than MAX_STEPS.
AT_END, OUT_OF_REACH, BEYOND = "at the end of the scale", "out of reach of its inputs' grades", "beyond"


@dataclass(frozen=True)
class Margin:
    judgement: Judgement
    grade: Grade | None  # None: not judged
    worse: Shift | str  # a Shift, or why there is none (AT_END, OUT_OF_REACH, BEYOND)
    better: Shift | str


def margins(result: Result) -> tuple[Margin, ...]:
    """Every judgement's margin, in the pack's order."""
    finder = _Finder(result)
    return tuple(Margin(j.judgement, j.grade, finder.margin(j.judgement.id, WORSE),
                        finder.margin(j.judgement.id, BETTER)) for j in result.judgements)


class _Finder:
    def __init__(self, result: Result) -> None:
        self.pack = result.pack
        self.results = {r.judgement.id: r for r in result.judgements}
        self.findings = result.findings
        self.memo: dict[tuple[str, int], Shift | str] = {}

    def margin(self, judgement_id: str, direction: int) -> Shift | str:
        key = (judgement_id, direction)
        if key not in self.memo:
            self.memo[key] = OUT_OF_REACH  # a cycle cannot occur (the loader refuses them); this guards re-entry
            self.memo[key] = self._search(judgement_id, direction)
        return self.memo[key]

    def _search(self, judgement_id: str, direction: int) -> Shift | str:
        current = self.results[judgement_id].grade
        if current is None:
            return OUT_OF_REACH
        if current.score == (len(self.pack.scale.grades) if direction == WORSE else 1):
            return AT_END
        grade_of = self._stand_in(judgement_id)
        moves = self._moves(judgement_id, direction)
        groups = [list(group) for _, group in groupby(sorted(moves, key=_group_key), key=_group_key)]
        start = tuple(0 for _ in groups)
        frontier = [(0, start)]
        seen = {start}
        tries, bounded = 0, False
        while frontier and tries < MAX_TRIES:
            cost, counts = heapq.heappop(frontier)
            tries += 1
            chosen = [move for group, count in zip(groups, counts, strict=True) for move in group[:count]]
            grade = grade_of(chosen)
            if grade is not None and (grade.score - current.score) * direction > 0:
                alike = tuple(tuple(move.unit for move in group) for group, count in zip(groups, counts, strict=True)
                              if count)
                return Shift(cost, tuple(chosen), alike)
            for index, group in enumerate(groups):
                if counts[index] < len(group):
                    following = counts[:index] + (counts[index] + 1,) + counts[index + 1:]
                    step = cost + group[0].steps
                    if following not in seen and step <= MAX_STEPS:
                        seen.add(following)
                        heapq.heappush(frontier, (step, following))
                    bounded = bounded or step > MAX_STEPS
        return BEYOND if bounded or frontier else OUT_OF_REACH

    def _moves(self, judgement_id: str, direction: int) -> Iterator[Move]:
        """Each input that can move one place in ``direction``, with its cost in steps."""
        scale = self.pack.scale
        for finding in self.findings:
            rule = finding.rule
            if rule.judgement != judgement_id or finding.status is not Status.GRADED or finding.grade is None:
                continue
            reachable = sorted({scale[band.grade].score for band in rule.bands} | {scale[rule.otherwise].score})
            after = [s for s in reachable if (s - finding.grade.score) * direction > 0]
            if after:
                target = min(after) if direction == WORSE else max(after)
                yield Move(rule.id, rule.title, True, rule.limiting, finding.grade, scale.by_score(target),
                           abs(target - finding.grade.score))
        judgement = self.pack.judgement(judgement_id)
        for other in dict.fromkeys(judgement.inputs + judgement.limited_by + judgement.worst_grade_from):
            grade = self.results[other].grade
            found = self.margin(other, direction)
            if grade is not None and isinstance(found, Shift):
                after_score = grade.score + direction
                yield Move(other, self.results[other].judgement.title, False, False, grade,
                           scale.by_score(after_score), found.steps)

    def _stand_in(self, judgement_id: str) -> Callable[[list[Move]], Grade | None]:
        """A function grading the judgement with some inputs moved, on a pack of it and stand-ins for what it reads."""
        judgement = self.pack.judgement(judgement_id)
        others = list(dict.fromkeys(judgement.inputs + judgement.limited_by + judgement.worst_grade_from))
        where = Location("margins")
        scale_worst = self.pack.scale.grades[-1].id  # a stand-in's findings are made here, never graded by it
        leaves = [Judgement(other, judgement.section, self.results[other].judgement.title, "worst", where)
                  for other in others]
        proxies = {other: Rule(f"@{other}", "stand-in", other, "", (), scale_worst, (), where) for other in others}
        own = [f for f in self.findings if f.rule.judgement == judgement_id]
        pack: Pack = replace(self.pack, judgements=(judgement, *leaves),
                             rules=(*(f.rule for f in own), *proxies.values()))

        def grade_of(moves: list[Move]) -> Grade | None:
            moved = {move.unit: move.after for move in moves}
            findings = [replace(f, grade=moved.get(f.rule.id, f.grade)) for f in own]
            for other, proxy in proxies.items():
                grade = moved.get(other, self.results[other].grade)
                if grade is not None:
                    findings.append(Finding(proxy, Status.GRADED, "", grade))
            results: tuple[JudgementResult, ...] = judge(pack, findings)
            return results[0].grade

        return grade_of


def _group_key(move: Move) -> tuple[object, ...]:
    # plain rules moving alike are interchangeable for the method; limits and judgements are not
    plain = move.is_rule and not move.limiting
    return (not plain, move.steps, move.before.score, move.after.score, "" if plain else move.unit)


def render(result: Result) -> str:
    """The margins of every judgement as a Markdown table; a run with estimates says so first, and how sure they
    are, as every output of it does."""
    from .report.document import estimate_notice

    lines = []
    notice = estimate_notice(result)
    if notice:
        lines += [f"**Estimate.** {notice} An estimate's margin is in its points: concerns less strengths, each "
                  "by its weight, against the pack's cut-points.", ""]
    lines += ["| section | judgement | grade | worse after | which evidence | better after | which evidence |",
              "|---|---|---|---|---|---|---|"]
    kinds = {r.judgement.id: r for r in result.judgements}
    for margin in margins(result):
        judged = kinds[margin.judgement.id]
        if judged.kind is JudgementKind.ESTIMATED and judged.grade is not None and judged.score is not None:
            grade = f"{judged.grade.label} (estimate)"
            (worse, worse_by), (better, better_by) = (_points(result.pack, judged, direction)
                                                      for direction in (WORSE, BETTER))
        else:
            grade = (margin.grade.label if margin.grade else
                     "not estimable" if judged.kind is JudgementKind.NOT_ESTIMABLE else "not judged")
            worse, worse_by = _described(margin.worse, margin.grade, grade)
            better, better_by = _described(margin.better, margin.grade, grade)
        lines.append(f"| {margin.judgement.section} | {margin.judgement.title} | {grade} | {worse} | {worse_by} | "
                     f"{better} | {better_by} |")
    return "\n".join(lines) + "\n"


def _points(pack: Pack, judged: JudgementResult, direction: int) -> tuple[str, str]:
    """How far an estimate's score sits from the cut-point that would move it a grade, in points."""
    assert judged.estimate is not None and judged.score is not None and judged.grade is not None
    cuts = dict(judged.estimate.cut_points)
    order = [grade.id for grade in pack.scale.grades]
    here = order.index(judged.grade.id)
    if (direction == WORSE and here == len(order) - 1) or (direction == BETTER and here == 0):
        return "-", AT_END
    score = judged.score
    if direction == WORSE:  # above this grade's cut-point
        limit = cuts[judged.grade.id]
        return ("any rise" if limit == score else f"more than {_points_text(limit - score)}",
                f"published figures: score above {limit:+g} (now "
                f"{score:+g}): a strength read as neutral, or a neutral as a concern, adds its weight")
    limit = cuts[order[here - 1]]
    return (_points_text(score - limit), f"published figures: score {limit:+g} or under (now {score:+g}): a "
            "concern read as neutral, or a neutral as a strength, takes off its weight")


def _points_text(points: float) -> str:
    return f"{points:g} point" if points == 1 else f"{points:g} points"


def _described(shift: Shift | str, grade: Grade | None, shown: str = "not judged") -> tuple[str, str]:
    """How many steps, and which evidence, in words."""
    if grade is None:
        return "-", shown
    if isinstance(shift, str):
        return ("-", shift) if shift != BEYOND else (f"more than {MAX_STEPS} steps", "")
    parts = []
    chosen = iter(shift.moves)
    for pool in shift.alike:
        items = [next(chosen) for _ in range(sum(move.unit in pool for move in shift.moves))]
        first = items[0]
        if first.is_rule:
            limiting = "limiting rule " if first.limiting else ""
            ids = ", ".join(f"`{unit}`" for unit in pool)
            which = ids if len(items) == len(pool) else f"any {len(items)} of {ids}"
            parts.append(f"{limiting}{which}: {first.before.label} to {first.after.label}")
        else:
            parts.append(f"{first.title} {first.before.label} to {first.after.label} ({_steps(first.steps)})")
    return _steps(shift.steps), "; ".join(parts)


def _steps(count: int) -> str:
    return f"{count} step" if count == 1 else f"{count} steps"
