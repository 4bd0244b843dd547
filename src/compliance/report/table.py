"""--format table: the record of main findings and what follows it, for a terminal.

Tables are drawn by tabulate in the style --table-format names (simple by default;
rst, latex, github... come free).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from tabulate import tabulate

from . import joined, shape
from .escaping import printable_pieces

WIDTH = 100


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    comparison = [_comparison(documents, table_format)] if len(documents) > 1 else []
    parts = chain(comparison, (_one(document, table_format) for document in documents))
    return printable_pieces(joined(parts))


def _comparison(documents: Sequence[dict[str, Any]], table_format: str) -> str:
    compared = shape.comparison(documents)
    table = tabulate([shape.comparison_cells(compared, row) for row in compared["rows"]],
                     headers=shape.comparison_headers(compared), tablefmt=table_format)
    ranked = f", best first by {compared['rank']}" if compared["rank"] else ""
    key = shape.comparison_key(compared)
    notice = shape.comparison_notice(compared)
    estimate = "\n".join(textwrap.wrap(f"{shape.notice_word(notice).upper()}. {notice}", WIDTH)) + "\n" \
        if notice else ""
    return f"Comparison of {len(documents)} authorities{ranked}\n{estimate}{table}" + ("\n\nKey:\n" + "\n".join(
        f"  {line}" for line in key) if key else "")


def _one(doc: dict[str, Any], table_format: str) -> str:
    lines = [f"{doc['authority']}, {doc['period']}: {shape.pack_line(doc)}"]
    if doc["run"]["partial"]:
        lines.append(f"Partial run: only {', '.join(doc['run']['only'])}")
    if doc.get("estimate_notice"):
        notice = doc["estimate_notice"]
        lines += ["", *textwrap.wrap(f"{shape.notice_word(notice).upper()}. {notice}", WIDTH)]
    last = shape.last_inspection_line(doc)
    rows = []
    for section, judgements in shape.record_rows(doc):
        rows += [[section, "", *([""] if last else [])],
                 *[["  " + j["title"], shape.label(j), *([shape.last_grade(doc, j["id"])] if last else [])]
                   for j in judgements]]
    # judgements are indented under their section, so keep the cells' leading spaces
    headers = ["Judgement", "Grade", *(["Last inspection"] if last else [])]
    lines += ["", "Record of main findings",
              tabulate(rows, headers=headers, tablefmt=table_format, preserve_whitespace=True)]
    if last:
        lines += textwrap.wrap(last, WIDTH)
    lines += _estimates(doc, table_format)
    lines += _areas(doc) + _listed(doc, "further_shortfalls", "Further shortfalls (no timescale set)")
    lines += _context(doc, table_format)
    lines += _waivers(doc) + _disabled(doc) + _queries(doc) + _not_evidenced(doc, table_format)
    lines += ["", shape.summary(doc)]
    return "\n".join(lines)


def _estimates(doc: dict[str, Any], table_format: str) -> list[str]:
    """The published indicators behind the estimates, and what would judge what they cannot."""
    lines = []
    rows = shape.indicator_rows(doc)
    if rows:
        lines += ["", *textwrap.wrap(f"Indicators (the file's figures against England's published figure: "
                                     f"{shape.indicators_said(doc)})", WIDTH),
                  tabulate(rows, headers=["Indicator", *shape.FIGURE_HEADERS, "Reads as"], tablefmt=table_format)]
    for item in shape.not_estimable(doc):
        lines += ["", *textwrap.wrap(f"Not estimable from published figures: {item['title']}. {item['why']}.",
                                     WIDTH)]
        if item["prompts"]:
            lines.append(tabulate(item["prompts"], headers=["Figures to ask about", *shape.FIGURE_HEADERS],
                                  tablefmt=table_format))
        if item["needed"]:
            lines += textwrap.wrap("To judge it, supply: " + "; ".join(item["needed"]) + ".", WIDTH)
    return lines


def _context(doc: dict[str, Any], table_format: str) -> list[str]:
    rows = shape.context_rows(doc)
    if not rows:
        return []
    return ["", "Context (never graded)", tabulate(rows, headers=["Figure", *shape.FIGURE_HEADERS],
                                                   tablefmt=table_format)]


def _wrapped(number: str, text: str, reference: str) -> list[str]:
    indent = " " * (len(number) + 1)
    return textwrap.wrap(f"{text} [{reference}]", WIDTH, initial_indent=f"{number} ", subsequent_indent=indent)


def _areas(doc: dict[str, Any]) -> list[str]:
    heading, first = shape.act_first(doc)
    lines = ["", *textwrap.wrap(heading + (":" if first else "."), WIDTH)]
    lines += [line for number, item in enumerate(first, 1) for line in _wrapped(
        f"{number:>2}.", item["text"] + (f" ({item['label']})" if item.get("label") else ""), shape.reference(item))]
    groups = shape.areas_by_timescale(doc)
    if not groups:
        return [*lines, "", "Areas for improvement: none with a timescale"]
    lines += ["", "Areas for improvement"]
    for timescale, areas in groups:
        lines += ["", timescale.capitalize() + ":"]
        for number, area in areas:
            lines += _wrapped(f"{number:>2}.", area["text"], shape.reference(area))
    return lines


def _listed(doc: dict[str, Any], key: str, heading: str) -> list[str]:
    items = shape.worst_first(doc) if key == "further_shortfalls" else doc[key]
    if not items:
        return []
    lines = ["", heading]
    for item in items:
        lines += _wrapped(" -", item["text"] + (f" ({item['label']})" if item.get("label") else ""),
                          shape.reference(item))
    return lines


def _waivers(doc: dict[str, Any]) -> list[str]:
    if not doc["waivers"]:
        return []
    lines = ["", "Waivers"]
    for waiver in doc["waivers"]:
        state = (f"waived until {waiver['expires']}" if waiver["status"] == "applied"
                 else f"EXPIRED on {waiver['expires']}: the rule applies again")
        lines += _wrapped(" -", f"{waiver['rule']}: {state}; agreed by {waiver['agreed_by']}: {waiver['reason']}",
                          waiver["status"])
    return lines


def _disabled(doc: dict[str, Any]) -> list[str]:
    changes = shape.local_changes(doc)
    if not changes:
        return []
    lines = ["", f"Changed by {doc['pack']['id']}"]
    for item in changes:
        lines += _wrapped(" -", f"{item['rule']}: {item['detail']}",
                          "not checked" if item["change"] == "disabled" else "overridden")
    return lines


def _queries(doc: dict[str, Any]) -> list[str]:
    queries = doc["queries"]
    if not queries:
        return []
    raised = [q for q in queries if q["status"] == "raised"]
    unchecked = sum(1 for q in queries if q["status"] == "not_checked")
    lines = ["", f"Data queries: {len(raised)} raised, {len(queries) - len(raised) - unchecked} passed, "
                 f"{unchecked} not checked"]
    for query in raised:
        lines += _wrapped(" -", query["text"], shape.reference(query))
    return lines


def _not_evidenced(doc: dict[str, Any], table_format: str) -> list[str]:
    missing = [f for f in doc["findings"] if f["status"] == "not_evidenced"]
    if not missing:
        return []
    rows = [[f["rule"], f["evidence"].removeprefix("not evidenced: ")] for f in missing]
    return ["", f"Not evidenced ({len(missing)})", tabulate(rows, headers=["Rule", "Missing"], tablefmt=table_format)]
