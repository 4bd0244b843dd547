"""--format junit: JUnit XML for schedulers and CI dashboards.

One test suite per authority; one test case per judgement and per finding. A judgement
or graded finding at or worse than --fail-on is a failure; findings that are not
evidenced, not applicable or waived are skipped.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree


def render(documents: list[dict[str, Any]], several: bool, table_format: str = "simple") -> str:
    root = ElementTree.Element("testsuites", name="comply")
    for doc in documents:
        scores = {grade["id"]: grade["score"] for grade in doc["scale"]}
        fail_on = doc["run"]["fail_on"]
        threshold = scores.get(fail_on, len(scores) + 1)
        suite = ElementTree.SubElement(root, "testsuite", name=f"{doc['authority']} {doc['period']}",
                                       timestamp=doc["run"]["at"])
        cases = failures = skipped = 0
        for judgement in doc["judgements"]:
            case = ElementTree.SubElement(suite, "testcase", classname=f"judgement.{judgement['section']}",
                                          name=judgement["title"])
            cases += 1
            if judgement["score"] is None:
                ElementTree.SubElement(case, "skipped", message="not judged").text = judgement["basis"]
                skipped += 1
            elif judgement["score"] >= threshold:
                failure = ElementTree.SubElement(case, "failure", type="grade",
                                                 message=f"{judgement['label']} (fails at {fail_on} or worse)")
                failure.text = judgement["basis"]
                failures += 1
            else:
                ElementTree.SubElement(case, "system-out").text = f"{judgement['label']}: {judgement['basis']}"
        for finding in doc["findings"]:
            case = ElementTree.SubElement(suite, "testcase", classname=f"rule.{finding['judgement']}",
                                          name=f"{finding['rule']}: {finding['title']}")
            cases += 1
            if finding["status"] != "graded":
                ElementTree.SubElement(case, "skipped", message=finding["status"].replace("_", " ")).text = \
                    finding["evidence"]
                skipped += 1
            elif finding["score"] >= threshold:
                failure = ElementTree.SubElement(case, "failure", type="grade",
                                                 message=f"{finding['label']} (fails at {fail_on} or worse)")
                failure.text = finding["evidence"]
                failures += 1
            else:
                ElementTree.SubElement(case, "system-out").text = finding["evidence"]
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
