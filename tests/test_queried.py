"""A figure a data query doubts is never graded silently: the grade, the reading and the estimate say so."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
ILACS = """\
authority: Somewhere
period: 2024-25
metrics:
  re_referrals_pct: {value: 45.0, national: 22.6, previous: 24.0}
  sw_caseload: {value: 15, national: 15.2}
  sw_agency_pct: {value: 13, national: 13}
  sw_vacancy_pct: {value: 14, national: 14.2}
  icpc_within_15_days_pct: {value: 80, national: 81.4}
  cla_dental_pct: {value: 80, national: 80.8}
  cl_eet_19_21_pct: {value: 54, national: 54}
  cl_eet_17_18_pct: {value: 64, national: 63.7}
"""


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_an_ilacs_estimate_says_which_reading_rests_on_a_doubted_figure(write):
    path = write("somewhere.yaml", ILACS)
    result = comply("check", path, "--pack", "ofsted-ilacs/2023", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    raised = {q["id"] for q in run["queries"] if q["status"] == "raised"}
    assert raised == {"Q-ILACS-REREFERRALS-HIGH", "Q-ILACS-REREFERRALS-MOVED"}
    readings = {item["id"]: item for item in run["indicators"]}
    doubted = readings["ILACS-EST-REREFERRALS"]
    assert doubted["signal"] == "concern"
    assert doubted["queried"] == ["Q-ILACS-REREFERRALS-HIGH", "Q-ILACS-REREFERRALS-MOVED"]
    assert doubted["evidence"].endswith("; a data query doubts the figure (Q-ILACS-REREFERRALS-HIGH, "
                                        "Q-ILACS-REREFERRALS-MOVED): confirm it before relying on this")
    assert all(not item["queried"] for key, item in readings.items() if key != "ILACS-EST-REREFERRALS")
    [overall] = [j for j in run["judgements"] if j["id"] == "overall"]
    assert overall["kind"] == "estimated"
    assert ("; a data query doubts the figure behind 1 of these readings (Re-referrals within 12 months): confirm "
            "it before relying on the estimate; on the validation, ") in overall["basis"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_the_indicators_table_marks_a_doubted_reading(write, fmt):
    path = write("somewhere.yaml", ILACS)
    result = comply("check", path, "--pack", "ofsted-ilacs/2023", "--format", fmt, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    row = r"Re-referrals within 12 months(?:(?!\n|</tr>).)*?"  # within its row: a line, or an HTML row
    assert re.search(row + r"concern \(queried: Q-ILACS-REREFERRALS-HIGH, Q-ILACS-REREFERRALS-MOVED\)",
                     result.stdout.replace("\n", " ") if fmt == "html" else result.stdout, re.S), result.stdout[:2000]
    assert "Dental checks for children in care" in result.stdout
    assert result.stdout.count("(queried: ") == 1


def test_a_reading_from_a_figure_not_doubted_says_nothing_of_queries(write):
    path = write("somewhere.yaml", ILACS.replace("value: 45.0, national: 22.6, previous: 24.0",
                                                 "value: 25.0, national: 22.6, previous: 24.0"))
    run = json.loads(comply("check", path, "--pack", "ofsted-ilacs/2023", "--format", "json",
                            "--fail-on", "never").stdout)
    assert not [q for q in run["queries"] if q["status"] == "raised"]
    assert not any(item["queried"] for item in run["indicators"])
    assert "data query" not in json.dumps(run["judgements"])


def test_a_rule_graded_on_a_doubted_figure_says_so_and_others_do_not(write):
    """The 2011 pack's IRO caseload rule reads the figure a query checks against the children looked after."""
    text = STOKE.read_text()
    assert "  iro_caseload_average:\n    value: 90\n" in text
    path = write("stoke.yaml", text.replace("  iro_caseload_average:\n    value: 90\n",
                                            "  iro_caseload_average:\n    value: 900\n"))
    run = json.loads(comply("check", path, "--format", "json", "--fail-on", "never").stdout)
    assert {q["id"] for q in run["queries"] if q["status"] == "raised"} == {"Q-IRO-CASELOAD-WITHIN-LAC"}
    findings = {f["rule"]: f for f in run["findings"]}
    doubted = [rule for rule, f in findings.items() if f["queried"]]
    assert doubted == ["LAC-PERF-IRO-CASELOADS"]
    assert findings["LAC-PERF-IRO-CASELOADS"]["status"] == "graded"
    assert "a data query doubts the figure (Q-IRO-CASELOAD-WITHIN-LAC)" in findings["LAC-PERF-IRO-CASELOADS"][
        "evidence"]
    untouched = json.loads(comply("check", STOKE, "--format", "json", "--fail-on", "never").stdout)
    assert not any(f["queried"] for f in untouched["findings"])


def test_the_workbook_marks_a_doubted_reading(write, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write("somewhere.yaml", ILACS)
    out = tmp_path / "somewhere.xlsx"
    result = comply("check", path, "--pack", "ofsted-ilacs/2023", "-o", out, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out, read_only=True)["Indicators"]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    [doubted] = [row for row in rows if "Re-referrals within 12 months" in row]
    assert "concern (queried: Q-ILACS-REREFERRALS-HIGH, Q-ILACS-REREFERRALS-MOVED)" in doubted
    assert sum("Q-ILACS-REREFERRALS-HIGH" in str(cell) for row in rows for cell in row) == 2  # reading, evidence


@pytest.mark.parametrize(("period", "caseload", "warned"), [
    ("2018-19", "{value: 17}", True),  # read against England's 2024-25 caseload, the pack's default
    ("2018-19", "{value: 17, national: 17.4}", False),  # the year's own England figure, given
    ("2024-25", "{value: 17}", False),  # the default's own year
    ("2018-19 Q2", "{value: 17}", True),
], ids=["default-of-another-year", "own-benchmark", "same-year", "quarter-of-another-year"])
def test_a_figure_graded_against_a_default_benchmark_of_another_year_is_warned(write, period, caseload, warned):
    path = write("somewhere.yaml", f"authority: Somewhere\nperiod: {period}\nmetrics:\n  sw_caseload: {caseload}\n")
    result = CliRunner().invoke(main, ["check", str(path), "--pack", "ofsted-ilacs/2023", "--format", "json",
                                       "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    wanted = (f"sw_caseload is graded against the pack's default benchmarks for 2024-25, not {period[:7]}'s: give "
              f"{period[:7]}'s figures in the file where they are published")
    assert (wanted in warnings) is warned, warnings
    assert (f"comply: warning: {path}: {wanted}" in result.stderr) is warned


def test_a_default_benchmark_year_that_is_no_year_is_refused(mini_copy):
    catalogue = mini_copy / "metrics.yaml"
    text = catalogue.read_text()
    first = text.index("    benchmarks:") if "    benchmarks:" in text else None
    assert first is not None
    catalogue.write_text(text[:first] + "    benchmarks_period: 2010-12\n" + text[first:])
    result = CliRunner().invoke(main, ["rules", "lint", str(mini_copy)])
    assert result.exit_code == 1  # lint: problems found
    assert "health_check_pct: benchmarks_period '2010-12' is not a financial year: after 2010 comes 11" in result.output
