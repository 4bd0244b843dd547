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
from ..loader import MAX_NUMBER
from ..model import (
    Finding,
    Grade,
    Improvement,
    IndicatorResult,
    InputError,
    JudgementKind,
    JudgementResult,
    Location,
    Polarity,
    Problem,
    Result,
    Status,
)

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
            "sha256": pack.digest,
            "extends": [{"id": pack_id, "version": version} for pack_id, version in pack.extends],
            "disabled": [{"rule": rule_id, "reason": reason} for rule_id, reason in pack.disabled],
            "overridden": [{"rule": rule_id, "pack": by, "changed": [key for key in keys if key != "rationale"],
                            "reason": reason} for rule_id, by, keys, reason, _ in pack.overridden],
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
        "estimate_notice": estimate_notice(result),
        "warnings": list(result.warnings),
        "last_inspection": _last_inspection(result),
        "judgements": [_judgement(result, r) for r in result.judgements],
        "indicators": [_indicator(result, reading) for reading in result.indicators],
        "context": [_figure(result, metric.id) for metric in result.pack.metrics.values()
                    if metric.polarity is Polarity.CONTEXT and metric.id in result.submission.values
                    and not metric.is_boolean],
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


def evidence_source(definition: str | None) -> str:
    """Where an officer finds a figure, from how its catalogue definition opens: a case audit, Annex A
    (through comply import annex-a), the authority's other records, or an attestation (yes or no)."""
    text = definition or ""
    listed = re.match(r"From the authority's records \(Annex A list (\d+)", text)
    if listed:
        return f"Annex A list {listed.group(1)}: comply import annex-a"
    if text.startswith("From case audit"):
        return "a case audit"
    if text.startswith("Whether"):
        return "an attestation, yes or no, with its evidence in the note"
    return "the authority's records"


def _judgement(result: Result, judged: JudgementResult) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": judged.judgement.id,
        "section": judged.judgement.section,
        "title": judged.judgement.title,
        **_grade(judged.grade),
        "basis": judged.basis,
        "kind": judged.kind.value,
    }
    estimate = judged.estimate
    if estimate is not None and judged.kind is JudgementKind.ESTIMATED:
        item["estimate"] = {"score": judged.score, "agreement": estimate.agreement}
    elif estimate is not None and judged.kind is JudgementKind.NOT_ESTIMABLE:
        metrics = [result.pack.metrics[metric_id] for metric_id in dict.fromkeys(  # those the file lacks
            finding.rule.metric for finding in result.findings
            if finding.rule.judgement == judged.judgement.id and finding.status is Status.NOT_EVIDENCED)]
        needed = [f"{metric.title} ({evidence_source(metric.definition)})" for metric in metrics]
        why = estimate.why_not if not estimate.estimable else judged.basis.removeprefix(
            "not estimable from published figures: ")
        item["estimate"] = {"why_not": why, "evidence_needed": needed,
                            "prompts": [_figure(result, metric_id) for metric_id in estimate.prompts]}
    return item


def estimate_notice(result: Result) -> str | None:
    """What the run's grades are, when published figures stand in for the authority's evidence."""
    estimated = [r for r in result.judgements if r.kind is JudgementKind.ESTIMATED]
    withheld = [r for r in result.judgements if r.kind is JudgementKind.NOT_ESTIMABLE]
    if not estimated and not withheld:
        return None
    parts = []
    if estimated:
        parts.append("Estimated from published figures, not judged from the authority's own evidence: "
                     + "; ".join(f"{r.judgement.title} ({r.estimate.agreement})" for r in estimated
                                 if r.estimate is not None) + ".")
    if withheld:
        parts.append("Not estimable from published figures (each says why): "
                     + "; ".join(r.judgement.title for r in withheld)
                     + ". The authority's own records, audits and answers would judge them.")
    return " ".join(parts)


def _last_inspection(result: Result) -> dict[str, Any] | None:
    last = result.submission.last_inspection
    if last is None:
        return None
    scale = result.pack.scale
    return {"date": last.date, "source": last.source,
            "grades": {judgement: scale[grade].label for judgement, grade in last.grades.items()}}


def _figure(result: Result, metric_id: str) -> dict[str, Any]:
    """A published figure as a prompt: its value, benchmarks, rank and quartile, and its direction."""
    metric = result.pack.metrics[metric_id]
    submitted = result.submission.values.get(metric_id)
    figure: dict[str, Any] = {"metric": metric_id, "title": metric.title, "unit": metric.unit.value,
                              "polarity": metric.polarity.value, "value": None, "benchmarks": {},
                              "rank": {}, "quartile": None, "direction": None}
    if submitted is None:
        return figure
    figure.update(value=submitted.value, benchmarks={**metric.defaults, **submitted.benchmarks},
                  rank={among: list(place) for among, place in submitted.rank.items()})
    if "neighbours" in submitted.rank:
        position, of = submitted.rank["neighbours"]
        figure["quartile"] = min(4, 1 + (4 * (position - 1)) // of)
    previous = submitted.benchmarks.get("previous")
    if isinstance(submitted.value, int | float) and isinstance(previous, int | float) \
            and not isinstance(submitted.value, bool):
        change = submitted.value - previous
        if metric.polarity in (Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER):
            better = change > 0 if metric.polarity is Polarity.HIGHER_BETTER else change < 0
            figure["direction"] = "no change" if change == 0 else "improved" if better else "declined"
        else:
            figure["direction"] = "no change" if change == 0 else "up" if change > 0 else "down"
    return figure


def _indicator(result: Result, reading: IndicatorResult) -> dict[str, Any]:
    indicator = reading.indicator
    return {
        "id": indicator.id,
        "title": indicator.title,
        "signal": reading.signal.value if reading.signal else None,
        "estimates": [judgement for judgement, estimate in result.pack.estimates.items()
                      if any(name == indicator.id for name, _ in estimate.indicators)],
        "evidence": reading.evidence,
        "queried": list(reading.queried),
        "cites": list(indicator.cites),
        **_figure(result, indicator.metric),
    }


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
        "rank": {among: list(place) for among, place in submitted.rank.items()} if submitted else {},
        "evidence": finding.evidence,
        "queried": list(finding.queried),
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
