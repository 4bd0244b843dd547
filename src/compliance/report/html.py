"""--format html: one self-contained page (inline CSS and SVG, no script, no network).

Rendered by a jinja2 template with autoescaping, so nothing from an input file can
become markup. Grades are badges that carry their text and a border style as well as a
colour, so they read in greyscale print and without colour vision.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import charts, shape
from .escaping import printable_pieces


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    environment = Environment(loader=PackageLoader("compliance.report", "templates"),
                              autoescape=select_autoescape(default=True, default_for_string=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["zip"] = lambda left, right: list(zip(left, right, strict=True))
    template = environment.get_template("report.html.j2")
    several = len(documents) > 1
    compared = shape.comparison(documents) if several else None
    pieces = template.generate(
        documents=(_view(doc) for doc in documents),
        comparison=compared,
        comparison_notice=shape.comparison_notice(compared) if compared else None,
        distribution=charts.distribution(documents) if several else [],
        leagues=charts.leagues(documents) if several else [],
        short=charts.short,
        notice_word=shape.notice_word,
        compact=charts.compact,
        wide=several and len(documents[0]["judgements"]) > shape.WIDE,
        title=documents[0]["authority"] if len(documents) == 1 else f"Comparison of {len(documents)} authorities",
        grade_class=_grade_class(documents[0]["scale"]),
    )
    return printable_pieces(pieces)


def _grade_class(scale: list[dict[str, Any]]) -> dict[str, str]:
    """CSS class per grade label: best green, worst red, the middle grades between."""
    classes = {"Not judged": "grade-none", "Waived": "grade-none", shape.NOT_ESTIMABLE: "grade-none"}
    last = len(scale)
    for label, score in shape.grade_labels(scale).items():
        position = 1 if score == 1 else last if score == last else 2 if score == 2 else 3
        classes[label] = f"grade-{position}"
    return classes


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "doc": doc,
        "pack_line": shape.pack_line(doc),
        "record": shape.record_rows(doc),
        "areas": shape.areas_by_timescale(doc),
        "evidence_bars": charts.evidence_bars(doc),
        "act_first": shape.act_first(doc),
        "local_changes": shape.local_changes(doc),
        "shortfalls": shape.worst_first(doc),
        "figures": _figures(doc),
        "evidence": [dict(f, value_text=shape.value_text(f), benchmarks_text=shape.benchmarks_text(f),
                          shown=shape.label(f) if f["status"] == "graded" else "Waived")
                     for f in doc["findings"] if f["status"] in ("graded", "waived")],
        "missing": [f for f in doc["findings"] if f["status"] in ("not_evidenced", "not_applicable")],
        "summary": shape.summary(doc),
        "changed": [dict(item, chart=_grade_line(item)) for item in shape.changed_judgements(doc)],
        "trends": [dict(item, chart=_value_line(item)) for item in shape.key_metric_series(doc)
                   if len({value for _, value in item["points"]}) > 1],  # only figures that moved
        "reference": shape.reference,
        "label": shape.label,
        "last_line": shape.last_inspection_line(doc),
        "last_grade": lambda judgement_id: shape.last_grade(doc, judgement_id),
        "indicators_said": shape.indicators_said(doc),
        "indicators": [(row, charts.dots(item)) for row, item in zip(shape.indicator_rows(doc),
                                                                      doc.get("indicators", []), strict=True)],
        "not_estimable": [dict(item, charts=[charts.dots(p) for p in judgement["estimate"]["prompts"]])
                          for item, judgement in zip(shape.not_estimable(doc),
                                                     [j for j in doc["judgements"] if j.get("kind") == "not_estimable"
                                                      and j.get("estimate")], strict=True)],
        "context": [(row, charts.dots(item)) for row, item in zip(shape.context_rows(doc), doc.get("context", []),
                                                                   strict=True)],
        "figure_headers": shape.FIGURE_HEADERS,
    }


def _figures(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each graded figure with a comparator, against England, its region and neighbours, with its place."""
    rows = []
    for finding in doc["findings"]:
        if finding["status"] != "graded":
            continue
        figure = {"title": finding["title"], "value": finding["value"], "unit": finding["unit"],
                  "benchmarks": finding["benchmarks"], "polarity": None}
        chart = charts.dots(figure)
        if chart is None:
            continue
        among = (finding.get("rank") or {}).get("neighbours")
        rows.append({"rule": finding["rule"], "title": finding["title"], "value": shape.value_text(finding),
                     "label": shape.label(finding), "chart": chart,
                     "place": f"{among[0]} of {among[1]}" if among else "",
                     "quartile": f"Q{min(4, 1 + 4 * (among[0] - 1) // among[1])}" if among else ""})
    return rows


def _line(labelled: list[tuple[str, float, str]], grades: bool = False) -> dict[str, Any]:
    """A small line chart: (period, height from 0 = bottom to 1 = top, label) -> SVG points.

    Labels sit above their points and periods along the bottom, with room for both.
    """
    points = [{"x": 50 + 90 * index, "y": 64 - 40 * height, "period": period,
               "label": charts.short(label) if grades else label, "full": label}
               for index, (period, height, label) in enumerate(labelled)]
    return {"width": 100 + 90 * max(len(points) - 1, 1), "points": points,
            "line": " ".join(f"{p['x']},{p['y']:.0f}" for p in points)}


def _grade_line(item: dict[str, Any]) -> dict[str, Any]:
    """A judgement's grade by period: the better the grade, the higher the point."""
    worst = max(item["scores"].values())
    return _line([(period, (worst - item["scores"].get(label or "", worst)) / max(worst - 1, 1), label or "Not judged")
                  for period, label in item["series"]], grades=True)


def _value_line(item: dict[str, Any]) -> dict[str, Any]:
    """A metric's figure by period, scaled between its lowest and highest."""
    values = [value for _, value in item["points"]]
    low, spread = min(values), (max(values) - min(values)) or 1
    unit = "%" if item["unit"] == "percent" else ""
    return _line([(period, (value - low) / spread, f"{value:.1f}{unit}" if item["unit"] in ("percent", "rate")
                    else f"{value:g}{unit}") for period, value in item["points"]])
