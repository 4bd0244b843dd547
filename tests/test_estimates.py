"""Estimates from published figures: indicators, the points roll-up, withdrawal, and what every output says."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import main
from compliance.grading import points
from compliance.model import Signal

from .conftest import ROOT, SHARED, benchmark

REAL = SHARED / "testdata" / "real"
ESTIMATES = """\
    calibration: Made up for the engine's tests.
    indicators:
      - id: EST-HEALTH
        title: Health assessments on time
        metric: health_check_pct
        strength: value >= national + 5
        concern: value <= national - 5
        cites: [5]
      - id: EST-DENTAL
        title: Dental checks
        metric: dental_pct
        strength: value >= 90
        concern: value <= 70
        cites: [7]
    estimates:
      - judgement: lac.health
        method: points
        indicators: {EST-HEALTH: 1, EST-DENTAL: 1}
        cut_points: {outstanding: -2, good: 0, adequate: 1}
        prompts: [health_check_pct, dental_pct]
        validation:
          estimable: true
          agreement: within one grade in 9 of 10 made-up inspections and exact in 6
    """


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(("signals", "score"), [
    ([], 0),
    ([(Signal.CONCERN, 1), (Signal.STRENGTH, 1)], 0),
    ([(Signal.CONCERN, 1), (Signal.CONCERN, 0.5), (None, 1), (Signal.NEUTRAL, 1)], 1.5),
    ([(Signal.STRENGTH, 0.5), (Signal.STRENGTH, 0.5), (Signal.STRENGTH, 1)], -2),
], ids=["nothing", "one-each", "weighted-concerns-missing-neutral", "shared-count"])
def test_points_are_concerns_less_strengths(signals, score):
    assert points(signals) == score


def with_estimates(mini_copy, text: str = ESTIMATES):
    (mini_copy / "estimates.yaml").write_text(textwrap.dedent(text))
    # the mini pack's lac.health reads HEALTH and DENTAL, both rules; with no figure for either it is estimated
    return mini_copy


def without_own_evidence(pack):
    """lac.health's rules read the caseload instead, which no case gives: the judgement has no own evidence."""
    rules = pack / "rules" / "rules.yaml"
    text = rules.read_text()
    for old, new in (("metric: health_check_pct", "metric: caseload"), ("metric: dental_pct", "metric: caseload"),
                     ("value >= national + 5", "value <= 1"), ("value >= national - 2", "value <= 2"),
                     ("value >= national - 10", "value <= 3"), ("value >= 80", "value <= 5")):
        text = text.replace(old, new)
    rules.write_text(text)
    return pack


def check(pack, write, metrics: str, *args: str):
    body = textwrap.indent(textwrap.dedent(metrics), "  ")
    path = write("m.yaml", "authority: A\nperiod: 2010-11\nmetrics:\n" + body)
    return comply("check", path, "--pack", pack, "--format", "json", "--fail-on", "never", *args)


@pytest.mark.parametrize(("metrics", "grade", "kind"), [
    ("health_check_pct: {value: 95, national: 85}\ndental_pct: 95\n", "outstanding", "estimated"),
    ("health_check_pct: {value: 85, national: 85}\ndental_pct: 80\n", "good", "estimated"),
    ("health_check_pct: {value: 70, national: 85}\ndental_pct: 80\n", "adequate", "estimated"),
    ("health_check_pct: {value: 70, national: 85}\ndental_pct: 60\n", "inadequate", "estimated"),
    ("health_check_pct: {value: 70, national: 85}\n", "adequate", "estimated"),  # dental not given: neutral
    ("children: 12\n", None, "not_estimable"),  # nothing published: fewer than half
], ids=["two-strengths", "neutral", "one-concern", "two-concerns", "one-missing", "none-published"])
def test_a_judgement_without_its_own_evidence_is_estimated(mini_copy, write, metrics, grade, kind):
    pack = without_own_evidence(with_estimates(mini_copy))
    result = check(pack, write, metrics)
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    health = next(j for j in run["judgements"] if j["id"] == "lac.health")
    assert (health["grade"], health["kind"]) == (grade, kind)
    if kind == "estimated":
        assert health["basis"].startswith("estimate from published figures, points (concerns less strengths) of 2 ")
        assert health["basis"].endswith("on the validation, within one grade in 9 of 10 made-up inspections and "
                                        "exact in 6")
        assert run["estimate_notice"].startswith("Estimated from published figures")
    else:
        assert "only 0 of its 2 indicators are published" in health["basis"]


