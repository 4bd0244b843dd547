"""--format table: the record of main findings and what follows it, for a terminal."""

from __future__ import annotations

import textwrap
from typing import Any

from tabulate import tabulate

from ..model import TIMESCALES

WIDTH = 100


def render(documents: list[dict[str, Any]], several: bool) -> str:
    return "\n\n".join(_one(document) for document in documents) + "\n"


def _one(doc: dict[str, Any]) -> str:
    pack = doc["pack"]
    lines = [
        f"{doc['authority']}, {doc['period']}: {pack['title']} ({pack['id']} {pack['version']}"
        + "".join(f", extends {parent['id']} {parent['version']}" for parent in pack["extends"]) + ")",
        *([f"Partial run: only {', '.join(doc['run']['only'])}"] if doc["run"]["partial"] else []),
        "",
        "Record of main findings",
        _record_table(doc),
    ]
    lines += _areas(doc)
    lines += _further(doc)
    lines += _waivers(doc)
    lines += _disabled(doc)
    lines += _queries(doc)
    lines += _not_evidenced(doc)
    lines += ["", _summary(doc)]
    return "\n".join(lines)


def _record_table(doc: dict[str, Any]) -> str:
    # Judgements are indented under their section, so keep the cells' leading spaces.
    return tabulate(_record_rows(doc), headers=["Judgement", "Grade"], tablefmt="simple",
                    preserve_whitespace=True)


def _record_rows(doc: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    section = None
    for judgement in doc["judgements"]:
        if judgement["section"] != section:
            section = judgement["section"]
            rows.append([section, ""])
        rows.append(["  " + judgement["title"], judgement["label"] or "Not judged"])
    return rows


def _wrapped(number: str, text: str, reference: str) -> list[str]:
    indent = " " * (len(number) + 1)
    return textwrap.wrap(f"{text} [{reference}]", WIDTH, initial_indent=f"{number} ",
                         subsequent_indent=indent)


def _areas(doc: dict[str, Any]) -> list[str]:
    areas = doc["areas_for_improvement"]
    if not areas:
        return ["", "Areas for improvement: none"]
    lines = ["", "Areas for improvement"]
    number = 0
    for timescale in TIMESCALES:
        group = [area for area in areas if area["timescale"] == timescale]
        if not group:
            continue
        lines += ["", timescale.capitalize() + ":"]
        for area in group:
            number += 1
            lines += _wrapped(f"{number:>2}.", area["text"], _reference(area))
    return lines


def _further(doc: dict[str, Any]) -> list[str]:
    further = doc["further_shortfalls"]
    if not further:
        return []
    lines = ["", "Further shortfalls (no timescale set)"]
    for item in further:
        lines += _wrapped(" -", item["text"], _reference(item))
    return lines


def _reference(item: dict[str, Any]) -> str:
    cites = item["cites"]
    word = "para" if len(cites) == 1 else "paras"
    return f"{item['rule']}; {word} {', '.join(cites)}"


def _waivers(doc: dict[str, Any]) -> list[str]:
    waivers = doc.get("waivers", [])
    if not waivers:
        return []
    lines = ["", "Waivers"]
    for waiver in waivers:
        state = (f"waived until {waiver['expires']}" if waiver["status"] == "applied"
                 else f"EXPIRED on {waiver['expires']}: the rule applies again")
        lines += _wrapped(" -", f"{waiver['rule']}: {state}; agreed by {waiver['agreed_by']}: {waiver['reason']}",
                          waiver["status"])
    return lines


def _disabled(doc: dict[str, Any]) -> list[str]:
    disabled = doc["pack"].get("disabled", [])
    if not disabled:
        return []
    lines = ["", f"Disabled by {doc['pack']['id']}"]
    for item in disabled:
        lines += _wrapped(" -", f"{item['rule']}: {item['reason']}", "not checked")
    return lines


def _queries(doc: dict[str, Any]) -> list[str]:
    queries = doc.get("queries", [])
    if not queries:
        return []
    raised = [q for q in queries if q["status"] == "raised"]
    unchecked = sum(1 for q in queries if q["status"] == "not_checked")
    lines = ["", f"Data queries: {len(raised)} raised, {len(queries) - len(raised) - unchecked} passed, "
                 f"{unchecked} not checked"]
    for query in raised:
        lines += _wrapped(" -", query["text"], _reference({"rule": query["id"], "cites": query["cites"]}))
    return lines


def _not_evidenced(doc: dict[str, Any]) -> list[str]:
    missing = [f for f in doc["findings"] if f["status"] == "not_evidenced"]
    if not missing:
        return []
    rows = [[f["rule"], f["evidence"].removeprefix("not evidenced: ")] for f in missing]
    return ["", f"Not evidenced ({len(missing)})", tabulate(rows, headers=["Rule", "Missing"], tablefmt="simple")]


def _summary(doc: dict[str, Any]) -> str:
    counts = {grade["id"]: 0 for grade in doc["scale"]}
    not_judged = 0
    for judgement in doc["judgements"]:
        if judgement["grade"]:
            counts[judgement["grade"]] += 1
        else:
            not_judged += 1
    parts = [f"{count} {grade['label'].lower()}" for grade in doc["scale"]
             if (count := counts[grade["id"]])]
    if not_judged:
        parts.append(f"{not_judged} not judged")
    graded = sum(1 for f in doc["findings"] if f["status"] == "graded")
    return (f"{len(doc['judgements'])} judgements: {', '.join(parts)}. "
            f"{graded} of {len(doc['findings'])} rules graded.")
