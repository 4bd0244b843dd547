"""Formatters: each renders result documents (report.document) and never re-evaluates.

A formatter is a module in this package with
``render(documents, several, table_format)``, giving the text in pieces (an authority's
report at a time, so a region's output is written as it is made and never held whole) or,
for a binary format, bytes. ``documents`` is a sequence read one document at a time (a
region's come from a spool.Spool on disk); ``several`` says the run was given several
metrics files or a folder; ``table_format`` is tabulate's table style for the text formats
that use it. FORMATS maps the name ``--format`` takes to the module
(imported only when used) and the file extensions that select it for ``-o``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extensions: tuple[str, ...]
    binary: bool = False


FORMATS: dict[str, Format] = {
    item.name: item
    for item in (
        Format("table", "table", (".txt",)),
        Format("markdown", "markdown", (".md", ".markdown")),
        Format("html", "html", (".html", ".htm")),
        Format("csv", "csv_format", (".csv",)),
        Format("json", "json_format", (".json",)),
        Format("junit", "junit", (".xml",)),
        Format("xlsx", "xlsx", (".xlsx",), binary=True),
    )
}


def format_for(path: Path) -> str | None:
    """The format a file's extension asks for, or None."""
    suffix = path.suffix.lower()
    return next((f.name for f in FORMATS.values() if suffix in f.extensions), None)


def render(name: str, documents: Sequence[dict[str, Any]], several: bool,
           table_format: str = "simple") -> Iterable[str] | bytes:
    module = import_module(f"{__name__}.{FORMATS[name].module}")
    if name != "json":  # a document kept only as JSON (json_format.Encoded) is read back whole for another format
        from .json_format import Whole

        documents = Whole(documents)
    return module.render(documents, several, table_format)  # type: ignore[no-any-return]


def joined(parts: Iterable[str], separator: str = "\n\n", end: str = "\n") -> Iterator[str]:
    """``separator.join(parts) + end``, a part at a time."""
    for index, part in enumerate(parts):
        yield separator + part if index else part
    yield end
