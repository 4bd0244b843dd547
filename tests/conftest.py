from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

# The suite keeps its pack cache to itself.
os.environ["COMPLY_CACHE_DIR"] = tempfile.mkdtemp(prefix="comply-test-cache-")

HERE = Path(__file__).parent
MINI = HERE / "packs" / "mini"
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"


def benchmark(name: str) -> Any:
    """A script module of benchmarks/ (ilacs_data, ilacs_calibrate, ...), imported as the scripts import each other."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


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
