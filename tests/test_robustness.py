"""Nothing a file can hold makes comply crash: a result or a clean error, always.

The public YAML test suite's inputs (in ../shared, skipped when absent) go through the
command line as metrics files and as pack files; hypothesis generates text, bytes, YAML
structures and conditions.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import expressions
from compliance.cli import main
from compliance.model import Location
from compliance.runner import check

from .conftest import MINI, SHARED

SUITE = SHARED / "testdata" / "yaml-test-suite"
CORPUS = sorted(SUITE.glob("*.yaml")) if SUITE.is_dir() else []
QUICK = settings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_clean(result, path: Path) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    line = re.compile(re.escape(str(path)) + r"(:\d+:\d+)?: \S")
    for text in result.stderr.splitlines():
        assert line.match(text), text


@pytest.mark.skipif(not CORPUS, reason="the YAML test suite is not in ../shared/testdata")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_yaml_test_suite_as_a_metrics_file(path):
    result = CliRunner().invoke(main, ["check", str(path), "--pack", str(MINI)])
    assert_clean(result, path)


@pytest.mark.skipif(not CORPUS, reason="the YAML test suite is not in ../shared/testdata")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_yaml_test_suite_as_a_pack_file(path, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    shutil.copy(path, pack / "rules" / "rules.yaml")
    result = CliRunner().invoke(main, ["rules", "list", str(pack)])
    assert result.exit_code == 2, "a corpus file is never a valid rule file"
    assert_clean(result, pack / "rules" / "rules.yaml")


def check_never_raises(path: Path) -> None:
    run = check([str(path)], pack=str(MINI))
    assert len(run.results) + bool(run.problems) >= 1
    for problem in run.problems:
        assert problem.location.path == str(path) and problem.message


@QUICK
@given(text=st.text())
def test_any_text_is_a_result_or_a_clean_error(tmp_path, text):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    check_never_raises(path)


@QUICK
@given(raw=st.binary())
def test_any_bytes_are_a_result_or_a_clean_error(tmp_path, raw):
    path = tmp_path / "m.yaml"
    path.write_bytes(raw)
    check_never_raises(path)


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
metric_names = st.sampled_from(["health_check_pct", "dental_pct", "police_attend", "caseload", "children",
                                "value", "unknown_metric"])
long_forms = st.dictionaries(st.sampled_from(["value", "numerator", "denominator", "national", "previous",
                                              "history", "note", "estimated", "extra"]), values, max_size=4)


@QUICK
@given(metrics=st.dictionaries(metric_names, values | long_forms, max_size=5),
       header=st.dictionaries(st.sampled_from(["authority", "period", "code", "as_of", "pack", "other"]),
                              scalars, max_size=4))
def test_any_structure_is_a_result_or_a_clean_error(tmp_path, metrics, header):
    document = {"authority": "Testshire", "period": "2010-11", **header, "metrics": metrics}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    check_never_raises(path)


TYPES = {"value": expressions.NUMBER, "national": expressions.NUMBER, "trend": expressions.NUMBER,
         "flag": expressions.BOOLEAN}
condition_text = st.text(max_size=80) | st.lists(
    st.sampled_from(["value", "national", "flag", "trend", "1", "0", "2.5", "1e308", "true", "(", ")", "+", "-",
                     "*", "/", ">=", "<", "==", "and", "or", "not", "abs", "min", "max", ",", "."]),
    max_size=12).map(" ".join)


@QUICK
@given(text=condition_text,
       value=st.floats(allow_nan=False) | st.integers(-10**6, 10**6),
       national=st.none() | st.floats(allow_nan=False, allow_infinity=False),
       flag=st.booleans())
def test_any_condition_parses_or_is_refused_and_evaluates_or_is_unavailable(text, value, national, flag):
    try:
        condition = expressions.parse(text, TYPES, Location("rules.yaml", 1, 1))
    except expressions.ConditionError as error:
        assert str(error)
        return
    names = {"value": value, "flag": flag, "trend": 2}
    if national is not None:
        names["national"] = national
    try:
        assert expressions.evaluate(condition, names) in (True, False)
    except expressions.Unavailable as missing:
        assert missing.reason
    expressions.describe(condition, names, {name: str(v) for name, v in names.items()})
