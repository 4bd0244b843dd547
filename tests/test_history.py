"""History: recording runs, trends from earlier periods, benchmarks files, regional runs, config."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.history import History
from compliance.runner import pack_for

from .conftest import ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def period(tmp_path, name: str, when: str, *changes: tuple[str, str]):
    """Stoke's file for another period, with some lines changed (and no history for an earlier period)."""
    text = STOKE.read_text().replace("period: 2010-11", f"period: {when}")
    if when < "2010-11":
        text = re.sub(r"\n    history: \{[^}]*\}", "", text)
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return path


# a year before: no A&E alert system at all (children being safe inadequate), fewer fathers in the programme
NO_ALERTS = ("  ae_systems_identify_lac_cp_in_part:\n    value: true\n",
             "  ae_systems_identify_lac_cp_in_part:\n    value: false\n")
FATHERS_50 = ("    value: 70\n", "    value: 50\n")
NO_PREVIOUS = ("    value: 73.5\n    previous: 66.2\n", "    value: 73.5\n")


def test_record_then_history_marks_what_changed(tmp_path):
    database = tmp_path / "history.db"
    earlier = period(tmp_path, "a.yaml", "2009-10", NO_ALERTS, FATHERS_50)
    assert comply("check", earlier, "--record", database, "-q").exit_code == 1
    result = comply("check", STOKE, "--record", database, "-q")
    assert result.stderr == f"comply: recorded 1 run in {database}\n"
    table = comply("history", "--db", database, "--metric", "fathers_completing_parenting_programme_pct").stdout
    assert "Stoke-on-Trent: ofsted-slac-2011, 2 recorded periods" in table
    assert re.search(r"Safeguarding services: Children and young people are safe and feel safe +Inadequate +"
                     r"Adequate, improved", table)
    assert "In 2010-11: 2 improved, 0 declined since the period before." in table
    assert re.search(r"fathers_completing_parenting_programme_pct +50 +70", table)


def test_recording_again_replaces_and_says_so(tmp_path):
    database = tmp_path / "history.db"
    comply("check", STOKE, "--record", database, "-q")
    result = comply("check", STOKE, "--record", database, "-q")
    assert "replacing 1 earlier run of the same authority, period and pack" in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM judgements").fetchone()[0] == 22


def test_four_runs_recorded_at_once_all_land(tmp_path):
    database = tmp_path / "history.db"
    files = [period(tmp_path, f"p{n}.yaml", when) for n, when in enumerate(["2007-08", "2008-09", "2009-10",
                                                                             "2010-11"])]
    env = {**os.environ, "COMPLY_WORKERS": "1"}
    processes = [subprocess.Popen([sys.executable, "-m", "compliance", "check", str(path), "--record", str(database),
                                   "-q"], env=env, stderr=subprocess.PIPE, text=True) for path in files]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 1, err
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        periods = [row[0] for row in db.execute("SELECT period FROM runs ORDER BY period")]
        assert periods == ["2007-08", "2008-09", "2009-10", "2010-11"]
        assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 4 * len(pack_for("ofsted-slac-2011").rules)


def test_a_recording_that_fails_part_way_records_nothing(tmp_path, monkeypatch):
    database = tmp_path / "history.db"
    comply("check", STOKE, "--record", database, "-q")
    original = History.record

    def failing(self, documents):
        documents = [{**document, "values": {**document["values"], "broken": object()}}  # fails at the figures
                     for document in documents]
        return original(self, documents)

    monkeypatch.setattr(History, "record", failing)
    with pytest.raises(TypeError):
        History(database).record([json.loads(comply("check", period(tmp_path, "b.yaml", "2011-12"),
                                                    "--format", "json").stdout)])
    with sqlite3.connect(database) as db:
        assert [row[0] for row in db.execute("SELECT period FROM runs")] == ["2010-11"]
        assert db.execute("SELECT count(*) FROM judgements").fetchone()[0] == 22


