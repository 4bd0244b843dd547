"""What several formats show, computed once from result documents: pure functions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .. import periods
from ..model import BENCHMARK_WORDS, TIMESCALES, Unit
from ..units import with_unit


def _by_period(item: tuple[str, Any]) -> Any:
    return periods.order(item[0])


def record_rows(doc: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The record of main findings in order, as (section, its judgements)."""
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    for judgement in doc["judgements"]:
        if not sections or sections[-1][0] != judgement["section"]:
            sections.append((judgement["section"], []))
        sections[-1][1].append(judgement)
    return sections


def areas_by_timescale(doc: dict[str, Any]) -> list[tuple[str, list[tuple[int, dict[str, Any]]]]]:
    """Areas for improvement grouped by timescale in the report's order, numbered throughout."""
    groups = []
    number = 0
    for timescale in TIMESCALES:
        group = []
        for area in doc["areas_for_improvement"]:
            if area["timescale"] == timescale:
                number += 1
                group.append((number, area))
        if group:
            groups.append((timescale, group))
    return groups


def reference(item: dict[str, Any]) -> str:
    """'RULE-ID; paras 19, 31' for a finding, area, shortfall or query."""
    cites = item["cites"]
    word = "para" if len(cites) == 1 else "paras"
    return f"{item.get('rule') or item.get('id')}; {word} {', '.join(cites)}"


def label(judgement_or_finding: dict[str, Any]) -> str:
    """A grade as the reports print it: an estimate says so, and so does what cannot be estimated."""
    kind = judgement_or_finding.get("kind")
    if kind == "estimated":
        return f"{judgement_or_finding['label']} (estimate)"
    if kind == "not_estimable":
        return NOT_ESTIMABLE
    return judgement_or_finding["label"] or "Not judged"


NOT_ESTIMABLE = "Not estimable"


def grade_labels(scale: list[dict[str, Any]]) -> dict[str, int]:
    """Every printed grade, estimates included, to its score: for colouring cells and badges."""
    labels = {grade["label"]: grade["score"] for grade in scale}
    return labels | {f"{text} (estimate)": score for text, score in labels.items()}


def last_grade(doc: dict[str, Any], judgement_id: str) -> str:
    """The judgement's grade at the authority's last inspection, or ''."""
    last = doc.get("last_inspection") or {}
    return (last.get("grades") or {}).get(judgement_id, "")


def last_inspection_line(doc: dict[str, Any]) -> str | None:
    """'Last inspection: 2022-10-03 (source): Overall effectiveness ...' for grades the record lacks."""
    last = doc.get("last_inspection")
    if not last:
        return None
    shown = {j["id"] for j in doc["judgements"]}
    others = [f"{judgement.replace('_', ' ')} {grade}" for judgement, grade in last["grades"].items()
              if judgement not in shown]
    source = f" ({last['source']})" if last.get("source") else ""
    return (f"Last inspection: {last['date']}{source}; its grades are beside this run's, as context, never used to "
            f"grade" + (f"; also {', '.join(others)}" if others else "") + ".")


def figure_cells(figure: dict[str, Any]) -> list[str]:
    """A published figure as a row: value, England, region, neighbours, rank among neighbours, quartile
    among them (Q1 the best), rank in England, and how it moved since the year before."""
    def shown(number: Any) -> str:
        if number is None:
            return ""
        text = f"{number:.1f}" if figure["unit"] in ("percent", "rate") else f"{number:g}"
        return text + ("%" if figure["unit"] == "percent" else "")

    benchmarks = figure.get("benchmarks") or {}
    rank = figure.get("rank") or {}
    among = rank.get("neighbours")
    england = rank.get("england")
    return [shown(figure.get("value")), shown(benchmarks.get("national")), shown(benchmarks.get("region")),
            shown(benchmarks.get("neighbours")), f"{among[0]} of {among[1]}" if among else "",
            f"Q{figure['quartile']}" if figure.get("quartile") else "",
            f"{england[0]} of {england[1]}" if england else "", figure.get("direction") or ""]


FIGURE_HEADERS = ["Value", "England", "Region", "Neighbours", "Rank among neighbours", "Quartile",
                  "Rank in England", "Since last year"]


def indicator_rows(doc: dict[str, Any]) -> list[list[str]]:
    """The published indicators the estimates read: title, the figure's cells, and its signal."""
    return [[item["title"], *figure_cells(item), reads_as(item)] for item in doc.get("indicators", [])]