def test_own_evidence_is_judged_the_inspectors_way_and_limits_never_touch_an_estimate(mini_copy, write):
    pack = with_estimates(mini_copy)
    result = check(pack, write, "health_check_pct: {value: 95, national: 85}\ndental_pct: 95\n")
    run = json.loads(result.stdout)
    health = next(j for j in run["judgements"] if j["id"] == "lac.health")
    assert (health["grade"], health["kind"]) == ("good", "judged")  # HEALTH outstanding, DENTAL good: the median
    assert run["estimate_notice"] is None


def test_a_withdrawn_estimate_gives_no_grade_but_prompts_and_what_would_judge_it(mini_copy, write):
    pack = with_estimates(mini_copy, ESTIMATES.replace("estimable: true", "estimable: false\n          why_not: it "
                                                       "did not beat calling every authority Good"))
    without_own_evidence(pack)
    result = check(pack, write, "health_check_pct: {value: 95, national: 85, previous: 90, "
                                "rank: {neighbours: [2, 11]}}")
    run = json.loads(result.stdout)
    health = next(j for j in run["judgements"] if j["id"] == "lac.health")
    assert (health["grade"], health["kind"]) == (None, "not_estimable")
    assert health["estimate"]["why_not"] == "it did not beat calling every authority Good"
    [prompt, other] = health["estimate"]["prompts"]
    assert (prompt["value"], prompt["rank"], prompt["quartile"], prompt["direction"]) == \
        (95, {"neighbours": [2, 11]}, 1, "improved")
    assert other["value"] is None
    assert health["estimate"]["evidence_needed"] == ["Caseload per worker (the authority's records)"]
    assert "Not estimable from published figures" in run["estimate_notice"]


@pytest.mark.parametrize(("change", "message"), [
    (("metric: dental_pct", "metric: dentl_pct"), "estimates.yaml:11:13: EST-DENTAL: unknown metric 'dentl_pct' "
                                                  "(did you mean 'dental_pct'?)"),
    (("metric: dental_pct", "metric: children"), "estimates.yaml:11:13: EST-DENTAL: children is context: an "
                                                 "indicator reads a figure whose better direction is known"),
    (("{EST-HEALTH: 1, EST-DENTAL: 1}", "{EST-HEALTH: 1, EST-DENTL: 1}"), "lac.health: unknown indicator 'EST-DENTL'"),
    (("judgement: lac.health", "judgement: lac.healthy"), "lac.healthy: unknown judgement 'lac.healthy'"),
    (("{outstanding: -2, good: 0, adequate: 1}", "{good: 0, outstanding: -2, adequate: 1}"),
     "cut_points name every grade but the worst, best first: outstanding, good, adequate"),
    (("{outstanding: -2, good: 0, adequate: 1}", "{outstanding: 2, good: 0, adequate: 1}"),
     "cut_points must not fall from one grade to the next"),
    (("strength: value >= 90", "strength: value >= 90 +"), "EST-DENTAL:"),
    (("method: points", "method: median"), "estimates.yaml:17:13: estimates: estimates[1].method: 'median' is not "
                                           "one of: points"),
], ids=["unknown-metric", "context-metric", "unknown-indicator", "unknown-judgement", "cut-order", "cut-falls",
        "bad-condition", "unknown-method"])
def test_a_broken_estimates_file_is_refused_at_its_line(mini_copy, change, message):
    pack = with_estimates(mini_copy, ESTIMATES.replace(*change))
    result = comply("rules", "lint", pack)
    assert result.exit_code == 1 and message in result.stdout, result.output


def test_a_local_pack_inherits_the_estimates_of_the_judgements_it_keeps(mini_copy, tmp_path, write):
    pack = with_estimates(mini_copy)
    local = tmp_path / "local"
    local.mkdir()
    (local / "pack.yaml").write_text(f"id: local\ntitle: Local\nversion: 1.0.0\nextends: {pack}\n")
    result = comply("rules", "lint", local)
    assert result.exit_code == 0, result.output


