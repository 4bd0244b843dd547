"""--format csv: one row per judgement and one per finding (the kind column says which)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..model import BENCHMARKS
from .escaping import spreadsheet

COLUMNS = ["authority", "code", "period", "kind", "id", "section", "title", "judgement", "status", "grade",
           "label", "score", "value", *BENCHMARKS, "timescale", "cites", "detail"]


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    buffer = io.StringIO()
    writer = _SpreadsheetSafeWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for doc in documents:
        yield _taken(buffer)
        common = {"authority": doc["authority"], "code": doc["code"] or "", "period": doc["period"]}
        for judgement in doc["judgements"]:
            writer.writerow({**common, "kind": "judgement", "id": judgement["id"], "section": judgement["section"],
                             "title": judgement["title"], "judgement": judgement["id"],
                             "status": "judged" if judgement["grade"] else "not_judged",
                             "grade": judgement["grade"] or "", "label": judgement["label"] or "",
                             "score": judgement["score"] or "", "detail": judgement["basis"]})
        for finding in doc["findings"]:
            value = finding["value"]
            writer.writerow({**common, "kind": "finding", "id": finding["rule"], "title": finding["title"],
                             "judgement": finding["judgement"], "status": finding["status"],
                             "grade": finding["grade"] or "", "label": finding["label"] or "",
                             "score": finding["score"] or "",
                             "value": "" if value is None else ("yes" if value is True else "no")
                             if isinstance(value, bool) else value,
                             **{name: finding["benchmarks"].get(name, "") for name in BENCHMARKS},
                             "timescale": finding["timescale"] or "", "cites": " ".join(finding["cites"]),
                             "detail": finding["evidence"]})
    yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What the buffer holds, leaving it empty: the rows so far, written an authority at a time."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


class _SpreadsheetSafeWriter(csv.DictWriter):  # type: ignore[type-arg]
    """Rows whose text cells a spreadsheet reads as text, never as a formula (escaping.spreadsheet)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({name: spreadsheet(cell) for name, cell in rowdict.items()})
