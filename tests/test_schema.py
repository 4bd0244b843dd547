"""The fast validators generated from the schemas: current, and agreeing with jsonschema."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from compliance.loader import Document, read_yaml
from compliance.model import InputError
from compliance.schema import SCHEMAS, _fast, _validator, schema, validate

from .conftest import ROOT

SCHEMA_DIR = ROOT / "src" / "compliance" / "schemas"


@pytest.mark.parametrize("name", SCHEMAS)
def test_generated_validators_are_current(name):
    module = importlib.import_module(f"compliance.validators.{name.replace('-', '_')}")
    current = hashlib.sha256((SCHEMA_DIR / f"{name}.schema.json").read_bytes()).hexdigest()
    assert current == module.SCHEMA_SHA256, "a schema changed: run python tools/generate_validators.py"


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_are_valid_json_schemas(name):
    Draft202012Validator.check_schema(schema(name))


def fast_accepts(name: str, data: object) -> bool:
    try:
        _fast(name)(data)
        return True
    except Exception:
        return False


def yaml_files() -> list[tuple[str, Path]]:
    """Every fixture that reads as YAML, with its schema; a file the loader refuses never reaches a validator
    (tests/test_bad_inputs.py pins what it says of each)."""
    files = [("metrics", p) for p in (ROOT / "tests" / "bad-inputs" / "metrics").glob("*.yaml")]
    files += [("metrics", ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml")]
    for pack in (ROOT / "rules" / "ofsted-slac-2011", ROOT / "tests" / "packs" / "mini"):
        files += [("pack", pack / "pack.yaml"), ("catalogue", pack / "metrics.yaml")]
        files += [("rules", p) for p in (pack / "rules").glob("*.yaml")]
        files += [("pack-tests", p) for p in (pack / "tests").glob("*.yaml")]
    return [(name, path) for name, path in sorted(files) if _reads(path)]


def _reads(path: Path) -> bool:
    try:
        read_yaml(path)
    except InputError:
        return False
    return True


def test_the_fixtures_hold_valid_and_invalid_files_for_both_validators():
    verdicts = {fast_accepts(name, read_yaml(path).data) for name, path in yaml_files()}
    assert len(yaml_files()) >= 40 and verdicts == {True, False}


@pytest.mark.parametrize(("name", "path"), yaml_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_fast_and_full_validation_agree_on_every_fixture(name, path):
    data = read_yaml(path).data
    assert fast_accepts(name, data) == (not list(_validator(name).iter_errors(data)))


values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                   max_size=3), max_leaves=10)
keys = st.sampled_from(["value", "numerator", "denominator", "national", "previous", "history", "note",
                        "estimated", "target", "x"])


@settings(max_examples=300, deadline=None, database=None)
@given(metrics=st.dictionaries(st.sampled_from(["a_pct", "b", "c"]), values | st.dictionaries(keys, values)),
       top=st.dictionaries(st.sampled_from(["authority", "period", "code", "as_of", "waivers", "other"]), values))
def test_fast_and_full_validation_agree_on_generated_metrics(metrics, top):
    data = {"authority": "A", "period": "2010-11", **top, "metrics": metrics}
    data = yaml.safe_load(yaml.safe_dump(data))  # only what YAML can hold
    assert fast_accepts("metrics", data) == (not list(_validator("metrics").iter_errors(data)))


def test_only_an_invalid_file_reaches_jsonschema(monkeypatch):
    import compliance.schema as module

    asked = []
    monkeypatch.setattr(module, "_validator", lambda name: asked.append(name) or _validator(name))
    valid = read_yaml(ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml")
    assert validate(valid, "metrics") == [] and asked == []
    problems = validate(Document("x.yaml", {"authority": "A", "period": "2010-11"}), "metrics")
    assert [p.message for p in problems] == ["the file is missing the required key 'metrics'"]
    assert asked == ["metrics"]
