"""comply import on messy and hostile published tables: refused with a position, never guessed,
and never a file that comply check then refuses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.cli import main

from .conftest import SHARED

REAL = SHARED / "testdata" / "real"
HEADER = "time_period,geographic_level,region_name,old_la_code,new_la_code,la_name,count,total"
ADAPTER = """\
    id: mess
    title: A table as found
    publisher: Department for Education
    licence: Open Government Licence v3.0
    periods: [2023-24]
    tables:
      leavers:
        file: table.csv
        where: {time_period: "{year}"}
        rows:
          code: new_la_code
          number: old_la_code
          name: [la_name, region_name]
          level: geographic_level
          levels:
            national: {column: level, equals: National}
            region: {column: level, equals: Regional}
            authority: {column: level, equals: Local authority}
    neighbours:
      description: two
      file: neighbours.csv
      number: LA num
      columns: [SN1]
      region: GOReg
      minimum: 1
    metrics:
      cl_eet_19_21_pct:
        numerator: leavers.count
        denominator: leavers.total
        source: count / total
    """
ROWS = [HEADER,
        "2024,National,,,,England,200,800",
        "2024,Regional,Inner London,,,,20,80",
        "2024,Local authority,Inner London,201,E09000001,City of London,6,20",
        "2024,Local authority,Inner London,202,E09000007,Camden,5,10"]
NEIGHBOURS = "LA num,GOReg,SN1\n201,Inner London,202\n202,Inner London,201\n"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def setup(tmp_path: Path, rows: list[str] | bytes = ROWS, neighbours: str | bytes = NEIGHBOURS,
          adapter: str = ADAPTER) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    table = rows if isinstance(rows, bytes) else ("\n".join(rows) + "\n").encode()
    (data / "table.csv").write_bytes(table)
    (data / "neighbours.csv").write_bytes(neighbours if isinstance(neighbours, bytes) else neighbours.encode())
    path = tmp_path / "mess.yaml"
    path.write_text(textwrap.dedent(adapter))
    return path, data


def run_import(tmp_path: Path, *extra: str, **tables):
    adapter, data = setup(tmp_path, **tables)
    out = tmp_path / "out"
    result = comply("import", adapter, data, "--pack", "ofsted-ilacs/2023", "--period", "2023-24", "-o", out, *extra)
    return result, out


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        pytest.param({"rows": [*ROWS, "2024,Local authority,Inner London,201,E09000001,City of London,7,20"]},
                     "table.csv:6: table 'leavers': a second authority row for 'City of London' that differs from "
                     "the one at line 4; which one holds?", id="conflicting-duplicate-rows"),
        pytest.param({"rows": b""}, "table.csv: table 'leavers': the file has no header row 1; is it empty?",
                     id="empty-table"),
        pytest.param({"rows": [HEADER.replace("new_la_code", "la_code"), *ROWS[1:]]},
                     "table.csv:1: table 'leavers': no column 'new_la_code' (did you mean 'la_code'?)",
                     id="code-column-missing"),
        pytest.param({"rows": "\n".join(ROWS).encode("utf-8").replace(b"City of London", "Cité".encode("cp1252"))},
                     "table.csv: table 'leavers' is not UTF-8 text", id="table-in-cp1252"),
        pytest.param({"neighbours": "LA num,GOReg,SN1\n201,Inner London,202\n".replace("Inner London", "Cité")
                      .encode("cp1252")}, "neighbours.csv: the statistical neighbours are not UTF-8 text",
                     id="neighbours-in-cp1252"),
        pytest.param({"neighbours": "LA num,SN1\n201,202\n"},
                     "neighbours.csv:1: the statistical neighbours have no column 'GOReg'", id="no-region-column"),
        pytest.param({"neighbours": ""}, "neighbours.csv:1: the statistical neighbours have no column 'LA num'",
                     id="empty-neighbours"),
        pytest.param({"rows": [*ROWS[:3], '2024,Local authority,Inner London,201,E09000001,"City of London,6,20',
                               *ROWS[4:]]},
                     "table.csv:5: table 'leavers': a quoted cell runs on over lines, up to here: a quote is not "
                     "closed", id="unclosed-quote"),
        pytest.param({"rows": [HEADER + ",count", *(row + ",9" for row in ROWS[1:])]},
                     "table.csv:1: table 'leavers': columns G and I are both headed 'count'", id="header-twice"),
    ],
)
def test_messy_tables_are_refused_with_a_position(tmp_path, tables, message):
    result, out = run_import(tmp_path, **tables)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize(
    ("cell", "written", "note"),
    [
        pytest.param("6", 6, None, id="plain"),
        pytest.param('"6"', 6, None, id="quoted"),
        pytest.param("NaN", None, "count is not a usable number ('NaN')", id="nan"),
        pytest.param("inf", None, "count is not a usable number ('inf')", id="inf"),
        pytest.param("-Infinity", None, "count is not a usable number ('-Infinity')", id="minus-infinity"),
        pytest.param("1e309", None, "count is not a usable number ('1e309')", id="overflows"),
        pytest.param("1e16", None, "count is not a usable number ('1e16')", id="past-the-limit"),
        pytest.param("six", None, "count is not a number ('six')", id="text"),
        pytest.param("c", None, "count is suppressed ('c')", id="suppressed"),
        pytest.param("", None, "count is suppressed ('blank')", id="blank"),
    ],
)
def test_cells_that_are_no_number_are_not_given_and_never_poison_others(tmp_path, cell, written, note):
    rows = [*ROWS[:3], f"2024,Local authority,Inner London,201,E09000001,City of London,{cell},20", ROWS[4]]
    result, out = run_import(tmp_path, rows=rows)
    assert result.exit_code == 0, result.stderr
    city = (out / "201-city-of-london.yaml").read_text()
    camden = yaml.safe_load((out / "202-camden.yaml").read_text())["metrics"]["cl_eet_19_21_pct"]
    if written is None:
        assert f"#   cl_eet_19_21_pct: not given: {note} in table.csv" in city
        assert "neighbours" not in camden  # Camden's one neighbour has no figure: no mean of a NaN
    else:
        assert yaml.safe_load(city)["metrics"]["cl_eet_19_21_pct"]["numerator"] == written
        assert camden["neighbours"] == 30.0
    assert comply("check", out, "-q", "--fail-on", "never").exit_code == 0


def test_a_double_byte_order_mark_loses_no_column(tmp_path):
    table = ("\ufeff" + "\n".join(ROWS) + "\n").encode("utf-8-sig")  # a BOM the reader strips, and one more
    result, out = run_import(tmp_path, rows=table)
    assert result.exit_code == 0, result.stderr
    city = yaml.safe_load((out / "201-city-of-london.yaml").read_text())
    assert city["metrics"]["cl_eet_19_21_pct"]["numerator"] == 6


def test_a_percent_sign_is_read_as_the_number_it_follows(tmp_path):
    adapter = ADAPTER.replace("numerator: leavers.count", "value: leavers.count").replace(
        "        denominator: leavers.total\n", "")
    rows = [*ROWS[:3], "2024,Local authority,Inner London,201,E09000001,City of London,85%,20", ROWS[4]]
    result, out = run_import(tmp_path, rows=rows, adapter=adapter)
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load((out / "201-city-of-london.yaml").read_text())["metrics"]["cl_eet_19_21_pct"]["value"] == 85


def test_identical_repeated_rows_are_one_authority(tmp_path):
    result, out = run_import(tmp_path, rows=[*ROWS, ROWS[3]])
    assert result.exit_code == 0, result.stderr
    assert "wrote 2 metrics files" in result.stderr
    assert sorted(p.name for p in out.glob("*.yaml")) == ["201-city-of-london.yaml", "202-camden.yaml"]


def test_ranks_among_neighbours_and_england(tmp_path):
    result, out = run_import(tmp_path)
    assert result.exit_code == 0, result.stderr
    city = yaml.safe_load((out / "201-city-of-london.yaml").read_text())["metrics"]["cl_eet_19_21_pct"]
    camden = yaml.safe_load((out / "202-camden.yaml").read_text())["metrics"]["cl_eet_19_21_pct"]
    # higher is better: Camden 50% is first, the City 30% second, of the two
    assert (city["rank"], camden["rank"]) == ({"neighbours": [2, 2], "england": [2, 2]},
                                              {"neighbours": [1, 2], "england": [1, 2]})


# Names and codes as hostile as a table could hold: each must be written as text the check reads back.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n,\""), min_size=1,
                max_size=12).filter(lambda text: text.strip() == text and text.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_TEXT, code=st.one_of(_TEXT, st.sampled_from(["yes", "no", "E06: 21", "0x1F", "012", "1:30", "~",
                                                          "null", "&a", "*a", "!!python/object", "- x", "#", "@x"])),
       count=st.one_of(st.integers(-5, 40), st.floats(-5, 40, allow_nan=False).map(lambda f: f"{f:.2f}"),
                       st.integers(0, 100).map(lambda n: f"{n}%")))
def test_every_file_import_writes_checks_cleanly(tmp_path_factory, name, code, count):
    tmp_path = tmp_path_factory.mktemp("import")
    rows = [*ROWS[:3], f"2024,Local authority,Inner London,201,{code},{name},{count},20", ROWS[4]]
    result, out = run_import(tmp_path, rows=rows)
    if result.exit_code == 2:  # only for a name another row already has: asked which one holds
        assert "names more than one" in result.stderr or "which one holds" in result.stderr, result.stderr
        return
    assert result.exit_code == 0, result.stderr
    for path in out.glob("*.yaml"):
        written = yaml.safe_load(path.read_text())
        assert written["authority"] in (name, "Camden")
    checked = comply("check", out, "--format", "json", "--fail-on", "never")
    assert checked.exit_code == 0, checked.stderr


needs_real = pytest.mark.skipif(not (REAL / "dfe-csc-indicators").is_dir(),
                                reason="the published statistics are not in ../shared/testdata/real")


@needs_real
@pytest.mark.parametrize(("period", "authority", "grouping"), [
    ("2024-25", "861", "DfE's 2025 statistical neighbour model"),
    ("2023-24", "861", "DfE's statistical neighbour groupings of April 2021"),
])
def test_the_neighbours_of_the_period(tmp_path, period, authority, grouping):
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", period, "--authority", authority,
                    "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    text = next(tmp_path.glob("*.yaml")).read_text()
    assert f"(neighbours): {grouping}." in text


@needs_real
@pytest.mark.parametrize("authority", ["Cumberland", "Westmorland and Furness"])
def test_authorities_made_since_2021_get_region_and_neighbours(tmp_path, authority):
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2023-24", "--authority",
                    authority, "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    text = next(tmp_path.glob("*.yaml")).read_text()
    assert "# Neighbours: its statistical neighbours and region from DfE's 2025 statistical neighbour model, as " \
           "DfE's statistical neighbour groupings of April 2021 does not list it." in text
    figure = yaml.safe_load(text)["metrics"]["re_referrals_pct"]
    assert {"national", "region", "neighbours"} <= set(figure) and figure["rank"]["neighbours"][1] >= 6


@needs_real
def test_caseloads_and_counts_get_the_years_benchmarks(tmp_path):
    for period, national in (("2017-18", 17.4), ("2024-25", 15.2)):
        result = comply("import", "dfe-ees" if period > "2020" else "dfe-ees-early", REAL, "--pack", "ofsted-ilacs",
                        "--period", period, "--authority", "861", "-o", tmp_path / period)
        assert result.exit_code == 0, result.stderr
        caseload = yaml.safe_load(next((tmp_path / period).glob("*.yaml")).read_text())["metrics"]["sw_caseload"]
        assert caseload["national"] == national and {"region", "neighbours"} <= set(caseload)


@needs_real
@pytest.mark.parametrize(("authority", "period", "date", "overall"), [
    ("861", "2024-25", "2022-10-03", "requires_improvement"),  # Stoke: inspected October 2022
    ("North Northamptonshire", "2022-23", "2022-10-03", "requires_improvement"),  # not West's (both 941 at Ofsted)
    ("Cumberland", "2024-25", "2024-10-07", "good"),
    ("North Yorkshire", "2019-20", "2018-07-02", "outstanding"),  # its code changed in 2023; the name did not
])
def test_the_last_inspection_before_the_periods_end(tmp_path, authority, period, date, overall):
    adapter = "dfe-ees" if period >= "2020-21" else "dfe-ees-early"
    result = comply("import", adapter, REAL, "--pack", "ofsted-ilacs", "--period", period, "--authority", authority,
                    "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    last = yaml.safe_load(next(tmp_path.glob("*.yaml")).read_text())["last_inspection"]
    assert (last["date"], last["grades"]["overall"]) == (date, overall)


@pytest.mark.parametrize("text", ["a\nb", "a\n b", "a\n\nb", "a\r\nb", "a\x85b", "a\u2028b", "a\u2029b", "a\tb",
                                  "Name\n"],
                         ids=["newline", "newline and space", "blank line", "CRLF", "NEL", "line separator",
                              "paragraph separator", "tab", "trailing newline"])
def test_a_line_break_in_a_name_or_note_is_written_as_an_escape_and_read_back_exactly(tmp_path, text):
    from compliance.importer import dump_metrics
    from compliance.loader import read_yaml

    written = dump_metrics({"authority": text, "period": "2024-25", "metrics": {"m": {"value": 1, "note": text}}})
    (tmp_path / "m.yaml").write_text(written)
    data = read_yaml(tmp_path / "m.yaml").data
    assert (data["authority"], data["metrics"]["m"]["note"]) == (text, text)
    assert written.count("\n") == 4  # every line break an escape, each figure on its line
