"""The command line contract: exit status, stdout and stderr, files written."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import MINI

GOOD = MINI / "good.yaml"


def comply(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_check_prints_the_record_and_exits_0():
    result = comply("check", GOOD, "--pack", MINI)
    assert result.exit_code == 0, result.stderr
    assert "Record of main findings" in result.stdout
    assert "  Being healthy" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(("fail_on", "code"), [("inadequate", 0), ("good", 1), ("outstanding", 1), ("never", 0)])
def test_fail_on(fail_on, code):
    assert comply("check", GOOD, "--pack", MINI, "--fail-on", fail_on).exit_code == code


def test_fail_on_an_unknown_grade_is_a_usage_error():
    result = comply("check", GOOD, "--pack", MINI, "--fail-on", "bogus")
    assert result.exit_code == 2
    assert "'bogus' is not a grade of pack mini" in result.stderr


def test_json_has_the_documented_keys():
    result = comply("check", GOOD, "--pack", MINI, "--format", "json")
    document = json.loads(result.stdout)
    assert {"authority", "period", "pack", "run", "judgements", "findings", "areas_for_improvement",
            "further_shortfalls"} <= set(document)
    assert set(document["pack"]) >= {"id", "version", "extends"}
    assert set(document["run"]) >= {"at", "comply_version", "fail_on", "partial"}
    assert set(document["judgements"][0]) >= {"id", "section", "title", "grade", "label", "score", "basis"}
    assert set(document["findings"][0]) >= {"rule", "title", "judgement", "status", "grade", "value",
                                            "benchmarks", "evidence", "cites"}
    health = next(j for j in document["judgements"] if j["id"] == "lac.health")
    assert (health["grade"], health["label"], health["score"]) == ("good", "Good", 2)


def test_several_files_give_a_json_array_in_argument_order(write):
    other = write("b.yaml", "authority: Otherton\nperiod: 2010-11\nmetrics:\n  caseload: 30\n")
    result = comply("check", other, GOOD, "--pack", MINI, "--format", "json")
    assert result.exit_code == 1  # Otherton's provision is inadequate
    assert [d["authority"] for d in json.loads(result.stdout)] == ["Otherton", "Testshire"]


def test_a_folder_means_its_yaml_files_sorted_except_comply_yaml(tmp_path):
    for name, authority in [("b.yml", "Bee"), ("a.yaml", "Ay"), ("comply.yaml", "not metrics"), ("c.txt", "x")]:
        (tmp_path / name).write_text(f"authority: {authority}\nperiod: 2010-11\nmetrics: {{}}\n")
    result = comply("check", tmp_path, "--pack", MINI, "--format", "json")
    assert [d["authority"] for d in json.loads(result.stdout)] == ["Ay", "Bee"]


def test_a_bad_file_is_reported_and_the_others_still_checked(write):
    bad = write("bad.yaml", "authority: X\nperiod: 2010-11\nmetrics:\n  caseload: 1.5\n")
    result = comply("check", bad, GOOD, "--pack", MINI, "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == f"{bad}:4:13: caseload: value should be a whole number (a count), not 1.5\n"
    assert [d["authority"] for d in json.loads(result.stdout)] == ["Testshire"]


BAD_METRICS_FILES = [
    ("authority: X\nperiod: 2010-11\nmetrics:\n  helth_check_pct: 3\n",
     "4:3: unknown metric 'helth_check_pct' for pack mini (did you mean 'health_check_pct'?)"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: 101\n",
     "4:15: dental_pct: value 101 is out of range for a percentage (0-100)"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  caseload: -1\n",
     "4:13: caseload: value -1 is out of range for a count (at least 0)"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  police_attend: 1\n",
     "4:18: police_attend: value should be true or false (yes/no), not 1"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: yes\n",
     "4:15: dental_pct: 'yes' reads as yes/no, but value should be a percentage"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: '84'\n",
     "4:15: metrics.dental_pct should be a number, true or false or a mapping (key: value lines), "
     "not the text '84'; remove the quotes"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: {value: 84, nationl: 80}\n",
     "4:27: unknown key 'nationl' in metrics.dental_pct (did you mean 'national'?)"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: {numerator: 3}\n",
     "4:15: metrics.dental_pct: a numerator needs its denominator"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: {numerator: 3, denominator: 0}\n",
     "4:43: dental_pct: denominator is 0"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  caseload: {numerator: 3, denominator: 4}\n",
     "4:25: caseload: numerator and denominator are for percentages; this metric is count"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: {note: x}\n",
     "4:15: dental_pct: give value, or numerator and denominator"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: {value: 1, history: {2009: 3}}\n",
     "4:36: '2009': history is keyed by period, such as 2009-10"),
    ("authority: X\nperiod: 2010\nmetrics: {}\n",
     "2:9: period should be text, not the number 2010 (a period is a financial year"),
    ("authority: X\nperiod: 2010-12\nmetrics: {}\n", "2:9: '2010-12' is not a financial year"),
    ("authority: X\nperiod: 2010-11\nas_of: 2011-02-30\nmetrics: {}\n", "3:8: '2011-02-30' is not a real date"),
    ("period: 2010-11\nmetrics: {}\n", "1:1: the file is missing the required key 'authority'"),
    ("authority: X\nperiod: 2010-11\nmetrics: {}\nwaivers: []\nextra: 1\n", "5:1: unknown key 'extra'"),
    ("- just\n- a list\n", "1:1: the file should be a mapping (key: value lines), not a list"),
    ("authority: X\nperiod: 2010-11\nmetrics:\n  dental_pct: .nan\n", "4:15: non-finite number '.nan'"),
    ("authority: on\nperiod: 2010-11\nmetrics: {}\n", "1:12: 'on' is a YAML 1.1 boolean"),
]


@pytest.mark.parametrize(("text", "message"), BAD_METRICS_FILES,
                         ids=[message for _, message in BAD_METRICS_FILES])
def test_bad_metrics_files_exit_2_with_position(write, text, message):
    path = write("bad.yaml", text)
    result = comply("check", path, "--pack", MINI)
    assert result.exit_code == 2
    assert f"{path}:{message}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_yes_and_no_are_accepted_for_yes_no_metrics(write):
    path = write("m.yaml", "authority: X\nperiod: 2010-11\nmetrics:\n  police_attend: no\n")
    result = comply("check", path, "--pack", MINI, "--format", "json")
    police = next(f for f in json.loads(result.stdout)["findings"] if f["rule"] == "POLICE")
    assert (police["value"], police["grade"]) == (False, "inadequate")


def test_strict_makes_a_missing_metric_an_error(write):
    path = write("m.yaml", "authority: X\nperiod: 2010-11\nmetrics:\n  caseload: 3\n")
    assert comply("check", path, "--pack", MINI).exit_code == 0
    result = comply("check", path, "--pack", MINI, "--strict")
    assert result.exit_code == 2
    assert f"{path}: health_check_pct is missing (read by rule HEALTH)" in result.stderr


def test_missing_file_and_missing_pack():
    result = comply("check", "absent.yaml", "--pack", MINI)
    assert (result.exit_code, result.stderr) == (2, "absent.yaml: no such file or folder\n")
    result = comply("check", GOOD, "--pack", "no-such-pack")
    assert result.exit_code == 2
    assert "no pack 'no-such-pack'" in result.stderr


def test_output_file_is_written_and_quiet_keeps_stdout_empty(tmp_path):
    target = tmp_path / "result.json"
    result = comply("check", GOOD, "--pack", MINI, "--format", "json", "-o", target, "--quiet")
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(target.read_text())["authority"] == "Testshire"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary left behind


def test_an_output_that_cannot_be_written_is_reported_and_the_old_file_kept(tmp_path, monkeypatch):
    """A full disk as the file is written (even root meets one): last quarter's file stays, and no temporary."""
    import errno

    from compliance import outputs

    def full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "result.json"
    target.write_text("last quarter's result\n")
    monkeypatch.setattr(outputs.os, "fsync", full)
    result = comply("check", GOOD, "--pack", MINI, "--format", "json", "-q", "-o", target)
    assert (result.exit_code, result.stderr) == (2, f"{target}: cannot write: No space left on device\n")
    assert target.read_text() == "last quarter's result\n"
    assert [path.name for path in tmp_path.iterdir()] == ["result.json"]


def test_template_lists_every_metric_and_is_a_valid_metrics_file(tmp_path):
    result = comply("template", "--pack", MINI)
    assert result.exit_code == 0
    for metric in ("health_check_pct", "dental_pct", "police_attend", "caseload", "children"):
        assert f"\n  {metric}:\n" in result.stdout
    path = tmp_path / "t.yaml"
    path.write_text(result.stdout.replace("Name of the authority", "Testshire"))
    checked = comply("check", path, "--pack", MINI, "--format", "json")
    assert checked.exit_code == 0, checked.stderr
    assert all(j["grade"] is None for j in json.loads(checked.stdout)["judgements"])


def test_rules_list():
    result = comply("rules", "list", MINI)
    assert result.exit_code == 0
    assert "mini 0.1.0): 5 rules" in result.stdout
    assert "CASELOAD-TREND" in result.stdout


def test_version():
    from compliance import __version__

    assert comply("--version").stdout == f"comply, version {__version__}\n"


def test_the_readme_metrics_example_is_a_valid_metrics_file(tmp_path):
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## The metrics file"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n") + 8)]
    path = tmp_path / "example.yaml"
    path.write_text(example)
    result = comply("check", path, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["authority"] == "Anytown"
