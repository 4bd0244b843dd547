"""Every output format renders Stoke, parses as what it claims, and carries all it should."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from compliance.cli import main
from compliance.runner import pack_for
from compliance.schema import schema

from .conftest import MINI, ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
RULES = len(pack_for("ofsted-slac-2011").rules)
LOCAL = ROOT / "examples" / "local-pack"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One Stoke run written in every format at once."""
    folder = tmp_path_factory.mktemp("paper")
    names = ["paper.md", "paper.html", "paper.csv", "result.json", "junit.xml", "paper.xlsx", "paper.txt"]
    result = comply("check", STOKE, "-q", *[arg for name in names for arg in ("-o", folder / name)])
    assert result.exit_code == 1, result.stderr
    return folder


def test_json_validates_against_the_published_schema(outputs):
    document = json.loads((outputs / "result.json").read_text())
    Draft202012Validator(schema("result")).validate(document)
    assert len(document["judgements"]) == 22 and len(document["areas_for_improvement"]) == 16


def test_several_results_are_an_array_that_validates(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(STOKE.read_text().replace("Stoke-on-Trent", "Otherton"))
    document = json.loads(comply("check", STOKE, other, "--format", "json").stdout)
    Draft202012Validator(schema("result")).validate(document)
    assert [d["authority"] for d in document] == ["Stoke-on-Trent", "Otherton"]


def test_csv_reads_back(outputs):
    rows = list(csv.DictReader(io.StringIO((outputs / "paper.csv").read_text(), newline="")))
    judgements = [r for r in rows if r["kind"] == "judgement"]
    findings = [r for r in rows if r["kind"] == "finding"]
    assert (len(judgements), len(findings)) == (22, RULES)
    assert judgements[0]["title"] == "Overall effectiveness" and judgements[0]["label"] == "Adequate"
    health = next(r for r in findings if r["id"] == "LAC-BH-DENTAL")
    assert (health["value"], health["national"], health["grade"]) == ("84", "82.4", "good")


def test_xlsx_reads_back_ready_to_paste(outputs):
    from openpyxl import load_workbook

    workbook = load_workbook(outputs / "paper.xlsx")
    assert workbook.sheetnames == ["Record of main findings", "Areas for improvement", "Evidence", "Context",
                                   "Provenance"]
    record = workbook["Record of main findings"]
    assert record.freeze_panes == "A2" and record.max_row == 23
    economic = next(row for row in record.iter_rows(min_row=2) if row[3].value == "Economic well-being")
    assert economic[4].value == "Inadequate" and economic[4].fill.fgColor.rgb.endswith("EF9A9A")
    assert economic[5].value == 4 and isinstance(economic[5].value, int)
    areas = workbook["Areas for improvement"]
    assert [cell.value for cell in areas[1]][:6] == ["Authority", "Period", "Act on", "Timescale", "Number",
                                                     "Recommendation"]
    assert sum(1 for row in areas.iter_rows(min_row=2) if row[4].value) == 16
    assert sum(1 for row in areas.iter_rows(min_row=2) if row[2].value == "first") == 5
    evidence = workbook["Evidence"]
    health = next(row for row in evidence.iter_rows(min_row=2) if row[2].value == "LAC-BH-DENTAL")
    assert health[6].value == 84 and health[7].value == 82.4  # real numbers, not text
    assert health[6].number_format == '0.0"%"' and health[7].number_format == '0.0"%"'
    assert health[4].value == "Being healthy"  # the judgement's title, not its id
    for sheet in workbook.worksheets:  # ready to print: A4 landscape, a page wide, the header on every page
        assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.print_title_rows == "$1:$1" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes in ("A2", "C2")
        assert sheet.auto_filter.ref == sheet.dimensions  # every row and column can be sorted and filtered
        assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("D9D9D9") for cell in sheet[1])
        assert sheet.row_dimensions[1].height >= 15
    provenance = {row[2].value: row[3].value for row in workbook["Provenance"].iter_rows(min_row=2)}
    assert provenance["Pack"].startswith("Inspection of safeguarding and looked after children services")
    assert len(provenance["Metrics file (sha256)"]) == 64 and "by comply" in provenance["Run"]


