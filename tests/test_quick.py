"""comply check's quick path (quick.py, main.run): the same as click's path, through the real command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from compliance import quick
from compliance.cli import main
from compliance.report import FORMATS

from .conftest import MINI, ROOT

GOOD = MINI / "good.yaml"
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
CLICK = "import sys; from compliance.cli import main; main.main(prog_name='comply')"
QUICK = "import sys; sys.argv[0] = 'comply'; from compliance.main import run; run()"


def test_the_quick_path_knows_every_option_of_check_as_click_declares_it():
    declared = {name: parameter.name for parameter in main.commands["check"].params
                if isinstance(parameter, click.Option) for name in (*parameter.opts, *parameter.secondary_opts)}
    assert declared == {**{name: item[0] for name, item in quick.VALUES.items()},
                        **{name: item[0] for name, item in quick.FLAGS.items()}}


@pytest.mark.parametrize("arguments", [
    ["m.yaml"],
    ["m.yaml", "n.yaml", "--pack", "p", "--format=json", "-o", "r.json", "--output", "s.md", "-q", "--strict"],
    ["--only", "A", "m.yaml", "--only=B", "--fail-on", "never", "--table-format", "grid", "--rank", "overall"],
    ["m.yaml", "--waivers", "w.yaml", "--benchmarks", "b.yaml", "--record", "h.db", "--progress"],
    ["m.yaml", "--pack", "p", "--pack", "q", "--no-progress", "--quiet"],
], ids=["defaults", "outputs and flags", "repeated", "files", "the last wins"])
def test_the_quick_path_reads_arguments_into_what_click_gives_check(tmp_path, monkeypatch, arguments):
    monkeypatch.chdir(tmp_path)
    by_click = main.commands["check"].make_context("check", list(arguments)).params
    by_quick = quick.check_arguments(["check", *arguments], FORMATS)
    assert by_quick is not None
    assert by_quick.pop("explicit_format") == ("--format=json" in arguments)
    assert by_quick == by_click


@pytest.mark.parametrize(("arguments", "quick_path"), [
    (["check", "m.yaml"], True),
    (["check", "m.yaml", "--pack", "p", "--format=json", "-o", "r.json", "-q", "--only", "A", "--only", "B"], True),
    (["check", "--no-progress", "m.yaml", "n.yaml", "--strict", "--fail-on", "never"], True),
    (["check"], False),
    (["check", "m.yaml", "--help"], False),
    (["check", "m.yaml", "-h"], False),
    (["check", "m.yaml", "--pack"], False),
    (["check", "m.yaml", "--pack", ""], False),
    (["check", "m.yaml", "--pack", "-x"], False),
    (["check", "m.yaml", "-qo", "r.json"], False),
    (["check", "m.yaml", "--", "n.yaml"], False),
    (["check", "m.yaml", "--format", "JSON"], False),
    (["check", "m.yaml", "--quiet=1"], False),
    (["check", "m.yaml", "--bogus"], False),
    (["check", " "], False),
    (["--config", "c.yaml", "check", "m.yaml"], False),
    (["report", "r.json"], False),
], ids=lambda value: " ".join(value) if isinstance(value, list) else str(value))
def test_what_the_quick_path_reads_and_what_it_leaves_to_click(tmp_path, monkeypatch, arguments, quick_path):
    monkeypatch.chdir(tmp_path)
    assert (quick.check_arguments(arguments, FORMATS) is not None) == quick_path


def test_a_folder_or_an_unreadable_file_given_as_a_file_option_is_left_to_click(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert quick.check_arguments(["check", "m.yaml", "-o", str(tmp_path)], FORMATS) is None
    assert quick.check_arguments(["check", "m.yaml", "--waivers", str(tmp_path)], FORMATS) is None
    assert quick.check_arguments(["check", "m.yaml", "-o", str(tmp_path / "new.json")], FORMATS) is not None


def test_a_comply_yaml_is_left_to_click(tmp_path, monkeypatch):
    (tmp_path / "comply.yaml").write_text("fail_on: never\n")
    (tmp_path / "below").mkdir()
    monkeypatch.chdir(tmp_path / "below")
    assert quick.check_arguments(["check", "m.yaml"], FORMATS) is None


WHEN = re.compile(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.+]+Z?|timestamp=\"[^\"]*\"")  # when a result was made


def run(code: str, arguments: list[object], cwd: Path) -> tuple[int, str, str]:
    result = subprocess.run([sys.executable, "-c", code, *map(str, arguments)], capture_output=True, text=True,
                            cwd=cwd, timeout=120, env={**os.environ, "COMPLY_WORKERS": "1"})
    return result.returncode, WHEN.sub("WHEN", result.stdout), result.stderr


CASES = {
    "table": ["check", GOOD, "--pack", MINI],
    "json": ["check", GOOD, "--pack", MINI, "--format", "json"],
    "markdown, a failing grade": ["check", GOOD, "--pack", MINI, "--format", "markdown", "--fail-on", "good"],
    "Stoke, table": ["check", STOKE],
    "two files, ranked": ["check", GOOD, GOOD, "--pack", MINI, "--rank", "safe.overall", "--format", "csv"],
    "a grade the pack lacks": ["check", GOOD, "--pack", MINI, "--fail-on", "bogus"],
    "a judgement the pack lacks": ["check", GOOD, "--pack", MINI, "--rank", "nope"],
    "a table style tabulate lacks": ["check", GOOD, "--pack", MINI, "--table-format", "bogus"],
    "a file whose format cannot be told": ["check", GOOD, "--pack", MINI, "-o", "out.unknown"],
    "a binary format to standard output": ["check", GOOD, "--pack", MINI, "--format", "xlsx"],
    "a missing file": ["check", "absent.yaml", "--pack", MINI],
    "an unknown pack": ["check", GOOD, "--pack", "no-such-pack"],
    "an output over an input": ["check", GOOD, "--pack", MINI, "-o", GOOD],
    "an unknown --only": ["check", GOOD, "--pack", MINI, "--only", "nope"],
    "strict": ["check", GOOD, "--pack", MINI, "--strict"],
    "a bad metrics file": ["check", ROOT / "tests" / "bad-inputs" / "metrics" / "duplicate-key.yaml", "--pack", MINI],
    "files written, quiet": ["check", GOOD, "--pack", MINI, "-q", "-o", "r.md", "--output=r.json"],
    "recorded": ["check", GOOD, "--pack", MINI, "--record", "history.db", "-q"],
}


@pytest.mark.parametrize("case", CASES)
def test_the_quick_path_says_and_writes_what_clicks_path_does(tmp_path, case):
    (tmp_path / "click").mkdir()
    (tmp_path / "quick").mkdir()
    by_click = run(CLICK, CASES[case], tmp_path / "click")
    by_quick = run(QUICK, CASES[case], tmp_path / "quick")
    assert by_quick == by_click
    written = sorted(path.name for path in (tmp_path / "click").iterdir())
    assert sorted(path.name for path in (tmp_path / "quick").iterdir()) == written
    for name in written:
        if name.endswith((".md", ".json")):
            texts = [WHEN.sub("WHEN", (tmp_path / path / name).read_text()) for path in ("quick", "click")]
            assert texts[0] == texts[1]


def test_a_plain_check_imports_no_more_than_it_needs(tmp_path):
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
            "import json\n" + QUICK.replace("; ", "\n"))
    status, _, stderr = run(code, ["check", STOKE, "--format", "json"], tmp_path)
    imported = set(json.loads(stderr.splitlines()[-1]))
    assert status == 1
    assert not imported & {"click", "fastjsonschema", "jsonschema", "sqlite3", "tempfile", "difflib", "tabulate",
                           "importlib.metadata", "multiprocessing"}


def test_tabulate_is_imported_without_its_version_lookup_and_draws_the_same(tmp_path):
    code = ("import importlib.metadata, sys, tabulate\n"
            "print(tabulate.tabulate([[1, 'a']], headers=['n', 'x'], tablefmt='grid'), tabulate.tabulate_formats)\n")
    stand_in = ("import sys\nfrom compliance.outputs import tabulate\nmodule = tabulate()\n"
                "assert 'importlib.metadata' not in sys.modules and module.__version__ == 'unknown'\n"
                "import importlib.metadata\nassert importlib.metadata.version('tabulate') != 'unknown'\n"
                "print(module.tabulate([[1, 'a']], headers=['n', 'x'], tablefmt='grid'), module.tabulate_formats)\n")
    assert run(stand_in, [], tmp_path) == run(code, [], tmp_path)


def test_help_imports_no_pack_code_and_no_yaml(tmp_path):
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
            + QUICK.replace("; ", "\n"))
    status, stdout, stderr = run(code, ["--help"], tmp_path)
    imported = set(json.loads(stderr.splitlines()[-1]))
    assert status == 0 and "Usage: comply" in stdout
    assert not imported & {"yaml", "compliance.model", "compliance.packs", "compliance.loader", "compliance.quick"}
