"""comply import: published tables to metrics files, through the 2011 pack's adapter."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import main

from .conftest import ROOT, SHARED

FIXTURES = ROOT / "tests" / "data" / "published"
ADAPTER = ROOT / "rules" / "ofsted-slac-2011" / "adapters" / "dfe-2010-11.yaml"
REAL = SHARED / "testdata" / "real"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def imported(tmp_path, *args: str, adapter: object = "dfe-2010-11", data=FIXTURES, folder: str = "out"):
    out = tmp_path / folder
    result = comply("import", adapter, data, "--period", "2010-11", "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    return out, {path.name: path.read_text() for path in sorted(out.glob("*.yaml"))}


def metrics(text: str) -> dict:
    return yaml.safe_load(text)["metrics"]


def test_stoke_from_the_fixture_tables(tmp_path):
    _, files = imported(tmp_path, "--authority", "861")
    [(name, text)] = files.items()
    assert name == "861-stoke-on-trent.yaml"
    data = yaml.safe_load(text)
    assert (data["authority"], data["code"], data["period"], data["pack"]) == \
        ("Stoke-on-Trent", "E06000021", "2010-11", "ofsted-slac-2011")
    placements = data["metrics"]["placements_three_plus_pct"]
    assert (placements["numerator"], placements["denominator"]) == (57, 412)
    assert (placements["national"], placements["region"]) == (10.7, 11.6)  # 7,000 of 65,520; 950 of 8,180
    assert "NI 62, SFR21_CLA.csv: CLA_3Pla / CLA_Mar2011" in placements["note"]
    assert "neighbours not given: 2 of the statistical neighbours have a published figure, fewer than 5" \
        in placements["note"]
    dental = data["metrics"]["dental_checks_pct"]
    assert (dental["numerator"], dental["denominator"], dental["national"], dental["region"]) == (251, 274, 82.4, 75)
    looked_after = data["metrics"]["looked_after_children"]  # a count gets England's and the region's totals too
    assert (looked_after["value"], looked_after["national"], looked_after["region"]) == (412, 65520, 8180)
    assert looked_after["note"].startswith("SFR21_CLA.csv: CLA_Mar2011, children looked after at 31 March 2011")
    assert "#   care_leavers_19_eet_pct: not given: Act_HE is suppressed ('x') in SFE21_19YEARS.csv" in text
    assert "#   initial_health_assessment_timely_pct: OC2 gives annual health assessments" in text


def test_without_the_year_before_no_previous_and_it_says_why(tmp_path):
    _, files = imported(tmp_path, "--authority", "861")
    text = files["861-stoke-on-trent.yaml"]
    assert "# previous: not given: the year before's tables cannot be read" in text and "SFR27_2010_March.csv" in text
    assert all("previous" not in figure for figure in metrics(text).values())


def test_neighbours_are_the_mean_of_those_with_a_figure(tmp_path):
    adapter = tmp_path / "adapter.yaml"
    adapter.write_text(ADAPTER.read_text().replace("minimum: 5", "minimum: 2"))
    _, files = imported(tmp_path, "--authority", "861", adapter=adapter)
    placements = metrics(files["861-stoke-on-trent.yaml"])["placements_three_plus_pct"]
    assert placements["neighbours"] == 10.8  # Staffordshire 9.0 and Northamptonshire 12.5; Darlington suppressed
    assert "neighbours mean of the 2 neighbours with a published figure" in placements["note"]


@pytest.mark.parametrize("key", ["E06000021", "861", "stoke-on-trent", "Stoke-on-Trent"])
def test_an_authority_by_code_number_or_name(tmp_path, key):
    _, files = imported(tmp_path, "--authority", key)
    assert list(files) == ["861-stoke-on-trent.yaml"]


def test_suppressed_cells_are_missing_and_said_so(tmp_path):
    _, files = imported(tmp_path, "--authority", "Darlington")
    text = files["841-darlington.yaml"]
    assert "placements_three_plus_pct" not in metrics(text)
    assert "#   placements_three_plus_pct: not given: CLA_3Pla is suppressed ('x') in SFR21_CLA.csv" in text
    assert "#   adoptions_placed_within_12_months_pct: not given: CLA_Adop_PL12mnths is suppressed ('c')" in text
    assert "#   lac_offending_pct: not given: Number of children looked after with cautions or conviction is " \
           "suppressed ('x') in OC2.csv" in text


def test_a_region_the_tables_lack_is_said(tmp_path):
    _, files = imported(tmp_path, "--authority", "928")
    note = metrics(files["928-northamptonshire.yaml"])["placements_three_plus_pct"]["note"]
    assert "region not given: no region row 'East Midlands' in SFR21_CLA.csv" in note


def test_every_authority_or_a_region(tmp_path):
    _, files = imported(tmp_path)
    assert sorted(files) == ["841-darlington.yaml", "860-staffordshire.yaml", "861-stoke-on-trent.yaml",
                             "928-northamptonshire.yaml"]
    _, files = imported(tmp_path, "--region", "west midlands", folder="region")
    assert sorted(files) == ["860-staffordshire.yaml", "861-stoke-on-trent.yaml"]


def test_imported_files_pass_comply_check(tmp_path):
    out, _ = imported(tmp_path)
    result = comply("check", out, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authority", "North Northamptonshire"], "'North Northamptonshire' is not in the 2011 tables: formed in "
                                                    "2021 from Northamptonshire (928)"),
        (["--authority", "Stoke"], "'Stoke' is not in the 2011 tables (did you mean 'Stoke-on-Trent'?)"),
        (["--region", "Wessex"], "no authorities in region 'Wessex'; the regions are: East Midlands, North East, "
                                 "West Midlands"),
    ],
)
def test_authorities_that_are_not_there(tmp_path, args, message):
    result = comply("import", "dfe-2010-11", FIXTURES, "--period", "2010-11", "-o", tmp_path / "out", *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_wrong_period_missing_table_and_unknown_adapter(tmp_path):
    result = comply("import", "dfe-2010-11", FIXTURES, "--period", "2011-12", "-o", tmp_path)
    assert result.exit_code == 2 and "the adapter dfe-2010-11 is for 2010-11, not 2011-12" in result.stderr
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    (data / "legacy-2010-2012" / "2011" / "OC2.csv").unlink()
    result = comply("import", "dfe-2010-11", data, "--period", "2010-11", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "OC2.csv: no such file (table 'outcomes' of the adapter)" in result.stderr
    result = comply("import", "dfe-2011", FIXTURES, "--period", "2010-11", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "no adapter 'dfe-2011': not a file, nor one of pack ofsted-slac-2011's " \
                                     "(dfe-2009-10, dfe-2010-11)" in result.stderr


def test_a_broken_adapter_is_refused_at_its_line(tmp_path):
    adapter = tmp_path / "adapter.yaml"
    adapter.write_text(ADAPTER.read_text().replace("  dental_checks_pct:", "  dental_check_pct:")
                       .replace("numerator: cla.CLA_3Pla", "numerator: placements.CLA_3Pla"))
    result = comply("import", adapter, FIXTURES, "--period", "2010-11", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "unknown metric 'dental_check_pct' for pack ofsted-slac-2011 (did you mean 'dental_checks_pct'?)" \
        in result.stderr
    assert "placements_three_plus_pct: no table 'placements'" in result.stderr


needs_real = pytest.mark.skipif(not (REAL / "legacy-2010-2012").is_dir(),
                                reason="the published statistics are not in ../shared/testdata/real")


@needs_real
def test_the_real_2010_11_tables(tmp_path):
    out, files = imported(tmp_path, data=REAL)
    assert len(files) >= 150
    stoke = files["861-stoke-on-trent.yaml"]
    placements = metrics(stoke)["placements_three_plus_pct"]
    assert (placements["numerator"], placements["denominator"], placements["national"]) == (57, 412, 10.7)
    assert round(100 * 57 / 412, 1) == 13.8
    adoption = metrics(stoke)["adoptions_placed_within_12_months_pct"]
    assert (adoption["numerator"], adoption["denominator"]) == (30, 34)
    leavers = metrics(stoke)["care_leavers_suitable_accommodation_pct"]
    assert (leavers["numerator"], leavers["denominator"]) == (36, 45)
    assert "#   care_leavers_19_eet_pct: not given: Act_HE is suppressed ('x')" in stoke
    # the year before, from SFR27/2010 and the 2010 OC2: 403 looked after; teeth checked for 184 of 268
    assert metrics(stoke)["looked_after_children"]["previous"] == 403
    assert metrics(stoke)["dental_checks_pct"]["previous"] == 68.7
    assert "previous" not in placements  # not in the 2010 tables of the data folder
    result = comply("check", out, "--format", "csv", "-q", "-o", tmp_path / "region.csv", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr  # every imported file checks


@needs_real
def test_the_regional_run_over_every_authority_has_its_comparison(tmp_path):
    out, _ = imported(tmp_path, data=REAL)
    result = comply("check", out, "--only", "LAC-SS-SHORT-TERM-STABILITY", "--only", "LAC-BH-DENTAL",
                    "--rank", "looked_after.staying_safe", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Comparison of 151 authorities")
    assert "1. " in result.stdout


@needs_real
def test_london_is_its_inner_and_outer_boroughs_where_the_groupings_split_it(tmp_path):
    """The April 2021 groupings (used for 2010-11) name INNER LONDON and OUTER LONDON; an officer asks for London."""
    result = comply("import", "dfe-2010-11", REAL, "--period", "2010-11", "--region", "London", "-o", tmp_path / "l")
    assert result.exit_code == 0, result.stderr
    inner = comply("import", "dfe-2010-11", REAL, "--period", "2010-11", "--region", "inner london", "-o",
                   tmp_path / "i")
    outer = comply("import", "dfe-2010-11", REAL, "--period", "2010-11", "--region", "OUTER LONDON", "-o",
                   tmp_path / "o")
    assert inner.exit_code == outer.exit_code == 0
    names = {path.name for path in (tmp_path / "l").glob("*.yaml")}
    assert names == {path.name for folder in ("i", "o") for path in (tmp_path / folder).glob("*.yaml")}
    assert len(names) == 33
    east = comply("import", "dfe-2010-11", REAL, "--period", "2010-11", "--region", "East", "-o", tmp_path / "e")
    assert east.exit_code == 2 and "no authorities in region 'East'" in east.stderr  # never North East and the rest
