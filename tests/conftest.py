from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

# The suite keeps its pack cache to itself.
os.environ["COMPLY_CACHE_DIR"] = tempfile.mkdtemp(prefix="comply-test-cache-")

HERE = Path(__file__).parent
MINI = HERE / "packs" / "mini"
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def write(tmp_path: Path):
    """Write a dedented text file under tmp_path and return its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def mini_copy(tmp_path: Path):
    """A writable copy of the mini pack, to break in one place."""
    target = tmp_path / "pack"
    shutil.copytree(MINI, target)
    return target
