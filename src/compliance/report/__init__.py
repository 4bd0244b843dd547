"""Formatters: each renders result documents (report.document) and never re-evaluates.

A formatter is a module in this package with ``render(documents, several) -> str``
(``several``: the run was given several metrics files, or a folder); FORMATS
maps the name ``--format`` takes to the module, imported only when used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Protocol


class Formatter(Protocol):
    def render(self, documents: list[dict[str, Any]], several: bool) -> str: ...


#: --format name -> module under compliance.report
FORMATS: dict[str, str] = {
    "table": "table",
    "json": "json_format",
}


def formatter(name: str) -> Formatter:
    return import_module(f"{__name__}.{FORMATS[name]}")  # type: ignore[return-value]
