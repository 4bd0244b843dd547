"""The order of periods: years and quarters are different series, and a quarter's previous
figure is the quarter before it, never a year's (periods.py says why)."""

from __future__ import annotations

import datetime
import json
import shutil

import pytest
from click.testing import CliRunner

from compliance import periods
from compliance.cli import main

from .conftest import MINI


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_periods_sort_by_the_day_they_end_a_year_after_its_fourth_quarter():
    shuffled = ["2011-12 Q1", "2010-11", "2010-11 Q4", "2009-10", "2010-11 Q2", "2010-11 Q1", "2010-11 Q3"]
    assert sorted(shuffled, key=periods.order) == ["2009-10", "2010-11 Q1", "2010-11 Q2", "2010-11 Q3",
                                                   "2010-11 Q4", "2010-11", "2011-12 Q1"]


@pytest.mark.parametrize(("period", "last_day"), [
    ("2010-11", datetime.date(2011, 3, 31)),
    ("2010-11 Q1", datetime.date(2010, 6, 30)),
    ("2010-11 Q2", datetime.date(2010, 9, 30)),
    ("2010-11 Q3", datetime.date(2010, 12, 31)),
    ("2010-11 Q4", datetime.date(2011, 3, 31)),
    ("1999-00 Q4", datetime.date(2000, 3, 31)),
])
def test_the_last_day_of_a_period(period, last_day):
    assert periods.end(period) == last_day


# this period, what was recorded -> the earlier periods it reads, earliest first
EARLIER = {
    "a-quarter-never-reads-the-year-it-opens": ("2010-11 Q1", ["2010-11"], []),
    "a-quarter-reads-the-quarter-before": ("2010-11 Q1", ["2009-10 Q4", "2010-11", "2009-10"], ["2009-10 Q4"]),
    "a-quarter-reads-the-quarters-before-in-order": ("2010-11 Q3", ["2010-11 Q4", "2010-11 Q2", "2010-11 Q1"],
                                                     ["2010-11 Q1", "2010-11 Q2"]),
    "a-year-never-reads-its-fourth-quarter": ("2010-11", ["2010-11 Q4", "2010-11 Q1"], []),
    "a-year-reads-the-years-before": ("2010-11", ["2009-10", "2010-11 Q4", "2008-09", "2011-12"],
                                      ["2008-09", "2009-10"]),
    "nothing-from-later-periods": ("2009-10 Q4", ["2010-11 Q1", "2010-11", "2009-10 Q4"], []),
}


@pytest.mark.parametrize("case", EARLIER)
def test_earlier_periods_come_from_the_same_series(case):
    period, recorded, expected = EARLIER[case]
    assert periods.before(period, recorded) == expected


def metrics(folder, name: str, period: str, caseload: int, history: str = "") -> str:
    path = folder / name
    path.write_text(f"authority: Testshire\nperiod: {period}\nmetrics:\n"
                    f"  caseload: {{value: {caseload}{history}}}\n  children: 10\n")
    return str(path)


def previous_of_caseload(result) -> float | None:
    document = json.loads(result.stdout)
    finding = next(f for f in document["findings"] if f["rule"] == "CASELOAD-TREND")
    return finding["benchmarks"].get("previous")


# recorded first (period, caseload) -> the period then checked, and the previous figure it gets
RECORDED = {
    "a-quarter-after-its-year-was-recorded": ([("2010-11", 20)], "2010-11 Q1", None),
    "a-quarter-after-the-quarter-before": ([("2010-11", 20), ("2009-10 Q4", 18)], "2010-11 Q1", 18),
    "a-year-after-its-quarters": ([("2010-11 Q4", 20), ("2009-10", 17)], "2010-11", 17),
    "the-latest-earlier-quarter": ([("2010-11 Q2", 19), ("2010-11 Q1", 18)], "2010-11 Q3", 19),
}


@pytest.mark.parametrize("case", RECORDED)
def test_a_recorded_history_gives_the_previous_figure_of_the_same_series(tmp_path, case):
    recorded, period, expected = RECORDED[case]
    database = tmp_path / "h.db"
    for number, (earlier, caseload) in enumerate(recorded):
        path = metrics(tmp_path, f"{number}.yaml", earlier, caseload)
        assert comply("check", path, "--pack", MINI, "-q", "--record", database).exit_code in (0, 1)
    result = comply("check", metrics(tmp_path, "now.yaml", period, 16), "--pack", MINI, "--format", "json",
                    "--record", database)
    assert previous_of_caseload(result) == expected


# a metrics file's own history -> where and what is wrong
HISTORY = {
    "a-year-in-a-quarters-history": ("2010-11 Q2", "2009-10: 18", "4:35: caseload: history 2009-10 is a year, but "
                                     "2010-11 Q2 is a quarter; annual and quarterly figures are different series"),
    "a-quarter-in-a-years-history": ("2010-11", "2010-11 Q1: 18", "4:35: caseload: history 2010-11 Q1 is a quarter, "
                                     "but 2010-11 is a year; annual and quarterly figures are different series"),
    "the-period-itself": ("2010-11", "2010-11: 18", "4:35: caseload: history 2010-11 does not come before 2010-11"),
    "a-later-year": ("2010-11", "2012-13: 18", "4:35: caseload: history 2012-13 does not come before 2010-11"),
    "a-later-quarter": ("2010-11 Q2", "2010-11 Q3: 18", "4:35: caseload: history 2010-11 Q3 does not come before "
                        "2010-11 Q2"),
}


