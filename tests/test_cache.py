"""The pack cache: used while nothing changed, never trusted when it should not be."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance import cache
from compliance.packs import build_pack, load_pack

from .conftest import MINI, ROOT


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """Load a copy of the mini pack through the cache, counting the real builds."""
    monkeypatch.setenv("COMPLY_CACHE_DIR", str(tmp_path / "cache"))
    pack_folder = tmp_path / "pack"
    shutil.copytree(MINI, pack_folder)
    builds = []

    def load(folder=pack_folder):
        def build():
            builds.append(folder)
            return build_pack(folder)
        return cache.load(folder, build, lambda pack: [Path(p) for p in pack.parent_paths])

    return pack_folder, load, builds


def test_an_unchanged_pack_comes_from_the_cache(counted):
    folder, load, builds = counted
    first, second = load(), load()
    assert len(builds) == 1
    assert second.path == str(folder)
    assert [(r.id, [b.condition.text for b in r.bands]) for r in second.rules] == \
        [(r.id, [b.condition.text for b in r.bands]) for r in first.rules]
    assert second.metrics == first.metrics and second.judgements == first.judgements


def test_editing_a_rule_file_rebuilds(counted):
    folder, load, builds = counted
    load()
    rules = folder / "rules" / "rules.yaml"
    rules.write_text(rules.read_text().replace("good: value >= 80", "good: value >= 85"))
    pack = load()
    assert len(builds) == 2
    assert next(r for r in pack.rules if r.id == "DENTAL").bands[0].condition.text == "value >= 85"


def test_a_changed_parent_rebuilds_the_child(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLY_CACHE_DIR", str(tmp_path / "cache"))
    parent, child = tmp_path / "parent", tmp_path / "child"
    shutil.copytree(MINI, parent)
    child.mkdir()
    (child / "pack.yaml").write_text("id: child\ntitle: Child\nversion: 1.0.0\nextends: ../parent\n")
    builds = []

    def load():
        def build():
            builds.append(child)
            return build_pack(child)
        return cache.load(child, build, lambda pack: [Path(p) for p in pack.parent_paths])

    load()
    load()
    assert len(builds) == 1
    (parent / "rules" / "rules.yaml").write_text((parent / "rules" / "rules.yaml").read_text()
                                                 .replace("Improve dental checks.", "Improve dental care."))
    load_pack.cache_clear()  # as in the next run: a new process
    assert next(r for r in load().rules if r.id == "DENTAL").recommendation == "Improve dental care."
    assert len(builds) == 2


def test_a_cache_others_can_write_is_not_trusted(counted, tmp_path):
    folder, load, builds = counted
    load()
    (tmp_path / "cache").chmod(0o777)
    load()
    assert len(builds) == 2


def test_a_damaged_entry_is_rebuilt(counted, tmp_path):
    folder, load, builds = counted
    load()
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert load().id == "mini"
    assert len(builds) == 2


def test_off_and_unwritable(counted, tmp_path, monkeypatch):
    folder, load, builds = counted
    monkeypatch.setenv("COMPLY_CACHE_DIR", "off")
    load()
    load()
    assert len(builds) == 2
    monkeypatch.setenv("COMPLY_CACHE_DIR", str(ROOT / "README.md" / "not-a-folder"))
    assert load().id == "mini"


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("COMPLY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "comply"
