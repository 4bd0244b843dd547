"""--format csv: one row per judgement, per finding, per context figure, per rule a local pack disabled or
overrode, and per published indicator (the kind column says which), after a notice row when some grade is an
estimate from published figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..model import BENCHMARKS
from . import shape
from .escaping import spreadsheet

COLUMNS = ["authority", "code", "period", "kind", "id", "section", "title", "judgement", "status", "grade",
           "label", "score", "value", *BENCHMARKS, "timescale", "cites", "detail", "last_inspection"]


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    buffer = io.StringIO()
    writer = _SpreadsheetSafeWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for doc in documents:
        yield _taken(buffer)
        common = {"authority": doc["authority"], "code": doc["code"] or "", "period": doc["period"]}
        if doc.get("estimate_notice"):  # first, so that no one reads the grades without it
            writer.writerow({**common, "kind": "notice", "id": "estimate", "status": "estimate",
                             "detail": doc["estimate_notice"]})
        last = doc.get("last_inspection") or {}
        for judgement in doc["judgements"]:
            kind = judgement.get("kind") or ("judged" if judgement["grade"] else "not_judged")
            earlier = shape.last_grade(doc, judgement["id"])
            writer.writerow({**common, "kind": "judgement", "id": judgement["id"], "section": judgement["section"],
                             "title": judgement["title"], "judgement": judgement["id"], "status": kind,
                             "grade": judgement["grade"] or "", "label": judgement["label"] or "",
                             "score": judgement["score"] or "", "detail": judgement["basis"],
                             "last_inspection": f"{earlier} ({last['date']})" if earlier else ""})
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
        for item in doc.get("context", []):
            writer.writerow({**common, "kind": "context", "id": item["metric"], "title": item["title"],
                             "status": "context", "value": "" if item["value"] is None else item["value"],
                             **{name: item["benchmarks"].get(name, "") for name in BENCHMARKS},
                             "detail": "; ".join(f"{name} {cell}" for name, cell in zip(
                                 shape.FIGURE_HEADERS[4:], shape.figure_cells(item)[4:], strict=True) if cell)})
        for item in shape.local_changes(doc):  # what a local pack changed of the pack it extends
            writer.writerow({**common, "kind": "pack_change", "id": item["rule"], "status": item["change"],
                             "detail": item["detail"]})
        for item in doc.get("indicators", []):
            writer.writerow({**common, "kind": "indicator", "id": item["id"], "title": item["title"],
                             "judgement": " ".join(item.get("estimates", [])),
                             "status": item["signal"] or "not_published",
                             "value": "" if item["value"] is None else item["value"],
                             **{name: item["benchmarks"].get(name, "") for name in BENCHMARKS},
                             "cites": " ".join(item["cites"]), "detail": item["evidence"]})
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
