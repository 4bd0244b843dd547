"""--format json: one object for one metrics file (indented), an array for several (compact)."""

from __future__ import annotations

import json
from typing import Any

from .escaping import json_escaped


def render(documents: list[dict[str, Any]], several: bool, table_format: str = "simple") -> str:
    if not several:
        return json_escaped(json.dumps(documents[0], indent=2, ensure_ascii=False)) + "\n"
    # Several results are written compactly: a region's results run to tens of megabytes,
    # and only the compact form is written by json's C encoder (ten times faster).
    return json_escaped(json.dumps(documents, ensure_ascii=False, separators=(",", ":"))) + "\n"