@pytest.mark.parametrize("case", HISTORY)
def test_a_history_from_another_series_or_not_earlier_is_refused(tmp_path, case):
    period, history, message = HISTORY[case]
    path = metrics(tmp_path, "m.yaml", period, 16, f", history: {{{history}}}")
    result = comply("check", path, "--pack", MINI)
    assert (result.exit_code, result.stderr) == (2, f"{path}:{message}\n")


def test_comply_history_orders_periods_and_marks_changes_within_a_series(tmp_path):
    database = tmp_path / "h.db"
    for number, (period, caseload) in enumerate([("2010-11", 25), ("2010-11 Q2", 14), ("2010-11 Q1", 18)]):
        comply("check", metrics(tmp_path, f"{number}.yaml", period, caseload), "--pack", MINI, "-q",
               "--record", database)
    table = comply("history", "--db", database, "--metric", "caseload").stdout
    header = next(line for line in table.splitlines() if line.startswith("Judgement"))
    assert header.split()[1:] == ["2010-11", "Q1", "2010-11", "Q2", "2010-11"]
    provision = next(line for line in table.splitlines() if "Quality of provision" in line)
    assert "Adequate  " in provision and "Good, improved" in provision
    assert "Inadequate, declined" not in provision  # the year is not compared with the second quarter


def test_a_quarterly_file_is_checked_by_the_version_in_force_when_the_quarter_ends(tmp_path):
    family = tmp_path / "family"
    for version, span, bands in [("v1", "{from: 2009-04-01, until: 2010-12-31}", "value <= 15"),
                                 ("v2", "{from: 2011-01-01}", "value <= 10")]:
        shutil.copytree(MINI, family / version)
        pack = family / version / "pack.yaml"
        pack.write_text(pack.read_text().replace("id: mini", f"id: mini-{version}") + f"in_force: {span}\n")
        rules = family / version / "rules" / "rules.yaml"
        rules.write_text(rules.read_text().replace("good: value <= 15", f"good: {bands}"))
    result = comply("check", metrics(tmp_path, "q1.yaml", "2010-11 Q1", 14), "--pack", family, "--format", "json")
    assert json.loads(result.stdout)["pack"]["id"] == "mini-v1"


@pytest.mark.parametrize(("where", "period", "message"), [
    ("period", "9999-00", "'9999-00' is not a year comply can place: periods run from 1900-01 to 9998-99"),
    ("period", "1066-67", "'1066-67' is not a year comply can place"),
    ("history", "9999-00", "health_check_pct: history '9999-00' is not a year comply can place"),
    ("history", "2008-10", "health_check_pct: history '2008-10' is not a financial year: after 2008 comes 09"),
])
def test_a_period_past_the_calendar_is_refused_not_recorded(tmp_path, where, period, message):
    path = tmp_path / "m.yaml"
    if where == "period":
        path.write_text(f'authority: A\nperiod: "{period}"\nmetrics:\n  health_check_pct: 80\n')
    else:
        path.write_text(f'authority: A\nperiod: "2010-11"\nmetrics:\n  health_check_pct: {{value: 80, history: '
                        f'{{"{period}": 70}}}}\n')
    db = tmp_path / "h.db"
    result = CliRunner().invoke(main, ["check", str(path), "--pack", str(MINI), "--record", str(db)])
    assert result.exit_code == 2 and message in result.stderr and "internal error" not in result.stderr
    assert not db.exists() or "9999" not in CliRunner().invoke(main, ["history", "--db", str(db)]).output


def test_a_files_own_history_gives_its_previous_figure(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text('authority: Anytown\nperiod: "2010-11"\nmetrics:\n'
                    '  lac_offending_pct: {value: 6.0, history: {"2008-09": 8.0, "2009-10": 7.1}}\n')
    run = json.loads(comply("check", path, "--format", "json", "--fail-on", "never").stdout)
    finding = next(f for f in run["findings"] if f["rule"] == "LAC-CAP-OFFENDING-FALLING")
    assert finding["status"] == "graded" and finding["benchmarks"]["previous"] == 7.1
    path.write_text('authority: Anytown\nperiod: "2010-11"\nmetrics:\n'
                    '  lac_offending_pct: {value: 6.0, previous: 5.0, history: {"2009-10": 7.1}}\n')
    run = json.loads(comply("check", path, "--format", "json", "--fail-on", "never").stdout)
    assert next(f for f in run["findings"] if f["rule"] == "LAC-CAP-OFFENDING-FALLING")["benchmarks"]["previous"] == 5
