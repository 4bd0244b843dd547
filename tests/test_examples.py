"""The examples are what the commands their READMEs give would make now: re-imported, and re-run."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import ROOT, SHARED

REAL = SHARED / "testdata" / "real"
WEST_MIDLANDS = ROOT / "examples" / "west-midlands-2010-11"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _without_date(text: str) -> str:
    return re.sub(r"^# Imported by (.*) on \d{4}-\d{2}-\d{2}\.$", r"# Imported by \1.", text, flags=re.M)


@pytest.mark.skipif(not (REAL / "legacy-2010-2012").is_dir(), reason="no published statistics in ../shared")
def test_the_west_midlands_files_are_what_the_import_writes_now(tmp_path):
    result = comply("import", "dfe-2010-11", REAL, "--period", "2010-11", "--region", "West Midlands", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.glob("*.yaml"))
    assert written == sorted(path.name for path in WEST_MIDLANDS.glob("*.yaml"))
    stale = [name for name in written
             if _without_date((tmp_path / name).read_text()) != _without_date((WEST_MIDLANDS / name).read_text())]
    assert not stale, f"run the README's import again: {stale}"


@pytest.mark.skipif(not (REAL / "dfe-csc-indicators").is_dir(), reason="no published statistics in ../shared")
def test_the_stoke_ilacs_example_is_what_the_import_writes_now(tmp_path):
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2021-22", "--authority", "861",
                    "-o", tmp_path)
    assert result.exit_code == 0, result.output
    example = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    assert _without_date((tmp_path / "861-stoke-on-trent.yaml").read_text()) == _without_date(example.read_text())


def test_the_west_midlands_readme_shows_what_its_command_prints():
    readme = (WEST_MIDLANDS / "README.md").read_text()
    command = re.search(r"```sh\n(comply check examples/west-midlands-2010-11 [^\n]*)\n```", readme)
    assert command
    shown = readme[readme.index("```\nComparison of 14 authorities") + 4:]
    shown = shown[:shown.index("```")]
    arguments = shlex.split(command.group(1))[1:]
    arguments[1] = str(ROOT / arguments[1])
    result = comply(*arguments)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(shown + "\n"), "run the README's command again and paste its comparison"
