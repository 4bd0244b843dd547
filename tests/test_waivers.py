"""Waivers: in a metrics file or a shared file; shown as waived, never hidden; expired ones reported."""

from __future__ import annotations

import datetime
import json

from click.testing import CliRunner

from compliance.cli import main
from compliance.engine import evaluate
from compliance.runner import pack_for
from compliance.submissions import build_submission, read_metrics

from .conftest import ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
WAIVER = """waivers:
  - rule: LAC-BH-HEALTH-HISTORIES
    reason: Health histories are being issued through the new leaving care health clinic.
    agreed_by: Chair of the corporate parenting panel
    expires: {expires}
"""


def stoke_with_waiver(tmp_path, expires: str):
    path = tmp_path / "stoke.yaml"
    path.write_text(STOKE.read_text() + WAIVER.format(expires=expires))
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1, result.stderr
    return json.loads(result.stdout)


def test_a_waived_rule_is_shown_as_waived_and_does_not_count(tmp_path):
    document = stoke_with_waiver(tmp_path, "2099-12-31")
    finding = next(f for f in document["findings"] if f["rule"] == "LAC-BH-HEALTH-HISTORIES")
    assert (finding["status"], finding["grade"]) == ("waived", None)
    assert finding["evidence"].startswith("waived until 2099-12-31, agreed by Chair of the corporate parenting "
                                          "panel: Health histories are being issued")
    assert finding["evidence"].endswith("without the waiver: Care leavers given their health histories: no: Adequate")
    assert "the new leaving care health clinic; without the waiver: " in finding["evidence"]  # no '.;'
    assert "LAC-BH-HEALTH-HISTORIES" not in [a["rule"] for a in document["areas_for_improvement"]]
    assert len(document["areas_for_improvement"]) == 15
    assert document["waivers"] == [{"rule": "LAC-BH-HEALTH-HISTORIES", "agreed_by": "Chair of the corporate "
                                    "parenting panel", "reason": "Health histories are being issued through the "
                                    "new leaving care health clinic.", "expires": "2099-12-31", "status": "applied"}]
    healthy = next(j for j in document["judgements"] if j["id"] == "looked_after.being_healthy")
    assert "12 of 14 rules graded" in healthy["basis"]  # one waived; timely initial assessments have no England figure


def test_an_expired_waiver_no_longer_applies_and_says_so(tmp_path):
    document = stoke_with_waiver(tmp_path, "2011-09-30")
    finding = next(f for f in document["findings"] if f["rule"] == "LAC-BH-HEALTH-HISTORIES")
    assert (finding["status"], finding["grade"]) == ("graded", "adequate")
    assert document["waivers"][0]["status"] == "expired"
    assert len(document["areas_for_improvement"]) == 16


def test_a_waiver_applies_through_its_expiry_day(tmp_path):
    path = tmp_path / "stoke.yaml"
    path.write_text(STOKE.read_text() + WAIVER.format(expires="2012-03-31"))
    pack = pack_for("ofsted-slac-2011")
    submission = build_submission(read_metrics(path), pack)
    on_the_day = evaluate(pack, submission, today=datetime.date(2012, 3, 31))
    after = evaluate(pack, submission, today=datetime.date(2012, 4, 1))
    assert [applies for _, applies in on_the_day.waivers] == [True]
    assert [applies for _, applies in after.waivers] == [False]


def test_the_table_lists_waivers(tmp_path):
    path = tmp_path / "stoke.yaml"
    path.write_text(STOKE.read_text() + WAIVER.format(expires="2011-09-30"))
    out = CliRunner().invoke(main, ["check", str(path)]).stdout
    assert "LAC-BH-HEALTH-HISTORIES: EXPIRED on 2011-09-30: the rule applies again" in out


def test_a_shared_waivers_file_applies_to_the_authorities_it_names(tmp_path):
    shared = tmp_path / "waivers.yaml"
    stoke_only = WAIVER.format(expires="2099-12-31").replace("  - rule:", "  - authority: E06000021\n    rule:")
    elsewhere = ("  - authority: Somewhere Else\n    rule: SG-SAFE-CRB\n    reason: x\n"
                 "    agreed_by: the panel\n    expires: 2099-12-31\n")
    shared.write_text(stoke_only + elsewhere)
    result = CliRunner().invoke(main, ["check", str(STOKE), "--waivers", str(shared), "--format", "json"])
    document = json.loads(result.stdout)
    assert [w["rule"] for w in document["waivers"]] == ["LAC-BH-HEALTH-HISTORIES"]


def test_waiving_an_unknown_rule_or_an_impossible_date(tmp_path):
    path = tmp_path / "stoke.yaml"
    path.write_text(STOKE.read_text() + WAIVER.format(expires="2099-02-30").replace("HEALTH-HISTORIES",
                                                                                   "HEALTH-HISTORY"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    rule_line = len(STOKE.read_text().splitlines()) + 2  # the waiver's rule, two lines after the example's last
    assert lines[0].endswith(f":{rule_line}:11: waives unknown rule 'LAC-BH-HEALTH-HISTORY' of pack ofsted-slac-2011 "
                             "(did you mean 'LAC-BH-HEALTH-HISTORIES'?)")
    assert lines[1].endswith(f":{rule_line + 3}:14: '2099-02-30' is not a real date")


def test_a_broken_waivers_file(tmp_path):
    shared = tmp_path / "waivers.yaml"
    shared.write_text("waivers:\n  - rule: SG-SAFE-CRB\n    reason: x\n")
    result = CliRunner().invoke(main, ["check", str(STOKE), "--waivers", str(shared)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{shared}:2:5: waivers[1] is missing the required key 'agreed_by'")
