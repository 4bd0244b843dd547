"""Every bundled pack and framework version: lints clean, and its own cases pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.lint import lint
from compliance.packs import bundled_root
from compliance.packtests import load_cases, run_case
from compliance.runner import pack_for

FOLDERS = sorted(path.parent for path in bundled_root().glob("**/pack.yaml"))
CASES = [(folder, case) for folder in FOLDERS for case in load_cases(pack_for(str(folder)))
         if folder.name != "ofsted-slac-2011"]  # the 2011 pack's cases run in test_bundled_pack.py


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: str(folder.relative_to(bundled_root())))
def test_lints_clean(folder: Path):
    assert [str(problem) for problem in lint(folder)] == []


@pytest.mark.parametrize(("folder", "case"), CASES,
                         ids=[f"{folder.relative_to(bundled_root())}: {case.name}" for folder, case in CASES])
def test_pack_case(folder: Path, case):
    assert run_case(pack_for(str(folder)), case) == []


def test_the_ilacs_family_has_its_versions():
    assert [folder.name for folder in FOLDERS if folder.parent.name == "ofsted-ilacs"] == ["2018", "2023", "2026"]
