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
    document = api.check([STOKE]).documents[0]
    hostile = json.loads(json.dumps(document))
    hostile["authority"] = "a\x7fb \x1b[31m one\u2028two \u202e caf\u00e9 \ud800"
    hostile["values"]["tiny"] = {"value": 1e-05, "huge": 1.5e17, "whole": 10**15}
    return [document, hostile]


def without_orjson(monkeypatch):
    monkeypatch.setattr(json_format, "_orjson", lambda: None)


@pytest.mark.parametrize("several", [False, True], ids=["one", "several"])
def test_orjson_and_json_write_the_same_data(documents, several, monkeypatch):
    pytest.importorskip("orjson")
    fast = "".join(json_format.render(documents if several else documents[:1], several))
    without_orjson(monkeypatch)
    plain = "".join(json_format.render(documents if several else documents[:1], several))
    assert json.loads(fast) == json.loads(plain)
    # the text is the same but for how a float below 0.0001 is spelt (orjson 0.00001, json 1e-05)
    assert fast.replace("0.00001", "1e-05") == plain


@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "json"])
@pytest.mark.parametrize("several", [False, True], ids=["one", "several"])
def test_what_a_reader_may_not_show_is_escaped_and_kept(documents, several, orjson, monkeypatch):
    if orjson:
        pytest.importorskip("orjson")
    else:
        without_orjson(monkeypatch)
    text = "".join(json_format.render(documents if several else documents[1:], several))
    for raw, escaped in (("\x7f", "\\u007f"), ("\x1b", "\\u001b"), ("\u2028", "\\u2028"), ("\u202e", "\\u202e"),
                         ("\ud800", "\\ud800")):
        assert raw not in text and escaped in text
    assert "caf\u00e9" in text  # what can be shown is written as it is
    loaded = json.loads(text)
    assert (loaded[-1] if several else loaded)["authority"] == documents[1]["authority"]


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
