"""The HTML report's pictures, as numbers for its SVG: pure functions of result documents.

Every chart is drawn in the template as inline SVG (the page stays one file that works
offline); these functions only place things. Each picture carries its words too (labels,
titles, an aria-label), so it reads without colour and without sight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import shape

DOT_WIDTH = 160  # px of a figure's dot strip
_MARKS = (("national", "England"), ("region", "region"), ("neighbours", "neighbours"))


def short(label: str) -> str:
    """A grade as a chart point or a crowded cell shows it: Outstanding O, Requires improvement RI."""
    if not label or label == "Not judged":
        return "n/j"
    if label == shape.NOT_ESTIMABLE:
        return "n/e"
    estimate = label.endswith(" (estimate)")
    words = label.removesuffix(" (estimate)").split()
    text = "RI" if words[:2] == ["Requires", "improvement"] else words[0][0]
    return text + ("*" if estimate else "")


def compact(label: str) -> str:
    """A grade for a comparison cell: the word, RI for requires improvement, * for an estimate."""
    if not label:
        return "Not judged"
    if label == shape.NOT_ESTIMABLE:
        return "n/e"
    estimate = label.endswith(" (estimate)")
    text = label.removesuffix(" (estimate)")
    return ("RI" if text.startswith("Requires improvement") else text) + ("*" if estimate else "")


def dots(figure: dict[str, Any]) -> dict[str, Any] | None:
    """A figure against England, its region and its neighbours on one scale: the authority a filled
    dot, each comparator an open mark, the better end named. None without a figure or a comparator."""
    value = figure.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    benchmarks = figure.get("benchmarks") or {}
    points = [(name, word, benchmarks[name]) for name, word in _MARKS
              if isinstance(benchmarks.get(name), int | float) and not isinstance(benchmarks.get(name), bool)]
    if not points:
        return None
    values = [value, *(number for _, _, number in points)]
    low, high = min(values), max(values)
    spread = (high - low) or max(abs(high), 1) * 0.1
    low, high = low - spread * 0.15, high + spread * 0.15

    def x(number: float) -> float:
        return round(10 + (DOT_WIDTH - 20) * (number - low) / (high - low), 1)

    unit = "%" if figure.get("unit") == "percent" else ""

    def text(number: float) -> str:
        return f"{number:.1f}{unit}" if figure.get("unit") in ("percent", "rate") else f"{number:g}{unit}"

    polarity = figure.get("polarity")
    better = "higher is better" if polarity == "higher_better" else "lower is better" \
        if polarity == "lower_better" else ""
    marks: list[dict[str, Any]] = [{"kind": name, "x": x(number), "label": f"{word} {text(number)}"}
                                   for name, word, number in points]
    words = f"{figure.get('title', '')}: {text(value)}; " + "; ".join(mark["label"] for mark in marks)
    return {"width": DOT_WIDTH, "x": x(value), "label": text(value), "marks": marks,
            "aria": words + (f" ({better})" if better else ""), "better": better}


def evidence_bars(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each judgement's own rules by grade (best first) and those not graded: the evidence behind it."""
    scale = [grade["label"] for grade in doc["scale"]]
    bars = []
    for judgement in doc["judgements"]:
        findings = [f for f in doc["findings"] if f["judgement"] == judgement["id"]]
        if not findings:
            continue
        counts = [sum(1 for f in findings if f["status"] == "graded" and f["label"] == label) for label in scale]
        missing = len(findings) - sum(counts)
        segments, start = [], 0.0
        for position, (label, count) in enumerate(zip(scale, counts, strict=True), 1):
            if count:
                width = 300 * count / len(findings)
                segments.append({"x": round(start, 1), "width": round(width, 1), "count": count, "label": label,
                                 "step": 1 if position == 1 else len(scale) if position == len(scale)
                                 else min(position, 3)})
                start += width
        bars.append({"title": judgement["title"], "grade": shape.label(judgement), "segments": segments,
                     "missing": missing, "missing_x": round(start, 1), "missing_width": round(300 - start, 1),
                     "total": len(findings),
                     "aria": f"{judgement['title']}: " + ", ".join(f"{count} {label}" for label, count
                                                                   in zip(scale, counts, strict=True) if count)
                     + (f", {missing} not graded" if missing else "")})
    return bars


def distribution(documents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a region: how many authorities each judgement puts at each grade (estimates counted with
    their grade and marked), as stacked bars."""
    first = documents[0]
    scale = [grade["label"] for grade in first["scale"]]
    rows = []
    for index, judgement in enumerate(first["judgements"]):
        labels = [doc["judgements"][index]["label"] if index < len(doc["judgements"]) else None
                  for doc in documents]
        estimated = sum(1 for doc in documents if index < len(doc["judgements"])
                        and doc["judgements"][index].get("kind") == "estimated")
        counts = [labels.count(label) for label in scale]
        none = len(documents) - sum(counts)
        segments, start = [], 0.0
        for position, (label, count) in enumerate(zip(scale, counts, strict=True), 1):
            if count:
                width = 300 * count / len(documents)
                segments.append({"x": round(start, 1), "width": round(width, 1), "count": count, "label": label,
                                 "step": 1 if position == 1 else len(scale) if position == len(scale)
                                 else min(position, 3)})
                start += width
        rows.append({"title": f"{judgement['section']}: {judgement['title']}" if len({j["section"] for j in
                                                                                       first["judgements"]}) > 1
                     else judgement["title"], "segments": segments, "none": none, "none_x": round(start, 1),
                     "none_width": round(300 - start, 1), "estimated": estimated,
                     "aria": ", ".join(f"{count} {label}" for label, count in zip(scale, counts, strict=True)
                                       if count) + (f", {none} not judged or not estimable" if none else "")})
    return rows


def leagues(documents: Sequence[dict[str, Any]], limit: int = 12) -> list[dict[str, Any]]:
    """For a region: each published figure the authorities share, best first by its polarity, as bars
    (England's figure a line across them); a context figure, highest first."""
    by_metric: dict[str, list[tuple[str, float]]] = {}
    about: dict[str, dict[str, Any]] = {}
    for doc in documents:
        for figure in [*doc.get("indicators", []), *doc.get("context", [])]:
            value = figure.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                by_metric.setdefault(figure["metric"], []).append((doc["authority"], float(value)))
                about.setdefault(figure["metric"], figure)
    tables = []
    for metric, rows in by_metric.items():
        if len(rows) < 3:
            continue
        figure = about[metric]
        reverse = figure.get("polarity") != "lower_better"
        rows.sort(key=lambda row: row[1], reverse=reverse)
        top = max(max(value for _, value in rows), float(figure["benchmarks"].get("national") or 0)) or 1.0
        unit = "%" if figure["unit"] == "percent" else ""
        england = figure["benchmarks"].get("national")
        tables.append({
            "title": figure["title"], "metric": metric,
            "order": "best first" if figure.get("polarity") in ("higher_better", "lower_better") else "highest first",
            "england": None if england is None else {"x": round(200 * england / top, 1),
                                                    "label": f"England {england:.1f}{unit}"},
            "rows": [{"place": place, "authority": authority, "width": round(200 * value / top, 1),
                      "label": f"{value:.1f}{unit}" if figure["unit"] in ("percent", "rate") else f"{value:g}"}
                     for place, (authority, value) in enumerate(rows, 1)],
        })
    return tables[:limit]
