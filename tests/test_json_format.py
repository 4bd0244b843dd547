"""JSON output: the same text whether orjson or json writes it, every character kept, nothing refused."""

from __future__ import annotations

import json

import pytest

from compliance import api
from compliance.report import json_format

from .conftest import ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


@pytest.fixture(scope="module")
def documents():
    """Stoke's result; the same with text a reader may not show and floats json and orjson spell apart; and
    one with a lone surrogate (which orjson refuses, so json writes it)."""
    document = api.check([STOKE]).documents[0]
    hostile = json.loads(json.dumps(document))
    hostile["authority"] = "a\x7fb \x1b[31m one\u2028two \u202e caf\u00e9"
    hostile["values"]["tiny"] = {"value": 1e-05, "huge": 1.5e17, "whole": 10**15}
    surrogate = dict(document, authority="lone \ud800 surrogate")
    return [document, hostile, surrogate]


def without_orjson(monkeypatch):
    monkeypatch.setattr(json_format, "_orjson", lambda: None)


@pytest.fixture
def orjson_calls(monkeypatch):
    """How often orjson wrote a document, and how often it refused one (so json wrote it)."""
    orjson = pytest.importorskip("orjson")
    calls = {"wrote": 0, "refused": 0}

    class Counted:
        OPT_NON_STR_KEYS, OPT_INDENT_2 = orjson.OPT_NON_STR_KEYS, orjson.OPT_INDENT_2

        @staticmethod
        def dumps(document, option=0):
            try:
                text = orjson.dumps(document, option=option)
            except TypeError:
                calls["refused"] += 1
                raise
            calls["wrote"] += 1
            return text

    monkeypatch.setattr(json_format, "_orjson", lambda: Counted)
    return calls


@pytest.mark.parametrize("chosen", [[0], [1], [0, 1, 2]], ids=["stoke", "hostile", "several"])
def test_orjson_and_json_write_the_same_data(documents, chosen, orjson_calls, monkeypatch):
    several = len(chosen) > 1
    fast = "".join(json_format.render([documents[index] for index in chosen], several))
    assert orjson_calls == {"wrote": len([i for i in chosen if i < 2]), "refused": 2 in chosen}
    without_orjson(monkeypatch)
    plain = "".join(json_format.render([documents[index] for index in chosen], several))
    assert json.loads(fast) == json.loads(plain)
    # the text is the same but for how a float below 0.0001 is spelt (orjson 0.00001, json 1e-05)
    assert ("0.00001" in fast) == (1 in chosen)
    assert fast.replace("0.00001", "1e-05") == plain


@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "json"])
@pytest.mark.parametrize("several", [False, True], ids=["one", "several"])
def test_what_a_reader_may_not_show_is_escaped_and_kept(documents, several, orjson, request, monkeypatch):
    calls = request.getfixturevalue("orjson_calls") if orjson else without_orjson(monkeypatch)
    text = "".join(json_format.render(documents[1:3] if several else documents[1:2], several))
    for raw, escaped in (("\x7f", "\\u007f"), ("\x1b", "\\u001b"), ("\u2028", "\\u2028"), ("\u202e", "\\u202e")):
        assert raw not in text and escaped in text
    assert "caf\u00e9" in text  # what can be shown is written as it is
    assert ("\\ud800" in text and "\ud800" not in text) == several
    loaded = json.loads(text)
    assert (loaded[0] if several else loaded)["authority"] == documents[1]["authority"]
    if orjson:
        assert calls["wrote"] == 1


def test_a_number_orjson_cannot_write_is_written_by_json(documents, monkeypatch):
    pytest.importorskip("orjson")
    big = dict(documents[0], authority="Big", code=2**70)
    assert json.loads(json_format.compact(big))["code"] == 2**70
    assert json.loads("".join(json_format.render([big], False)))["code"] == 2**70


def test_a_document_kept_for_json_holds_what_the_run_reads_and_the_whole_text(documents):
    kept = json_format.encoded(lambda: documents[0])
    assert set(kept) == set(json_format.KEPT) and "findings" not in kept
    assert json.loads(kept.json) == json.loads(json.dumps(documents[0]))
    assert "".join(json_format.render([kept, kept], True)) == f"[{kept.json},{kept.json}]\n"


@pytest.mark.parametrize("output_format", ["json", "html", "csv", "markdown", "xlsx"])
def test_a_library_caller_renders_a_json_only_runs_documents_whole_in_any_format(tmp_path, output_format):
    """api.run(json_only=True) keeps each document as its JSON; rendered one at a time, or in another format,
    each is read back whole."""
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "stoke.yaml").write_text(STOKE.read_text())
    with api.run([tmp_path / "one"], json_only=True) as run:
        kept = list(run.results)
    assert isinstance(kept[0], json_format.Encoded)
    expected = api.check([STOKE]).documents
    rendered = api.render(kept, output_format, several=False)
    again = api.render([json_format.whole(kept[0])], output_format, several=False)
    if output_format == "xlsx":  # a zip: its entries carry the second they were written, so compare the cells
        assert _cells(rendered) == _cells(again)
    else:
        assert rendered == again
    if output_format == "json":
        assert json.loads(rendered)["findings"] == expected[0]["findings"]


def _cells(workbook: bytes) -> dict[str, list[tuple[object, ...]]]:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
