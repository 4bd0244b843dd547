"""The catalogue of bad inputs (tests/bad-inputs/): each is refused with exit 2 and one
clear line per problem, `file:line:col: message`, and never a traceback."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.loader import MAX_FILE_BYTES

from .conftest import MINI

HERE = Path(__file__).parent / "bad-inputs"
GOOD = MINI / "good.yaml"

# fixture -> where the problem is and what it says
METRICS = {
    "alias-bomb": "1:32: the file holds more than 200000 values (aliases expanding too far?)",
    "bad-indentation": "5:2: invalid YAML: did not find expected key",
    "benchmark-as-text": "4:37: metrics.dental_pct.national should be a number, not the text 'about 82'",
    "binary": "3:1: the file is binary (it has a NUL byte), not YAML text",
    "boolean-for-percent": "4:15: dental_pct: value should be a percentage, not true",
    "comment-only": "1:1: the file is empty",
    "complex-key": "4:5: a key must be plain text, not a list or mapping",
    "control-character": "4:17: invalid YAML: control characters are not allowed (character U+0007)",
    "deep-nesting": "4:64: values are nested more than 50 deep",
    "duplicate-key": "5:3: duplicate key 'dental_pct' (first at line 4)",
    "empty": "1:1: the file is empty",
    "estimated-unknown-field": "4:39: metrics.dental_pct.estimated[1]: 'nationl' is not one of: value, numerator, "
                               "denominator, national, region, neighbours, previous, target, history (did you mean "
                               "'national'?)",
    "estimated-without-note": "4:38: dental_pct: an estimated figure needs a note saying how it was estimated",
    "fractional-count": "4:13: caseload: value should be a whole number (a count), not 14.5",
    "fractional-numerator": "4:27: dental_pct: numerator should be a whole number, not 8.5",
    "hexadecimal": "4:13: '0x1F' is a hexadecimal, octal or binary literal; write a decimal number or quote it",
    "history-bad-period": "4:34: 'last year': history is keyed by period, such as 2009-10",
    "huge-number": "4:13: the number '9999999999999999999999999999999999999999' is too large",
    "huge-integer-400-digits": "4:13: the number '99999999999999999999'... (400 characters) is too large",
    "huge-integer-5000-digits": "4:13: the number '-1111111111111111111'... (5001 characters) is too large",
    "huge-integer-as-a-benchmark": "4:37: the number '77777777777777777777'... (400 characters) is too large",
    "impossible-date": "3:8: '2011-02-30' is not a real date",
    "infinity": "4:15: non-finite number '.inf' is not allowed",
    "latin-1": "4:10: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    "long-form-without-value": "4:15: dental_pct: give value, or numerator and denominator",
    "merge-key": "5:3: merge keys ('<<') are not supported; write the keys out",
    "metrics-is-a-list": "4:3: metrics should be a mapping (key: value lines), not a list",
    "missing-authority": "1:1: the file is missing the required key 'authority'",
    "negative-count": "4:13: caseload: value -3 is out of range for a count (at least 0)",
    "not-a-number": "4:15: non-finite number '.NaN' is not allowed",
    "number-for-yes-no": "4:18: police_attend: value should be true or false (yes/no), not 1",
    "numerator-over-denominator": "4:27: dental_pct: numerator 12 is larger than denominator 10",
    "numerator-without-denominator": "4:15: metrics.dental_pct: a numerator needs its denominator",
    "octal-leading-zero": "4:13: '012' has a leading zero, which YAML 1.1 reads as octal; write 12 or quote it",
    "percent-as-fraction": "4:37: dental_pct: national -0.8 is out of range for a percentage (0-100)",
    "percent-over-100": "4:15: dental_pct: value 180 is out of range for a percentage (0-100)",
    "period-not-a-year": "2:9: '2010/11': a period is a financial year such as 2010-11, optionally with a "
                         "quarter: 2010-11 Q3",
    "period-not-financial": "2:9: '2010-12' is not a financial year: after 2010 comes 11",
    "python-tag": "4:15: the tag '!!python/object/apply:os.system' is not allowed; write plain values",
    "quoted-number": "4:15: metrics.dental_pct should be a number, true or false or a mapping (key: value "
                     "lines), not the text '80'; remove the quotes",
    "recursive-alias": "3:10: an alias refers to a value that contains it",
    "sexagesimal": "4:13: '1:30' reads as a base-60 number in YAML 1.1; quote it if you mean text",
    "tab-indentation": "4:1: invalid YAML: found character that cannot start any token",
    "text-for-yes-no": "4:18: metrics.police_attend should be a number, true or false or a mapping (key: value "
                       "lines), not the text 'sometimes'",
    "top-level-list": "1:1: the file should be a mapping (key: value lines), not a list",
    "top-level-text": "1:1: the file should be a mapping (key: value lines), not the text 'just some words'",
    "two-documents": "4:1: invalid YAML: more than one YAML document in the file; keep one",
    "unclosed-flow": "5:1: invalid YAML: did not find expected ',' or '}'",
    "underscore-digits": "4:13: '1_000' uses '_' between digits; write 1000 or quote it",
    "unknown-long-form-key": "4:27: unknown key 'nationl' in metrics.dental_pct (did you mean 'national'?); "
                             "allowed: value, numerator, denominator, national, region, neighbours, previous, "
                             "target, history, note, estimated, rank",
    "unknown-metric": "4:3: unknown metric 'dentl_pct' for pack mini (did you mean 'dental_pct'?)",
    "unknown-tag": "4:15: the tag '!percent' is not allowed; write plain values",
    "unknown-top-level-key": "4:1: unknown key 'authorty' (did you mean 'authority'?); allowed: authority, code, "
                             "period, as_of, pack, metrics, waivers, last_inspection",
    "utf-16": "1:1: the file is UTF-16 text; save it as UTF-8",
    "value-and-numerator": "4:23: dental_pct: give value, or numerator and denominator, not both",
    "yaml11-boolean-as-number": "4:15: dental_pct: 'on' reads as yes/no, but value should be a percentage",
    "yaml11-boolean-as-text": "1:12: 'yes' is a YAML 1.1 boolean; write true or false, or quote it if you mean text",
    "zero-denominator": "4:43: dental_pct: denominator is 0",
}

# hostile or mistaken conditions dropped into a copy of the mini pack: rule file line 7, column 13
CONDITIONS = {
    "builtin-call": "calls to 'open' are not allowed; the functions are abs, min, max",
    "comprehension": "a comprehension is not allowed in a condition",
    "deep-parentheses": "too many nested parentheses",
    "dunder-attribute": "attribute access is not allowed",
    "eval-call": "calls to 'eval' are not allowed",
    "huge-number": "the number inf is too large for a condition",
    "huge-integer": "the number 999999999999999999999... is too large for a condition",
    "not-chain": "the condition nests operations more than 100 deep",
    "sum-chain": "the condition nests operations more than 100 deep",
    "unary-minus-chain": "the condition nests operations more than 100 deep",
    "unary-plus-chain": "the condition nests operations more than 100 deep",
    "import": "attribute access is not allowed",
    "lambda": "lambdas are not allowed",
    "number-not-condition": "the condition 'value + 1' is a number; it must be true or false",
    "power-bomb": "the operator '**' is not allowed",
    "string-literal": "'yes' is not allowed: conditions use numbers and true/false",
    "subscript": "subscripts are not allowed",
    "syntax-error": "invalid condition 'value >=': invalid syntax",
    "too-long": "the condition is longer than 500 characters",
    "unknown-name": "unknown name 'natonal' (did you mean 'national'?)",
    "walrus": "assignment is not allowed",
    "yes-no-arithmetic": "arithmetic needs a number value, not a yes/no one",
}


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result, expected_lines: list[str]) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == expected_lines


def test_the_catalogue_is_complete():
    on_disk = {p.stem for p in (HERE / "metrics").glob("*.yaml")} | {p.stem for p in (HERE / "rules").glob("*.yaml")}
    assert on_disk == set(METRICS) | set(CONDITIONS)
    assert len(on_disk) >= 40


@pytest.mark.parametrize("name", sorted(METRICS))
def test_bad_metrics_file(name):
    path = HERE / "metrics" / f"{name}.yaml"
    assert_refused(comply("check", path, "--pack", MINI), [f"{path}:{METRICS[name]}"])


@pytest.mark.parametrize("name", sorted(METRICS))
def test_bad_file_beside_a_good_one_still_lets_the_good_one_through(name):
    result = comply("check", HERE / "metrics" / f"{name}.yaml", GOOD, "--pack", MINI, "--format", "json")
    assert result.exit_code == 2
    assert [document["authority"] for document in json.loads(result.stdout)] == ["Testshire"]


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_hostile_condition_in_a_pack(tmp_path, name):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    shutil.copy(HERE / "rules" / f"{name}.yaml", pack / "rules" / "zz-hostile.yaml")
    result = comply("check", GOOD, "--pack", pack)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{pack / 'rules' / 'zz-hostile.yaml'}:7:13: HOSTILE: ")
    assert CONDITIONS[name] in line


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("authority: X\nperiod: 2010-11\nmetrics: {}\n" + "#" * MAX_FILE_BYTES)
    assert_refused(comply("check", path, "--pack", MINI), [f"{path}: the file is larger than 5 MiB"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", GOOD, "--format", "pdf"], "Invalid value for '--format'"),
        (["check", GOOD, "--pack", MINI, "--fail-on", "awful"], "'awful' is not a grade of pack mini"),
        (["check"], "Missing argument 'METRICS...'"),
        (["check", GOOD, "--no-such-option"], "--no-such-option"),
        (["no-such-command"], "No such command 'no-such-command'"),
    ],
)
def test_bad_options_exit_2(args, message):
    result = comply(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_file_folder_without_yaml_and_unknown_pack(tmp_path):
    assert_refused(comply("check", tmp_path / "absent.yaml", "--pack", MINI),
                   [f"{tmp_path / 'absent.yaml'}: no such file or folder"])
    assert_refused(comply("check", tmp_path, "--pack", MINI), [f"{tmp_path}: the folder has no .yaml or .yml files"])
    assert_refused(comply("check", GOOD, "--pack", tmp_path / "nowhere"),
                   [f"{tmp_path / 'nowhere'}: no pack '{tmp_path / 'nowhere'}': not a folder, nor a bundled pack "
                    "(ofsted-ilacs, ofsted-slac-2011)"])


def test_a_folder_given_as_a_metrics_file_in_a_pack(tmp_path):
    assert_refused(comply("check", GOOD, "--pack", tmp_path), [f"{tmp_path}: not a pack: there is no pack.yaml"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_unwritable_output_keeps_the_previous_file(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("last quarter's result\n")
    target.parent.chmod(0o500)
    try:
        result = comply("check", GOOD, "--pack", MINI, "--format", "json", "-o", target)
    finally:
        target.parent.chmod(0o700)
    assert result.exit_code == 2
    assert f"{target}: cannot write: Permission denied" in result.stderr
    assert target.read_text() == "last quarter's result\n"


def test_output_into_a_missing_folder(tmp_path):
    target = tmp_path / "no-folder" / "out.json"
    assert_refused(comply("check", GOOD, "--pack", MINI, "-o", target),
                   [f"{target}: cannot write: No such file or directory"])


def test_ctrl_c_while_writing_leaves_the_previous_file(tmp_path, monkeypatch):
    import os

    target = tmp_path / "paper.json"
    target.write_text("last quarter's result\n")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = comply("check", GOOD, "--pack", MINI, "--format", "json", "-o", target)
    assert (result.exit_code, result.stderr) == (2, "comply: interrupted; no output file was changed\n")
    assert target.read_text() == "last quarter's result\n"
    assert [p.name for p in tmp_path.iterdir()] == ["paper.json"]  # the temporary file is gone


# besides a good file, a folder of metrics files holds -> what is said of it (as when it is named)
FOLDER_ENTRIES = {
    "broken-link": (lambda entry: os.symlink(entry.parent / "gone.yaml", entry),
                    "a broken link (to {folder}/gone.yaml): no such file"),
    "link-to-itself": (lambda entry: os.symlink(entry, entry), "a broken link (to {folder}/b.yaml): no such file"),
    "folder-named-yaml": (lambda entry: entry.mkdir(), "is a folder, not a metrics file"),
    "named-pipe": (lambda entry: os.mkfifo(entry), "is not a regular file (a pipe or device in a folder of "
                                                   "metrics files?)"),
}


@pytest.mark.parametrize("case", FOLDER_ENTRIES)
def test_what_is_not_a_metrics_file_in_a_folder_is_a_problem_not_skipped(tmp_path, case):
    make, message = FOLDER_ENTRIES[case]
    shutil.copy(GOOD, tmp_path / "a.yaml")
    entry = tmp_path / "b.yaml"
    make(entry)
    result = comply("check", tmp_path, "--pack", MINI, "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{entry}: {message.format(folder=tmp_path)}"]
    assert [document["authority"] for document in json.loads(result.stdout)] == ["Testshire"]


@pytest.mark.parametrize("case", ["broken-link", "link-to-itself"])
def test_a_broken_link_named_or_in_a_folder_says_the_same(tmp_path, case):
    make, message = FOLDER_ENTRIES[case]
    entry = tmp_path / "b.yaml"
    make(entry)
    named = comply("check", entry, "--pack", MINI)
    in_a_folder = comply("check", tmp_path, "--pack", MINI)
    assert named.exit_code == in_a_folder.exit_code == 2
    assert named.stderr == in_a_folder.stderr == f"{entry}: {message.format(folder=tmp_path)}\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_a_folder_that_cannot_be_read(tmp_path):
    folder = tmp_path / "region"
    folder.mkdir()
    folder.chmod(0)
    try:
        result = comply("check", folder, "--pack", MINI)
    finally:
        folder.chmod(0o755)
    assert_refused(result, [f"{folder}: cannot read the folder: Permission denied"])


DB = HERE.parent / "packs"  # any existing folder stands in for a file where an empty value is refused first
# an option or argument given an empty (or blank) value -> the option named in the refusal
EMPTY_VALUES = {
    "check-metrics": (["check", ""], "'METRICS...'"),
    "check-metrics-blank": (["check", "  "], "'METRICS...'"),
    "check-one-of-several-metrics": (["check", GOOD, ""], "'METRICS...'"),
    "check-pack": (["check", GOOD, "--pack", ""], "'--pack'"),
    "check-record": (["check", GOOD, "--pack", MINI, "--record", ""], "'--record'"),
    "check-waivers": (["check", GOOD, "--pack", MINI, "--waivers", ""], "'--waivers'"),
    "check-benchmarks": (["check", GOOD, "--pack", MINI, "--benchmarks", ""], "'--benchmarks'"),
    "check-output": (["check", GOOD, "--pack", MINI, "-o", ""], "'-o' / '--output'"),
    "check-only": (["check", GOOD, "--pack", MINI, "--only", ""], "'--only'"),
    "check-rank": (["check", GOOD, "--pack", MINI, "--rank", ""], "'--rank'"),
    "check-fail-on": (["check", GOOD, "--pack", MINI, "--fail-on", ""], "'--fail-on'"),
    "check-table-format": (["check", GOOD, "--pack", MINI, "--table-format", ""], "'--table-format'"),
    "config": (["--config", "", "check", GOOD], "'--config'"),
    "report-result": (["report", ""], "'RESULT.json'"),
    "report-output": (["report", GOOD, "-o", ""], "'-o' / '--output'"),
    "template-pack": (["template", "--pack", ""], "'--pack'"),
    "template-output": (["template", "--pack", MINI, "-o", ""], "'-o' / '--output'"),
    "rules-list": (["rules", "list", ""], "'[PACK]'"),
    "rules-show": (["rules", "show", "", "--pack", MINI], "'RULE_ID|JUDGEMENT_ID'"),
    "rules-lint": (["rules", "lint", ""], "'[PACK]'"),
    "rules-test": (["rules", "test", ""], "'[PACK]'"),
    "rules-doc": (["rules", "doc", ""], "'[PACK]'"),
    "explain-rule": (["explain", "", GOOD, "--pack", MINI], "'RULE_ID|JUDGEMENT|INDICATOR'"),
    "explain-metrics": (["explain", "HEALTH", "", "--pack", MINI], "'METRICS'"),
    "history-db": (["history", "--db", ""], "'--db'"),
    "history-authority": (["history", "--db", GOOD, "--authority", ""], "'--authority'"),
    "history-metric": (["history", "--db", GOOD, "--metric", ""], "'--metric'"),
    "import-adapter": (["import", "", DB, "--period", "2010-11", "-o", DB], "'ADAPTER'"),
    "import-period": (["import", "dfe-2010-11", DB, "--period", "", "-o", DB], "'--period'"),
    "import-authority": (["import", "dfe-2010-11", DB, "--period", "2010-11", "--authority", "", "-o", DB],
                         "'--authority'"),
    "import-region": (["import", "dfe-2010-11", DB, "--period", "2010-11", "--region", "", "-o", DB], "'--region'"),
    "import-output": (["import", "dfe-2010-11", DB, "--period", "2010-11", "-o", ""], "'-o' / '--output'"),
}


@pytest.mark.parametrize("case", EMPTY_VALUES)
def test_an_empty_option_value_is_refused(case):
    arguments, option = EMPTY_VALUES[case]
    result = comply(*arguments)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert f"Error: Invalid value for {option}: the value is empty" in result.stderr, result.stderr


def test_every_option_and_argument_refuses_an_empty_value():
    from compliance.cli.options import RefusesEmpty

    def parameters(command, path):
        for parameter in command.params:
            if not getattr(parameter, "is_flag", False) and parameter.name not in ("help", "version"):
                yield f"{path} {parameter.name}", parameter
        for name, sub in getattr(command, "commands", {}).items():
            yield from parameters(sub, f"{path} {name}")

    taking_values = dict(parameters(main, "comply"))
    assert len(taking_values) >= 30
    assert [name for name, parameter in taking_values.items() if not isinstance(parameter, RefusesEmpty)] == []
