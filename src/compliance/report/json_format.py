"""--format json: one object for one metrics file (indented), an array for several (compact)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from .escaping import json_escaped


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    if not several:
        yield json_escaped(json.dumps(documents[0], indent=2, ensure_ascii=False)) + "\n"
        return
    # Several results are written compactly, an authority at a time: a region's results run to
    # hundreds of megabytes, and only the compact form is written by json's C encoder (ten times faster).
    yield "["
    for index, document in enumerate(documents):
        yield ("," if index else "") + json_escaped(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    yield "]\n"