def test_every_output_says_the_grades_are_estimates_with_their_error_rate(tmp_path):
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    outputs = [tmp_path / f"run.{suffix}" for suffix in ("txt", "md", "html", "csv", "json", "xml", "xlsx")]
    result = comply("check", metrics, "-q", "--fail-on", "never", *[arg for out in outputs for arg in ("-o", out)])
    assert result.exit_code == 0, result.output
    wanted = "within one grade of Ofsted's in "
    for out in outputs:
        if out.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(out)
            assert book.sheetnames[0] == "Estimates"
            text = str(book["Estimates"]["C2"].value)
        else:
            text = " ".join(out.read_text().split())
            text = text.replace("&#x27;", "'").replace("&apos;", "'").replace("&#39;", "'")
        assert wanted in text, out.name
        assert "Not estimable" in text or out.suffix == ".xlsx" or "not_estimable" in text, out.name


def test_the_overall_estimate_still_beats_its_baselines():
    """If a change to the pack or the import makes the estimate no better than calling every authority
    Good or the previous grade, the validation withdraws it, and this test says so."""
    for version in ("2018", "2023"):
        content = yaml.safe_load((ROOT / "rules" / "ofsted-ilacs" / version / "estimates.yaml").read_text())
        overall = next(item for item in content["estimates"] if item["judgement"] == "overall")
        assert overall["validation"]["estimable"], overall["validation"].get("why_not")


needs_real = pytest.mark.skipif(not (REAL / "ofsted-la-outcomes").is_dir(),
                                reason="the published statistics are not in ../shared/testdata/real")


