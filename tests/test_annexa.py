"""comply import annex-a: planted rates derived exactly, every workbook problem positioned, nothing
personal in any output, and the heavy libraries kept off the check path."""

from __future__ import annotations

import csv
import datetime
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import main

from .conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "benchmarks"))
import annexa_synthetic as synthetic  # noqa: E402

SAMPLE = SHARED / "testdata" / "annex-a" / "liia-tools-sample-Annex_A.xlsx"
needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason="the shared Annex A sample is not here")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> synthetic.Synthetic:
    return synthetic.generate(tmp_path_factory.mktemp("annexa") / "Annex_A.xlsx", "small", seed=18)


def run(*arguments: str) -> object:
    return CliRunner().invoke(main, ["import", *map(str, arguments)])


@pytest.fixture(scope="module")
def imported(small: synthetic.Synthetic, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, Path]:
    out = tmp_path_factory.mktemp("out")
    children = tmp_path_factory.mktemp("audit") / "children.csv"
    result = run("annex-a", small.path, "--period", "2024-25", "--authority", "Synthetic Borough", "-o", out,
                 "--children", children)
    return out / "synthetic-borough-annex-a-2024-25.yaml", result, children


def figures(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text())["metrics"]


def test_the_import_writes_one_metrics_file_and_says_so(imported: tuple[Path, object, Path]) -> None:
    path, result, _ = imported
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"comply: wrote {path}: 28 figures from 11 lists")
    assert path.is_file()


@pytest.mark.parametrize("metric", sorted(synthetic.RATES) + ["care_leavers_in_bb", "adoption_days_to_placement"])
def test_derived_figures_equal_the_planted_ones(small: synthetic.Synthetic, imported: tuple[Path, object, Path],
                                                metric: str) -> None:
    entry = figures(imported[0])[metric]
    got = (entry["numerator"], entry["denominator"]) if "numerator" in entry else entry["value"]
    assert got == small.planted[metric]


