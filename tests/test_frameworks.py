"""What dated frameworks need: versions by date, judgement changes, caps, several sources."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.model import InputError
from compliance.packs import build_pack, date_of, find_pack

from .conftest import MINI
from .test_packs import broken


@pytest.fixture
def family(tmp_path):
    """A pack family: 2018 (the mini pack), 2023 (adds care leavers and a capped overall), 2026 (removes one)."""
    root = tmp_path / "family"
    shutil.copytree(MINI, root / "2018")
    broken(root / "2018", "pack.yaml", "version: 0.1.0", "version: 0.1.0\nin_force: {from: 2018-01-01, until: "
           "2022-12-31}")
    (root / "2023" / "rules").mkdir(parents=True)
    (root / "2023" / "pack.yaml").write_text(textwrap.dedent("""\
        id: mini-2023
        title: The mini framework from 2023
        version: 1.0.0
        in_force: {from: 2023-01-01, until: 2026-03-31}
        extends: ../2018
        judgements:
          retitle:
            lac.health: Being healthy in care
          add:
            - {id: lac.leavers, section: Services for looked after children, title: Care leavers, after: lac.health}
            - id: lac.overall
              section: Services for looked after children
              title: Overall effectiveness
              after: lac.health
              inputs: [lac.health, lac.leavers, safe.safety]
              cap_above_worst: 1
              worst_grade_from: [lac.leavers]
        """))
    (root / "2023" / "metrics.yaml").write_text(textwrap.dedent("""\
        metrics:
          leavers_eet_pct:
            title: Care leavers in education, employment or training
            unit: percent
            polarity: higher_better
            definition: Care leavers aged 19-21 in education, employment or training.
        """))
    (root / "2023" / "rules" / "leavers.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: LEAVERS-EET
            title: Care leavers are in education, employment or training
            judgement: lac.leavers
            metric: leavers_eet_pct
            bands: {outstanding: value >= 70, good: value >= 60, adequate: value >= 50}
            otherwise: inadequate
            recommendation: Help more care leavers into education, employment or training.
            cites: [4]
        """))
    (root / "2026").mkdir()
    (root / "2026" / "pack.yaml").write_text(textwrap.dedent("""\
        id: mini-2026
        title: The mini framework from April 2026, without an overall grade for safeguarding
        version: 1.0.0
        in_force: {from: 2026-04-01}
        extends: ../2023
        judgements:
          remove: [safe.overall]
        """))
    return root


@pytest.mark.parametrize(
    ("as_of", "period", "version"),
    [("2021-06-30", None, "2018"), (None, "2020-21", "2018"), ("2024-02-01", None, "2023"),
     (None, "2023-24", "2023"), ("2026-03-31", None, "2023"), ("2026-04-01", None, "2026")],
)
def test_the_version_in_force_on_the_files_date(family, as_of, period, version):
    assert find_pack(str(family), on=date_of(as_of, period)).name == version


def test_no_version_in_force(family):
    with pytest.raises(InputError) as raised:
        find_pack(str(family), on=date_of("2022-12-31", None).replace(year=2017))
    assert "no version of pack" in raised.value.problems[0].message
    assert "2018 from 2018-01-01 until 2022-12-31; 2023 from 2023-01-01 until 2026-03-31; 2026 from 2026-04-01" \
        in raised.value.problems[0].message


