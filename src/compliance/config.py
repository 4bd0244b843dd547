"""The project config file, comply.yaml: defaults for ``comply check`` in scheduled runs.

Found as ``--config FILE``, else comply.yaml in the working folder or the nearest folder
above it. Its values become the defaults of ``comply check``'s options, so an option given
on the command line always wins. Paths in it are relative to the file's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import InputError, Location, Problem
from .packs import bundled_packs
from .schema import read_checked

NAME = "comply.yaml"
#: config key -> the option of ``comply check`` it sets (click's parameter name)
OPTIONS = {"pack": "pack", "benchmarks": "benchmarks", "waivers": "waivers", "history": "record",
           "outputs": "outputs", "format": "output_format", "table_format": "table_format", "fail_on": "fail_on"}
PATHS = {"benchmarks", "waivers", "history", "outputs"}


def found(given: Path | None, start: Path) -> Path | None:
    """The config file: the one given, else comply.yaml in ``start`` or the nearest folder above; InputError
    when the one given is not there."""
    path = given or find(start)
    if path is not None and not path.is_file():
        raise InputError([Problem(Location(str(path)), "no such config file")])
    return path


def find(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / NAME
        if candidate.is_file():
            return candidate
    return None


def defaults(path: Path) -> dict[str, Any]:
    """``comply check``'s option defaults from the config file at ``path``; InputError if it is wrong."""
    data = read_checked(path, "config").data
    base = path.parent

    def resolve(value: str) -> str:
        return str(base / value)

    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in PATHS:
            value = [resolve(item) for item in value] if isinstance(value, list) else resolve(value)
        elif key == "pack" and (base / value).is_dir():
            value = resolve(value)  # a folder beside the config; otherwise a bundled pack's id
        elif key == "pack" and value not in bundled_packs():
            raise InputError([Problem(where(path, key), f"pack: no pack {value!r}: not a folder beside {NAME}, "
                                      f"nor a bundled pack ({', '.join(bundled_packs())})")])
        result[OPTIONS[key]] = value
    return result


def where(path: Path, key: str) -> Location:
    """Where the config file at ``path`` sets ``key``: for an option's value that turned out to be wrong."""
    return read_checked(path, "config").where((key,))