def indicators_said(doc: dict[str, Any]) -> str:
    """What the indicators table is: the readings an estimate made, or, where no grade is estimated from them
    (judged from the authority's own evidence, withdrawn on the validation, too few figures), figures read as an
    estimate would, feeding no grade."""
    estimated = {j["id"] for j in doc["judgements"] if j.get("kind") == "estimated"}
    feeding = any(set(item.get("estimates", [])) & estimated for item in doc.get("indicators", []))
    if feeding:
        return "strengths and concerns, as an estimate from published figures reads them"
    return ("strengths and concerns as an estimate would read them; no grade here is estimated from them "
            "(each judgement's basis says why)")


def reads_as(item: dict[str, Any]) -> str:
    """An indicator's signal, marked where a data query doubts its figure (a saved result may predate that)."""
    if not item["signal"]:
        return "not published"
    return f"{item['signal']} (queried: {', '.join(item['queried'])})" if item.get("queried") else item["signal"]


def not_estimable(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each judgement published figures cannot estimate: why, its prompts, and the evidence that would judge it."""
    return [{"title": j["title"], "why": j["estimate"]["why_not"][:1].upper() + j["estimate"]["why_not"][1:],
             "prompts": [[p["title"], *figure_cells(p)] for p in j["estimate"]["prompts"]],
             "needed": j["estimate"]["evidence_needed"]}
            for j in doc["judgements"] if j.get("kind") == "not_estimable" and j.get("estimate")]


def value_text(finding: dict[str, Any]) -> str:
    value = finding["value"]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = with_unit(Unit(finding["unit"]), value)  # 84.6%, 12 days, 1 day: as the evidence sentences write it
    if finding.get("denominator") is not None:
        text += f" ({finding['numerator']} of {finding['denominator']})"
    return text


def benchmarks_text(finding: dict[str, Any]) -> str:
    return "; ".join(f"{BENCHMARK_WORDS.get(name, name)} {figure:g}" for name, figure in finding["benchmarks"].items())


_PREFIXES = ("The experiences and progress of ", "The impact of ", "The contribution of ")


def short_title(title: str, width: int = 28) -> str:
    """A judgement's title short enough for a column: its boilerplate opening dropped, cut at a word."""
    for prefix in _PREFIXES:
        title = title.removeprefix(prefix)
    title = title.split(" on social work practice")[0]
    if len(title) > width:
        title = title[:width].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return title[:1].upper() + title[1:]


def comparison(documents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Authorities as rows and judgements as columns, each in its own cell: the place (with --rank),
    the authority, its code and period, then a grade per judgement; judgements headed by a short
    title (full titles in the key) under their section."""
    first = documents[0]
    sections = list(dict.fromkeys(j["section"] for j in first["judgements"]))
    columns = [{"number": index, "id": judgement["id"], "section": judgement["section"], "title": judgement["title"],
                "short": short_title(judgement["title"])}
               for index, judgement in enumerate(first["judgements"], 1)]
    rows = []
    ranked = bool(first["run"].get("rank"))
    for place, doc in _ranked(documents):
        by_id = {j["id"]: j for j in doc["judgements"]}
        rows.append({"place": place if ranked else None, "authority": doc["authority"], "code": doc.get("code") or "",
                     "period": doc["period"],
                     "cells": [label(by_id[j["id"]]) if j["id"] in by_id else "" for j in first["judgements"]]})
    periods = sorted({row["period"] for row in rows})
    estimated: dict[tuple[str, str], None] = {}
    withheld: dict[str, int] = {}  # title -> for how many authorities
    for doc in documents:
        for judgement in doc["judgements"]:
            if judgement.get("kind") == "estimated" and judgement.get("estimate"):
                estimated[(judgement["title"], judgement["estimate"]["agreement"])] = None
            elif judgement.get("kind") == "not_estimable":
                withheld[judgement["title"]] = withheld.get(judgement["title"], 0) + 1
    some = {title for title, _ in estimated}
    return {"columns": columns, "rows": rows, "ranked": ranked, "sections": sections,
            "estimated": list(estimated),
            "not_estimable": [title if title not in some else f"{title}, for {count} of the {len(documents)} "
                              "authorities (each report says why)" for title, count in withheld.items()],
            "several_sections": len(sections) > 1, "periods": periods,
            "rank": next((c["title"] for c in columns if c["id"] == first["run"].get("rank")), None)}


def local_changes(doc: dict[str, Any]) -> list[dict[str, str]]:
    """What a local pack changed in the pack it extends: each rule disabled (with its reason) and each
    rule overridden (with the keys it changed, and its reason where it gives one)."""
    pack = doc["pack"]
    changes = [{"change": "disabled", "rule": item["rule"], "detail": item["reason"]}
               for item in pack.get("disabled", [])]
    for item in pack.get("overridden", []):
        detail = f"{', '.join(item['changed']) or 'its rationale'} changed by {item['pack']}"
        changes.append({"change": "overridden", "rule": item["rule"],
                        "detail": detail + (f": {item['reason']}" if item.get("reason") else "")})
    return changes


def notice_word(notice: str) -> str:
    """The word that heads an estimate notice: Estimate when some grade is one, else Note."""
    return "Estimate" if notice.startswith(("Estimated", "Grades marked as estimates")) else "Note"


def comparison_notice(table: dict[str, Any]) -> str | None:
    """Above a comparison: which grades are estimates, and how often such estimates agreed with Ofsted's."""
    parts = []
    if table["estimated"]:
        parts.append("Grades marked as estimates are from published figures, not the authorities' own evidence: "
                     + "; ".join(f"{title} ({agreement})" for title, agreement in table["estimated"]) + ".")
    if table["not_estimable"]:
        parts.append("Not estimable from published figures: " + "; ".join(table["not_estimable"]) + ".")
    return " ".join(parts) or None


WIDE = 6  # more judgements than this and a flat table numbers its columns, with a key


def comparison_headers(table: dict[str, Any]) -> list[str]:
    """The comparison's column headers for a flat table (text formats): place, authority, period, then
    each judgement's short title, or its number (see the key) when there are too many to fit."""
    wide = len(table["columns"]) > WIDE
    return [*(["Rank"] if table["ranked"] else []), "Authority", "Period",
            *[str(c["number"]) if wide else c["short"] for c in table["columns"]]]


def comparison_key(table: dict[str, Any]) -> list[str]:
    """'N  Section: full title' for each numbered column (numbers right-aligned); with titled columns, each
    title cut short, with its full title; nothing when every column carries its title whole."""
    sectioned = table["several_sections"]

    def full(column: dict[str, Any]) -> str:
        return (f"{column['section']}: " if sectioned else "") + column["title"]

    columns = table["columns"]
    if len(columns) <= WIDE:
        return [f"{c['short']} = {full(c)}" for c in columns if c["short"] != c["title"]]
    width = len(str(len(columns)))
    return [f"{c['number']:>{width}}  {full(c)}" for c in columns]


def comparison_cells(table: dict[str, Any], row: dict[str, Any]) -> list[Any]:
    return [*([row["place"]] if table["ranked"] else []), row["authority"], row["period"], *row["cells"]]


def _ranked(documents: Sequence[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(place, document): in argument order with no place (0), or best first by the --rank judgement
    (ties share a place). Only the scores are held, the documents read one at a time."""
    judgement_id = documents[0]["run"].get("rank")
    if not judgement_id:
        yield from ((0, doc) for doc in documents)
        return

    def score(doc: dict[str, Any]) -> float:
        found = next((j["score"] for j in doc["judgements"] if j["id"] == judgement_id), None)
        return float("inf") if found is None else found  # not judged: last

    scores = [score(doc) for doc in documents]
    order = sorted(range(len(scores)), key=scores.__getitem__)
    place = 0
    for position, index in enumerate(order):
        if position == 0 or scores[index] != scores[order[position - 1]]:
            place = position + 1
        yield place, documents[index]


def act_first(doc: dict[str, Any], most: int = 5) -> tuple[str, list[dict[str, Any]]]:
    """What an officer should act on first, as a heading and its items: the areas for improvement
    in their timescales' order; where there are none, the further shortfalls, worst grade first."""
    areas = [area for _, group in areas_by_timescale(doc) for _, area in group]
    if areas:
        if len(areas) == 1:
            return f"Act first: 1 area for improvement, due {areas[0]['timescale']}", areas
        return (f"Act first: {len(areas)} areas for improvement, those due {areas[0]['timescale']} first",
                areas[:most])
    shortfalls = worst_first(doc)
    if shortfalls:
        return (f"No shortfall carries a timescale; {len(shortfalls)} fell short. Act first on the worst "
                f"{min(most, len(shortfalls))}", shortfalls[:most])
    concerns = [{"text": f"Ask about {item['title'].lower()}: {item['evidence']}", "rule": item["id"],
                 "cites": item["cites"], "label": "concern"}
                for item in doc.get("indicators", []) if item.get("signal") == "concern"]
    if not any(f["status"] == "graded" for f in doc["findings"]):
        if concerns:
            return (f"None of the authority's own evidence could be graded; the published figures raise "
                    f"{len(concerns)} concern{'s' * (len(concerns) != 1)} to ask about first", concerns[:most])
        return "None of the authority's own evidence could be graded: supply what is listed as not evidenced", []
    return "Nothing fell short of the pack's expectations", []


def worst_first(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The further shortfalls, worst grade first (then in the pack's order), each with its grade."""
    grades = {f["rule"]: (f["score"] or 0, f["label"] or "") for f in doc["findings"]}
    ordered = sorted(doc["further_shortfalls"], key=lambda item: -grades.get(item["rule"], (0, ""))[0])
    return [dict(item, label=grades.get(item["rule"], (0, ""))[1]) for item in ordered]


def context_rows(doc: dict[str, Any]) -> list[list[str]]:
    """The context figures (never graded) as rows: title and the figure's cells."""
    return [[item["title"], *figure_cells(item)] for item in doc.get("context", [])]


def summary(doc: dict[str, Any]) -> str:
    counts = {grade["id"]: 0 for grade in doc["scale"]}
    estimated = {grade["id"]: 0 for grade in doc["scale"]}
    not_judged = not_estimable = 0
    for judgement in doc["judgements"]:
        if judgement["grade"]:
            counts[judgement["grade"]] += 1
            estimated[judgement["grade"]] += judgement.get("kind") == "estimated"
        elif judgement.get("kind") == "not_estimable":
            not_estimable += 1
        else:
            not_judged += 1
    parts = [f"{count} {grade['label'].lower()}" + (f" ({estimated[grade['id']]} estimated)"
                                                    if estimated[grade["id"]] else "")
             for grade in doc["scale"] if (count := counts[grade["id"]])]
    if not_estimable:
        parts.append(f"{not_estimable} not estimable from published figures")
    if not_judged:
        parts.append(f"{not_judged} not judged")
    graded = sum(1 for f in doc["findings"] if f["status"] == "graded")
    return (f"{len(doc['judgements'])} judgements: {', '.join(parts)}. "
            f"{graded} of {len(doc['findings'])} rules graded.")


def pack_line(doc: dict[str, Any]) -> str:
    pack = doc["pack"]
    return (f"{pack['title']} ({pack['id']} {pack['version']}"
            + "".join(f", extends {parent['id']} {parent['version']}" for parent in pack["extends"]) + ")")


def changed_judgements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Judgements whose grade differs from the last recorded period: title, grades by period, change."""
    history = doc.get("history") or {}
    changed = []
    for judgement in doc["judgements"]:
        earlier = history.get("judgements", {}).get(judgement["id"], {})
        if not earlier:
            continue
        series = [*sorted(earlier.items(), key=_by_period), (doc["period"], judgement["label"])]
        last = series[-2][1]
        if last != judgement["label"]:
            scores = {grade["label"]: grade["score"] for grade in doc["scale"]}
            before, now = scores.get(last or ""), scores.get(judgement["label"] or "")
            change = "changed" if before is None or now is None else "improved" if now < before else "declined"
            changed.append({"title": f"{judgement['section']}: {judgement['title']}", "series": series,
                            "change": change, "scores": scores})
    return changed


def key_metric_series(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures across periods for every graded figure and published indicator with a recorded history."""
    history = (doc.get("history") or {}).get("values", {})
    series = []
    seen = set()
    figures = [(f["metric"], f["title"], f["unit"], f["value"]) for f in doc["findings"] if f["status"] == "graded"]
    figures += [(item["metric"], item["title"], item["unit"], item["value"]) for item in doc.get("indicators", [])]
    for metric, title, unit, value in figures:
        if metric in seen or metric not in history or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        seen.add(metric)
        points = [*sorted(history[metric].items(), key=_by_period), (doc["period"], value)]
        series.append({"metric": metric, "title": title, "unit": unit, "points": points})
    return series