def test_a_second_seed_also_derives_exactly(tmp_path: Path) -> None:
    made = synthetic.generate(tmp_path / "other.xlsx", "small", seed=7)
    result = run("annex-a", made.path, "--period", "2024-25", "--authority", "Other", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    derived = figures(tmp_path / "out" / "other-annex-a-2024-25.yaml")
    for metric, planted in made.planted.items():
        entry = derived[metric]
        assert ((entry["numerator"], entry["denominator"]) if "numerator" in entry else entry["value"]) == planted


def test_every_figure_has_a_note_naming_its_list_and_columns(imported: tuple[Path, object, Path]) -> None:
    derived = figures(imported[0])
    assert derived["re_referrals_pct"]["note"].startswith(
        "Annex A List 3 (referrals), sheet 'List 3': referrals in the period whose child had another referral in "
        "the 12 months before it. Rows: 'Date of Referral' from 1 April 2024 to 31 March 2025; of them counted: "
        "'Number of Referrals in Last 12 Months' at least 1")
    assert "within 45 working days after 'Continuous Assessment Start Date'" in derived["assessments_45wd_pct"]["note"]
    assert derived["return_home_interviews_timely_pct"]["estimated"] is True
    assert "not when" in derived["return_home_interviews_timely_pct"]["note"]


def test_the_file_is_checked_under_the_ilacs_pack_with_the_new_rules(imported: tuple[Path, object, Path]) -> None:
    result = CliRunner().invoke(main, ["check", str(imported[0]), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(result.stdout)
    grades = {f["rule"]: f["grade"] for f in document["findings"] if f["status"] == "graded"}
    assert grades["ILACS-HP-ASSESSMENTS-TIMELY"] == "requires_improvement"  # 114 of 138: 82.6%
    assert grades["ILACS-LEAD-ALLOCATION"] == "requires_improvement"  # 3 of 108: 2.8%
    assert document["pack"]["id"] == "ofsted-ilacs-2023"


def _personal(made: synthetic.Synthetic) -> list[str]:
    dates = {f"{day:%Y-%m-%d}" for day in made.births} | {f"{day:%d/%m/%Y}" for day in made.births}
    return sorted(made.identifiers | made.workers | made.postcodes | dates)


def test_nothing_personal_reaches_the_metrics_file_or_the_messages(small: synthetic.Synthetic,
                                                                   imported: tuple[Path, object, Path]) -> None:
    path, result, _ = imported
    text = path.read_text() + result.output
    leaked = [value for value in _personal(small) if value in text]
    assert leaked == []
    assert "Z0" not in text  # the generator's identifiers all begin so


def test_the_children_behind_shortfalls_go_only_to_the_file_named(small: synthetic.Synthetic,
                                                                   imported: tuple[Path, object, Path]) -> None:
    path, _, children = imported
    rows = children.read_text().splitlines()
    assert rows[0] == "metric,sheet,row,child"
    unallocated = [row for row in rows if row.startswith("children_unallocated_pct,")]
    assert len(unallocated) == 3 and all(row.split(",")[3] in small.identifiers for row in unallocated)
    assert not any(row.startswith("cla_out_of_area_pct,") for row in rows)  # context: no shortfall
    assert [p.name for p in path.parent.iterdir()] == [path.name]


@pytest.mark.parametrize("name", ["children.yaml", "Annex_A.xlsx"])
def test_the_children_file_is_never_a_metrics_file_nor_the_workbook(small: synthetic.Synthetic, tmp_path: Path,
                                                                    name: str) -> None:
    target = small.path if name == "Annex_A.xlsx" else tmp_path / name
    result = run("annex-a", small.path, "--period", "2024-25", "--authority", "X", "-o", tmp_path / "out",
                 "--children", target)
    assert result.exit_code == 2
    assert "--children writes a new .csv file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_check_path_never_imports_the_case_level_libraries() -> None:
    code = ("import sys; from click.testing import CliRunner; from compliance.cli import main; "
            "r = CliRunner().invoke(main, ['check', 'examples/stoke-on-trent-2011/metrics.yaml', '-q']); "
            "print(sorted(m for m in ('polars', 'fastexcel', 'holidays') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wrong headers, text in a date column, an unknown code, duplicate children, a volatile formula, an
    empty list; each where a test can name its cell."""
    day = datetime.date(2024, 10, 1)
    h = synthetic.HEADERS
    sheets = {
        "List 3": (["Child Unique ID", "Referal dte", "Number of Referrals in Last 12 Months"],
                   [["Z10000001", day, 0]]),
        "List 7": (h["List 7"], [
            ["Z10000002", "b) Female", "a) WBRI", day, 4, "b) No", day, "a) Neglect", "a) Neglect", "next week",
             "a) Yes", None, None, "b) No", 0, "Team", "Ottoline Quillfeather"],
            ["Z10000003", "b) Female", "a) WBRI", day, 4, "b) No", day, "a) Neglect", "a) Neglect", day,
             "Amelia Pond", None, None, "b) No", "ST4 1AA", "Team", "Ottoline Quillfeather"]]),
        "List 9": (["Child Unique ID", "Date of Birth", "Activity Status"], [
            ["Z10000004", datetime.date(2004, 5, 6), "F1: Full time in higher education"],
            ["Z10000005", datetime.date(2004, 5, 7), "F1: Full time in higher education"],
            ["Z10000004", datetime.date(2004, 5, 6), "F1: Full time in higher education"]]),
        "List 8": (["Child Unique ID", "Date Started to be Looked After", "Date of Last Social Work Visit"], [
            ["Z10000006", datetime.date(2020, 1, 1), day]]),
        "List 5": ([], []),
        "List 10": (["Z10000007", "Rory Williams", "ST5 2BB"], [["Z10000008", day, day]]),  # no header row
    }
    path = tmp_path_factory.mktemp("hostile") / "Annex_A.xlsx"
    synthetic.write_workbook(path, sheets, formulas={"List 8": {(1, 2): "=TODAY()-30"}})
    return path


@pytest.fixture(scope="module")
def hostile_result(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    out = tmp_path_factory.mktemp("hostile-out")
    return run("annex-a", hostile, "--period", "2024-25", "--authority", "Hostile", "-o", out), out


@pytest.mark.parametrize("line", [
    "List 3!1: List 3 (referrals) needs a column for referral date, but no header matches 'date.*referral' "
    "(headers: 'Child Unique ID', 'Referal dte', 'Number of Referrals in Last 12 Months')",
    "List 3: the list cannot be used as it is; nothing was written",
    "List 5: the sheet is empty: List 5 (section 47 enquiries and initial conferences) needs a header row, then a "
    "row per child",
    "List 7!J2: not a date: give an Excel date, or text as 2025-03-31 or 31/03/2025",
    "List 7!K3: the cell (text, 11 characters) reads as none of: yes, no, unknown",
    "List 7!O3: the cell (text, 7 characters) is not a whole number of 0 or more",
    "List 7: 2 of 2 rows have problems; nothing was written",
    "List 8!C2: a formula whose result changes whenever the workbook opens: paste the column as values",
    "List 9!A4: the same child as row 2: a duplicate row",
    "List 9: 1 of 3 rows have problems; nothing was written",
], ids=lambda line: line.split(":")[0])
def test_a_hostile_workbook_gets_positioned_errors(hostile: Path, hostile_result: tuple[object, Path],
                                                    line: str) -> None:
    result, _ = hostile_result
    assert f"{hostile}:{line}" in result.stderr.splitlines()


def test_a_hostile_workbook_exits_2_writes_nothing_and_shows_nothing_personal(hostile_result: tuple[object, Path]
                                                                              ) -> None:
    result, out = hostile_result
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert list(out.iterdir()) == []
    assert not re.search(r"Z1000000\d|Quillfeather|Amelia|Rory|ST[45] |next week|2004-05-0", result.output)
    assert "no cell of row 1 is a header this list has: is its header row missing?" in result.output


@pytest.fixture(scope="session")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("million") / "Annex_A.xlsx"
    rows = ([f"Z{i:08d}", "2024-06-03"] for i in range(1_048_576 - 1))  # with the header, every row
    synthetic.write_text_workbook(path, {"List 1": (["Child Unique ID", "Date of Contact"], rows)})
    return path


def test_a_list_that_fills_every_row_excel_allows_was_cut_short(million: Path, tmp_path: Path) -> None:
    result = run("annex-a", million, "--period", "2024-25", "--authority", "M", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{million}:List 1!A1048576: the list fills every row Excel allows (1,048,576): the export was cut short; "
        "export it again in parts",
        f"{million}:List 1: the list cannot be used as it is; nothing was written"]


def _one_list(tmp_path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    path = tmp_path / "Annex_A.xlsx"
    synthetic.write_workbook(path, {"List 3": (headers, rows)})
    return path


@pytest.mark.parametrize("child,dated,previous", [
    ("Child Unique ID", "Date of Referral", "Number of Referrals in Last 12 Months"),
    ("CHILD ID", "date of referral", "No. of referrals in the last 12 months"),
    ("Child identifier", "Referral date (date of referral)", "Referrals in previous 12 months"),
    ("Child\u00a0Unique  ID ", "Date  of\u00a0Referral", "Number of referrals in past 12 months"),
])
def test_headers_are_matched_tolerantly(tmp_path: Path, child: str, dated: str, previous: str) -> None:
    path = _one_list(tmp_path, [child, dated, previous], [["Z1", datetime.date(2024, 5, 1), 1],
                                                          ["Z2", "31/03/2025", 0], ["Z3", "2024-04-01", 0]])
    result = run("annex-a", path, "--period", "2024-25", "--authority", "T", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert figures(tmp_path / "out" / "t-annex-a-2024-25.yaml")["re_referrals_pct"] | {"note": ""} == {
        "numerator": 1, "denominator": 3, "note": ""}


def test_a_header_cell_holding_more_than_a_header_is_named_by_its_column_in_notes(tmp_path: Path) -> None:
    path = _one_list(tmp_path, ["Child Unique ID", "Date of Referral Amelia Pond ST4 1AA",
                                "Number of Referrals in Last 12 Months"],
                     [["Z1", datetime.date(2024, 5, 1), 1], ["Z2", "31/03/2025", 0]])
    result = run("annex-a", path, "--period", "2024-25", "--authority", "T", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "t-annex-a-2024-25.yaml").read_text()
    assert "Amelia" not in text and "ST4" not in text
    assert "column B (referral date)" in text and "'Number of Referrals in Last 12 Months'" in text


def test_a_list_whose_data_starts_below_and_right_of_a1_is_positioned_as_the_sheet_reads(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "Annex_A.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("List 3")
    sheet.write_row(2, 1, ["Child Unique ID", "Date of Referral"])
    sheet.write_row(3, 1, ["Z1", "soon"])
    book.close()
    result = run("annex-a", path, "--period", "2024-25", "--authority", "T", "-o", tmp_path / "out")
    assert f"{path}:List 3!C4: not a date: give an Excel date, or text as 2025-03-31 or 31/03/2025" in \
        result.stderr.splitlines()


def test_working_days_skip_englands_bank_holidays(tmp_path: Path) -> None:
    """A conference 15 working days after a strategy discussion of 20 December 2023 is on 16 January 2024:
    Christmas, Boxing Day and New Year's Day are not working days."""
    path = tmp_path / "Annex_A.xlsx"
    synthetic.write_workbook(path, {"List 5": (
        ["Child Unique ID", "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Date of Initial Child Protection Conference"],
        [["Z1", datetime.date(2023, 12, 20), datetime.date(2024, 1, 12)],
         ["Z2", datetime.date(2023, 12, 20), datetime.date(2024, 1, 15)],
         ["Z3", datetime.date(2023, 12, 20), datetime.date(2024, 1, 16)]])})
    result = run("annex-a", path, "--period", "2023-24", "--authority", "T", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    entry = figures(tmp_path / "out" / "t-annex-a-2023-24.yaml")["icpc_within_15_days_pct"]
    assert (entry["numerator"], entry["denominator"]) == (2, 3)


@pytest.mark.parametrize("arguments,message", [
    (["--as-of", "2026-01-01"], "--as-of: 2026-01-01 is not in 2024-25 (2024-04-01 to 2025-03-31)"),
    (["--region", "London"], "--authority: an Annex A workbook is one authority's"),
])
def test_bad_usage_is_one_line_and_exit_2(small: synthetic.Synthetic, tmp_path: Path, arguments: list[str],
                                          message: str) -> None:
    result = run("annex-a", small.path, "--period", "2024-25", "--authority", "T", "-o", tmp_path, *arguments)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_as_of_sets_the_window_and_the_file_date(small: synthetic.Synthetic, tmp_path: Path) -> None:
    result = run("annex-a", small.path, "--period", "2024-25", "--authority", "T", "-o", tmp_path,
                 "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "t-annex-a-2024-25.yaml").read_text()
    assert "# Period: 1 January 2024 to 31 December 2024" in text and "as_of: \"2024-12-31\"" in text


@pytest.mark.parametrize("change,message", [
    (("re_referrals_pct:\n    list: referrals", "re_referals_pct:\n    list: referrals"),
     "unknown metric 're_referals_pct' for pack ofsted-ilacs-2023 (did you mean 're_referrals_pct'?)"),
    (("numerator: [at_least: {previous_referrals: 1}]", "numerator: [at_least: {referral_date: 1}]"),
     "referral_date is a date column; this condition reads a count"),
    (("numerator: [blank: worker]", "numerator: [blank: wroker]"),
     "no column 'wroker' in list children_in_need (did you mean 'worker'?)"),
    (("numerator: [is: {seen: [\"yes\"]}]", "numerator: [is: {seen: [\"yess\"]}]"),
     "seen has no code 'yess' (did you mean 'yes'?)"),
])
def test_a_derivations_mistake_is_refused_with_its_line(small: synthetic.Synthetic, tmp_path: Path,
                                                        change: tuple[str, str], message: str) -> None:
    text = (ROOT / "rules" / "ofsted-ilacs" / "derivations" / "annex-a.yaml").read_text()
    assert change[0] in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(change[0], change[1]))
    result = run(broken, small.path, "--period", "2024-25", "--authority", "T", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert re.match(rf"{re.escape(str(broken))}:\d+:\d+: {re.escape(message)}$", result.stderr.splitlines()[0])


@needs_sample
def test_the_real_format_sample_imports_and_checks(tmp_path: Path) -> None:
    result = run("annex-a", SAMPLE, "--period", "2020-21", "--authority", "LIIA sample", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "liia-sample-annex-a-2020-21.yaml"
    derived = figures(path)
    assert (derived["re_referrals_pct"]["numerator"], derived["re_referrals_pct"]["denominator"]) == (3, 6)
    assert (derived["children_unallocated_pct"]["numerator"], derived["children_unallocated_pct"]["denominator"]) \
        == (5, 5)
    text = path.read_text()
    assert "pathway_plans_reviewed_pct: List 9 (care leavers) has no column for pathway review" in text
    checked = CliRunner().invoke(main, ["check", str(path), "--fail-on", "never", "-q"])
    assert checked.exit_code == 0, checked.output


@needs_sample
def test_nothing_from_the_samples_rows_reaches_the_file(tmp_path: Path) -> None:
    import fastexcel

    reader = fastexcel.read_excel(str(SAMPLE))
    personal: set[str] = set()
    for name in reader.sheet_names:
        frame = reader.load_sheet(name, dtypes="string").to_polars()
        for column in frame.columns:
            if re.search(r"identifier|unique id|worker|advis|postcode|birth", column, re.I):
                personal |= {" ".join(v.split()) for v in frame[column].drop_nulls() if len(v.strip()) > 3}
    assert len(personal) > 40
    result = run("annex-a", SAMPLE, "--period", "2020-21", "--authority", "LIIA sample", "-o", tmp_path)
    text = " ".join(((tmp_path / "liia-sample-annex-a-2020-21.yaml").read_text() + result.output).split())
    assert sorted(value for value in personal if value in text) == []


def test_the_children_file_shows_an_identifier_a_spreadsheet_would_obey_as_text(tmp_path: Path) -> None:
    path = _one_list(tmp_path, ["Child Unique ID", "Date of Referral", "Number of Referrals in Last 12 Months"],
                     [["+cmd|' /C calc'!A0", datetime.date(2024, 5, 1), 1], ["@SUM(1)", "31/03/2025", 2],
                      ["Z3", "2024-04-01", 0]])
    children = tmp_path / "children.csv"
    result = run("annex-a", path, "--period", "2024-25", "--authority", "T", "-o", tmp_path / "out",
                 "--children", children)
    assert result.exit_code == 0, result.output
    cells = {row[3] for row in csv.reader(io.StringIO(children.read_text()))}
    assert {"'+cmd|' /C calc'!A0", "'@SUM(1)"} <= cells and "Z3" not in cells  # Z3 had no earlier referral


def test_the_2011_pack_takes_what_the_lists_hold_of_its_figures(small: synthetic.Synthetic,
                                                                imported: tuple[Path, object, Path],
                                                                tmp_path: Path) -> None:
    result = run("annex-a", small.path, "--pack", "ofsted-slac-2011", "--period", "2024-25", "--authority",
                 "Synthetic Borough", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "synthetic-borough-annex-a-2024-25.yaml"
    old, new = figures(path), figures(imported[0])
    pick = ("numerator", "denominator")
    # the same children counted the same way as the ILACS figures of the same definition
    assert {k: old["dental_checks_pct"][k] for k in pick} == {k: new["cla_dental_pct"][k] for k in pick}
    assert {k: old["health_assessments_up_to_date_pct"][k] for k in pick} == \
        {k: new["cla_health_assessment_pct"][k] for k in pick}
    assert {k: old["placements_three_plus_pct"][k] for k in pick} == \
        {k: new["cla_3plus_placements_pct"][k] for k in pick}
    assert old["looked_after_children"]["value"] == new["cla_3plus_placements_pct"]["denominator"]
    assert old["looked_after_children"]["value"] == sum(
        old[band]["value"] for band in ("looked_after_under_5", "looked_after_5_to_16", "looked_after_post_16"))
    text = path.read_text()
    assert "pack: ofsted-slac-2011" in text and "child_protection_plans_female: comply reads no child's gender" in text
    checked = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--fail-on", "never"])
    assert checked.exit_code == 0, checked.output
    graded = {f["metric"] for f in yaml.safe_load(checked.stdout)["findings"] if f["status"] == "graded"}
    assert {"dental_checks_pct", "health_assessments_up_to_date_pct", "placements_three_plus_pct",
            "care_leavers_19_eet_pct"} <= graded <= set(old)  # graded from the derived figures, and only from them