@needs_real
def test_the_calibration_refuses_the_test_years(tmp_path):
    done = subprocess.run([sys.executable, ROOT / "benchmarks" / "ilacs_calibrate.py", "--data", REAL,
                           "--until", "2024-01-01"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "ilacs calibration: refused: the calibration reads only inspections before 2023-01-01" in done.stderr
    ilacs_calibrate = benchmark("ilacs_calibrate")
    ilacs_data = benchmark("ilacs_data")
    late = ilacs_data.Inspection("Somewhere", "E0", __import__("datetime").date(2023, 5, 1), {"overall": "good"},
                                 "2022-23", values={"re_referrals_pct": 20.0}, national={"re_referrals_pct": 22.0})
    with pytest.raises(ilacs_data.TestYearsRefused):
        ilacs_calibrate.calibrate([late])
    with pytest.raises(ilacs_data.TestYearsRefused):
        ilacs_calibrate.bands([late], ilacs_data.DESIGN[0])


@needs_real
def test_the_packs_estimates_are_what_the_calibration_fits(tmp_path):
    done = subprocess.run([sys.executable, ROOT / "benchmarks" / "ilacs_calibrate.py", "--data", REAL, "--check"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


@needs_real
def test_a_2024_25_run_under_the_2026_version_never_shows_a_bare_grade(tmp_path):
    out = tmp_path / "imported"
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2024-25", "--authority",
                    "Doncaster", "-o", out)
    assert result.exit_code == 0, result.output
    result = comply("check", out, "--pack", "ofsted-ilacs/2026", "--format", "json", "--fail-on", "never")
    [run] = json.loads(result.stdout)  # a folder: an array
    assert [j["id"] for j in run["judgements"]] == ["leaders", "help_protection", "children_in_care", "care_leavers"]
    for judgement in run["judgements"]:
        assert judgement["kind"] in ("estimated", "not_estimable"), judgement
        if judgement["kind"] == "estimated":
            assert judgement["estimate"]["agreement"].startswith("within one grade of Ofsted's in ")
        else:
            assert judgement["grade"] is None and judgement["estimate"]["prompts"]
            assert judgement["estimate"]["evidence_needed"]
    assert run["estimate_notice"] and run["last_inspection"]["date"] == "2025-01-20"
    assert "overall" in run["last_inspection"]["grades"]  # shown beside, though 2026 gives no overall grade


@pytest.mark.parametrize(("subject", "wanted"), [
    ("overall", ["overall: Judgements: Overall effectiveness", "(estimated)", "ILACS-EST-CASELOADS (counts 1): concern",
                 "cut-points: Outstanding up to", "validation: within one grade of Ofsted's in",
                 "it does not apply to this estimate from published figures",
                 "The impact of leaders on social work practice with children and families: not estimable"]),
    ("leaders", ["(not estimable)", "Its rules (the authority's own evidence; 50% must be graded):",
                 "ILACS-LEAD-SUPERVISION: not evidenced", "withdrawn: on 144 inspections"]),
    ("ILACS-EST-DENTAL", ["strength: value >= national + ", "where the bands come from: Bands at the terciles",
                          "Estimates that read it:", "Overall effectiveness (counts 1)"]),
], ids=["estimated-judgement", "not-estimable-judgement", "indicator"])
def test_explain_takes_a_judgement_or_an_indicator(subject, wanted):
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    result = comply("explain", subject, metrics)
    assert result.exit_code == 0, result.output
    for text in wanted:
        assert text in result.stdout, text


def test_rules_list_takes_the_pack_as_an_option_too():
    by_option = comply("rules", "list", "--pack", "ofsted-ilacs/2023")
    by_argument = comply("rules", "list", "ofsted-ilacs/2023")
    assert by_option.exit_code == 0 and by_option.stdout == by_argument.stdout
    assert "ofsted-ilacs-2023" in by_option.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_a_regions_comparison_says_which_grades_are_estimates_and_how_sure_above_the_table(tmp_path, fmt):
    import html

    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    one = json.loads(comply("check", metrics, "--format", "json", "--fail-on", "never").stdout)
    [agreement] = [j["estimate"]["agreement"] for j in one["judgements"] if j.get("kind") == "estimated"]
    for name in ("Stoke-on-Trent", "Another Town"):
        text = metrics.read_text().replace("authority: Stoke-on-Trent", f"authority: {name}")
        (tmp_path / f"{name}.yaml").write_text(text)
    text = html.unescape(comply("check", tmp_path, "--format", fmt, "--fail-on", "never").stdout)
    comparison = text[:text.index("Another Town")]  # the comparison comes first, and names both
    assert "Comparison of 2 authorities" in comparison
    assert " ".join(f"Overall effectiveness ({agreement})".split()) in " ".join(comparison.split())
    assert "Not estimable from published figures" in comparison


@pytest.mark.parametrize("version", ["ofsted-ilacs/2018", "ofsted-ilacs/2023", "ofsted-ilacs/2026"])
def test_every_figure_an_ilacs_rule_reads_says_where_an_officer_finds_it(version):
    from compliance.runner import pack_for

    pack = pack_for(version)
    openers = ("From case audit", "From the authority's records", "Whether")
    for metric_id in {rule.metric for rule in pack.rules}:
        definition = pack.metrics[metric_id].definition or ""
        assert definition.startswith(openers), f"{metric_id}: {definition[:60]!r}"


def test_what_would_judge_a_judgement_names_each_figure_and_its_source():
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    run = json.loads(comply("check", metrics, "--format", "json", "--fail-on", "never").stdout)
    needed = {text for j in run["judgements"] if j.get("kind") == "not_estimable"
              for text in j["estimate"]["evidence_needed"]}
    assert "Files showing effective management oversight (a case audit)" in needed
    assert "Assessments authorised within 45 working days (Annex A list 4: comply import annex-a)" in needed
    assert any(text.endswith("(an attestation, yes or no, with its evidence in the note)") for text in needed)


def test_what_would_judge_it_leaves_out_what_the_file_already_gives(tmp_path):
    example = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    data = yaml.safe_load(example.read_text())
    data["metrics"]["management_oversight_audit_pct"] = 70
    path = tmp_path / "metrics.yaml"
    path.write_text(yaml.safe_dump(data))
    run = json.loads(comply("check", path, "--format", "json", "--fail-on", "never").stdout)
    leaders = next(j for j in run["judgements"] if j["id"] == "leaders")
    assert leaders["kind"] == "not_estimable"
    needed = leaders["estimate"]["evidence_needed"]
    assert not any(text.startswith("Files showing effective management oversight") for text in needed)
    assert any(text.startswith("Social workers supervised") for text in needed)


@needs_real
def test_the_calibrations_objective_is_the_one_the_forward_check_chooses():
    """The objective was registered with its adoption rule before the check ran (rules/ofsted-ilacs/README.md);
    the calibration must use what the rule chooses, and the check must read the training years only."""
    done = subprocess.run([sys.executable, ROOT / "benchmarks" / "ilacs_forward.py", "--data", REAL],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("ilacs forward check: fitted before 2021-01-01, scored on 65 inspections after"), last
    ilacs_calibrate = benchmark("ilacs_calibrate")
    ilacs_data = benchmark("ilacs_data")
    ilacs_forward = benchmark("ilacs_forward")
    assert last.endswith(f": objective {ilacs_calibrate.OBJECTIVE}"), last
    late = ilacs_data.Inspection("Somewhere", "E0", __import__("datetime").date(2023, 5, 1), {"overall": "good"},
                                 "2022-23", values={"re_referrals_pct": 20.0}, national={"re_referrals_pct": 22.0})
    with pytest.raises(ilacs_data.TestYearsRefused):
        ilacs_forward.check([late])
    with pytest.raises(ValueError, match="unknown objective"):
        ilacs_calibrate.fit_cuts([(0.0, "good"), (1.0, "inadequate")], objective="best on the test")


def test_the_second_objective_keeps_the_bar_where_it_can():
    """Under "within-one-bar" the cut-points come from those within one grade of at least 90% of the grades;
    under "exact" the most often exact win even below the bar. A made-up training set where they differ."""
    ilacs_calibrate = benchmark("ilacs_calibrate")
    # at score 2, four inadequate and three good: exact calls them inadequate (the good ones two grades off);
    # the bar calls them requires improvement, within one grade of all seven
    scored = [(0.0, "good")] * 10 + [(2.0, "inadequate")] * 4 + [(2.0, "good")] * 3
    exact_cuts, exact_fit = ilacs_calibrate.fit_cuts(scored, shared=False, objective="exact")
    bar_cuts, bar_fit = ilacs_calibrate.fit_cuts(scored, shared=False, objective="within-one-bar")
    assert exact_fit["exact"] > bar_fit["exact"]
    assert exact_fit["within_one"] < 90 <= bar_fit["within_one"]
    assert bar_fit["within_bar"] and not exact_fit["within_bar"]
    assert ilacs_calibrate.grade_of(2.0, exact_cuts) == "inadequate"
    assert ilacs_calibrate.grade_of(2.0, bar_cuts) == "requires_improvement"


@needs_real
def test_the_calibration_grades_every_training_inspection_as_comply_does():
    """The calibration fits on its own reading of the figures; comply grades with the pack it wrote. If the two read
    a figure differently (a rounded rate at a band's edge) or estimate different inspections, the cut-points were fitted
    to grades comply never gives, and the rationale's in-sample agreement is not comply's."""
    ilacs_calibrate = benchmark("ilacs_calibrate")
    ilacs_data = benchmark("ilacs_data")
    ilacs_validation = benchmark("ilacs_validation")
    train = ilacs_data.training(REAL)
    ilacs_data.attach_figures(train, REAL)
    train = [i for i in train if i.values]
    band_of, fits = ilacs_calibrate.fit(train)
    for version in ("2018", "2023"):
        by_comply = ilacs_validation.estimate_all(train, version)
        differ = [(version, i.name, i.date.isoformat(), one.judgement, script, by_comply[index].get(one.judgement))
                  for one in fits[version] for index, i in enumerate(train)
                  if (script := one.grade(i, band_of)) != by_comply[index].get(one.judgement)]
        assert len(by_comply) == len(train) > 150
        assert not differ, differ[:5]


def test_not_estimable_for_too_few_figures_says_by_weight_how_few(write):
    """The test is on the indicators' weight (agency and vacancies share one count); the message gives both."""
    from compliance.runner import pack_for

    weights = dict(pack_for("ofsted-ilacs/2023").estimates["overall"].indicators)
    assert sorted(weight for weight in weights.values() if weight < 1) == [0.5, 0.5]  # agency and vacancies
    path = write("m.yaml", "authority: Somewhere\nperiod: 2024-25\nmetrics:\n"
                 "  sw_agency_pct: {value: 10, national: 13}\n  sw_vacancy_pct: {value: 10, national: 14}\n"
                 "  re_referrals_pct: {value: 20, national: 22.6}\n  sw_caseload: {value: 15, national: 15.2}\n")
    result = comply("check", path, "--pack", "ofsted-ilacs/2023", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    [overall] = [j for j in json.loads(result.stdout)["judgements"] if j["id"] == "overall"]
    assert overall["kind"] == "not_estimable"
    assert (f"only 4 of its {len(weights)} indicators are published for this authority, 3 of their "
            f"{sum(weights.values()):g} counts, under half") in overall["basis"], overall["basis"]


def test_margins_of_a_published_data_run_say_what_it_is_and_measure_an_estimate_in_points():
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    run = json.loads(comply("check", metrics, "--format", "json", "--fail-on", "never").stdout)
    [overall] = [j for j in run["judgements"] if j["id"] == "overall"]
    result = comply("margins", metrics)
    assert result.exit_code == 0, result.output
    first, *rest = result.stdout.splitlines()
    assert first.startswith("**Estimate.** " + run["estimate_notice"])  # at the top, with the agreement
    [row] = [line for line in rest if "| Overall effectiveness |" in line]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2] == f"{overall['label']} (estimate)"
    score = overall["estimate"]["score"]
    cuts = yaml.safe_load((ROOT / "rules" / "ofsted-ilacs" / "2018" / "estimates.yaml").read_text())
    [wanted] = [e["cut_points"] for e in cuts["estimates"] if e["judgement"] == "overall"]
    better = float(cells[5].split()[0])
    assert score - better in wanted.values()  # taking that many points off lands on the better grade's cut-point
    assert f"(now {score:+g})" in cells[6]
    assert "| not estimable | - | not estimable |" in result.stdout
    assert "| not judged |" not in result.stdout


def test_a_comparison_never_calls_one_judgement_both_estimated_and_not_estimable_without_saying_for_whom(tmp_path):
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    text = metrics.read_text()
    (tmp_path / "stoke.yaml").write_text(text)
    # another authority with almost nothing published: its overall effectiveness cannot be estimated
    head = text[:text.index("metrics:")].replace("authority: Stoke-on-Trent", "authority: Tiny Town")
    (tmp_path / "tiny.yaml").write_text(head + "metrics:\n  sw_caseload: {value: 15, national: 16.6}\n")
    result = comply("check", tmp_path, "--format", "json", "--fail-on", "never")
    kinds = {doc["authority"]: {j["id"]: j["kind"] for j in doc["judgements"]} for doc in json.loads(result.stdout)}
    assert kinds["Stoke-on-Trent"]["overall"] == "estimated" and kinds["Tiny Town"]["overall"] == "not_estimable"
    shown = " ".join(comply("check", tmp_path, "--fail-on", "never").stdout.split())
    assert "Not estimable from published figures: " in shown
    assert "Overall effectiveness, for 1 of the 2 authorities (each report says why)" in shown
    notice = shown[shown.index("Not estimable from published figures: "):]
    assert "The impact of leaders on social work practice with children and families;" in notice  # for both


def test_explain_says_an_estimates_kind_once_and_that_limits_do_not_apply_up_the_tree():
    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    overall = comply("explain", "overall", metrics).stdout.splitlines()
    assert overall[4] == "  Inadequate (estimated)", overall[:6]
    leaders = comply("explain", "leaders", metrics).stdout.splitlines()
    assert leaders[4] == "  no grade (not estimable)", leaders[:6]
    rule = comply("explain", "ILACS-LEAD-SUPERVISION", metrics).stdout
    up = rule[rule.index("How it flows up the tree:"):]
    assert "Overall effectiveness: Inadequate (estimate)" in up
    assert "its limits apply to a judgement from the authority's own evidence, not to this estimate" in up
    assert "did not lower it" not in up


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_the_indicators_table_says_when_no_grade_is_estimated_from_it(fmt):
    """Under the 2026 version every estimate is withdrawn: the indicators are still the figures to ask about, but
    the table must not say an estimate read them."""
    import html

    metrics = ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml"
    for pack, wanted, unwanted in (
            ("ofsted-ilacs/2026", "no grade here is estimated from them", "as an estimate from published figures"),
            ("ofsted-ilacs/2018", "as an estimate from published figures reads them", "no grade here is estimated")):
        shown = " ".join(html.unescape(comply("check", metrics, "--pack", pack, "--format", fmt,
                                              "--fail-on", "never").stdout).split())
        assert wanted in shown and unwanted not in shown, (pack, fmt)


def test_the_paired_sign_test_counts_only_where_one_of_the_two_was_exact():
    ilacs_validation = benchmark("ilacs_validation")
    pairs = [("good", "good"), ("outstanding", "outstanding"), ("inadequate", "inadequate"),
             ("requires_improvement", "requires_improvement"), ("good", "outstanding")]
    baseline = ["good", "good", "good", "good", "good"]
    ahead, behind, p = ilacs_validation.paired(pairs, baseline)
    assert (ahead, behind) == (3, 0)  # both exact on the first: it counts for neither
    assert p == 2 * (1 / 8)  # three of three the estimate's way: 1/8 each tail
    assert ilacs_validation.paired(pairs, [a for _, a in pairs])[:2] == (0, 1)
    assert ilacs_validation.paired([], [])[2] == 1.0