def test_junit_parses_with_failures_at_fail_on(outputs):
    suite = ElementTree.parse(outputs / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(22 + RULES)
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert "Economic well-being" in failed
    assert len(failed) == int(suite.get("failures"))
    assert all(not name.startswith("Overall") for name in failed)  # adequate is not at or below inadequate


def test_junit_with_fail_on_never_has_no_failures():
    xml = comply("check", STOKE, "--format", "junit", "--fail-on", "never").stdout
    assert ElementTree.fromstring(xml).find("testsuite").get("failures") == "0"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.badges: list[str] = []
        self._badge = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._badge = tag == "span" and "grade" in (dict(attrs).get("class") or "")

    def handle_data(self, data):
        if self._badge:
            self.badges.append(data)
            self._badge = False


def test_html_is_self_contained_and_carries_the_record(outputs):
    page = (outputs / "paper.html").read_text()
    collector = _Collector()
    collector.feed(page)
    assert "script" not in collector.tags and "link" not in collector.tags and "svg" in collector.tags
    assert not re.search(r"(src|href)=\"?https?:", page)
    assert collector.badges[:22] == ["Adequate", "Good", "Adequate", "Adequate", "Good", "Good", "Good", "Good",
                                     "Good", "Adequate", "Adequate", "Good", "Good", "Good", "Good", "Good",
                                     "Inadequate", "Adequate", "Good", "Good", "Good", "Adequate"]
    assert page.count("<li>") >= 16
    assert "@media print" in page


def test_html_escapes_what_comes_from_input_files(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(STOKE.read_text().replace("authority: Stoke-on-Trent", 'authority: "<script>alert(1)</script>"')
                    .replace('note: "para 7"}', 'note: "<img src=x onerror=alert(1)>"}', 1))
    page = comply("check", path, "--format", "html").stdout
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page


def test_markdown_has_the_record_areas_and_evidence(outputs):
    text = (outputs / "paper.md").read_text()
    assert "| Economic well-being | Inadequate |" in text
    assert "| **Services for looked after children** |  |" in text
    areas = text.split("## Areas for improvement")[1].split("\n## ")[0]
    assert len(re.findall(r"^\d+\. ", areas, flags=re.M)) == 16
    assert text.index("## Act first: 16 areas for improvement, those due immediately first") < \
        text.index("## Areas for improvement")
    assert "| LAC-BH-DENTAL | looked_after.being_healthy | 84.0% | England 82.4; region 75; statistical neighbours " \
           "85.5 | Good | 54, 58 |" in text


@pytest.mark.parametrize(("style", "marker"), [("rst", "===="), ("latex", "\\begin{tabular}"), ("github", "|---")])
def test_table_styles_come_free(style, marker):
    result = comply("check", STOKE, "--table-format", style)
    assert marker in result.stdout


def test_unknown_table_style_and_extension_and_binary_stdout(tmp_path):
    assert "not a tabulate table style" in comply("check", STOKE, "--table-format", "fancy-pants").stderr
    result = comply("check", STOKE, "-o", tmp_path / "paper.pdf")
    assert result.exit_code == 2 and "cannot tell the format of" in result.stderr
    result = comply("check", STOKE, "--format", "xlsx")
    assert result.exit_code == 2 and "binary format: write it to a file with -o" in result.stderr


def test_format_option_overrides_extensions(tmp_path):
    comply("check", STOKE, "--format", "json", "-q", "-o", tmp_path / "result.txt")
    assert json.loads((tmp_path / "result.txt").read_text())["authority"] == "Stoke-on-Trent"


def test_report_rerenders_a_saved_result_exactly(tmp_path):
    comply("check", STOKE, "-q", "-o", tmp_path / "result.json", "-o", tmp_path / "paper.md", "-o", tmp_path / "a.html")
    result = comply("report", tmp_path / "result.json", "-q", "-o", tmp_path / "again.md", "-o", tmp_path / "b.html")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "again.md").read_text() == (tmp_path / "paper.md").read_text()
    assert (tmp_path / "b.html").read_text() == (tmp_path / "a.html").read_text()
    assert comply("report", tmp_path / "result.json", "--fail-on", "inadequate", "-q").exit_code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "1:2: not JSON: Expecting property name enclosed in double quotes"),
        ('{"authority": "X"}', "not a comply result:"),
        ("[]", "the result holds no authority"),
    ],
)
def test_report_refuses_what_is_not_a_result(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_text(content)
    result = comply("report", path)
    assert result.exit_code == 2 and message in result.stderr


def test_several_authorities_compare_in_every_format(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(STOKE.read_text().replace("Stoke-on-Trent", "Otherton").replace("value: 70\n", "value: 40\n"))
    table = comply("check", STOKE, other).stdout
    assert table.startswith("Comparison of 2 authorities")
    assert re.search(r"Otherton +2010-11 +Adequate", table)  # rank, authority and period each in a column
    assert "  17  Services for looked after children: Economic well-being" in table  # the key to the numbers
    markdown = comply("check", STOKE, other, "--format", "markdown").stdout
    assert markdown.startswith("# Comparison of 2 authorities")
    html = comply("check", STOKE, other, "--format", "html").stdout
    assert "Comparison of 2 authorities" in html and html.count('class="authority"') == 2
    rows = list(csv.DictReader(io.StringIO(comply("check", STOKE, other, "--format", "csv").stdout)))
    assert {r["authority"] for r in rows} == {"Stoke-on-Trent", "Otherton"}
    suites = ElementTree.fromstring(comply("check", STOKE, other, "--format", "junit").stdout).findall("testsuite")
    assert [s.get("name") for s in suites] == ["Stoke-on-Trent 2010-11", "Otherton 2010-11"]
    comply("check", STOKE, other, "-q", "-o", tmp_path / "both.xlsx")
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "both.xlsx").sheetnames[0] == "Comparison"


def test_partial_runs_and_local_packs_show_in_the_paper():
    text = comply("check", STOKE, "--pack", LOCAL, "--only", "looked_after.performance", "--format", "markdown").stdout
    assert "- **Partial run:** only looked_after.performance" in text
    assert "extends ofsted-slac-2011 1.0.0" in text
    assert "## Changed by stoke-local-targets" in text


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".csv", ".json", ".xml", ".xlsx"])
def test_every_output_says_what_a_local_pack_changed_and_why(tmp_path, suffix):
    path = tmp_path / f"paper{suffix}"
    fmt = {".txt": "table", ".xml": "junit"}.get(suffix, suffix[1:].replace("md", "markdown"))
    result = comply("check", STOKE, "--pack", LOCAL, "-q", "--format", fmt, "-o", path, "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        text = "\n".join(str(cell) for row in load_workbook(path)["Provenance"].iter_rows(values_only=True)
                         for cell in row if cell)
    else:
        text = path.read_text()
    flat = " ".join(text.split())  # however a format wraps it
    assert "SG-HEALTH-AE-NURSES" in text
    assert "registered children" in text and "nurses on" in flat  # disabled, and why
    if suffix == ".json":
        assert {"rule": "LAC-PERF-IRO-CASELOADS", "pack": "stoke-local-targets", "changed": ["bands"],
                "reason": "The corporate parenting panel set a local target of 60 children per IRO in 2011."} \
            in json.loads(text)["pack"]["overridden"]
    else:
        assert "LAC-PERF-IRO-CASELOADS" in text and "bands changed by stoke-local-targets" in flat  # overridden
    assert "a local target of 60 children per IRO" in flat  # and why


