"""--format junit: JUnit XML for schedulers and CI dashboards.

One test suite per authority; one test case per judgement and per finding. A judgement
or graded finding at or worse than --fail-on is a failure; findings that are not
evidenced, not applicable or waived are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from xml.etree import ElementTree

from . import shape
from .escaping import printable


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="comply">\n'
    for doc in documents:  # a suite at a time, so a region's is never held whole
        scores = {grade["id"]: grade["score"] for grade in doc["scale"]}
        fail_on = doc["run"]["fail_on"]
        threshold = scores.get(fail_on, len(scores) + 1)
        suite = ElementTree.Element("testsuite", name=f"{doc['authority']} {doc['period']}",
                                    timestamp=doc["run"]["at"])
        properties = ElementTree.SubElement(suite, "properties")
        if doc.get("estimate_notice"):
            ElementTree.SubElement(properties, "property", name="estimate", value=doc["estimate_notice"])
        last = doc.get("last_inspection")
        if last:  # shown beside the grades, never used to grade
            ElementTree.SubElement(properties, "property", name="last_inspection",
                                   value=f"{last['date']}" + (f" ({last['source']})" if last.get("source") else ""))
            for judgement, grade in last["grades"].items():
                ElementTree.SubElement(properties, "property", name=f"last_inspection.{judgement}", value=grade)
        for item in shape.local_changes(doc):
            ElementTree.SubElement(properties, "property", name=f"{item['change']}.{item['rule']}",
                                   value=item["detail"])
        for item in doc.get("context", []):  # context figures: never graded, so no test case
            ElementTree.SubElement(properties, "property", name=f"context.{item['metric']}",
                                   value=" ".join(cell for cell in shape.figure_cells(item) if cell))
        outcomes = [_case(suite, f"judgement.{j['section']}", j["title"], j["score"], shape.label(j), j["basis"],
                          None if j["score"] is not None else shape.label(j).lower(), threshold, fail_on)
                    for j in doc["judgements"]]
        outcomes += [_case(suite, f"rule.{f['judgement']}", f"{f['rule']}: {f['title']}", f["score"], f["label"],
                           f["evidence"], None if f["status"] == "graded" else f["status"].replace("_", " "),
                           threshold, fail_on)
                     for f in doc["findings"]]
        cases, failures, skipped = len(outcomes), outcomes.count("failure"), outcomes.count("skipped")
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        ElementTree.indent(suite, space="  ", level=1)
        yield "  " + printable(ElementTree.tostring(suite, encoding="unicode")) + "\n"
    yield "</testsuites>\n"


def _case(suite: ElementTree.Element, classname: str, name: str, score: int | None, label: str | None, text: str,
          skipped: str | None, threshold: int, fail_on: str) -> str:
    """One test case: skipped (with why), a failure at or worse than --fail-on, or passed."""
    case = ElementTree.SubElement(suite, "testcase", classname=classname, name=name)
    if skipped is not None or score is None:
        ElementTree.SubElement(case, "skipped", message=skipped or "not graded").text = text
        return "skipped"
    if score >= threshold:
        message = f"{label} (fails at {fail_on} or worse)"
        ElementTree.SubElement(case, "failure", type="grade", message=message).text = text
        return "failure"
    ElementTree.SubElement(case, "system-out").text = f"{label}: {text}" if classname.startswith("judgement.") else text
    return "passed"
