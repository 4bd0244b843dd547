"""comply as a library: check metrics files, get their result documents, render them in a format.

    from compliance import api

    checked = api.check(["metrics.yaml"])          # or pack="ofsted-ilacs", fail_on="never", ...
    checked.status                                  # 0, 1 or 2, as the command line would exit
    [str(problem) for problem in checked.problems]  # file:line:col: what is wrong
    html = api.render(checked.documents, "html")    # text; "xlsx" gives bytes

The command line and the browser page are built on these. Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import EXIT_ERROR, EXIT_OK, Problem

if TYPE_CHECKING:
    from .runner import CheckRun


@dataclass
class Checked:
    """A check's outcome: a result document per metrics file that could be checked, the problems of
    those that could not, and the exit status the command line would give."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    several: bool = False
    status: int = EXIT_OK


def packs() -> list[str]:
    """The bundled packs and pack families, by the id --pack takes."""
    from .packs import bundled_packs

    return bundled_packs()


def run(paths: Sequence[str | Path], *, pack: str | None = None, fail_on: str = "inadequate",
        strict: bool = False, only: Sequence[str] = (), waivers: str | None = None,
        benchmarks: str | None = None, history: str | None = None, rank: str | None = None,
        on_file: Callable[[int, int], None] | None = None, json_only: bool = False) -> CheckRun:
    """Check metrics files: ``.results`` is each file's result document, in order, a region's kept on disk
    and read back one at a time (never held whole), ``.problems`` the files that could not be checked. Use it
    as a context manager (``with api.run(paths) as run:``), or close it when done. ``json_only``: the
    documents of several files will be written only as JSON, so write each where it is made (in parallel,
    for a region), and keep of it the text and what the run's status needs (report.json_format.Encoded)."""
    from .report.document import document
    from .report.json_format import encoded
    from .runner import check as run_check

    make = partial(document, fail_on=fail_on, rank=rank)
    return run_check([str(path) for path in paths], pack=pack, strict=strict, only=tuple(only), waivers=waivers,
                     benchmarks=benchmarks, history=history, transform=make,
                     several_transform=partial(encoded, make) if json_only else None, on_file=on_file)


def check(paths: Sequence[str | Path], *, pack: str | None = None, fail_on: str = "inadequate",
          strict: bool = False, only: Sequence[str] = (), waivers: str | None = None,
          benchmarks: str | None = None, history: str | None = None) -> Checked:
    """Check metrics files (or folders of them), as ``comply check`` does, without writing anything."""
    with closing(run(paths, pack=pack, fail_on=fail_on, strict=strict, only=only, waivers=waivers,
                     benchmarks=benchmarks, history=history)) as running:
        documents = list(running.results)
        checked = Checked(documents, list(running.problems), running.several)
    checked.status = EXIT_ERROR if checked.problems else status(documents, fail_on)
    return checked


def status(documents: Sequence[dict[str, Any]], fail_on: str) -> int:
    """1 when a judgement of any document is at or worse than ``fail_on`` (a grade id, or never), else 0;
    ValueError when ``fail_on`` is neither never nor a grade of every document's pack."""
    from .problems import BadValue
    from .runner import exit_status

    try:
        return exit_status(documents, fail_on)
    except BadValue as error:
        raise ValueError(error.message) from None


def render(documents: Sequence[dict[str, Any]], format: str, *, several: bool | None = None,
           table_format: str = "simple") -> str | bytes:
    """The documents in a format (table, markdown, html, csv, json, junit: text; xlsx: bytes)."""
    output = pieces(documents, format, several=several, table_format=table_format)
    return output if isinstance(output, bytes) else "".join(output)


def pieces(documents: Sequence[dict[str, Any]], format: str, *, several: bool | None = None,
           table_format: str = "simple") -> Iterable[str] | bytes:
    """As render, but text comes a piece at a time as it is drawn (for writing a region's output as it goes)."""
    from .report import FORMATS
    from .report import render as render_format

    if format not in FORMATS:
        raise ValueError(f"no format {format!r}; the formats are {', '.join(FORMATS)}")
    return render_format(format, documents, len(documents) > 1 if several is None else several, table_format)
