"""Aggregation: best fit and worst, limits, and when a judgement is not judged."""

from __future__ import annotations

import pytest

from compliance.engine import evaluate
from compliance.grading import best_fit, worst
from compliance.runner import pack_for
from compliance.submissions import build_submission, read_metrics

from .conftest import MINI


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([2], 2),
        ([1, 2, 3], 2),
        ([2, 3], 3),  # a tie goes to the worse grade
        ([1, 1, 3, 3], 3),
        ([1, 2, 2, 4], 2),
        ([4, 1, 1], 1),
        ([2, 2, 3, 3, 3, 4], 3),
    ],
)
def test_best_fit_is_the_median_with_ties_to_the_worse(scores, expected):
    assert best_fit(scores) == expected


@pytest.mark.parametrize(("scores", "expected"), [([1, 2, 4], 4), ([2], 2), ([3, 1], 3)])
def test_worst(scores, expected):
    assert worst(scores) == expected


def run(write, metrics: str):
    path = write("m.yaml", "authority: Testshire\nperiod: 2010-11\nmetrics:\n" + metrics)
    pack = pack_for(str(MINI))
    result = evaluate(pack, build_submission(read_metrics(path), pack))
    grades = {j.judgement.id: (j.grade.id if j.grade else None) for j in result.judgements}
    rules = {f.rule.id: (f.status.value, f.grade.id if f.grade else None) for f in result.findings}
    return result, grades, rules


def test_a_limit_no_worse_than_the_method_grade_changes_nothing(write):
    result, grades, _ = run(write, """
      police_attend: true
      caseload: {value: 19, history: {2009-10: 18}}
      children: 10
    """)
    # CASELOAD adequate, CASELOAD-TREND inadequate (caseloads rose): provision is the worst
    assert (grades["safe.provision"], grades["safe.safety"]) == ("inadequate", "good")
    overall = next(j for j in result.judgements if j.judgement.id == "safe.overall")
    assert (overall.method_grade.id, overall.grade.id, overall.limits) == ("inadequate", "inadequate", ())
    assert "limited" not in overall.basis


def test_limit_lowers_a_better_method_grade(write, mini_copy):
    pack_yaml = mini_copy / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text().replace(
        "inputs: [safe.safety, safe.provision]", "inputs: [safe.safety]"))
    path = write("m.yaml", "authority: T\nperiod: 2010-11\nmetrics:\n  police_attend: true\n  caseload: 19\n")
    pack = pack_for(str(mini_copy))
    result = evaluate(pack, build_submission(read_metrics(path), pack))
    overall = next(j for j in result.judgements if j.judgement.id == "safe.overall")
    assert (overall.method_grade.id, overall.grade.id) == ("good", "adequate")
    assert overall.limits == ("Quality of provision",)


def test_limiting_rule_caps_its_judgement(write, mini_copy):
    rules = mini_copy / "rules" / "rules.yaml"
    rules.write_text(rules.read_text().replace("    judgement: safe.safety\n", "    judgement: lac.health\n"))
    path = write("m.yaml", "authority: T\nperiod: 2010-11\nmetrics:\n  police_attend: false\n"
                           "  health_check_pct: 95\n  dental_pct: 84\n")
    pack = pack_for(str(mini_copy))
    result = evaluate(pack, build_submission(read_metrics(path), pack))
    health = next(j for j in result.judgements if j.judgement.id == "lac.health")
    # outstanding, good, inadequate: the median is good, the limiting rule makes it inadequate
    assert (health.method_grade.id, health.grade.id) == ("good", "inadequate")
    assert health.basis.endswith("limited to Inadequate by limiting rule POLICE (Inadequate). "
                                 "Why: The made-up report asks for it immediately (para 3).")


def test_not_judged_when_nothing_graded(write):
    result, grades, rules = run(write, "  children: 3\n")
    assert grades == {"safe.overall": None, "safe.safety": None, "safe.provision": None, "lac.health": None}
    assert rules["HEALTH"] == ("not_evidenced", None)
    health = next(j for j in result.judgements if j.judgement.id == "lac.health")
    assert health.basis == "not judged: 0 of 2 rules graded, fewer than the 50% of rules this judgement needs"


def test_minimum_evidence_share(write):
    # lac.health needs half its rules graded: one of two is enough
    _, grades, _ = run(write, "  health_check_pct: 90.1\n")
    assert grades["lac.health"] == "outstanding"


def test_not_applicable_and_not_evidenced_do_not_count(write):
    _, grades, rules = run(write, "  caseload: 14\n  children: 0\n")
    assert rules["CASELOAD-TREND"] == ("not_applicable", None)
    assert rules["CASELOAD"] == ("graded", "good")
    assert grades["safe.provision"] == "good"
    assert grades["safe.overall"] == "good"  # from provision alone; safety is not judged


@pytest.mark.parametrize(
    ("history", "grade"),
    [
        ("{2008-09: 18, 2009-10: 16}", "good"),  # fell twice in a row (lower is better)
        ("{2008-09: 12, 2009-10: 16}", "adequate"),  # fell once
        ("{2009-10: 13}", "inadequate"),  # rose
    ],
)
def test_trend_counts_consecutive_moves_in_the_good_direction(write, history, grade):
    _, _, rules = run(write, f"  caseload: {{value: 14, history: {history}}}\n  children: 4\n")
    assert rules["CASELOAD-TREND"] == ("graded", grade)


def test_trend_from_previous_alone(write):
    _, _, rules = run(write, "  caseload: {value: 14, previous: 15}\n  children: 4\n")
    assert rules["CASELOAD-TREND"] == ("graded", "adequate")


def test_areas_for_improvement_grouped_by_timescale(write):
    result, _, _ = run(write, """
      health_check_pct: 70
      dental_pct: 60
      police_attend: false
    """)
    assert [(a.timescale, a.rule.id) for a in result.areas_for_improvement] == [
        ("immediately", "POLICE"), ("within three months", "HEALTH")]
    assert [f.rule.id for f in result.further_shortfalls] == ["DENTAL"]


def test_evidence_sentence_reads_aloud(write):
    result, _, _ = run(write, "  health_check_pct: {value: 84.6, national: 85.0}\n")
    health = next(f for f in result.findings if f.rule.id == "HEALTH")
    assert health.evidence == ("Health assessments on time: 84.6% (England 85.0%): Good, "
                               "since 84.6 >= 85.0 - 2")


def test_small_cohort_and_estimate_flagged(write):
    result, _, _ = run(write, "  health_check_pct: {numerator: 7, denominator: 9, estimated: true, "
                              "note: from an audit}\n")
    health = next(f for f in result.findings if f.rule.id == "HEALTH")
    assert "7 of 9; small cohort of 9: treat with care; estimated; England 85.0%" in health.evidence
    assert health.value == pytest.approx(77.78, abs=0.01)


def test_catalogue_default_benchmark_is_used_and_file_wins(write):
    result, _, _ = run(write, "  health_check_pct: 84.0\n  dental_pct: {value: 80, national: 90}\n")
    health = next(f for f in result.findings if f.rule.id == "HEALTH")
    assert health.benchmarks == {"national": 85.0}
    result, _, _ = run(write, "  health_check_pct: {value: 84.0, national: 80}\n")
    health = next(f for f in result.findings if f.rule.id == "HEALTH")
    assert (health.benchmarks, health.grade.id) == ({"national": 80}, "good")
