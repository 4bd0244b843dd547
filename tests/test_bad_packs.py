"""Packs, configs and saved results that used to crash comply or blame the wrong place: each is
now one line at the file, line and column at fault, exit 2 (exit 1 from rules lint), never an
internal error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import main

from .conftest import MINI

GOOD = MINI / "good.yaml"
HUGE = "9" * 400


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_clean_line(result, expected: str, status: int = 2) -> None:
    assert result.exit_code == status, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = (result.stderr or result.stdout).splitlines()
    assert lines[0] == expected, lines


def family(tmp_path: Path, span: str) -> Path:
    folder = tmp_path / "family"
    shutil.copytree(MINI, folder / "v1")
    pack = folder / "v1" / "pack.yaml"
    pack.write_text(pack.read_text() + f"in_force: {span}\n")
    return folder


# in_force as written -> what is said at its position in the version's pack.yaml (line 28)
IN_FORCE = {
    "not-a-real-day": ("{from: 2026-02-30}", "29:18: in_force from: '2026-02-30' is not a real date"),
    "a-year-as-a-number": ("{from: 2010}", "29:18: in_force from should be a date written YYYY-MM-DD, not 2010"),
    "a-year-as-text": ("{from: '2010'}", "29:18: in_force from: '2010' is not a date written YYYY-MM-DD"),
    "month-and-year-in-words": ('{from: "April 2010"}',
                                "29:18: in_force from: 'April 2010' is not a date written YYYY-MM-DD"),
    "a-month": ("{from: 2010-04}", "29:18: in_force from: '2010-04' is not a date written YYYY-MM-DD"),
    "digits-as-a-number": ("{from: 20100401}", "29:18: in_force from should be a date written YYYY-MM-DD, "
                                                "not 20100401"),
    "digits-as-text": ("{from: '20100401'}", "29:18: in_force from: '20100401' is not a date written YYYY-MM-DD"),
    "a-week-date": ("{from: 2010-W13-4}", "29:18: in_force from: '2010-W13-4' is not a date written YYYY-MM-DD"),
    "until-not-a-real-day": ("{from: 2010-04-01, until: 2011-02-29}",
                             "29:37: in_force until: '2011-02-29' is not a real date"),
    "until-before-from": ("{from: 2011-04-01, until: 2010-03-31}",
                          "29:37: in_force ends (2010-03-31) before it starts (2011-04-01)"),
    "a-list": ("[2010-04-01]", "28:1: a version of pack family 'FAMILY' needs in_force (from, and until where "
                               "it ended)"),
}


@pytest.mark.parametrize("case", IN_FORCE)
def test_a_family_versions_in_force_that_is_not_a_date(tmp_path, case):
    span, message = IN_FORCE[case]
    folder = family(tmp_path, span)
    message = message.replace("FAMILY", str(folder))
    if message.startswith("28:1:"):
        message = message.replace("28:1:", "1:1:")
    assert_one_clean_line(comply("check", GOOD, "--pack", folder), f"{folder / 'v1' / 'pack.yaml'}:{message}")


def chain_of_judgements(tmp_path: Path, length: int) -> Path:
    folder = tmp_path / "chain"
    shutil.copytree(MINI, folder)
    pack = yaml.safe_load((folder / "pack.yaml").read_text())
    pack["sections"][1]["judgements"] += [
        {"id": f"c{i}", "title": f"Link {i}", "inputs": [f"c{i + 1}" if i < length - 1 else "lac.health"]}
        for i in range(length)]
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, sort_keys=False))
    return folder


@pytest.mark.parametrize("length", [60, 600, 3000])
def test_a_chain_of_judgements_too_deep_to_grade(tmp_path, length):
    folder = chain_of_judgements(tmp_path, length)
    expected = f"{folder / 'pack.yaml'}:42:9: c0: judgements read each other {length + 1} deep, more than the 50 " \
               "a pack may chain"
    assert_one_clean_line(comply("check", GOOD, "--pack", folder), expected)
    assert_one_clean_line(comply("rules", "lint", folder), expected, status=1)


def test_a_chain_of_judgements_within_the_limit_is_graded(tmp_path):
    folder = chain_of_judgements(tmp_path, 48)
    result = comply("check", GOOD, "--pack", folder, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {j["id"]: j["label"] for j in json.loads(result.stdout)["judgements"]}["c0"] == "Good"


def local_pack(tmp_path: Path, body: str, extends: str | Path = MINI, name: str = "local") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.yaml").write_text(f"id: {name}\ntitle: A local pack\nversion: 1.0.0\nextends: {extends}\n{body}")
    return folder


# a local pack's pack.yaml after its extends line -> the problem, at its position
LOCAL = {
    "removes-a-judgement-and-overrides-a-rule-that-fed-it": (
        "judgements:\n  remove: [lac.health]\noverride:\n  HEALTH:\n    bands: {good: value >= 90}\n"
        "disable:\n  DENTAL: not used here\n",
        "6:12: lac.health: rule HEALTH feeds it: disable the rule or move it (override its judgement)"),
    "removes-a-judgement-and-overrides-the-rules-title": (
        "judgements:\n  remove: [lac.health]\noverride:\n  HEALTH: {title: Health}\n  DENTAL: {title: Teeth}\n",
        "6:12: lac.health: rule DENTAL feeds it: disable the rule or move it (override its judgement)"),
}


@pytest.mark.parametrize("case", LOCAL)
def test_a_local_pack_that_removes_what_a_rule_it_overrides_feeds(tmp_path, case):
    body, message = LOCAL[case]
    folder = local_pack(tmp_path, body)
    expected = f"{folder / 'pack.yaml'}:{message}"
    assert_one_clean_line(comply("check", GOOD, "--pack", folder), expected)
    assert_one_clean_line(comply("rules", "lint", folder), expected, status=1)


def test_a_missing_extends_is_blamed_on_its_line(tmp_path):
    folder = local_pack(tmp_path, "", extends="nowhere-pack")
    expected = f"{folder / 'pack.yaml'}:4:10: pack: extends: no pack 'nowhere-pack': not a folder, nor a bundled " \
               "pack (ofsted-ilacs, ofsted-slac-2011)"
    assert_one_clean_line(comply("check", GOOD, "--pack", folder), expected)
    assert_one_clean_line(comply("rules", "lint", folder), expected, status=1)


@pytest.mark.parametrize("length", [1, 2, 3])
def test_an_extends_cycle_names_every_pack_in_it(tmp_path, length):
    names = [f"p{number}" for number in range(length)]
    folders = [tmp_path / name for name in names]
    for number, folder in enumerate(folders):
        folder.mkdir()
        (folder / "pack.yaml").write_text(f"id: {names[number]}\ntitle: T\nversion: 1.0.0\n"
                                          f"extends: ../{names[(number + 1) % length]}\n")
    result = comply("check", GOOD, "--pack", folders[0])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    cycle = " -> ".join(str(folder) for folder in [*folders, folders[0]])
    assert result.stderr.splitlines() == [f"{folders[-1] / 'pack.yaml'}:4:10: pack: packs extend each other in a "
                                          f"cycle: {cycle}"]


# a 400-digit integer in each kind of file -> where it is
HUGE_IN = {
    "pack": ("pack.yaml", "paragraphs: 20", f"paragraphs: {HUGE}", "4:95"),
    "catalogue": ("metrics.yaml", "    unit: count\n", f"    unit: count\n    minimum: {HUGE}\n", "22:14"),
    "rules": ("rules/rules.yaml", "cites: [5, 6]", f"cites: [5, {HUGE}]", "13:16"),
    "pack-tests": ("tests/cases.yaml", None, None, None),
}


@pytest.mark.parametrize("case", [case for case, (_, old, _, _) in HUGE_IN.items() if old])
def test_a_400_digit_integer_in_a_pack_file(mini_copy, case):
    name, old, new, where = HUGE_IN[case]
    path = mini_copy / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    result = comply("check", GOOD, "--pack", mini_copy)
    assert_one_clean_line(result, f"{path}:{where}: the number '99999999999999999999'... (400 characters) is too "
                                  "large")


@pytest.mark.parametrize(("name", "text"), [
    ("benchmarks.yaml", f"period: 2010-11\nmetrics:\n  dental_pct: {{national: {HUGE}}}\n"),
    ("waivers.yaml", f"waivers:\n  - rule: HEALTH\n    reason: {HUGE}\n    agreed_by: x\n    expires: 2030-01-01\n"),
], ids=["benchmarks", "waivers"])
def test_a_400_digit_integer_in_a_shared_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    option = "--" + name.removesuffix(".yaml")
    result = comply("check", GOOD, "--pack", MINI, option, path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "the number '99999999999999999999'... (400 characters) is too large" in result.stderr.splitlines()[0]


def saved(tmp_path: Path) -> dict:
    return json.loads(comply("check", GOOD, "--pack", MINI, "--format", "json").stdout)


# a saved result changed so -> what comply report says, naming the key; a line, never the whole result
BAD_RESULTS = {
    "huge-integer-figure": (lambda d: d["findings"][0].update(value=int(HUGE)),
                            "a number is too large: 99999999999999999999... (400 digits)"),
    "huge-integer-5000-digits": (lambda d: d["findings"][0].update(value="DIGITS"),
                                 "a number is too large: 77777777777777777777... (5000 digits)"),
    "infinite-figure": (lambda d: d["findings"][0].update(value="INFINITY"),
                        "a number is too large: Infinity"),
    "not-a-number": (lambda d: d["findings"][0].update(value="NAN"), "NaN is not a number"),
    "score-as-text": (lambda d: d["judgements"][3].update(score="3"),
                      "not a comply result: judgements[4].score should be a whole number, not the text '3'"),
    "another-schema-version": (lambda d: d.update(schema_version=2),
                               "not a comply result: schema_version should be 1, not the number 2"),
    "an-unknown-key": (lambda d: d.update(extra=1), "not a comply result: unknown key 'extra'; allowed: "),
    "findings-not-a-list": (lambda d: d.update(findings={}),
                            "not a comply result: findings should be a list, not a mapping"),
}


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_a_saved_result_that_is_not_one_says_which_key_in_a_line(tmp_path, case):
    change, message = BAD_RESULTS[case]
    document = saved(tmp_path)
    document["findings"] *= 300  # a large result: the message must not be the whole of it
    change(document)
    path = tmp_path / "r.json"
    text = json.dumps(document).replace('"INFINITY"', "Infinity").replace('"NAN"', "NaN").replace('"DIGITS"',
                                                                                                 "7" * 5000)
    path.write_text(text)
    result = comply("report", path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert len(line) < 500 and message in line, line


# comply.yaml holds -> the problem at its line, not blamed on an option the user never gave
CONFIG = {
    "fail-on-not-a-grade": ("fail_on: bogus\n", "1:10: fail_on: 'bogus' is not a grade of pack mini (outstanding, "
                                                "good, adequate, inadequate) nor 'never'"),
    "table-format-unknown": ("table_format: fancy\n", "1:15: table_format: 'fancy' is not a tabulate table style"),
    "output-of-no-known-format": ("outputs: [paper.pdf]\n", "1:10: outputs: cannot tell the format of"),
    "pack-that-is-nowhere": ("pack: bogus\n", "1:7: pack: no pack 'bogus': not a folder beside comply.yaml, nor a "
                                              "bundled pack (ofsted-ilacs, ofsted-slac-2011)"),
}


@pytest.mark.parametrize("case", CONFIG)
def test_a_bad_value_in_comply_yaml_is_blamed_on_its_line(tmp_path, case):
    text, message = CONFIG[case]
    config = tmp_path / "comply.yaml"
    config.write_text(("" if "pack" in text else f"pack: {MINI}\n") + text)
    line = 1 if "pack" in text else 2
    result = comply("--config", config, "check", GOOD)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{config}:{message.replace('1:', f'{line}:', 1)}")


def test_a_metrics_files_unknown_pack_is_blamed_on_its_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(GOOD.read_text().replace("period: 2010-11\n", "period: 2010-11\npack: bogus\n"))
    assert_one_clean_line(comply("check", path), f"{path}:3:7: pack: no pack 'bogus': not a folder, nor a bundled "
                                                 "pack (ofsted-ilacs, ofsted-slac-2011)")
