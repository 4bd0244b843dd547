"""Each word of the vocabulary has one home in code, and the schemas and README say the same words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import compliance
from compliance import expressions, grading, model
from compliance.model import Metric, Polarity, Unit
from compliance.report import FORMATS
from compliance.schema import schema
from compliance.units import UNITS, bounds, with_unit

from .conftest import ROOT


def enum(name: str, *path: str) -> list[Any]:
    """The enum at ``path`` in schema ``name`` ($defs and properties spelt out)."""
    node: Any = schema(name)
    for key in path:
        node = node[key]
    return [value for value in node["enum"] if value is not None]


def documented(row: str) -> list[str]:
    """The names the README's Conditions table gives in a row, in order."""
    section = (ROOT / "README.md").read_text().split("### Conditions", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith(f"| {row} |"))
    return re.findall(r"`([a-z_]+)", line)


JUDGEMENT = ("$defs", "judgement", "properties", "method")
REGISTRIES = {
    "aggregation methods: pack.yaml": (list(grading.METHODS), enum("pack", *JUDGEMENT)),
    "aggregation methods: a judgement added": (
        list(grading.METHODS), enum("pack", "properties", "judgements", "properties", "add", "items", "properties",
                                    "method")),
    "aggregation methods: a judgement changed": (
        list(grading.METHODS), enum("pack", "properties", "judgements", "properties", "change",
                                    "additionalProperties", "properties", "method")),
    "estimate methods": (list(grading.ESTIMATE_METHODS),
                         enum("estimates", "$defs", "estimate", "properties", "method")),
    "output formats: comply.yaml": (list(FORMATS), enum("config", "properties", "format")),
    "units: the catalogue": ([unit.value for unit in Unit], enum("catalogue", "$defs", "metric", "properties", "unit")),
    "units: a result": ([unit.value for unit in Unit], enum("result", "$defs", "result", "properties", "findings",
                                                           "items", "properties", "unit")),
    "units: their words": (list(UNITS), list(Unit)),
    "polarities": ([p.value for p in Polarity], enum("catalogue", "$defs", "metric", "properties", "polarity")),
    "timescales": (list(model.TIMESCALES), enum("rules", "$defs", "graded", "properties", "timescale")),
    "finding statuses": ([s.value for s in model.Status],
                         enum("result", "$defs", "result", "properties", "findings", "items", "properties", "status")),
    "query statuses: a result": ([s.value for s in model.QueryStatus],
                                 enum("result", "$defs", "result", "properties", "queries", "items", "properties",
                                      "status")),
    "query statuses: a pack's tests": ([s.value for s in model.QueryStatus],
                                       enum("pack-tests", "properties", "cases", "items", "properties", "expect",
                                            "properties", "queries", "additionalProperties")),
    "judgement kinds: a result": ([k.value for k in model.JudgementKind],
                                  enum("result", "$defs", "result", "properties", "judgements", "items", "properties",
                                       "kind")),
    "judgement kinds: a pack's tests": ([k.value for k in model.JudgementKind],
                                        enum("pack-tests", "properties", "cases", "items", "properties", "expect",
                                             "properties", "kinds", "additionalProperties")),
    "signals": ([s.value for s in model.Signal],
                enum("result", "$defs", "result", "properties", "indicators", "items", "properties", "signal")),
    "estimated fields": (["value", "numerator", "denominator", *model.BENCHMARKS, "history"],
                         enum("metrics", "$defs", "metric", "properties", "estimated", "items")),
    "condition functions: README": (sorted(expressions.FUNCTIONS), sorted(documented("functions"))),
    "a rule's own names: README": (sorted(model.RULE_NAMES), sorted(documented("names"))),
}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_a_registry_in_code_names_what_its_schema_names(registry):
    in_code, elsewhere = REGISTRIES[registry]
    assert in_code == elsewhere


def test_a_rule_reads_a_benchmark_of_each_name_a_metrics_file_gives():
    properties = schema("metrics")["$defs"]["metric"]["properties"]
    assert set(model.BENCHMARKS) <= set(properties) and set(model.BENCHMARKS) <= set(model.RULE_NAMES)


def metric(unit: Unit, minimum: float | None = None, maximum: float | None = None) -> Metric:
    return Metric("m", "M", unit, Polarity.HIGHER_BETTER, "d", minimum=minimum, maximum=maximum)


@pytest.mark.parametrize(("unit", "minimum", "maximum", "expected"), [
    (Unit.PERCENT, None, None, (0.0, 100.0)),
    (Unit.PERCENT, 10, 200, (10, 100.0)),
    (Unit.COUNT, -1, None, (0.0, None)),  # a metrics file refuses a negative count whatever the catalogue says
    (Unit.COUNT, 5, 50, (5, 50)),
    (Unit.NUMBER, -3, None, (-3, None)),
    (Unit.NUMBER, None, None, (None, None)),
    (Unit.DAYS, None, 30, (0.0, 30)),
], ids=["percent", "percent narrowed", "count below zero", "count narrowed", "number", "number open", "days"])
def test_the_values_a_metric_can_take(unit, minimum, maximum, expected):
    assert bounds(metric(unit, minimum, maximum)) == expected


@pytest.mark.parametrize(("unit", "figure", "text"), [
    (Unit.DAYS, 1, "1 day"), (Unit.DAYS, 12, "12 days"), (Unit.PERCENT, 84.56, "84.6%"), (Unit.COUNT, 12.0, "12"),
    (Unit.RATE, 3, "3.0"), (Unit.NUMBER, 2.5, "2.5"), (Unit.BOOLEAN, True, "yes"), (Unit.BOOLEAN, False, "no"),
], ids=["a day", "days", "percent", "count", "rate", "number", "yes", "no"])
def test_a_figure_with_its_unit(unit, figure, text):
    assert with_unit(unit, figure) == text


def test_grading_applies_every_limit_a_judgement_can_set_and_the_limiting_rules():
    assert [limit.__name__ for limit in grading.LIMITS] == ["limited_by", "limiting_rules", "cap_above_worst",
                                                            "worst_grade_from"]
    assert set(model.LIMIT_KEYS) < {limit.__name__ for limit in grading.LIMITS}


def test_no_class_is_over_200_lines():
    """The renovation's measure of a room that does too much (generated code aside)."""
    import ast

    source = Path(compliance.__file__).parent
    long = []
    for path in source.rglob("*.py"):
        if path.parent.name == "validators" or path.name == "records_written.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 200:
                long.append(f"{path.relative_to(source)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert long == []
