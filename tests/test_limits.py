"""Every limit says where it comes from: limits_rationale and limiting_rationale, lint, basis, show, doc."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.engine import evaluate
from compliance.lint import lint
from compliance.packdoc import render
from compliance.packs import bundled_root
from compliance.runner import pack_for
from compliance.submissions import build_submission, read_metrics

from .test_packs import broken

JUDGEMENT_RATIONALE = ("        limits_rationale: {limited_by: \"The made-up report's own reasoning: overall is no "
                       "better than provision (para 2).\"}\n")
RULE_RATIONALE = "    limiting_rationale: The made-up report asks for it immediately (para 3).\n"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def findings(folder) -> list[str]:
    return [str(problem).removeprefix(f"{folder}/") for problem in lint(folder)]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("pack.yaml", JUDGEMENT_RATIONALE, "",
         "pack.yaml:17:9: safe.overall: limited_by has no rationale"),
        ("rules/rules.yaml", RULE_RATIONALE, "",
         "rules/rules.yaml:30:5: POLICE: limiting has no rationale"),
        ("pack.yaml", "        method: worst\n",
         "        method: worst\n        limits_rationale: {cap_above_worst: para 4}\n",
         "pack.yaml:24:28: safe.provision: limits_rationale.cap_above_worst: the judgement sets no cap_above_worst"),
        ("rules/rules.yaml", "    recommendation: Improve dental checks.\n",
         "    recommendation: Improve dental checks.\n    limiting_rationale: para 7\n",
         "rules/rules.yaml:22:5: DENTAL: limiting_rationale: the rule is not limiting"),
        ("pack.yaml", "        method: worst\n", "        method: worst\n        cap_above_worst: 1\n",
         "pack.yaml:24:9: safe.provision: cap_above_worst has no rationale"),
    ],
    ids=["judgement-limit", "limiting-rule", "rationale-without-limit", "rationale-on-a-rule-not-limiting",
         "cap"],
)
def test_a_limit_without_its_source_is_a_lint_finding(mini_copy, file, old, new, expected):
    assert findings(mini_copy) == []
    broken(mini_copy, file, old, new)
    assert [line for line in findings(mini_copy) if line.startswith(expected)], findings(mini_copy)


def test_bare_limits_still_load_and_grade(mini_copy, write):
    broken(mini_copy, "pack.yaml", JUDGEMENT_RATIONALE, "")
    broken(mini_copy, "rules/rules.yaml", RULE_RATIONALE, "")
    broken(mini_copy, "pack.yaml", "inputs: [safe.safety, safe.provision]", "inputs: [safe.safety]")
    overall = _overall(mini_copy, write)
    assert overall.basis.endswith("limited to Adequate by Quality of provision (Adequate)")


def test_the_basis_says_where_a_limit_that_lowered_the_grade_comes_from(mini_copy, write):
    broken(mini_copy, "pack.yaml", "inputs: [safe.safety, safe.provision]", "inputs: [safe.safety]")
    overall = _overall(mini_copy, write)
    assert overall.basis.endswith("limited to Adequate by Quality of provision (Adequate). Why: The made-up "
                                  "report's own reasoning: overall is no better than provision (para 2).")


def _overall(pack_folder, write):
    path = write("m.yaml", "authority: T\nperiod: 2010-11\nmetrics:\n  police_attend: true\n  caseload: 19\n")
    pack = pack_for(str(pack_folder))
    result = evaluate(pack, build_submission(read_metrics(path), pack))
    return next(j for j in result.judgements if j.judgement.id == "safe.overall")


def local(tmp_path, mini, body: str):
    folder = tmp_path / "local"
    (folder / "rules").mkdir(parents=True)
    (folder / "pack.yaml").write_text(f"id: local\ntitle: Local\nversion: 1.0.0\nextends: {mini}\n"
                                      + textwrap.dedent(body))
    return folder


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a limiting rule made so by an override needs its own source
        ("override:\n  DENTAL: {limiting: true}\n", ["pack.yaml:6:12: DENTAL: limiting has no rationale"]),
        ("override:\n  DENTAL: {limiting: true, limiting_rationale: our own target (board minute 12)}\n", []),
        # a limit changed here loses the parent's source: the new one needs its own
        ("judgements:\n  change:\n    safe.overall: {limited_by: [safe.safety]}\n",
         ["pack.yaml:7:20: safe.overall: limited_by has no rationale"]),
        ("judgements:\n  change:\n    safe.overall: {limited_by: [safe.safety], limits_rationale: "
         "{limited_by: para 5}}\n", []),
        # a judgement added with a limit, and a source given for the parent's unchanged limit
        ("judgements:\n  add:\n    - {id: safe.more, title: More, section: Safeguarding services, "
         "inputs: [safe.safety], worst_grade_from: [safe.safety]}\n",
         ["pack.yaml:7:91: safe.more: worst_grade_from has no rationale"]),
        ("judgements:\n  change:\n    safe.overall: {limits_rationale: {limited_by: para 6}}\n", []),
    ],
    ids=["override-unsourced", "override-sourced", "change-unsourced", "change-sourced", "add-unsourced",
         "source-for-a-parents-limit"],
)
def test_limits_set_by_a_local_pack(tmp_path, mini_copy, body, expected):
    folder = local(tmp_path, mini_copy, body)
    assert [line.split(" (", 1)[0].split(": say", 1)[0] for line in findings(folder)] == expected


def test_a_change_keeps_or_replaces_the_parents_source(tmp_path, mini_copy):
    kept = pack_for(str(local(tmp_path / "a", mini_copy,
                              "judgements:\n  change:\n    safe.overall: {method: worst}\n")))
    assert "para 2" in kept.judgement("safe.overall").limits_rationale["limited_by"]
    replaced = pack_for(str(local(tmp_path / "b", mini_copy, "judgements:\n  change:\n    safe.overall: "
                                                              "{limits_rationale: {limited_by: para 6}}\n")))
    assert replaced.judgement("safe.overall").limits_rationale == {"limited_by": "para 6"}


def test_rules_show_gives_a_limits_source():
    overall = comply("rules", "show", "safeguarding.overall")
    assert overall.exit_code == 0, overall.stderr
    assert overall.stdout.startswith("#### safeguarding.overall: Overall effectiveness")
    assert "| limit: no better than " in overall.stdout and "para 13" in overall.stdout
    rule = comply("rules", "show", "LAC-EWB-CARE-LEAVERS-NEET")
    assert "| limiting | yes: Economic well-being can be no better than this rule's grade; source: " in rule.stdout


@pytest.mark.parametrize("folder", sorted(path.parent for path in bundled_root().glob("**/pack.yaml")),
                         ids=lambda folder: str(folder.relative_to(bundled_root())))
def test_every_bundled_limit_is_sourced_in_the_catalogue(folder):
    pack = pack_for(str(folder))
    text = render(pack)
    limits = sum(len(j.limits()) for j in pack.judgements) + sum(rule.limiting for rule in pack.rules)
    if limits:
        section = text.split("## Limits and where they come from", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| judgement")]
        assert len(rows) == limits
        assert not [row for row in rows if row.endswith("| not given |")]
