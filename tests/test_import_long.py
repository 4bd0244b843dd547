"""comply import from long tables (a row per year, level and breakdown), and the ILACS family's adapter."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import main

from .conftest import SHARED, benchmark

REAL = SHARED / "testdata" / "real"
HEADER = "time_period,geographic_level,region_name,old_la_code,new_la_code,la_name,country_name,age,count,total"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def long_table(tmp_path):
    """Two years, three levels, two age bands: only the rows `where` names may be read."""
    rows = [HEADER]
    for year, scale in ((2023, 1), (2024, 2)):
        for age, extra in (("17 to 18", 1000), ("19 to 21", 0)):
            rows += [f"{year},National,,,,,England,{age},{100 * scale + extra},{400 * scale}",
                     f"{year},Regional,Inner London,,,,England,{age},{10 * scale + extra},{40 * scale}",
                     f"{year},Local authority,Inner London,201,E09000001,City of London,England,{age},"
                     f"{3 * scale + extra},{10 * scale}",
                     f"{year},Local authority,Inner London,202,E09000007,Camden,England,{age},c,{10 * scale}"]
    data = tmp_path / "data"
    data.mkdir()
    (data / "long.csv").write_text("\n".join(rows) + "\n")
    (data / "neighbours.csv").write_text("LA num,GOReg,SN1\n201,London (Inner),202\n202,London (Inner),201\n")
    adapter = tmp_path / "long.yaml"
    adapter.write_text(textwrap.dedent("""\
        id: long
        title: A long table
        publisher: Department for Education
        licence: Open Government Licence v3.0
        periods: [2022-23, 2023-24]
        previous: long
        tables:
          leavers:
            file: long.csv
            where: {time_period: "{year}", age: 19 to 21}
            rows:
              code: new_la_code
              number: old_la_code
              name: [la_name, region_name, country_name]
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
          region_names: {London (Inner): Inner London}
        metrics:
          cl_eet_19_21_pct:
            numerator: leavers.count
            denominator: leavers.total
            source: count / total
        """))
    return adapter, data


def test_long_tables_keep_the_rows_where_names(tmp_path):
    adapter, data = long_table(tmp_path)
    out = tmp_path / "out"
    result = comply("import", adapter, data, "--pack", "ofsted-ilacs/2023", "--period", "2023-24", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.yaml")) == ["201-city-of-london.yaml", "202-camden.yaml"]
    city = yaml.safe_load((out / "201-city-of-london.yaml").read_text())
    figure = city["metrics"]["cl_eet_19_21_pct"]
    # 2024, 19 to 21: 6 of 20; England 200 of 800; the region (named in region_name) 20 of 80
    assert (figure["numerator"], figure["denominator"], figure["national"], figure["region"]) == (6, 20, 25, 25)
    assert figure["previous"] == 30  # 2023 from the same adapter: 3 of 10
    assert "previous: the year before" in figure["note"]
    assert city["pack"] == "ofsted-ilacs"  # the family: the check picks the version for the period
    assert "neighbours not given" in figure["note"]  # Camden's figure is suppressed
    camden = (out / "202-camden.yaml").read_text()
    assert "#   cl_eet_19_21_pct: not given: count is suppressed ('c')" in camden


def test_a_where_column_the_table_lacks_is_refused(tmp_path):
    adapter, data = long_table(tmp_path)
    adapter.write_text(adapter.read_text().replace("age: 19 to 21", "age_band: 19 to 21"))
    result = comply("import", adapter, data, "--pack", "ofsted-ilacs/2023", "--period", "2023-24", "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "long.csv:1: table 'leavers': no column 'age_band' to select rows by" in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_family_adapter_is_found_from_any_version():
    from compliance.importer import read_adapter
    from compliance.runner import pack_for

    for version in ("2018", "2023", "2026"):
        for adapter in ("dfe-ees", "dfe-ees-early"):
            assert read_adapter(adapter, pack_for(f"ofsted-ilacs/{version}")).data["id"] == adapter


needs_ees = pytest.mark.skipif(not (REAL / "dfe-csc-indicators").is_dir(),
                               reason="the published statistics are not in ../shared/testdata/real")


@needs_ees
@pytest.mark.parametrize("adapter, period, version", [("dfe-ees-early", "2017-18", "2018"),
                                                      ("dfe-ees", "2023-24", "2023")])
def test_every_authority_imports_and_checks_under_its_version(tmp_path, adapter, period, version):
    out = tmp_path / period
    result = comply("import", adapter, REAL, "--pack", "ofsted-ilacs", "--period", period, "-o", out)
    assert result.exit_code == 0, result.stderr
    files = sorted(out.glob("*.yaml"))
    assert len(files) >= 150
    result = comply("check", out, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert {run["pack"]["id"] for run in __import__("json").loads(result.stdout)} == {f"ofsted-ilacs-{version}"}


@needs_ees
def test_stoke_2023_24_from_the_published_files(tmp_path):
    out = tmp_path / "out"
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2023-24",
                    "--authority", "Stoke-on-Trent", "-o", out)
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((out / "861-stoke-on-trent.yaml").read_text())["metrics"]
    assert (data["re_referrals_pct"]["numerator"], data["re_referrals_pct"]["denominator"]) == (1226, 4798)
    assert data["re_referrals_pct"]["national"] == 22.4
    assert (data["icpc_within_15_days_pct"]["numerator"], data["icpc_within_15_days_pct"]["denominator"]) == (737, 810)
    assert data["sw_agency_pct"]["value"] == 24.2 and data["sw_agency_pct"]["previous"] == 23.6
    assert (data["cl_eet_19_21_pct"]["numerator"], data["cl_eet_19_21_pct"]["denominator"]) == (91, 238)
    for version in ("2018", "2023", "2026"):
        checked = comply("check", "--pack", f"ofsted-ilacs/{version}", out / "861-stoke-on-trent.yaml")
        assert checked.exit_code in (0, 1), checked.stderr


@needs_ees
def test_the_validation_script_compares_every_inspection(tmp_path):
    import re
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run([sys.executable, ROOT / "benchmarks" / "ilacs_validation.py", "--data", REAL, "--check",
                           "--markdown"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr  # --check: the pack records this very validation
    readme = (ROOT / "rules" / "ofsted-ilacs" / "README.md").read_text()
    shown = readme.split("<!-- validation:start -->\n")[1].split("\n<!-- validation:end -->")[0]
    assert done.stdout.startswith(shown + "\n"), "the pack README's validation table is not the script's"
    last = done.stdout.strip().splitlines()[-1]
    share = r"(\d+\.\d)%"
    match = re.fullmatch(rf"ilacs validation: exact {share} within-one {share} baseline-good {share} persistence "
                         rf"{share} best-single {share} macro-recall {share} \(test n=(\d+)\)", last)
    assert match, last
    exact, within, good, persistence, single, recall, n = map(float, match.groups())
    assert n >= 100 and exact <= within <= 100 and 0 < good < 100 and 0 < persistence < 100
    assert 0 <= single <= 100 and 0 < recall <= 100
    assert re.search(r"^(\d+) inspections; ", done.stdout, re.M)


def test_the_imported_ilacs_example_reads_as_an_estimate():
    """Stoke-on-Trent, 2021-22 published figures: overall effectiveness estimated, and said to be."""
    from .conftest import ROOT

    folder = ROOT / "examples" / "stoke-on-trent-ilacs-2022"
    result = comply("check", folder / "metrics.yaml", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    run = __import__("json").loads(result.stdout)
    assert run["pack"]["id"] == "ofsted-ilacs-2018"
    kinds = {j["id"]: j["kind"] for j in run["judgements"]}
    assert kinds == {"leaders": "not_estimable", "help_protection": "not_estimable",
                     "children_in_care": "not_estimable", "overall": "estimated"}
    assert run["estimate_notice"].startswith("Estimated from published figures, not judged from the authority's "
                                             "own evidence: Overall effectiveness (within one grade of Ofsted's in ")
    overall = next(j for j in run["judgements"] if j["id"] == "overall")
    assert overall["basis"].startswith("estimate from published figures, points (concerns less strengths) of 8 "
                                       "indicators")
    leaders = next(j for j in run["judgements"] if j["id"] == "leaders")
    prompts = {p["metric"]: p for p in leaders["estimate"]["prompts"]}
    assert set(prompts) == {"sw_caseload", "sw_agency_pct", "sw_vacancy_pct", "sw_turnover_pct"}
    assert prompts["sw_caseload"]["rank"]["neighbours"][1] == 11 and prompts["sw_caseload"]["quartile"] in (1, 2, 3, 4)
    assert "Files showing effective management oversight (a case audit)" in leaders["estimate"]["evidence_needed"]
    # the last inspection before 31 March 2022, shown beside the estimate as context
    last = run["last_inspection"]
    assert last["date"] == "2019-02-04" and last["grades"]["overall"] == "Inadequate"
    missing = {f["rule"] for f in run["findings"] if f["status"] == "not_evidenced"}
    assert {"ILACS-HP-RETURN-HOME", "ILACS-CL-PATHWAY-PLANS", "ILACS-LEAD-SUPERVISION"} <= missing


@needs_ees
def test_the_ilacs_example_is_what_import_writes(tmp_path):
    from .conftest import ROOT

    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2021-22",
                    "--authority", "861", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    fresh = (tmp_path / "861-stoke-on-trent.yaml").read_text().splitlines()[1:]  # line 1 has the date
    kept = (ROOT / "examples" / "stoke-on-trent-ilacs-2022" / "metrics.yaml").read_text().splitlines()[1:]
    assert fresh == kept


@needs_ees
def test_the_year_before_comes_from_the_adapter_that_has_it(tmp_path):
    # 2020-21 through dfe-ees; 2019-20 is only in dfe-ees-early's older files
    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2020-21",
                    "--authority", "861", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((tmp_path / "861-stoke-on-trent.yaml").read_text())["metrics"]
    early = comply("import", "dfe-ees-early", REAL, "--pack", "ofsted-ilacs", "--period", "2019-20",
                   "--authority", "861", "-o", tmp_path / "early")
    assert early.exit_code == 0, early.stderr
    before = yaml.safe_load((tmp_path / "early" / "861-stoke-on-trent.yaml").read_text())["metrics"]
    dental = before["cla_dental_pct"]
    assert data["cla_dental_pct"]["previous"] == round(100 * dental["numerator"] / dental["denominator"], 1)
    wrong = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2018-19", "-o", tmp_path / "x")
    assert wrong.exit_code == 2 and "the adapter dfe-ees is for 2020-21" in wrong.stderr


@pytest.mark.skipif(not (REAL / "ofsted-la-outcomes").is_dir(), reason="no published statistics in ../shared")
def test_the_validation_joins_each_northamptonshire_to_its_own_figures():
    """North and West Northamptonshire both carry the old county's DfE number (941 in one file): each inspection
    must get its own authority's figures, by ONS code."""
    ilacs_data = benchmark("ilacs_data")
    group = [i for i in ilacs_data.inspections(REAL) if "Northamptonshire" in i.name and i.date.year == 2022]
    assert {i.name for i in group} >= {"North Northamptonshire", "West Northamptonshire"}
    ilacs_data.attach_figures(group, REAL)
    codes = {i.name: i.code for i in group}
    assert codes["North Northamptonshire"] != codes["West Northamptonshire"]
    figures = {i.name: i.values.get("re_referrals_pct") for i in group}
    assert figures["North Northamptonshire"] != figures["West Northamptonshire"], figures