def test_trend_rules_read_previous_and_history_from_the_database(tmp_path):
    database = tmp_path / "history.db"
    comply("check", period(tmp_path, "a.yaml", "2009-10", NO_PREVIOUS, ("    value: 73.5\n", "    value: 66.2\n")),
           "--record", database, "-q")
    current = period(tmp_path, "b.yaml", "2010-11", NO_PREVIOUS)
    without = json.loads(comply("check", current, "--format", "json").stdout)
    with_history = json.loads(comply("check", current, "--format", "json", "--record", database).stdout)
    rule = "LAC-CAP-STABILITY-IMPROVING"
    assert next(f for f in without["findings"] if f["rule"] == rule)["status"] == "not_evidenced"
    found = next(f for f in with_history["findings"] if f["rule"] == rule)
    assert (found["grade"], found["benchmarks"]["previous"]) == ("good", 66.2)
    assert with_history["history"]["values"]["long_term_placement_stability_pct"] == {"2009-10": 66.2}


def test_the_file_wins_over_the_database(tmp_path):
    database = tmp_path / "history.db"
    comply("check", period(tmp_path, "a.yaml", "2009-10", ("    value: 73.5\n", "    value: 60.0\n")), "--record",
           database, "-q")
    document = json.loads(comply("check", STOKE, "--format", "json", "--record", database).stdout)
    found = next(f for f in document["findings"] if f["rule"] == "LAC-CAP-STABILITY-IMPROVING")
    assert found["benchmarks"]["previous"] == 66.2  # the file's, not the recorded 60.0


def test_history_formats_and_filters(tmp_path):
    database = tmp_path / "history.db"
    comply("check", STOKE, "--record", database, "-q")
    assert comply("history", "--db", database, "--format", "markdown").stdout.startswith("## Stoke-on-Trent")
    rows = comply("history", "--db", database, "--format", "csv").stdout.splitlines()
    assert rows[0] == "authority,code,pack,period,kind,id,title,grade,value,change,estimate_agreement"
    assert len(rows) == 23
    with_counts = comply("history", "--db", database, "--format", "csv", "--metric", "looked_after_children",
                         "--metric", "iro_caseload_average").stdout.splitlines()
    stoke = "Stoke-on-Trent,E06000021,ofsted-slac-2011,2010-11,metric"
    assert with_counts[-2:] == [f"{stoke},looked_after_children,,,432,,", f"{stoke},iro_caseload_average,,,90,,"]
    entries = json.loads(comply("history", "--db", database, "--format", "json", "--authority", "e06000021").stdout)
    assert entries[0]["periods"] == ["2010-11"]
    result = comply("history", "--db", database, "--authority", "Nowhere")
    assert result.exit_code == 2 and "no recorded runs for Nowhere" in result.stderr
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("these are notes, not a database\n")
    result = comply("history", "--db", not_a_database)
    assert result.exit_code == 2 and "not a comply history database" in result.stderr


def test_html_shows_changes_only_when_there_is_history(tmp_path):
    database = tmp_path / "history.db"
    comply("check", period(tmp_path, "a.yaml", "2009-10", NO_ALERTS), "--record", database, "-q")
    with_history = comply("check", STOKE, "--format", "html", "--record", database).stdout
    # two judgements improved; the example's key figures (behind its areas for improvement) are yes/no answers
    assert "Since the last recorded period" in with_history and with_history.count('<svg class="mini"') == 2
    assert "Since the last recorded period" not in comply("check", STOKE, "--format", "html").stdout


BENCHMARKS = """period: 2010-11
metrics:
  lac_school_attendance_pct: {neighbours: 95.0, national: 93.0}
authorities:
  Stoke-on-Trent:
    lac_school_attendance_pct: {neighbours: 96.0}
    lac_permanent_exclusions: {national: 1}
"""