def test_explain_says_where_a_local_pack_changed_a_rule_and_why():
    result = comply("explain", "LAC-PERF-IRO-CASELOADS", STOKE, "--pack", LOCAL)
    assert result.exit_code == 0, result.output
    assert f"bands changed by stoke-local-targets at {LOCAL / 'pack.yaml'}:10:3: The corporate parenting panel " \
        "set a local target of 60 children per IRO in 2011." in result.stdout


def test_mini_pack_renders_in_every_format(tmp_path):
    for name in ("table", "markdown", "html", "csv", "json", "junit"):
        assert comply("check", MINI / "good.yaml", "--pack", MINI, "--format", name).exit_code == 0, name


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
def test_the_html_in_a_real_browser(outputs, tmp_path):
    from pypdf import PdfReader

    page = outputs / "paper.html"
    browser = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    pdf, png = tmp_path / "paper.pdf", tmp_path / "paper.png"
    subprocess.run([*browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*browser, "--window-size=1100,1600", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120, cwd=tmp_path)
    reader = PdfReader(pdf)
    assert 3 <= len(reader.pages) <= 30  # the 2011 pack has some 220 rules in the evidence table
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Record of main findings" in text and "Economic well-being" in text and "Inadequate" in text
    assert png.stat().st_size > 20_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # measure the widest table or chart at the printed page's width (A4 at 96 dpi, less margins)
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", "<script>document.title = JSON.stringify({page: "
                     "document.documentElement.clientWidth, widest: Math.max(...Array.from("
                     "document.querySelectorAll('table, svg'), e => e.getBoundingClientRect().right))});"
                     "</script></body>"))
    dom = subprocess.run([*browser, "--window-size=690,1000", "--dump-dom", probe.as_uri()],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    measured = json.loads(re.search(r"<title>(.*?)</title>", dom).group(1).replace("&quot;", '"'))
    assert measured["widest"] <= measured["page"], measured


def _overflowing(browser: list[str], page: Path, width: int, tmp_path: Path) -> dict:
    """What a real browser lays out wider than the window: the page's scroll width, and the elements."""
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(page.read_text().replace("</body>", "<script>document.title = JSON.stringify({scroll: "
                     "document.documentElement.scrollWidth, client: document.documentElement.clientWidth, over: "
                     "Array.from(document.querySelectorAll('table, svg, figure')).filter(e => "
                     "e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.tagName + '.'"
                     " + (e.getAttribute('class') || '')), bars: document.querySelectorAll('svg.bars').length, dots: "
                     "document.querySelectorAll('svg.dots').length});</script></body>"))
    dom = subprocess.run([*browser, f"--window-size={width},1000", "--dump-dom", probe.as_uri()],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(re.search(r"<title>(.*?)</title>", dom).group(1).replace("&quot;", '"'))


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize(("metrics", "width", "bars", "dots"), [
    pytest.param(ROOT / "examples" / "west-midlands-2010-11", 1280, 2, 1, id="a-region-of-14-at-1280px"),
    pytest.param(ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml", 690, 1, 10,
                 id="an-ilacs-estimate-at-a4-width"),
    pytest.param(STOKE, 690, 1, 5, id="the-2011-example-at-a4-width"),
])
def test_reports_fit_the_window_with_their_charts(tmp_path, metrics, width, bars, dots):
    page = tmp_path / "paper.html"
    ranked = ["--rank", "looked_after.overall"] if metrics.is_dir() else []
    result = comply("check", metrics, *ranked, "--fail-on", "never", "-q", "-o", page)
    assert result.exit_code == 0, result.output
    browser = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    png = tmp_path / "paper.png"
    subprocess.run([*browser, f"--window-size={width},2000", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120, cwd=tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    measured = _overflowing(browser, page, width, tmp_path)
    assert measured["scroll"] <= measured["client"] and measured["over"] == [], measured
    assert measured["bars"] >= bars and measured["dots"] >= dots, measured


def test_a_regions_xlsx_counts_each_judgements_grades_with_a_native_chart(tmp_path):
    import zipfile

    from openpyxl import load_workbook

    region = ROOT / "examples" / "west-midlands-2010-11"
    path = tmp_path / "region.xlsx"
    assert comply("check", region, "-o", path, "-q", "--fail-on", "never").exit_code == 0
    runs = json.loads(comply("check", region, "--format", "json", "--fail-on", "never").stdout)
    sheet = load_workbook(path)["Grades across authorities"]
    headers = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(runs[0]["judgements"])
    for index, row in enumerate(rows):
        labels = [run["judgements"][index]["label"] for run in runs]
        assert list(row[1:-2]) == [labels.count(header) for header in headers[1:-2]]
        assert sum(row[1:-1]) == len(runs)
    with zipfile.ZipFile(path) as archive:
        [chart] = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        xml = archive.read(chart).decode()
    assert "<barChart>" in xml and '<grouping val="stacked" />' in xml
    assert "<f>'Grades across authorities'!B1</f>" in xml  # the first grade's counts, titled by their header
    assert f"<strRef><f>'Grades across authorities'!$A$2:$A${len(rows) + 1}</f></strRef>" in xml


@pytest.mark.parametrize(("unit", "value", "shown"), [("days", 1, "1 day"), ("days", 12, "12 days"),
                                                      ("percent", 84.63, "84.6%"), ("count", 12.0, "12")])
def test_a_figure_reads_the_same_in_the_tables_as_in_the_evidence(unit, value, shown):
    from compliance.model import Unit
    from compliance.report.shape import value_text
    from compliance.units import with_unit

    assert value_text({"value": value, "unit": unit}) == with_unit(Unit(unit), value) == shown
