"""comply as a library: what the command line and the browser page are built on."""

from __future__ import annotations

import json

import pytest

from compliance import api

from .conftest import MINI, ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


def test_check_gives_documents_and_the_status_the_command_line_would():
    checked = api.check([STOKE])
    assert checked.status == 1 and checked.problems == []  # economic well-being is inadequate
    [document] = checked.documents
    grades = {j["id"]: j["label"] for j in document["judgements"]}
    assert grades["looked_after.economic_wellbeing"] == "Inadequate"
    assert api.check([STOKE], fail_on="never").status == 0


def test_a_file_that_cannot_be_checked_is_a_problem_with_its_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("authority: A\nperiod: 2010-11\nmetrics:\n  health_check_pct: 101\n")
    checked = api.check([bad], pack=str(MINI))
    assert checked.status == 2 and checked.documents == []
    assert [str(p) for p in checked.problems] == [f"{bad}:4:21: health_check_pct: value 101 is out of range for a "
                                                  "percentage (0-100)"]


@pytest.mark.parametrize("name", ["table", "markdown", "html", "csv", "json", "junit", "xlsx"])
def test_render_every_format(name):
    checked = api.check([STOKE])
    output = api.render(checked.documents, name)
    if name == "xlsx":
        assert isinstance(output, bytes) and output[:2] == b"PK"
    else:
        assert isinstance(output, str) and "Economic well-being" in output
    if name == "json":
        assert json.loads(output)["authority"] == "Stoke-on-Trent"


def test_render_refuses_an_unknown_format_and_status_an_unknown_grade():
    documents = api.check([STOKE]).documents
    with pytest.raises(ValueError, match="no format 'pdf'"):
        api.render(documents, "pdf")
    with pytest.raises(ValueError, match="'bogus' is not a grade of pack ofsted-slac-2011"):
        api.status(documents, "bogus")


def test_packs_lists_the_bundled_packs():
    assert {"ofsted-slac-2011", "ofsted-ilacs"} <= set(api.packs())


def test_a_run_is_a_context_manager_that_lets_go_of_its_spool(tmp_path, monkeypatch):
    from compliance import spool

    monkeypatch.setattr(spool, "KEPT", 1)  # the second document and later go to the spool's file
    for number in range(3):
        (tmp_path / f"a{number}.yaml").write_text(STOKE.read_text().replace("authority: Stoke-on-Trent",
                                                                           f"authority: A{number}", 1))
    with api.run([tmp_path], fail_on="never") as running:
        assert [doc["authority"] for doc in running.results] == ["A0", "A1", "A2"]
        kept = running.results._file
        assert kept is not None and not kept.closed
    assert kept.closed