def test_a_benchmarks_file_fills_in_what_the_file_lacks(tmp_path):
    shared = tmp_path / "benchmarks.yaml"
    shared.write_text(BENCHMARKS)
    current = period(tmp_path, "b.yaml", "2010-11")  # the example gives no neighbours for attendance
    document = json.loads(comply("check", current, "--benchmarks", shared, "--format", "json").stdout)
    attendance = next(f for f in document["findings"] if f["rule"] == "LAC-EA-ATTENDANCE")
    assert attendance["benchmarks"] == {"neighbours": 96.0, "national": 93.0}  # the authority's entry first
    assert attendance["grade"] == "adequate"  # 93.4 < 96 - 1
    own = period(tmp_path, "c.yaml", "2010-11", ("    value: 93.4\n", "    value: 93.4\n    neighbours: 94.0\n"))
    document = json.loads(comply("check", own, "--benchmarks", shared, "--format", "json").stdout)
    attendance = next(f for f in document["findings"] if f["rule"] == "LAC-EA-ATTENDANCE")
    assert attendance["benchmarks"]["neighbours"] == 94.0  # the metrics file wins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BENCHMARKS.replace("period: 2010-11", "period: 2011-12"), "the benchmarks are for 2011-12"),
        (BENCHMARKS.replace("lac_school_attendance_pct: {neighbours: 95.0", "lac_school_attendance: {neighbours: 95.0"),
         "3:3: unknown metric 'lac_school_attendance' for pack ofsted-slac-2011 (did you mean"),
        (BENCHMARKS.replace("national: 93.0", "national: 193.0"), "3:59: lac_school_attendance_pct: national 193 is "
                                                                  "out of range for a percentage (0-100)"),
        (BENCHMARKS.replace("national: 93.0", "nationl: 93.0"), "unknown key 'nationl'"),
    ],
)
def test_a_broken_benchmarks_file(tmp_path, text, message):
    shared = tmp_path / "benchmarks.yaml"
    shared.write_text(text)
    result = comply("check", STOKE, "--benchmarks", shared)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def region(tmp_path):
    for name, neet in (("a", "true"), ("b", "false"), ("c", "true")):
        period(tmp_path, f"{name}.yaml", "2010-11", ("authority: Stoke-on-Trent", f"authority: Authority {name}"),
               ("  care_leavers_17_19_nearly_half_neet:\n    value: true\n",
                f"  care_leavers_17_19_nearly_half_neet:\n    value: {neet}\n"))
    return tmp_path


def test_rank_orders_the_comparison(tmp_path):
    text = comply("check", region(tmp_path), "--rank", "looked_after.economic_wellbeing").stdout
    # b is adequate; a and c are both inadequate, so they share second place in argument order
    assert re.search(r"^ +1 +Authority b ", text, re.M) and re.search(r"^ +2 +Authority a ", text, re.M)
    assert text.index(" Authority b ") < text.index(" Authority a ") < text.index(" Authority c ")
    assert "best first by Economic well-being" in text.splitlines()[0]
    result = comply("check", region(tmp_path), "--rank", "looked_after.economic")
    assert result.exit_code == 2 and "did you mean 'looked_after.economic_wellbeing'" in result.stderr


def test_progress_is_shown_on_request_and_never_on_a_pipe(tmp_path):
    shown = comply("check", region(tmp_path), "--progress", "-q").stderr  # not a terminal: a line each end
    files = len(list(region(tmp_path).glob("*.yaml")))
    assert shown.splitlines() == [f"comply: checking {files} files", f"comply: checked {files} of {files}"], shown
    assert "checking" not in comply("check", region(tmp_path), "-q").stderr


def test_a_project_config_sets_defaults_and_the_command_line_wins(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "papers").mkdir(parents=True)
    (project / "comply.yaml").write_text("pack: ofsted-slac-2011\nfail_on: never\nhistory: history.db\n"
                                         "outputs: [papers/latest.md]\n")
    monkeypatch.chdir(project / "papers")  # found in a parent folder
    result = comply("check", STOKE, "-q")
    assert result.exit_code == 0  # fail_on: never
    assert (project / "papers" / "latest.md").is_file() and (project / "history.db").is_file()
    assert comply("check", STOKE, "-q", "--fail-on", "inadequate").exit_code == 1


def test_a_broken_or_named_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "comply.yaml").write_text("pack: ofsted-slac-2011\nfail-on: never\n")
    result = comply("check", STOKE)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path / 'comply.yaml'}:2:1: unknown key 'fail-on' (did you mean 'fail_on'?)")
    named = tmp_path / "scheduled.yaml"
    named.write_text("fail_on: never\n")
    assert comply("--config", named, "check", STOKE, "-q").exit_code == 0
    assert comply("--config", tmp_path / "absent.yaml", "check", STOKE).exit_code == 2


