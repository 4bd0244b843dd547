"""comply where the browser puts it: no libyaml, no jsonschema, and an os.fork that cannot be used."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from compliance import api, schema, workers
from compliance.loader import read_yaml

from .conftest import MINI, ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"

# Run in a fresh interpreter where the C YAML loader, jsonschema and orjson cannot be imported, as in Pyodide
WITHOUT = """
import sys
sys.modules["yaml._yaml"] = None  # libyaml's binding: `from yaml import CSafeLoader` now fails
sys.modules["jsonschema"] = None
sys.modules["orjson"] = None
"""


def in_browser_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", WITHOUT + textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_stoke_without_libyaml_or_jsonschema_gives_the_same_record():
    out = in_browser_python(f"""
        import json
        import yaml
        from compliance import api, loader
        assert not yaml.__with_libyaml__ and loader._Loader is yaml.SafeLoader, "libyaml still in use"
        checked = api.check([{str(STOKE)!r}])
        print(json.dumps([[j["id"], j["label"]] for j in checked.documents[0]["judgements"]]))
    """)
    here = api.check([STOKE]).documents[0]["judgements"]
    assert json.loads(out) == [[j["id"], j["label"]] for j in here]


@pytest.mark.parametrize("text", [
    "authority: 12\nperiod: 2010-11\nmetrics: {}\n",
    "authority: A\nperiod: 2010-11\nmetrics:\n  x: {value: 1, colour: red}\n",
    "authority: A\nperiod: 2010-11\nmetrics:\n  x: {numerator: 3}\n",
    "authority: A\nperiod: twenty-ten\nmetrics: {}\n",
    "period: 2010-11\nmetrics: {}\n",
    "authority: A\nperiod: 2010-11\nmetrics:\n  x: {value: 1, history: {2009: 3}}\n",
    "authority: A\nperiod: 2010-11\nmetrics:\n  x: [1, 2]\n",
], ids=["type", "unknown-key", "needs-denominator", "pattern", "required", "history-key", "list"])
def test_without_jsonschema_the_first_problem_is_positioned_and_worded_as_with_it(tmp_path, text):
    path = tmp_path / "metrics.yaml"
    path.write_text(text)
    every = schema.validate(read_yaml(path), "metrics")
    assert every, "the example should be invalid"
    out = in_browser_python(f"""
        from compliance import schema
        from compliance.loader import read_yaml
        for problem in schema.validate(read_yaml({str(path)!r}), "metrics"):
            print(problem)
    """)
    [line] = out.splitlines()  # one problem, however many there are
    assert line.endswith(schema.FIRST_ONLY)
    assert line.removesuffix(schema.FIRST_ONLY) in {str(problem) for problem in every}


def test_without_jsonschema_a_check_of_an_invalid_file_is_a_problem_not_a_crash(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(STOKE.read_text().replace("authority: Stoke-on-Trent", "authority: 12", 1))
    out = in_browser_python(f"""
        from compliance import api
        checked = api.check([{str(bad)!r}])
        print(checked.status, *checked.problems, sep="\\n")
    """)
    status, problem = out.splitlines()
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if text.startswith("authority:"))
    assert status == "2" and problem.startswith(f"{bad}:{line}:12: authority should be text, not the number 12")


def test_the_browser_checks_a_region_in_one_process(monkeypatch):
    monkeypatch.setenv("COMPLY_WORKERS", "2")
    assert workers.count(40) == 2
    monkeypatch.setattr(sys, "platform", "emscripten")  # os.fork is there, and raises ENOSYS
    assert workers.count(40) == 1


def test_where_no_pool_can_be_made_a_region_is_checked_in_one_process(tmp_path, monkeypatch):
    import multiprocessing.context

    made = []

    def no_pool(*args, **kwargs):
        made.append(args)
        raise ImportError("No module named '_multiprocessing'")  # as on a Python built without it

    monkeypatch.setenv("COMPLY_WORKERS", "2")
    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", no_pool)
    for n in range(10):
        metrics = f"authority: A{n}\nperiod: 2010-11\nmetrics:\n  health_check_pct: {80 + n}\n"
        (tmp_path / f"a{n}.yaml").write_text(metrics)
    checked = api.check([tmp_path], pack=str(MINI), fail_on="never")
    assert checked.problems == [] and sorted(d["authority"] for d in checked.documents) == [f"A{n}" for n in range(10)]
    assert made, "no pool was asked for"


def test_a_region_written_as_json_without_orjson_is_the_same_data(tmp_path):
    for n in range(10):
        metrics = f"authority: A{n}\nperiod: 2010-11\nmetrics:\n  health_check_pct: {80 + n}\n"
        (tmp_path / f"a{n}.yaml").write_text(metrics)
    out = in_browser_python(f"""
        import sys
        from compliance.main import run
        sys.argv = ["comply", "check", {str(tmp_path)!r}, "--pack", {str(MINI)!r}, "--format", "json",
                    "--fail-on", "never"]
        try:
            run()
        finally:
            assert "orjson" not in sys.modules or sys.modules["orjson"] is None
    """)
    here = api.check([tmp_path], pack=str(MINI), fail_on="never").documents
    there = json.loads(out)
    for a, b in zip(there, here, strict=True):
        a["run"]["at"] = b["run"]["at"] = None
        assert a == b
