"""--format markdown: a report to paste into a board paper (Markdown with pipe tables)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from . import joined, shape
from .escaping import markdown, printable_pieces


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    comparison = [_comparison(documents)] if len(documents) > 1 else []
    parts = chain(comparison, (_one(document) for document in documents))
    return printable_pieces(joined(parts))


class _Markdown(str):
    """Text already written as Markdown, its input parts escaped: _cell leaves it as it is."""


def _cell(text: Any) -> str:
    """Text from an input file, as Markdown that shows it as written (escaping.markdown)."""
    return text if isinstance(text, _Markdown) else markdown(text)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows],
    ]


def _estimates(doc: dict[str, Any]) -> list[str]:
    """The published indicators behind the estimates, and what would judge what they cannot."""
    lines = []
    rows = shape.indicator_rows(doc)
    if rows:
        lines += ["", "## Indicators", "",
                  "The file's figures (published, or the authority's own) against England's published figure "
                  f"that year: {shape.indicators_said(doc)}.", ""]
        lines += _table(["Indicator", *shape.FIGURE_HEADERS, "Reads as"], rows)
    for item in shape.not_estimable(doc):
        lines += ["", f"### Not estimable from published figures: {_cell(item['title'])}", "", _cell(item["why"]) + "."]
        if item["prompts"]:
            lines += ["", *_table(["Figures to ask about", *shape.FIGURE_HEADERS], item["prompts"])]
        if item["needed"]:
            lines += ["", "To judge it, supply: " + "; ".join(_cell(text) for text in item["needed"]) + "."]
    return lines


def _comparison(documents: Sequence[dict[str, Any]]) -> str:
    compared = shape.comparison(documents)
    ranked = f", best first by {compared['rank']}" if compared["rank"] else ""
    lines = [f"# Comparison of {len(documents)} authorities{_cell(ranked)}", ""]
    notice = shape.comparison_notice(compared)
    if notice:
        lines += [_Markdown(f"> **{shape.notice_word(notice)}.** {_cell(notice)}"), ""]
    lines += _table(shape.comparison_headers(compared), [shape.comparison_cells(compared, row)
                                                         for row in compared["rows"]])
    key = shape.comparison_key(compared)
    if key:
        lines += ["", "Key: " + "; ".join(_cell(line) for line in key) + "."]
    return "\n".join(lines)


def _one(doc: dict[str, Any]) -> str:
    lines = _heading(doc) + _record(doc) + _estimates(doc) + _since(doc) + _act_first(doc) + _areas(doc)
    lines += _further(doc) + _context(doc) + _waivers(doc) + _disabled(doc) + _queries(doc) + _evidence(doc)
    lines += ["", shape.summary(doc)]
    return "\n".join(lines)


def _heading(doc: dict[str, Any]) -> list[str]:
    run, source = doc["run"], doc["pack"]["source"]
    lines = [
        f"# {_cell(doc['authority'])}: {_cell(doc['period'])}",
        "",
        f"- **Pack:** {_cell(shape.pack_line(doc))}",
        f"- **Source:** {_cell(source['title'])}, {_cell(source['publisher'])}, {_cell(source['published'])}",
        f"- **Metrics file:** {_cell(doc['metrics_file'])}"
        + (f" (as of {_cell(doc['as_of'])})" if doc["as_of"] else ""),
        f"- **Run:** {_cell(run['at'])} by comply {_cell(run['comply_version'])}",
    ]
    if run["partial"]:
        lines.append(f"- **Partial run:** only {_cell(', '.join(run['only']))}")
    if doc.get("estimate_notice"):
        notice = doc["estimate_notice"]
        lines += ["", _Markdown(f"> **{shape.notice_word(notice)}.** {_cell(notice)}")]
    return lines


def _record(doc: dict[str, Any]) -> list[str]:
    last = shape.last_inspection_line(doc)
    rows = []
    for section, judgements in shape.record_rows(doc):
        rows += [[_Markdown(f"**{_cell(section)}**"), "", *([""] if last else [])],
                 *[[j["title"], shape.label(j), *([shape.last_grade(doc, j["id"])] if last else [])]
                   for j in judgements]]
    lines = ["", "## Record of main findings", ""]
    lines += _table(["Judgement", "Grade", *(["Last inspection"] if last else [])], rows)
    return lines + (["", _cell(last)] if last else [])


def _since(doc: dict[str, Any]) -> list[str]:
    if not doc.get("history"):
        return []
    changed = shape.changed_judgements(doc)
    if not changed:
        return ["", "## Since the last recorded period", "", "No judgement changed grade."]
    return ["", "## Since the last recorded period", "", *_table(
        ["Judgement", "Grades by period", "Change"],
        [[item["title"], " → ".join(f"{p}: {g or 'Not judged'}" for p, g in item["series"]), item["change"]]
         for item in changed])]


def _act_first(doc: dict[str, Any]) -> list[str]:
    heading, first = shape.act_first(doc)
    return ["", f"## {_cell(heading)}", "", *[
        f"{number}. {_cell(item['text'])} (" + (f"{_cell(item['label'])}; " if item.get("label") else "")
        + f"{_cell(shape.reference(item))})" for number, item in enumerate(first, 1)]]


def _areas(doc: dict[str, Any]) -> list[str]:
    lines = ["", "## Areas for improvement", ""]
    groups = shape.areas_by_timescale(doc)
    if not groups:
        lines.append("None with a timescale.")
    for timescale, areas in groups:
        lines += [f"**{timescale.capitalize()}:**", ""]
        lines += [f"{number}. {_cell(area['text'])} ({_cell(shape.reference(area))})" for number, area in areas]
        lines.append("")
    return lines


def _further(doc: dict[str, Any]) -> list[str]:
    if not doc["further_shortfalls"]:
        return []
    return ["## Further shortfalls", "", "Rules that fell short but carry no timescale, worst first.", "", *[
        f"- {_cell(item['text'])} (" + (f"{_cell(item['label'])}; " if item["label"] else "")
        + f"{_cell(shape.reference(item))})" for item in shape.worst_first(doc)], ""]


def _context(doc: dict[str, Any]) -> list[str]:
    context = shape.context_rows(doc)
    if not context:
        return []
    return ["## Context", "", "Figures a corporate parenting panel asks about, never graded.", "",
            *_table(["Figure", *shape.FIGURE_HEADERS], context), ""]


def _waivers(doc: dict[str, Any]) -> list[str]:
    if not doc["waivers"]:
        return []
    return ["## Waivers", "", *_table(["Rule", "Status", "Expires", "Agreed by", "Reason"],
                                      [[w["rule"], w["status"], w["expires"], w["agreed_by"], w["reason"]]
                                       for w in doc["waivers"]]), ""]


def _disabled(doc: dict[str, Any]) -> list[str]:
    changes = shape.local_changes(doc)
    if not changes:
        return []
    return [f"## Changed by {_cell(doc['pack']['id'])}", "",
            *[f"- **{_cell(item['rule'])}** ({item['change']}): {_cell(item['detail'])}" for item in changes], ""]


def _queries(doc: dict[str, Any]) -> list[str]:
    if not doc["queries"]:
        return []
    return ["## Data queries", "", *_table(["Query", "Status", "Detail"],
                                           [[q["id"], q["status"].replace("_", " "), q["text"] or q["title"]]
                                            for q in doc["queries"]]), ""]


def _evidence(doc: dict[str, Any]) -> list[str]:
    graded = [f for f in doc["findings"] if f["status"] in ("graded", "waived")]
    lines = ["## Evidence", "", *_table(
        ["Rule", "Judgement", "Value", "Benchmarks", "Grade", "Cites"],
        [[f["rule"], f["judgement"], shape.value_text(f), shape.benchmarks_text(f),
          shape.label(f) if f["status"] == "graded" else "Waived", ", ".join(f["cites"])] for f in graded])]
    missing = [f for f in doc["findings"] if f["status"] in ("not_evidenced", "not_applicable")]
    if missing:
        lines += ["", "## Not evidenced", "", *_table(["Rule", "Why"], [[f["rule"], f["evidence"]] for f in missing])]
    return lines
