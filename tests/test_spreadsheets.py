"""Metrics from officers' spreadsheets (CSV, XLSX), templates that check, and errors told all at once."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from compliance.cli import main
from compliance.packs import bundled_packs, bundled_root

from .conftest import MINI

HEADER = "metric,value,numerator,denominator,national,note"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def csv_file(write, *rows: str, name: str = "figures.csv"):
    return write(name, "\n".join([HEADER, "authority,Testshire", "period,2010-11", *rows]) + "\n")


def run_json(path, *args):
    result = comply("check", path, "--pack", MINI, "--format", "json", "--fail-on", "never", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_csv_row_per_metric_reads_as_its_yaml_would(write):
    path = csv_file(write, "health_check_pct,90,,,85,our own count", "dental_pct,,45,50,,", "police_attend,yes",
                    "caseload,12", "# a comment row,1", ",", "children,")
    run = run_json(path)
    values = run["values"]
    assert values == {"health_check_pct": 90, "dental_pct": 90.0, "police_attend": True, "caseload": 12}
    health = next(f for f in run["findings"] if f["rule"] == "HEALTH")
    assert health["benchmarks"] == {"national": 85} and health["grade"] == "outstanding"


def xlsx(tmp_path, rows, formats=None, sheet="Metrics", extra_first=False):
    book = Workbook()
    if extra_first:
        book.active.title = "Read me"
        book.active.append(["not the metrics"])
        target = book.create_sheet(sheet)
    else:
        target = book.active
        target.title = sheet
    for row in [["metric", "value", "numerator", "denominator", "national", "note"],
                ["authority", "Testshire"], ["period", "2010-11"], *rows]:
        target.append(row)
    for (row, column), number_format in (formats or {}).items():
        target.cell(row=row, column=column).number_format = number_format
    path = tmp_path / "figures.xlsx"
    book.save(path)
    return path


def test_an_xlsx_reads_its_metrics_sheet_and_percent_cells_as_the_percentage_shown(tmp_path):
    path = xlsx(tmp_path, [["health_check_pct", 0.9, None, None, 0.85], ["dental_pct", None, 45, 50],
                           ["police_attend", True], ["caseload", 12]],
                formats={(4, 2): "0%", (4, 5): "0.0%"}, extra_first=True)
    run = run_json(path)
    assert run["values"]["health_check_pct"] == 90 and run["values"]["police_attend"] is True
    health = next(f for f in run["findings"] if f["rule"] == "HEALTH")
    assert health["benchmarks"]["national"] == 85


@pytest.mark.parametrize(("rows", "messages"), [
    pytest.param(["health_check_pct,21.5%"], ["figures.csv:B4: metrics.health_check_pct.value should be a number "
                                              "or true or false, not the text '21.5%'; write 21.5, without the %"],
                 id="percent-sign"),
    pytest.param(["health_check_pct,21.5%", "dentl_pct,80", "caseload,-3"],
                 ["figures.csv:B4: metrics.health_check_pct.value should be", "figures.csv:A5: unknown metric "
                  "'dentl_pct' for pack mini (did you mean 'dental_pct'?)",
                  "figures.csv:B6: caseload: value -3 is out of range for a count (at least 0)"],
                 id="every-problem-at-once"),
    pytest.param(["health_check_pct,90", "health_check_pct,91"],
                 ["figures.csv:A5: health_check_pct is given twice (first at row 4); which one holds?"], id="twice"),
    pytest.param([",90"], ["figures.csv:B4: a row with figures but no metric named in its metric column"],
                 id="no-metric"),
    pytest.param(["dental_pct,,60,50"], ["figures.csv:C4: dental_pct: numerator 60 is larger than denominator 50"],
                 id="numerator-past-denominator"),
])
def test_spreadsheet_problems_are_positioned_as_a_spreadsheet_user_reads_them(write, rows, messages):
    path = csv_file(write, *rows)
    result = comply("check", path, "--pack", MINI)
    assert result.exit_code == 2
    for message in messages:
        assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("header", "message"), [
    ("metric,valeu", "figures.csv:B1: unknown column 'valeu' (did you mean 'value'?)"),
    ("name,value", "figures.csv:A1: unknown column 'name'"),
])
def test_a_header_row_that_names_unknown_columns_is_refused(write, header, message):
    path = write("figures.csv", f"{header}\nauthority,X\nperiod,2010-11\n")
    result = comply("check", path, "--pack", MINI)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_an_xlsx_problem_names_its_sheet_and_cell(tmp_path):
    path = xlsx(tmp_path, [["health_check_pct", "ninety"]])
    result = comply("check", path, "--pack", MINI)
    assert result.exit_code == 2
    assert "figures.xlsx:Metrics!B4: metrics.health_check_pct.value should be" in result.stderr


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", "é".encode("cp1252")],
                         ids=["empty", "broken-zip", "not-utf8"])
def test_a_spreadsheet_that_cannot_be_read_is_refused_cleanly(tmp_path, content):
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"figures{suffix}"
        path.write_bytes(content)
        result = comply("check", path, "--pack", MINI)
        assert result.exit_code == 2 and str(path) in result.stderr and "Traceback" not in result.output


def test_every_percentage_below_one_is_warned_of(write):
    path = csv_file(write, "health_check_pct,0.74,,,85", "dental_pct,0.8")
    result = comply("check", path, "--pack", MINI, "--fail-on", "never", "-q")
    assert result.exit_code == 0
    assert ("comply: warning: " in result.stderr and "every percentage in the file is below 1 (2 of them, e.g. 0.8): "
            "percentages are 0-100, so 74% is 74, not 0.74" in result.stderr)
    path = csv_file(write, "health_check_pct,74,,,85", "dental_pct,0.8", name="fine.csv")
    assert "warning" not in comply("check", path, "--pack", MINI, "--fail-on", "never", "-q").stderr


def _versions():
    root = bundled_root()
    found = []
    for name in bundled_packs():
        folder = root / name
        versions = sorted(p.name for p in folder.iterdir() if (p / "pack.yaml").is_file())
        found += [f"{name}/{v}" for v in versions] + [name] if versions else [name]
    return found


@pytest.mark.parametrize("pack", _versions())
@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_every_bundled_packs_template_checks_as_written(tmp_path, pack, suffix):
    path = tmp_path / f"template{suffix}"
    result = comply("template", "--pack", pack, "-o", path)
    assert result.exit_code == 0, result.output
    result = comply("check", path, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output  # no --pack: the template names one check finds
    run = json.loads(result.stdout)
    assert run["authority"] == "Name of the authority"
    assert all(f["status"] in ("not_evidenced", "not_applicable") for f in run["findings"])


def test_the_xlsx_template_has_units_validation_and_readers(tmp_path):
    path = tmp_path / "template.xlsx"
    assert comply("template", "--pack", "ofsted-ilacs/2023", "--format", "xlsx", "-o", path).exit_code == 0
    book = load_workbook(path)
    sheet = book["Metrics"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["metric", "value"] and "definition" in headers and "read by" in headers
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["pack"][1].value == "ofsted-ilacs/2023"
    read_by = rows["re_referrals_pct"][headers.index("read by")].value
    assert "ILACS-EST-REREFERRALS" in read_by
    kinds = {validation.type for validation in sheet.data_validations.dataValidation}
    assert {"decimal", "whole", "list"} <= kinds
    assert sheet.freeze_panes == "B2" and "Read me" in book.sheetnames


def test_filled_in_xlsx_template_round_trips(tmp_path):
    path = tmp_path / "template.xlsx"
    comply("template", "--pack", str(MINI), "-o", path)
    book = load_workbook(path)
    sheet = book["Metrics"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "health_check_pct":
            row[1].value = 90
        if row[0].value == "police_attend":
            row[1].value = False
    book.save(path)
    run = json.loads(comply("check", path, "--format", "json", "--fail-on", "never").stdout)
    assert run["values"] == {"health_check_pct": 90, "police_attend": False}
    assert run["pack"]["id"] == "mini"


def test_an_xlsx_template_needs_a_file():
    result = comply("template", "--format", "xlsx")
    assert result.exit_code == 2 and "give -o FILE.xlsx" in result.stderr


def test_bundled_root_is_where_the_templates_came_from():
    assert (bundled_root() / "ofsted-slac-2011" / "pack.yaml").is_file()
