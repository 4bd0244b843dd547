"""The result document: the canonical, JSON-ready form of an evaluated result.

Every formatter reads this, so a saved JSON result can be rendered again exactly.
Keys are documented in the README ("JSON output").
"""

from __future__ import annotations

import datetime
import json
import math
import re
from pathlib import Path
from typing import Any

from .. import __version__
from ..cache import files_digest
from ..loader import MAX_NUMBER
from ..model import Finding, Grade, Improvement, InputError, Location, Problem, Result

SCHEMA_VERSION = 1
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def document(result: Result, *, fail_on: str, rank: str | None = None,
             at: datetime.datetime | None = None) -> dict[str, Any]:
    pack, submission = result.pack, result.submission
    at = at or datetime.datetime.now(datetime.UTC)
    return {
        "schema_version": SCHEMA_VERSION,
        "authority": submission.authority,
        "code": submission.code,
        "period": submission.period,
        "as_of": submission.as_of,
        "metrics_file": submission.path,
        "metrics_sha256": submission.sha256,
        "pack": {
            "id": pack.id,
            "version": pack.version,
            "title": pack.title,
            "sha256": files_digest(pack.path),
            "extends": [{"id": pack_id, "version": version} for pack_id, version in pack.extends],
            "disabled": [{"rule": rule_id, "reason": reason} for rule_id, reason in pack.disabled],
            "source": {
                "title": pack.source.title,
                "publisher": pack.source.publisher,
                "published": pack.source.published,
            },
        },
        "run": {
            "at": at.replace(microsecond=0).isoformat(),
            "comply_version": __version__,
            "fail_on": fail_on,
            "partial": bool(pack.selection),
            "rank": rank,
            "only": list(pack.selection),
        },
        "scale": [{"id": g.id, "label": g.label, "score": g.score} for g in pack.scale.grades],
        "judgements": [
            {
                "id": r.judgement.id,
                "section": r.judgement.section,
                "title": r.judgement.title,
                **_grade(r.grade),
                "basis": r.basis,
            }
            for r in result.judgements
        ],
        "values": {metric_id: item.value for metric_id, item in submission.values.items()},
        **({"history": {"judgements": result.earlier.judgements, "values": result.earlier.values}}
           if result.earlier and (result.earlier.judgements or result.earlier.values) else {}),
        "findings": [_finding(result, f) for f in result.findings],
        "areas_for_improvement": [_improvement(a) for a in result.areas_for_improvement],
        "further_shortfalls": [_improvement(a) for a in result.further_shortfalls],
        "waivers": [
            {"rule": w.rule, "reason": w.reason, "agreed_by": w.agreed_by, "expires": w.expires,
             "status": "applied" if applies else "expired"}
            for w, applies in result.waivers
        ],
        "queries": [
            {"id": q.query.id, "title": q.query.title, "status": q.status.value, "text": q.text,
             "cites": list(q.query.cites)}
            for q in result.queries
        ],
    }


def read_result(path: Path) -> tuple[list[dict[str, Any]], bool]:
    """A saved JSON result (one object, or an array for several files), checked against its schema."""
    from ..loader import Document
    from ..schema import validate

    try:
        with path.open(encoding="utf-8") as stream:
            text = stream.read()
        payload = json.loads(text, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except OSError as error:
        raise InputError([Problem(Location(str(path)), f"cannot read: {error.strerror}")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(Location(str(path)), "not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        raise InputError([Problem(Location(str(path), error.lineno, error.colno),
                                  f"not JSON: {error.msg}")]) from None
    except _Unusable as error:
        before = text[:text.find(error.literal)]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise InputError([Problem(Location(str(path), line, column), f"not a comply result: {error}")]) from None
    if _SURROGATE_ESCAPE.search(text):  # JSON can write half a UTF-16 pair, which no text can hold
        try:
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            half = error.object[error.start]
            raise InputError([Problem(Location(str(path)), "not a comply result: text holds half of a UTF-16 pair "
                                      f"(\\u{ord(half):04x}), which is not a character")]) from None
    problems = validate(Document(str(path), payload), "result")
    if problems:
        raise InputError([Problem(p.location, "not a comply result: " + p.message) for p in problems[:5]])
    several = isinstance(payload, list)
    documents = payload if several else [payload]
    if not documents:
        raise InputError([Problem(Location(str(path)), "the result holds no authority")])
    return documents, several


class _Unusable(ValueError):
    """A number JSON can write and a result cannot hold: huge, infinite, or not a number."""

    def __init__(self, literal: str, message: str) -> None:
        super().__init__(message)
        self.literal = literal


def _too_large(literal: str) -> _Unusable:
    shown = literal if len(literal) <= 24 else f"{literal[:20]}... ({len(literal.lstrip('-'))} digits)"
    return _Unusable(literal, f"a number is too large: {shown}")


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > 16:  # never int() of thousands of digits, which Python refuses
        raise _too_large(literal)
    number = int(literal)
    if abs(number) > MAX_NUMBER:
        raise _too_large(literal)
    return number


def _real(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise _too_large(literal)
    return number


def _constant(literal: str) -> float:
    raise _Unusable(literal, "NaN is not a number") if literal == "NaN" else _too_large(literal)


def _grade(grade: Grade | None) -> dict[str, Any]:
    if grade is None:
        return {"grade": None, "label": None, "score": None}
    return {"grade": grade.id, "label": grade.label, "score": grade.score}


def _finding(result: Result, finding: Finding) -> dict[str, Any]:
    rule = finding.rule
    metric = result.pack.metrics[rule.metric]
    submitted = result.submission.values.get(rule.metric)
    return {
        "rule": rule.id,
        "title": rule.title,
        "judgement": rule.judgement,
        "metric": rule.metric,
        "unit": metric.unit.value,
        "status": finding.status.value,
        **_grade(finding.grade),
        "value": finding.value,
        "numerator": submitted.numerator if submitted else None,
        "denominator": submitted.denominator if submitted else None,
        "estimated": sorted(submitted.estimated) if submitted else [],
        "benchmarks": finding.benchmarks,
        "evidence": finding.evidence,
        "cites": list(rule.cites),
        "timescale": rule.timescale,
        "limiting": rule.limiting,
    }


def _improvement(improvement: Improvement) -> dict[str, Any]:
    item = {
        "timescale": improvement.timescale,
        "rule": improvement.rule.id,
        "judgement": improvement.judgement.id,
        "text": improvement.rule.recommendation,
        "cites": list(improvement.rule.cites),
    }
    if improvement.timescale is None:
        del item["timescale"]
    return item
