"""comply check's arguments read without click, when they are plain: the quick path of main.run.

Importing click and building its commands is a tenth of a check's time. A command line made only of
``check``, metrics files and check's own options, each written plainly (``--pack P``, ``--pack=P``,
``-o FILE``, ``-q``), is read here into what click would make of it; anything else (help, an unknown
or misspelt option, an empty value, ``-qo``, ``--``, a value that starts with ``-``, a folder given as a
file option, a comply.yaml to take defaults from) is left to click, which says what click says. The
options are declared in cli/__init__.py; a test holds this reading to that declaration.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: check's options that take a value, by each of their names: (parameter, repeatable, a file)
VALUES: dict[str, tuple[str, bool, bool]] = {
    "--pack": ("pack", False, False),
    "--format": ("output_format", False, False),
    "-o": ("outputs", True, True),
    "--output": ("outputs", True, True),
    "--table-format": ("table_format", False, False),
    "--fail-on": ("fail_on", False, False),
    "--only": ("only", True, False),
    "--waivers": ("waivers", False, True),
    "--benchmarks": ("benchmarks", False, True),
    "--record": ("record", False, True),
    "--rank": ("rank", False, False),
}
#: check's flags: (parameter, the value it sets)
FLAGS: dict[str, tuple[str, bool]] = {
    "-q": ("quiet", True),
    "--quiet": ("quiet", True),
    "--strict": ("strict", True),
    "--progress": ("progress", True),
    "--no-progress": ("progress", False),
}
#: each parameter's value when its option is not given
DEFAULTS: dict[str, Any] = {"pack": None, "output_format": "table", "outputs": (), "table_format": "simple",
                            "quiet": False, "fail_on": "inadequate", "strict": False, "only": (), "waivers": None,
                            "benchmarks": None, "record": None, "rank": None, "progress": None}


def check_arguments(arguments: list[str], formats: Any) -> dict[str, Any] | None:
    """The keyword arguments of main.check for a plain ``comply check`` command line (``metrics`` and
    ``explicit_format`` with them), or None when click should read it. ``formats`` are --format's choices."""
    if arguments[:1] != ["check"]:
        return None
    from .config import find

    if find(Path.cwd()) is not None:  # a comply.yaml's defaults: click reads them
        return None
    given: dict[str, Any] = {}
    metrics: list[str] = []
    words = iter(arguments[1:])
    for word in words:
        name, equals, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in FLAGS and not equals:
            parameter, setting = FLAGS[name]
            given[parameter] = setting
        elif name in VALUES:
            value = attached if equals else next(words, None)
            parameter, repeatable, is_file = VALUES[name]
            if value is None or not value.strip() or value.startswith("-") or is_file and not _plain_file(value):
                return None
            given[parameter] = (*given.get(parameter, ()), value) if repeatable else value
        elif word.startswith("-") or not word.strip():
            return None
        else:
            metrics.append(word)
    if not metrics or given.get("output_format", "table") not in formats:
        return None
    options = {**DEFAULTS, **given, "metrics": tuple(metrics), "explicit_format": "output_format" in given}
    options["outputs"] = tuple(Path(path) for path in options["outputs"])
    return options


def _plain_file(path: str) -> bool:
    """What click.Path(dir_okay=False) takes without a word: a path that is not there, or a readable non-folder."""
    try:
        return not os.path.isdir(path) and (not os.path.exists(path) or os.access(path, os.R_OK))
    except (OSError, ValueError):
        return False