def test_history_shows_metrics_in_one_table_rounded_as_a_paper_prints_them(tmp_path):
    database = tmp_path / "history.db"
    earlier = period(tmp_path, "a.yaml", "2009-10", ("    value: 70\n", "    value: 25.2136\n"))
    comply("check", earlier, "--record", database, "-q")
    comply("check", STOKE, "--record", database, "-q")
    table = comply("history", "--db", database, "--metric", "fathers_completing_parenting_programme_pct",
                   "--metric", "looked_after_children").stdout
    assert re.search(r"fathers_completing_parenting_programme_pct +25\.2 +70\b", table)
    assert "25.2136" not in table
    assert re.search(r"looked_after_children +432 +432\b", table)
    assert table.count("Metric") == 1  # one table for every metric asked for


ILACS = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"


def test_history_says_which_grades_were_estimates_and_how_sure(tmp_path):
    db = tmp_path / "h.db"
    assert comply("check", ILACS, "--record", db, "--fail-on", "never", "-q").exit_code == 0
    run = json.loads(comply("check", ILACS, "--format", "json", "--fail-on", "never").stdout)
    estimated = next(j for j in run["judgements"] if j.get("kind") == "estimated")
    text = " ".join(comply("history", "--db", db).stdout.split())
    assert f"{estimated['label']} (estimate)" in text and "Not estimable" in text
    assert f"{estimated['title']} ({' '.join(estimated['estimate']['agreement'].split())})" in text
    assert text.index("Estimates are from published figures") < text.index("Judgement")  # at the top
    for fmt in ("markdown", "table"):
        shown = comply("history", "--db", db, "--format", fmt).stdout
        assert shown.index("Estimates are from published figures") < shown.index("Judgement"), fmt
    rows = list(csv.DictReader(io.StringIO(comply("history", "--db", db, "--format", "csv").stdout)))
    mine = [row for row in rows if row["id"] == estimated["id"]]
    assert {row["grade"] for row in mine} == {f"{estimated['label']} (estimate)"}
    assert {row["estimate_agreement"] for row in mine} == {estimated["estimate"]["agreement"]}
    assert {row["estimate_agreement"] for row in rows if row["id"] != estimated["id"]} == {""}


def test_a_history_recorded_before_grades_had_kinds_is_read_and_then_gains_them(tmp_path):
    db = tmp_path / "old.db"
    assert comply("check", STOKE, "--record", db, "-q", "--fail-on", "never").exit_code == 0
    with sqlite3.connect(db) as connection:  # as the first release wrote it: no kind, no agreement
        connection.execute("ALTER TABLE judgements DROP COLUMN kind")
        connection.execute("ALTER TABLE judgements DROP COLUMN agreement")
    shown = comply("history", "--db", db)
    assert shown.exit_code == 0 and "Inadequate" in shown.stdout and "(estimate)" not in shown.stdout
    with sqlite3.connect(db) as connection:  # reading changed nothing
        assert "kind" not in {row[1] for row in connection.execute("PRAGMA table_info(judgements)")}
    assert comply("check", ILACS, "--record", db, "-q", "--fail-on", "never").exit_code == 0
    assert "(estimate)" in comply("history", "--db", db, "--authority", "Stoke-on-Trent").stdout


def _open_and_write(path: str) -> str:
    try:
        history = History(path)
        with history.transaction():
            history.connection.execute("SELECT count(*) FROM runs")
        history.connection.close()
        return "ok"
    except Exception as error:  # the test reports what failed  # noqa: BLE001
        return repr(error)


def test_runs_opening_a_new_database_at_once_all_open_it(tmp_path):
    """Switching a new database to WAL needs it to itself, and SQLite answers 'locked' rather than waiting:
    four runs at once used to fail about one open in twenty-five. Forty rounds of four."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        for round_ in range(40):
            path = str(tmp_path / f"h{round_}.db")
            assert pool.map(_open_and_write, [path] * 4) == ["ok"] * 4, round_
