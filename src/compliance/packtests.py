"""A pack's own test cases (tests/*.yaml in the pack): metrics in, grades expected out.

Two kinds, both documented in the pack README: ``boundaries`` give, per rule, values of
its metric and the grade each must get (just inside and just outside every band);
``cases`` give a whole metrics mapping and the rule and judgement grades expected.
Inputs go through the same checks as a metrics file, so a case cannot test what a user
could never submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import evaluate
from .loader import Document, PathKey
from .model import InputError, Location, Pack, Problem, Result
from .schema import read_checked, validate
from .submissions import build_submission, may_be_yes_no


@dataclass(frozen=True)
class PackCase:
    """One check: a metrics mapping and what it must produce."""

    name: str
    location: Location
    metrics: dict[str, Any]
    rules: dict[str, str]
    judgements: dict[str, str]
    areas: tuple[str, ...] | None = None
    queries: dict[str, str] | None = None
    kinds: dict[str, str] | None = None  # judgement id -> judged, estimated, not_estimable or not_judged


def load_cases(pack: Pack) -> list[PackCase]:
    """Every case of the pack's tests/*.yaml; raise InputError if a file is broken."""
    cases: list[PackCase] = []
    problems: list[Problem] = []
    for path in sorted((Path(pack.path) / "tests").glob("*.yaml")):
        try:
            document = read_checked(path, "pack-tests", _may_be_yes_no)
        except InputError as error:
            problems += error.problems
            continue
        cases += _boundary_cases(pack, document, problems) + _whole_cases(document)
    if problems:
        raise InputError(problems)
    return cases


def _may_be_yes_no(where: PathKey) -> bool:
    """A yes/no answer may stand where a metrics file may have one: in a case's metrics, or given to a rule."""
    return where[:1] == ("given",) or (where[:1] == ("cases",) and may_be_yes_no(where[2:]))


def _boundary_cases(pack: Pack, document: Document, problems: list[Problem]) -> list[PackCase]:
    rules: dict[str, Any] = {rule.id: rule for rule in pack.rules} | {item.id: item for item in pack.indicators}
    given_all = document.data.get("given", {})
    cases = []
    for rule_id, expected in document.data.get("boundaries", {}).items():
        rule = rules.get(rule_id)
        if rule is None:
            problems.append(Problem(document.where_key(("boundaries", rule_id)), f"unknown rule {rule_id!r}"))
            continue
        given = dict(given_all.get(rule_id, {}))
        others = {k: v for k, v in given.items() if k in pack.metrics}
        own = {k: v for k, v in given.items() if k not in pack.metrics}
        for key, grade in expected.items():
            value = _value_from_key(key)
            cases.append(PackCase(
                name=f"{rule_id} with {key}",
                location=document.where_key(("boundaries", rule_id, key)),
                metrics={**others, rule.metric: {"value": value, **own}},
                rules={rule_id: grade},
                judgements={},
            ))
    return cases


def _whole_cases(document: Document) -> list[PackCase]:
    return [
        PackCase(
            name=item["name"],
            location=document.where(("cases", index)),
            metrics=item["metrics"],
            rules=item["expect"].get("rules", {}),
            judgements=item["expect"].get("judgements", {}),
            areas=tuple(item["expect"]["areas_for_improvement"])
            if "areas_for_improvement" in item["expect"] else None,
            queries=item["expect"].get("queries"),
            kinds=item["expect"].get("kinds"),
        )
        for index, item in enumerate(document.data.get("cases", []))
    ]


def _value_from_key(key: str) -> Any:
    """A boundary's value, written as a mapping key: a number, or true/false."""
    if key in ("true", "yes"):
        return True
    if key in ("false", "no"):
        return False
    number = float(key)
    return int(number) if number.is_integer() and "." not in key else number


def run_all(pack: Pack) -> tuple[str, int, int]:
    """comply rules test: what each failing case got wrong, a line each, then the count; how many failed, of how
    many."""
    cases = load_cases(pack)
    failed, lines = 0, []
    for case in cases:
        mismatches = run_case(pack, case)
        if mismatches:
            failed += 1
            lines += [f"{case.location}: {case.name}: {mismatch}\n" for mismatch in mismatches]
    return "".join(lines) + f"{len(cases) - failed} passed, {failed} failed\n", failed, len(cases)


def run_case(pack: Pack, case: PackCase) -> list[str]:
    """What the case got wrong, one line each: empty when it passes."""
    document = Document(str(case.location), {"authority": "pack test", "period": "2010-11",
                                             "metrics": case.metrics})
    try:
        problems = validate(document, "metrics")
        if problems:
            raise InputError(problems)
        result = evaluate(pack, build_submission(document, pack))
    except InputError as error:
        return [f"the case's metrics are not valid: {p.message}" for p in error.problems]
    return _mismatches(result, case)


def _mismatches(result: Result, case: PackCase) -> list[str]:
    found_rules = {f.rule.id: f.grade.id if f.grade else f.status.value for f in result.findings} | {
        reading.indicator.id: reading.signal.value if reading.signal else "not_published"
        for reading in result.indicators}
    found_judgements = {j.judgement.id: j.grade.id if j.grade else j.kind.value for j in result.judgements}
    failures = []
    for kind, expected, found in (("rule", case.rules, found_rules), ("judgement", case.judgements, found_judgements)):
        for item, grade in expected.items():
            if item not in found:
                failures.append(f"{kind} {item}: no such {kind} in the pack")
            elif found[item] != grade:
                failures.append(f"{kind} {item}: expected {grade}, got {found[item]}")
    found_kinds = {j.judgement.id: j.kind.value for j in result.judgements}
    for item, kind in (case.kinds or {}).items():
        if found_kinds.get(item) != kind:
            failures.append(f"judgement {item}: expected it {kind}, got {found_kinds.get(item, 'no such judgement')}")
    found_queries = {q.query.id: q.status.value for q in result.queries}
    for query_id, status in (case.queries or {}).items():
        if found_queries.get(query_id) != status:
            failures.append(f"query {query_id}: expected {status}, got {found_queries.get(query_id, 'no such query')}")
    if case.areas is not None:
        got = tuple(area.rule.id for area in result.areas_for_improvement)
        if sorted(got) != sorted(case.areas):
            failures.append(f"areas for improvement: expected {sorted(case.areas)}, got {sorted(got)}")
    return failures