def test_check_picks_the_version_by_the_metrics_files_date(family, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("authority: X\nperiod: 2023-24\nmetrics:\n  leavers_eet_pct: 65\n")
    document = json.loads(CliRunner().invoke(main, ["check", str(path), "--pack", str(family), "--format",
                                                     "json"]).stdout)
    assert document["pack"]["id"] == "mini-2023"
    assert document["pack"]["extends"] == [{"id": "mini", "version": "0.1.0"}]
    result = CliRunner().invoke(main, ["check", str(path), "--pack", str(family / "2018")])
    assert result.exit_code == 2 and "unknown metric 'leavers_eet_pct' for pack mini" in result.stderr


def test_extends_adds_retitles_and_removes_judgements(family):
    v2023, v2026 = build_pack(family / "2023"), build_pack(family / "2026")
    titles = [(j.id, j.title) for j in v2023.judgements]
    assert titles[3:] == [("lac.health", "Being healthy in care"), ("lac.overall", "Overall effectiveness"),
                          ("lac.leavers", "Care leavers")]
    assert "safe.overall" not in [j.id for j in v2026.judgements]
    assert [j.id for j in v2026.judgements][:2] == ["safe.safety", "safe.provision"]


def grades(family, tmp_path, metrics: str) -> dict[str, object]:
    path = tmp_path / "m.yaml"
    path.write_text("authority: X\nperiod: 2023-24\nmetrics:\n" + metrics)
    document = json.loads(CliRunner().invoke(main, ["check", str(path), "--pack", str(family), "--format",
                                                     "json"]).stdout)
    return {j["id"]: (j["grade"], j["basis"]) for j in document["judgements"]}


def test_no_more_than_one_grade_above_the_worst_input(family, tmp_path):
    # health outstanding, leavers outstanding, safety inadequate: the median is outstanding
    found = grades(family, tmp_path, "  health_check_pct: 95\n  leavers_eet_pct: 75\n  police_attend: false\n")
    grade, basis = found["lac.overall"]
    assert grade == "adequate"
    assert basis.endswith("Outstanding; limited to Adequate by no more than 1 above the worst input, Inadequate, "
                          "(Adequate)")


def test_worst_grade_from_a_named_judgement(family, tmp_path):
    found = grades(family, tmp_path, "  health_check_pct: 95\n  leavers_eet_pct: 40\n  police_attend: true\n")
    grade, basis = found["lac.overall"]
    assert grade == "inadequate" and "Care leavers (Inadequate)" in basis


def test_a_judgement_that_could_sink_it_unjudged_leaves_it_not_judged(family, tmp_path):
    found = grades(family, tmp_path, "  health_check_pct: 95\n  police_attend: true\n")
    assert found["lac.leavers"][0] is None
    assert found["lac.overall"] == (None, "not judged: Care leavers is not judged, and at Inadequate it would "
                                          "make this one so")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ("judgements:\n  remove: [lac.health]\n", "lac.health: rule HEALTH feeds it: disable the rule or move it"),
        ("judgements:\n  remove: [safe.safety]\n",
         "safe.overall: inputs names 'safe.safety', which is not in the tree"),
        ("judgements:\n  retitle: {lac.helth: x}\n", "no judgement 'lac.helth' (after removals) (did you mean "
                                                      "'lac.health'?)"),
        ("judgements:\n  add: [{id: lac.health, title: x, section: Other}]\n", "judgement 'lac.health' is already in"),
        ("judgements:\n  change: {safe.overall: {cap_above_worst: -1}}\n", "cap_above_worst should be at least 0"),
    ],
)
def test_mistakes_in_judgement_changes(family, changes, message):
    (family / "2026" / "pack.yaml").write_text("id: x\ntitle: x\nversion: 1.0.0\nextends: ../2018\n" + changes)
    with pytest.raises(InputError) as raised:
        build_pack(family / "2026")
    assert any(message in str(p) for p in raised.value.problems), [str(p) for p in raised.value.problems]


def test_several_sources_are_cited_by_id(mini_copy):
    broken(mini_copy, "pack.yaml", "source: {title: A made-up report, publisher: comply tests, published: "
           "2011-08-12, paragraphs: 20}",
           "sources:\n  - {id: report, title: A report, publisher: x, published: 2011-08-12, paragraphs: 20}\n"
           "  - {id: notes, title: Research notes, publisher: x, published: 2026-11-01, paragraphs: 5}")
    with pytest.raises(InputError) as raised:
        build_pack(mini_copy)
    assert any("cites paragraph 5 of which source? Write ID:5, the ids being report, notes" in str(p)
               for p in raised.value.problems)
    rules = mini_copy / "rules" / "rules.yaml"
    rules.write_text(rules.read_text().replace("cites: [5, 6]", "cites: [report:5, notes:9]")
                     .replace("cites: [3]", "cites: [report:3]").replace("cites: [7]", "cites: [notes:2]")
                     .replace("cites: [9]", "cites: [report:9]"))
    with pytest.raises(InputError) as raised:
        build_pack(mini_copy)
    assert [p.message for p in raised.value.problems] == ["cites paragraph 9, but source notes has paragraphs 1-5"]
    rules.write_text(rules.read_text().replace("notes:9", "notes:4"))
    pack = build_pack(mini_copy)
    assert [s.id for s in pack.sources] == ["report", "notes"] and pack.source.id == "report"


def test_a_local_pack_extending_a_family_follows_the_version_in_force_on_the_files_date(tmp_path):
    from click.testing import CliRunner

    from compliance.cli import main

    local = tmp_path / "local"
    local.mkdir()
    (local / "pack.yaml").write_text("id: local-ilacs\ntitle: Local ILACS\nversion: 1.0.0\nextends: ofsted-ilacs\n")
    seen = {}
    for period in ("2021-22", "2024-25", "2026-27"):
        path = tmp_path / f"{period}.yaml"
        path.write_text(f"authority: A\nperiod: {period}\nmetrics:\n  sw_caseload: 15\n")
        result = CliRunner().invoke(main, ["check", str(path), "--pack", str(local), "--format", "json",
                                           "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        seen[period] = __import__("json").loads(result.stdout)["pack"]["extends"][0]["id"]
    assert seen == {"2021-22": "ofsted-ilacs-2018", "2024-25": "ofsted-ilacs-2023", "2026-27": "ofsted-ilacs-2026"}