@pytest.mark.skipif(not (REAL / "dfe-csc-indicators").is_dir(), reason="no published statistics in ../shared")
def test_the_ilacs_readme_figures_for_every_authority_in_2024_25_are_what_comply_gives(tmp_path):
    import collections
    import json
    import re

    from .conftest import ROOT

    result = comply("import", "dfe-ees", REAL, "--pack", "ofsted-ilacs", "--period", "2024-25", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    checked = comply("check", tmp_path, "--format", "json", "--fail-on", "never")
    runs = json.loads(checked.stdout)
    overall = collections.Counter(next(j for j in run["judgements"] if j["id"] == "overall")["grade"] or "none"
                                  for run in runs)
    readme = " ".join((ROOT / "rules" / "ofsted-ilacs" / "README.md").read_text().split())
    said = re.search(r"overall effectiveness is Outstanding for (\d+), Good (\d+), Requires improvement (\d+), "
                     r"Inadequate (\d+), and not estimable for (\d+)", readme)
    assert said, "the README no longer gives the 2024-25 spread"
    assert [int(n) for n in said.groups()] == [overall[g] for g in ("outstanding", "good", "requires_improvement",
                                                                    "inadequate", "none")]
    raised = [q for run in runs for q in run["queries"] if q["status"] == "raised"]
    authorities = {run["authority"] for run in runs if any(q["status"] == "raised" for q in run["queries"])}
    assert f"they raise {len(raised)} queries across {len(authorities)} of the {len(runs)} authorities" in readme
