"""--format json: one object for one metrics file, an array for several (result.schema.json)."""

from __future__ import annotations

import json
from typing import Any


def render(documents: list[dict[str, Any]], several: bool, table_format: str = "simple") -> str:
    payload: Any = documents if several else documents[0]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
