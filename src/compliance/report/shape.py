"""What several formats show, computed once from result documents: pure functions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .. import periods
from ..model import BENCHMARK_WORDS, TIMESCALES


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
    return [[item["title"], *figure_cells(item), item["signal"] or "not published"]
            for item in doc.get("indicators", [])]


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
    unit = finding["unit"]
    if unit in ("percent", "rate"):
        text = f"{value:.1f}" + ("%" if unit == "percent" else "")
    elif unit == "count":
        text = str(int(value))
    else:
        text = f"{value:g}" + (" days" if unit == "days" else "")
    if finding.get("denominator") is not None:
        text += f" ({finding['numerator']} of {finding['denominator']})"
    return text


def benchmarks_text(finding: dict[str, Any]) -> str:
    return "; ".join(f"{BENCHMARK_WORDS.get(name, name)} {figure:g}" for name, figure in finding["benchmarks"].items())


def comparison(documents: Sequence[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """Authorities as rows, judgements as columns: (codes with their titles, rows of labels).

    Judgements are coded by section letter and position (A1 is the first section's first
    judgement), so that a comparison of 22 judgements fits a page; the codes come with a key.
    With --rank, authorities are ordered best first by that judgement and numbered.
    """
    first = documents[0]
    sections = list(dict.fromkeys(j["section"] for j in first["judgements"]))
    codes = []
    counters = dict.fromkeys(sections, 0)
    for judgement in first["judgements"]:
        counters[judgement["section"]] += 1
        letter = chr(ord("A") + sections.index(judgement["section"]))
        codes.append((f"{letter}{counters[judgement['section']]}", f"{judgement['section']}: {judgement['title']}"))
    rows = []
    for place, doc in _ranked(documents):
        by_id = {j["id"]: j for j in doc["judgements"]}
        rows.append((f"{place}. " * bool(place) + f"{doc['authority']} {doc['period']}",
                     [label(by_id[j["id"]]) if j["id"] in by_id else "" for j in first["judgements"]]))
    return codes, rows


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


def summary(doc: dict[str, Any]) -> str:
    counts = {grade["id"]: 0 for grade in doc["scale"]}
    not_judged = 0
    for judgement in doc["judgements"]:
        if judgement["grade"]:
            counts[judgement["grade"]] += 1
        else:
            not_judged += 1
    parts = [f"{count} {grade['label'].lower()}" for grade in doc["scale"] if (count := counts[grade["id"]])]
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
    """Figures across periods for the metrics behind the areas for improvement and limiting rules."""
    history = (doc.get("history") or {}).get("values", {})
    raising = {area["rule"] for area in doc["areas_for_improvement"]}
    series = []
    seen = set()
    for finding in doc["findings"]:
        metric = finding["metric"]
        if metric in seen or not (finding["rule"] in raising or finding["limiting"]) or metric not in history:
            continue
        if not isinstance(finding["value"], int | float) or isinstance(finding["value"], bool):
            continue
        seen.add(metric)
        points = [*sorted(history[metric].items(), key=_by_period), (doc["period"], finding["value"])]
        series.append({"metric": metric, "title": finding["title"], "unit": finding["unit"], "points": points})
    return series
