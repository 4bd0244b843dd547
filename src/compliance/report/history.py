"""``comply history``: judgement grades across recorded periods, changes marked, and metrics' values.

The rows come from History.trends; nothing here reads the database."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tabulate import tabulate

from ..periods import series
from .escaping import markdown, printable, spreadsheet
from .shape import label


def _mark_changes(cells: dict[str, dict[str, Any]], periods: list[str], measure: Any, lower_is_better: bool) -> None:
    """Each cell gets change: improved, declined, same, or None (first period, or nothing to compare).

    A period is compared with the one before it in its series: a quarter with the quarter before.
    """
    previous: dict[str, Any] = {}
    for period in periods:
        cell = cells.get(period)
        if cell is None:
            continue
        now, before = measure(cell), previous.get(series(period))
        if before is None or now is None:
            cell["change"] = None
        elif now == before:
            cell["change"] = "same"
        else:
            cell["change"] = "improved" if (now < before) == lower_is_better else "declined"
        if now is not None:
            previous[series(period)] = now


def render(entries: list[dict[str, Any]], output_format: str) -> str:
    """History.trends' entries in a format, each grade marked improved, declined or same."""
    for entry in entries:
        for row in entry["judgements"]:
            _mark_changes(row["grades"], entry["periods"], lambda cell: cell["score"], lower_is_better=True)
    if output_format == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        return _csv(entries)
    return printable("\n\n".join(_text(entry, "pipe" if output_format == "markdown" else "simple", output_format)
                                 for entry in entries) + "\n")


def _cell(cell: dict[str, Any] | None, shown: str) -> str:
    if cell is None:
        return ""
    change = cell.get("change")
    return f"{shown}, {change}" if change in ("improved", "declined") else shown


def _text(entry: dict[str, Any], style: str, output_format: str) -> str:
    shown = markdown if output_format == "markdown" else str  # text from the database, as written
    periods = entry["periods"]
    title = f"{entry['authority']}: {entry['pack']}, {len(periods)} recorded period{'s' * (len(periods) != 1)}"
    rows = [[shown(f"{row['section']}: {row['title']}"),
             *[shown(_cell(row["grades"].get(p), label(row["grades"].get(p) or {"label": None}))) for p in periods]]
            for row in entry["judgements"]]
    headers = [shown(period) for period in periods]
    lines = [f"## {shown(title)}" if output_format == "markdown" else title]
    estimates = _estimates(entry)
    if estimates:  # at the top, as every output of a run with estimates says it
        lines += ["", shown("Estimates are from published figures, not the authority's own evidence: "
                            + "; ".join(estimates) + ".")]
    lines += ["", tabulate(rows, headers=["Judgement", *headers], tablefmt=style)]
    latest = periods[-1]
    changed = [row for row in entry["judgements"] if (row["grades"].get(latest) or {}).get("change")
               in ("improved", "declined")]
    if len(periods) > 1:
        words = [f"{sum(1 for r in changed if r['grades'][latest]['change'] == kind)} {kind}"
                 for kind in ("improved", "declined")]
        lines += ["", f"In {shown(latest)}: {', '.join(words)} since the period before."]
    if entry["metrics"]:  # one table: a row per metric, a column per period, as a paper prints them
        lines += ["", tabulate([[shown(metric["metric"]), *[_figure(metric["values"][p]["value"]) for p in periods]]
                                for metric in entry["metrics"]],
                               headers=["Metric", *headers], tablefmt=style, disable_numparse=True)]
    return "\n".join(lines)


def _estimates(entry: dict[str, Any]) -> list[str]:
    """Each estimated judgement's title with how often such estimates agreed with Ofsted's, as recorded."""
    found: dict[str, None] = {}
    for row in entry["judgements"]:
        for cell in row["grades"].values():
            if cell.get("kind") == "estimated":
                found[f"{row['title']}" + (f" ({cell['agreement']})" if cell.get("agreement") else "")] = None
    return list(found)


def _figure(value: Any) -> str:
    """A figure as a paper prints it: whole numbers whole, others to one decimal place."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _csv(entries: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["authority", "code", "pack", "period", "kind", "id", "title", "grade", "value", "change",
                     "estimate_agreement"])
    for entry in entries:
        for row in entry["judgements"]:
            for period, cell in row["grades"].items():
                estimated = cell.get("kind") == "estimated"
                writer.writerow([spreadsheet(item) for item in (
                    entry["authority"], entry["code"] or "", entry["pack"], period, "judgement", row["id"],
                    row["title"], label(cell) if cell["label"] or cell.get("kind") else "", "",
                    cell.get("change") or "", (cell.get("agreement") or "not recorded") if estimated else "")])
        for metric in entry["metrics"]:
            for period, cell in metric["values"].items():
                writer.writerow([spreadsheet(item) for item in (
                    entry["authority"], entry["code"] or "", entry["pack"], period, "metric", metric["metric"], "", "",
                    _number(cell["value"]), "", "")])
    return buffer.getvalue()


def _number(value: Any) -> Any:
    """A figure as CSV writes it: a count recorded as 432.0 is 432; nothing is empty."""
    if value is None:
        return ""
    return int(value) if isinstance(value, float) and value.is_integer() else value
