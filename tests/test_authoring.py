"""Authoring commands: rules test, show and doc, explain."""

from __future__ import annotations

from click.testing import CliRunner

from compliance.cli import main
from compliance.packdoc import render
from compliance.report.escaping import markdown
from compliance.runner import pack_for

from .conftest import MINI, ROOT
from .test_packs import broken

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_rules_test_passes_on_the_bundled_and_mini_packs():
    result = comply("rules", "test")
    assert result.exit_code == 0
    assert result.stdout.endswith(" passed, 0 failed\n")
    assert comply("rules", "test", MINI).stdout == "9 passed, 0 failed\n"


def test_rules_test_reports_expected_against_actual(mini_copy):
    broken(mini_copy, "tests/cases.yaml", "84.9: good", "84.9: outstanding")
    broken(mini_copy, "tests/cases.yaml", "safe.safety: inadequate", "safe.safety: good")
    result = comply("rules", "test", mini_copy)
    assert result.exit_code == 1
    lines = [line.removeprefix(f"{mini_copy}/") for line in result.stdout.splitlines()]
    assert lines == [
        "tests/cases.yaml:5:29: HEALTH with 84.9: rule HEALTH: expected outstanding, got good",
        "tests/cases.yaml:8:5: police absent limits children are safe: judgement safe.safety: expected good, "
        "got inadequate",
        "7 passed, 2 failed",
    ]


def test_rules_test_on_a_broken_test_file(mini_copy):
    broken(mini_copy, "tests/cases.yaml", "  POLICE: {", "  POLISE: {")
    result = comply("rules", "test", mini_copy)
    assert result.exit_code == 2
    assert result.stderr == f"{mini_copy / 'tests' / 'cases.yaml'}:6:3: unknown rule 'POLISE'\n"


def test_rules_test_refuses_a_yaml_11_boolean_where_no_answer_is_expected(mini_copy):
    broken(mini_copy, "tests/cases.yaml", "safe.safety: inadequate", "safe.safety: no")
    result = comply("rules", "test", mini_copy)
    assert (result.exit_code, result.stderr) == (
        2, f"{mini_copy / 'tests' / 'cases.yaml'}:11:33: 'no' is a YAML 1.1 boolean; write true or false, or quote "
           "it if you mean text\n")


def test_rules_test_takes_yes_and_no_as_answers_in_a_cases_metrics(mini_copy):
    broken(mini_copy, "tests/cases.yaml", "metrics: {police_attend: false}", "metrics: {police_attend: no}")
    assert comply("rules", "test", mini_copy).stdout == "9 passed, 0 failed\n"


def test_the_committed_catalogue_is_current():
    committed = (ROOT / "docs" / "ofsted-slac-2011.md").read_text()
    assert committed == render(pack_for("ofsted-slac-2011")), "run: comply rules doc -o docs/ofsted-slac-2011.md"


def test_the_catalogue_documents_every_rule_and_metric():
    pack = pack_for("ofsted-slac-2011")
    text = render(pack)
    for rule in pack.rules:
        assert f"#### {rule.id}: {markdown(rule.title)}" in text  # the title shown as text (A&amp;E reads A&E)
    for metric in pack.metrics:
        assert f"| `{metric}` |" in text


def test_rules_show():
    result = comply("rules", "show", "SG-SAFE-POLICE-STRATEGY")
    assert result.exit_code == 0
    assert result.stdout.startswith("#### SG-SAFE-POLICE-STRATEGY: The police are consistently involved")
    assert "| bands | Good: `value`<br>Adequate: `police_strategy_attendance_consistent_in_part`<br>otherwise: " \
           "Inadequate |" in result.stdout
    assert "| cites | paras 13, 19, 21 |" in result.stdout


def test_rules_show_an_unknown_rule():
    result = comply("rules", "show", "SG-SAFE-POLICE")
    assert result.exit_code == 2
    assert "no rule 'SG-SAFE-POLICE' in pack ofsted-slac-2011 (did you mean 'SG-SAFE-POLICE-DA-INFO'?)" \
        in result.stderr


def test_explain_walks_the_bands_and_the_tree():
    result = comply("explain", "LAC-PC-OFFENDING", STOKE)
    assert result.exit_code == 0
    out = result.stdout
    assert "  neighbours: 7.9, from the file" in out
    assert "  1. Good: value <= neighbours\n       8.2 <= 7.9: does not hold" in out
    assert "  2. Adequate: value <= national + 5\n       8.2 <= 7.3 + 5: holds" in out
    limiting = comply("explain", "LAC-EWB-CARE-LEAVERS-NEET", STOKE).stdout
    assert "Finding: graded, Inadequate (limiting)" in limiting
    assert "  limiting because: The report's own reasoning, para 74" in limiting
    assert limiting.index("Economic well-being: Inadequate") < limiting.index("Overall effectiveness: Adequate")


def test_explain_stops_at_the_band_that_holds_and_names_default_benchmarks():
    out = comply("explain", "LAC-EWB-YEAR-11-EET", STOKE).stdout
    assert "national: 82.5, the pack's default (England 2010-11, DfE SFR21/2011 (OC2), year 11 leavers of 2010 " \
           "with a known destination, 4,746 of 5,753; for 2010-11)" in out
    assert "  1. Good: value >= national - 2\n       89.0 >= 82.5 - 2: holds" in out
    assert "2. Adequate" not in out


def test_explain_a_missing_benchmark(write):
    path = write("m.yaml", "authority: X\nperiod: 2010-11\nmetrics:\n  lac_school_attendance_pct: 93\n")
    out = comply("explain", "LAC-EA-ATTENDANCE", path).stdout
    assert "cannot be tried: no neighbours benchmark for lac_school_attendance_pct" in out
    assert "Finding: not evidenced" in out
