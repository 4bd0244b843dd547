"""Local packs that extend another: overrides, disabled rules, added rules, and their mistakes."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.model import InputError
from compliance.packs import build_pack

from .conftest import ROOT

LOCAL = ROOT / "examples" / "local-pack"
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


def stoke_with(pack, *extra: str):
    result = CliRunner().invoke(main, ["check", str(STOKE), "--pack", str(pack), "--format", "json", *extra])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def finding(document, rule_id):
    return next((f for f in document["findings"] if f["rule"] == rule_id), None)


def test_a_local_threshold_changes_the_result_and_both_packs_are_named():
    bundled, local = stoke_with("ofsted-slac-2011"), stoke_with(LOCAL)
    assert finding(bundled, "LAC-PERF-IRO-CASELOADS")["grade"] == "adequate"  # 90 <= 100
    assert finding(local, "LAC-PERF-IRO-CASELOADS")["grade"] == "inadequate"  # 90 > 80, the local target
    assert (local["pack"]["id"], local["pack"]["version"]) == ("stoke-local-targets", "1.0.0")
    assert local["pack"]["extends"] == [{"id": "ofsted-slac-2011", "version": "1.0.0"}]
    assert bundled["pack"]["extends"] == []


def test_a_local_timescale_moves_the_area_for_improvement():
    areas = [(a["timescale"], a["rule"]) for a in stoke_with(LOCAL)["areas_for_improvement"]]
    assert ("immediately", "LAC-EWB-COLLEGE-SUPPORT") in areas
    assert len(areas) == 15  # SG-HEALTH-AE-NURSES is disabled locally


def test_a_disabled_rule_is_not_checked_and_says_why():
    local = stoke_with(LOCAL)
    assert finding(local, "SG-HEALTH-AE-NURSES") is None
    [disabled] = local["pack"]["disabled"]
    assert disabled["rule"] == "SG-HEALTH-AE-NURSES" and "April 2012" in disabled["reason"]


def test_a_local_rule_reads_a_local_metric(tmp_path):
    metrics = tmp_path / "m.yaml"
    metrics.write_text(STOKE.read_text().replace("pack: ofsted-slac-2011", "pack: " + str(LOCAL))
                       + "  care_leavers_in_apprenticeships: 7\n")
    result = CliRunner().invoke(main, ["check", str(metrics), "--format", "json"])
    assert finding(json.loads(result.stdout), "LOCAL-CARE-LEAVER-APPRENTICESHIPS")["grade"] == "adequate"


def test_the_local_pack_lints_clean():
    assert CliRunner().invoke(main, ["rules", "lint", str(LOCAL)]).stdout == "0 problems found\n"


def local_pack(tmp_path, pack_yaml: str, rules: str | None = None, metrics: str | None = None):
    folder = tmp_path / "local"
    (folder / "rules").mkdir(parents=True)
    (folder / "pack.yaml").write_text(textwrap.dedent(pack_yaml))
    if rules is not None:
        (folder / "rules" / "local.yaml").write_text(textwrap.dedent(rules))
    if metrics is not None:
        (folder / "metrics.yaml").write_text(textwrap.dedent(metrics))
    return folder


HEAD = "id: local\ntitle: Local\nversion: 1.0.0\nextends: ofsted-slac-2011\n"


@pytest.mark.parametrize(
    ("pack_yaml", "message"),
    [
        (HEAD + "override:\n  LAC-PERF-IRO-CASELOAD: {timescale: immediately}\n",
         "pack.yaml:6:3: LAC-PERF-IRO-CASELOAD: no rule 'LAC-PERF-IRO-CASELOAD' in pack ofsted-slac-2011 "
         "(did you mean 'LAC-PERF-IRO-CASELOADS'?)"),
        (HEAD + "disable:\n  NO-SUCH-RULE: gone\n",
         "pack.yaml:6:3: NO-SUCH-RULE: no rule 'NO-SUCH-RULE' in pack ofsted-slac-2011"),
        (HEAD + "override:\n  SG-SAFE-CRB: {timescale: immediately}\ndisable:\n  SG-SAFE-CRB: gone\n",
         "pack.yaml:8:3: SG-SAFE-CRB: is both overridden and disabled"),
        (HEAD + "override:\n  SG-SAFE-CRB:\n    bands: {superb: value >= 100}\n",
         "pack.yaml:7:13: SG-SAFE-CRB: 'superb' is not a grade of the scale"),
        (HEAD + "override:\n  SG-SAFE-CRB:\n    bands: {good: value >= nationl}\n",
         "pack.yaml:7:19: SG-SAFE-CRB: unknown name 'nationl' (did you mean 'national'?)"),
        (HEAD + "override:\n  SG-SAFE-CRB: {cites: [94]}\n",
         "pack.yaml:6:25: SG-SAFE-CRB: cites paragraph 94, but the source has paragraphs 1-93"),
        (HEAD + "override:\n  SG-SAFE-CRB: {metric: dental_checks_pct}\n",
         "pack.yaml:6:17: unknown key 'metric' in override.SG-SAFE-CRB"),
        (HEAD + "scale: [{id: a, label: A}, {id: b, label: B}]\n",
         "pack.yaml:5:1: pack: scale comes from the pack this one extends (ofsted-slac-2011); remove it"),
        ("id: local\ntitle: Local\nversion: 1.0.0\nextends: no-such-pack\n",
         "no pack 'no-such-pack': not a folder, nor a bundled pack (ofsted-ilacs, ofsted-slac-2011)"),
        ("id: local\ntitle: Local\nversion: 1.0.0\n", "pack.yaml:1:1: the file is missing the required key 'scale'"),
    ],
    ids=["unknown-override", "unknown-disable", "both", "bad-grade", "bad-condition", "bad-citation",
         "unknown-key", "redefines-scale", "unknown-parent", "no-extends"],
)
def test_mistakes_in_a_local_pack(tmp_path, pack_yaml, message):
    folder = local_pack(tmp_path, pack_yaml)
    with pytest.raises(InputError) as raised:
        build_pack(folder)
    shown = [str(p).removeprefix(f"{folder}/") for p in raised.value.problems]
    assert any(message in line for line in shown), shown


def test_a_local_rule_or_metric_may_not_reuse_a_parent_id(tmp_path):
    folder = local_pack(tmp_path, HEAD, rules=(LOCAL / "rules" / "local.yaml").read_text().replace(
        "LOCAL-CARE-LEAVER-APPRENTICESHIPS", "SG-SAFE-CRB"),
        metrics=(LOCAL / "metrics.yaml").read_text() + "  looked_after_children:\n"
        "    title: x\n    unit: count\n    polarity: context\n    definition: x\n")
    with pytest.raises(InputError) as raised:
        build_pack(folder)
    shown = " | ".join(str(p) for p in raised.value.problems)
    assert "looked_after_children: already in pack ofsted-slac-2011" in shown
    assert "SG-SAFE-CRB: duplicate rule id 'SG-SAFE-CRB'" in shown


def test_packs_that_extend_each_other(tmp_path):
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pack.yaml").write_text(f"id: {name}\ntitle: {name}\nversion: 1.0.0\nextends: ../{other}\n")
    with pytest.raises(InputError) as raised:
        build_pack(tmp_path / "a")
    assert any("packs extend each other in a cycle" in p.message for p in raised.value.problems)


def test_a_chain_of_local_packs(tmp_path):
    folder = local_pack(tmp_path, HEAD.replace("ofsted-slac-2011", str(LOCAL)) + "disable:\n  SG-SAFE-CRB: x\n",
                        rules="rules: []\n")
    pack = build_pack(folder)
    assert pack.extends == (("stoke-local-targets", "1.0.0"), ("ofsted-slac-2011", "1.0.0"))
    assert [rule_id for rule_id, _ in pack.disabled] == ["SG-HEALTH-AE-NURSES", "SG-SAFE-CRB"]


def test_packs_extending_packs_hundreds_deep_are_refused_at_a_line_not_a_crash(tmp_path):
    for number in range(400):
        folder = tmp_path / f"p{number}"
        folder.mkdir()
        parent = "ofsted-slac-2011" if number == 0 else f"../p{number - 1}"
        (folder / "pack.yaml").write_text(f"id: p{number}\ntitle: P{number}\nversion: 1.0.0\nextends: {parent}\n")
    stoke = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
    for command in (["check", str(stoke), "--pack", str(tmp_path / "p399")], ["rules", "lint", str(tmp_path / "p399")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code in (1, 2) and "internal error" not in result.output
        assert "packs extend packs more than 20 deep" in result.output
    assert CliRunner().invoke(main, ["check", str(stoke), "--pack", str(tmp_path / "p5"), "-q"]).exit_code == 1


def test_a_pack_whose_in_force_is_no_real_date_is_refused_even_alone(tmp_path):
    (tmp_path / "pack.yaml").write_text("id: bad\ntitle: Bad\nversion: 1.0.0\nextends: ofsted-slac-2011\n"
                                        "in_force: {from: 2026-02-30}\n")
    with pytest.raises(InputError, match="in_force from: '2026-02-30' is not a real date"):
        build_pack(tmp_path)
