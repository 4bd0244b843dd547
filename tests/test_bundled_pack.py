"""The bundled ofsted-slac-2011 pack: its own cases, its coverage, and the Stoke example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.packs import find_pack
from compliance.packtests import load_cases, run_case
from compliance.runner import pack_for

from .conftest import ROOT, SHARED

PACK = pack_for("ofsted-slac-2011")
CASES = load_cases(PACK)
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_pack_case(case):
    assert run_case(PACK, case) == []


def test_every_rule_has_boundary_cases_reaching_each_of_its_grades():
    reached: dict[str, set[str]] = {}
    for case in CASES:
        for rule_id, grade in case.rules.items():
            reached.setdefault(rule_id, set()).add(grade)
    for rule in PACK.rules:
        grades = {band.grade for band in rule.bands} | {rule.otherwise}
        missing = grades - reached.get(rule.id, set())
        assert not missing, f"{rule.id}: no case reaches {sorted(missing)}"


def test_the_judgement_tree_is_the_record_of_main_findings():
    titles = [(j.section, j.title) for j in PACK.judgements]
    assert len(titles) == 22
    assert titles[0] == ("Safeguarding services", "Overall effectiveness")
    assert titles[4] == ("Safeguarding services",
                         "The contribution of health agencies to keeping children and young people safe")
    assert titles[15] == ("Services for looked after children",
                          "Making a positive contribution, including user engagement")
    assert titles[-1] == ("Services for looked after children", "Equality and diversity")


def test_rule_counts_and_citations():
    assert len(PACK.rules) >= 60
    for judgement in PACK.judgements:
        if judgement.title == "Overall effectiveness":
            continue
        own = [rule for rule in PACK.rules if rule.judgement == judgement.id]
        assert len(own) >= 2, judgement.id
    for rule in PACK.rules:
        assert rule.cites and all(1 <= int(c.rpartition(":")[2]) <= 93 for c in rule.cites), rule.id
    timescales = [rule.timescale for rule in PACK.rules if rule.timescale]
    assert (timescales.count("immediately"), timescales.count("within three months")) == (3, 13)


def test_every_metric_the_rules_read_is_in_the_template():
    template = CliRunner().invoke(main, ["template"]).stdout
    for metric in PACK.metrics:
        assert f"\n  {metric}:\n" in template


# The report's record of main findings (its last page) and its areas for improvement
# (paras 19 and 57). These are what the rules must reach from the evidence; the pack
# itself never sees them.
RECORD = {
    "Safeguarding services": ["Adequate", "Good", "Adequate", "Adequate", "Good", "Good", "Good", "Good",
                              "Good", "Adequate"],
    "Services for looked after children": ["Adequate", "Good", "Good", "Good", "Good", "Good", "Inadequate",
                                           "Adequate", "Good", "Good", "Good", "Adequate"],
}
AREAS = {
    "immediately": [
        "sufficient staffing capacity to enable all referrals",
        "Police are consistently involved in strategy meetings",
        "not placed in bed and breakfast accommodation",
    ],
    "within three months": [
        "historical information about referrals of domestic abuse",
        "ethnicity and culture are explicitly taken into account",
        "monitoring and analysis of the ethnicity of service users",
        "impact on practice of safeguarding training",
        "accident and emergency care settings and the walk in centre which identify",
        "access to registered children's nurses",
        "planning, coordination, and monitoring of young people leaving care",
        "strengths and difficulties questionnaires",
        "receive copies of their health histories",
        "core assessments are updated",
        "care plans consistently include focused, measurable objectives",
        "foster carers are consistently involved in care planning",
        "equality and diversity are consistently addressed",
    ],
}


@pytest.fixture(scope="module")
def stoke():
    result = CliRunner().invoke(main, ["check", str(STOKE), "--format", "json"])
    assert result.exit_code == 1, result.stderr  # one judgement is inadequate
    return json.loads(result.stdout)


def test_stoke_reproduces_the_record_of_main_findings(stoke):
    got: dict[str, list[str]] = {}
    for judgement in stoke["judgements"]:
        got.setdefault(judgement["section"], []).append(judgement["label"])
    assert got == RECORD


def test_stoke_lists_exactly_the_reports_areas_for_improvement(stoke):
    for timescale, phrases in AREAS.items():
        texts = [a["text"] for a in stoke["areas_for_improvement"] if a["timescale"] == timescale]
        assert len(texts) == len(phrases), timescale
        for phrase in phrases:
            assert sum(phrase in text for text in texts) == 1, phrase
    assert len(stoke["areas_for_improvement"]) == 16


def test_stoke_figures_are_cited_or_estimated():
    text = STOKE.read_text()
    entries = re.findall(r"^  (\w+):(.*(?:\n    .*)*)", text, flags=re.M)
    # all but those the report does not give: NI 62, NI 148 and annual health assessments
    assert len(entries) == len(PACK.metrics) - 3
    for metric, body in entries:
        assert re.search(r"paras? \d+", body), f"{metric} cites no paragraph"


@pytest.mark.skipif(not (SHARED / "testdata" / "real" / "legacy-2010-2012").is_dir(),
                    reason="the shared published statistics are not here")
def test_catalogue_defaults_match_the_published_england_figures():
    import csv

    folder = SHARED / "testdata" / "real" / "legacy-2010-2012" / "2011"

    def england(name: str) -> tuple[list[str], list[str]]:
        with (folder / name).open(encoding="utf-8-sig") as stream:
            rows = list(csv.reader(stream))
        return rows[0], next(r for r in rows if "ENGLAND" in r)

    def number(text: str) -> float:
        return float(text.replace(",", ""))

    _, oc2_england = england("OC2.csv")
    cla, adoption, leavers = (dict(zip(*england(name), strict=False))
                              for name in ("SFR21_CLA.csv", "SFR21_ADP.csv", "SFE21_19YEARS.csv"))
    published = {
        "dental_checks_pct": number(oc2_england[11]) / number(oc2_england[2]),
        "immunisations_up_to_date_pct": number(oc2_england[10]) / number(oc2_england[2]),
        "lac_offending_pct": number(oc2_england[5]) / number(oc2_england[3]),
        "placements_three_plus_pct": number(cla["CLA_3Pla"]) / number(cla["CLA_Mar2011"]),
        "adoptions_placed_within_12_months_pct": number(adoption["CLA_Adop_PL12mnths"])
        / number(adoption["CLA_ceaAdop"]),
        "care_leavers_suitable_accommodation_pct": number(leavers["Acc_SUIT"]) / number(leavers["All_aged19"]),
        "care_leavers_19_eet_pct": sum(number(leavers[c]) for c in ("Act_HE", "Act_OE", "Act_TE"))
        / number(leavers["All_aged19"]),
        "health_assessments_up_to_date_pct": number(oc2_england[12]) / number(oc2_england[2]),
    }
    for metric, share in published.items():
        assert PACK.metrics[metric].defaults["national"] == round(100 * share, 1), metric


def test_the_pack_ships_where_the_package_is_installed():
    assert Path(find_pack("ofsted-slac-2011"), "metrics.yaml").is_file()
