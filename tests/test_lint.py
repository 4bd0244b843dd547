"""comply rules lint: each kind of fault in a broken copy of the mini pack."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import MINI
from .test_packs import broken


def lint(pack):
    return CliRunner().invoke(main, ["rules", "lint", str(pack)])


def test_the_mini_and_bundled_packs_lint_clean():
    for pack in (str(MINI), "ofsted-slac-2011"):
        result = CliRunner().invoke(main, ["rules", "lint", pack])
        assert (result.exit_code, result.stdout) == (0, "0 problems found\n")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # a band the bands before it hide
        ("rules/rules.yaml", "good: value >= national - 2", "good: value >= national + 6",
         "rules/rules.yaml:8:13: HEALTH: band 'good' can never be reached"),
        # bands in the wrong order for a lower-is-better figure
        ("rules/rules.yaml", "      adequate: value <= 20", "      adequate: value <= 10",
         "rules/rules.yaml:41:17: CASELOAD: band 'adequate' can never be reached"),
        # a condition no value of a percentage can meet
        ("rules/rules.yaml", "      good: value >= 80", "      good: value > 100",
         "rules/rules.yaml:19:13: DENTAL: band 'good' can never be reached"),
        # a yes/no band that can never hold first
        ("rules/rules.yaml", "      good: value\n", "      good: value and not value\n",
         "rules/rules.yaml:28:13: POLICE: band 'good' can never be reached"),
        ("rules/rules.yaml", "    recommendation: Improve dental checks.\n", "",
         "rules/rules.yaml:14:5: DENTAL: no recommendation: a shortfall would raise nothing"),
        ("rules/rules.yaml", "    metric: dental_pct", "    metric: children",
         "rules/rules.yaml:14:5: DENTAL: grades children, a context metric"),
        ("rules/rules.yaml", "    metric: dental_pct", "    metric: health_check_pct",
         "metrics.yaml:9:3: dental_pct: read by no rule"),
        ("pack.yaml", "        method: worst\n",
         "        method: worst\n      - id: safe.orphan\n        title: Orphan\n",
         "pack.yaml:24:13: safe.orphan: fed by nothing"),
        ("rules/rules.yaml", "cites: [7]", "cites: [70]",
         "rules/rules.yaml:22:13: DENTAL: cites paragraph 70, but the source has paragraphs 1-20"),
        ("rules/rules.yaml", "judgement: safe.provision", "judgement: safe.provisions",
         "rules/rules.yaml:37:16: CASELOAD: unknown judgement 'safe.provisions'"),
        ("rules/rules.yaml", "  - id: DENTAL", "  - id: HEALTH",
         "rules/rules.yaml:14:5: HEALTH: duplicate rule id 'HEALTH'"),
        ("rules/rules.yaml", "otherwise: adequate", "otherwise: middling",
         "rules/rules.yaml:20:16: DENTAL: otherwise 'middling' is not a grade of the scale"),
        ("pack.yaml", "limited_by: [safe.provision]", "limited_by: [safe.overall]",
         "pack.yaml:14:13: pack: judgements form a cycle: safe.overall -> safe.overall"),
        ("pack.yaml", "version: 0.1.0", "version: 1",
         "pack.yaml:3:10: pack: version should be text, not the number 1"),
        ("rules/rules.yaml", "  - id: DENTAL", "  - idd: DENTAL",
         "rules/rules.yaml:14:5: rules: rules[2] is missing the required key 'id'"),
    ],
    ids=["hidden-band", "inverted-bands", "impossible-band", "impossible-yes-no", "no-recommendation",
         "graded-context", "unread-metric", "unfed-judgement", "bad-citation", "unknown-judgement",
         "duplicate-id", "grade-off-scale", "cycle", "schema-error", "yaml-key"],
)
def test_each_fault_is_a_finding(mini_copy, file, old, new, expected):
    broken(mini_copy, file, old, new)
    result = lint(mini_copy)
    assert result.exit_code == 1, result.stdout
    lines = [line.removeprefix(f"{mini_copy}/") for line in result.stdout.splitlines()]
    assert any(line.startswith(expected) for line in lines), lines
    assert lines[-1].endswith("found")


def test_lint_cannot_run_on_a_missing_pack(tmp_path):
    result = lint(tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no pack" in result.stderr


def test_analysis_leaves_alone_what_it_cannot_decide(mini_copy):
    # bands on different bases: which wins depends on the benchmarks, so no finding
    broken(mini_copy, "rules/rules.yaml", "good: value >= national - 2", "good: value >= target")
    assert lint(mini_copy).exit_code == 0
