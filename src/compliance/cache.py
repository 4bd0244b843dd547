"""A cache of loaded packs, so a check does not parse and validate the same pack every run.

A loaded pack is stored (pickled) under a key made from the bytes of the pack's files, of
comply's own pack-building code and schemas, and the Python version (conditions are kept as
its compiled code), so an edited rule, an upgraded comply or another Python never meets a
stale entry; a local pack's entry also records its parents' keys. Because
a pickle can carry code, an entry is read only from a folder and file that belong to the
user running comply and that no one else can write; anything else is ignored and the
pack is built afresh. The folder is $COMPLY_CACHE_DIR, else $XDG_CACHE_HOME/comply, else
~/.cache/comply; COMPLY_CACHE_DIR=off turns the cache off. Any failure to read or write
the cache is silent: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from .model import Pack

#: comply's files whose changes change how a pack is built
_BUILDERS = ("packs.py", "builder.py", "catalogue.py", "judgements.py", "rulefiles.py", "extends.py", "estimates.py",
             "model.py", "expressions.py", "loader.py", "schema.py")


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    configured = os.environ.get("COMPLY_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "comply"


@cache
def _code_key() -> bytes:
    here = Path(__file__).parent
    digest = hashlib.sha256(sys.version.encode())  # a pack holds its conditions' code, which is this Python's
    for path in [*(here / name for name in _BUILDERS), *sorted((here / "schemas").glob("*.json"))]:
        digest.update(path.read_bytes())
    return digest.digest()


def pack_key(pack_folder: Path) -> str:
    """A key for the pack's own files as they are now (parents are checked separately).

    The folder is part of it: a pack's problems and rules carry their files' paths.
    """
    digest = hashlib.sha256(_code_key())
    digest.update(str(pack_folder.resolve()).encode() + b"\0")
    digest.update(files_digest.__wrapped__(str(pack_folder)).encode())  # now, not as first read
    return digest.hexdigest()


@cache
def files_digest(pack_folder: str) -> str:
    """sha256 of a pack's own files (pack.yaml, metrics.yaml, estimates.yaml, rules/*.yaml), recorded with each run."""
    digest = hashlib.sha256()
    folder = Path(pack_folder)
    for path in [folder / "pack.yaml", folder / "metrics.yaml", folder / "estimates.yaml",
                 *sorted((folder / "rules").glob("*.yaml"))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(pack_folder: Path, build: Callable[[], Pack], parent_folder: Callable[[Pack], list[Path]],
         variant: str = "") -> Pack:
    """The pack from the cache when its files (and its parents') are unchanged, else ``build()``.
    ``variant`` tells apart builds of one folder (a local pack extending another version of a family)."""
    where = folder()
    if where is None:
        return build()
    try:
        key = pack_key(pack_folder)
    except OSError:
        return build()
    if variant:
        key = hashlib.sha256(f"{key}\0{variant}".encode()).hexdigest()
    entry = where / f"{key}.pickle"
    cached = _read(entry)
    if cached is not None:
        pack, parents = cached
        if all(_safe_key(Path(path)) == parent_key for path, parent_key in parents):
            return pack
    pack = build()
    _write(where, entry, (pack, [(str(path), _safe_key(path)) for path in parent_folder(pack)]))
    return pack


def _safe_key(path: Path) -> str:
    try:
        return pack_key(path)
    except OSError:
        return ""


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path) -> tuple[Pack, list[tuple[str, str]]] | None:
    try:
        if not (entry.is_file() and _private(entry) and _private(entry.parent)):
            return None
        with entry.open("rb") as stream:
            value = pickle.load(stream)
    except Exception:  # a damaged or foreign entry is no entry: rebuild
        return None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Pack):
        return value
    return None


def _write(where: Path, entry: Path, value: object) -> None:
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(where):
            return
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(temporary, 0o600)
        os.replace(temporary, entry)
    except Exception:  # a read-only or full disk only costs the next run the build
        return
