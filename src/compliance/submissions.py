"""Read a metrics file and check every value against the pack's catalogue."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import periods
from .loader import Document, PathKey, read_yaml
from .model import (
    Earlier,
    InputError,
    LastInspection,
    Metric,
    MetricValue,
    Pack,
    Problem,
    Submission,
    Unit,
    Waiver,
)
from .schema import Suggestions, conforms, did_you_mean, read_checked, shape_problems, validate
from .units import UNITS, bounds

_NUMBER_FIELDS = ("national", "region", "neighbours", "target")


def read_metrics(path: str | Path) -> Document:
    """Read a metrics file (YAML, or a spreadsheet: CSV or XLSX) and check its shape against the
    metrics schema; raise InputError with every problem."""
    document, problems = read_metrics_leniently(path)
    if problems:
        raise InputError(problems)
    return document


def read_metrics_leniently(path: str | Path) -> tuple[Document, list[Problem]]:
    """As read_metrics, but a metric whose entry is misshapen is left out of the document and its
    problems returned, so that the rest can still be checked and every problem of the file told at
    once; a file whose header (authority, period, ...) is misshapen is refused outright."""
    from . import spreadsheets

    if spreadsheets.is_spreadsheet(Path(path)):
        document = spreadsheets.read(Path(path))
        problems = validate(document, "metrics")
    else:
        document = read_yaml(path)
        problems = shape_problems(document, "metrics", may_be_yes_no)
    if not problems:
        return document, []
    data = document.data
    header = {key: value for key, value in data.items() if key != "metrics"} if isinstance(data, dict) else data
    metrics = data.get("metrics") if isinstance(data, dict) else None
    # the fast check only: a file with thousands of mistakes must not make thousands of messages twice
    if not isinstance(metrics, dict) or not conforms({**header, "metrics": {}}, "metrics") \
            or any(where[:1] != ("metrics",) for where in document.yaml11_booleans if not may_be_yes_no(where)):
        raise InputError(problems)
    kept = {metric_id: entry for metric_id, entry in metrics.items()
            if conforms({**header, "metrics": {metric_id: entry}}, "metrics")
            and not any(where[:2] == ("metrics", metric_id) and not may_be_yes_no(where)
                        for where in document.yaml11_booleans)}
    document.data = {**header, "metrics": kept}
    return document, problems


def may_be_yes_no(where: PathKey) -> bool:
    """Whether a yes/no answer can stand here in a metrics file (the catalogue says if it must)."""
    return (len(where) == 2 and where[0] == "metrics") or (
        len(where) >= 3 and where[0] == "metrics" and where[2] in ("value", "previous", "history"))


def build_submission(document: Document, pack: Pack) -> Submission:
    """Check a schema-valid metrics document against ``pack``; raise InputError on any problem."""
    checker = _Checker(document, pack)
    values = {}
    for metric_id, raw in document.data["metrics"].items():
        value = checker.metric_value(metric_id, raw)
        if value is not None:
            values[metric_id] = value
    checker.check_header()
    last_inspection = checker.last_inspection()
    waivers = waivers_for(document, ("waivers",), pack, checker.problems)
    if checker.problems:
        raise InputError(checker.problems)
    data = document.data
    return Submission(
        path=document.path,
        authority=data["authority"],
        period=data["period"],
        values=values,
        code=data.get("code"),
        as_of=data.get("as_of"),
        pack=data.get("pack"),
        waivers=tuple(waivers),
        sha256=document.sha256,
        last_inspection=last_inspection,
    )


def read_benchmarks(path: str | Path) -> Document:
    """A shared benchmarks file, checked against its schema."""
    return read_checked(path, "benchmarks")


def with_benchmarks(submission: Submission, document: Document, pack: Pack) -> Submission:
    """The submission with the shared file's benchmarks where the metrics file gives none.

    The authority's own entry (by name or code) comes before the figures for everyone.
    """
    data = document.data
    problems: list[Problem] = []
    if data.get("period") and data["period"] != submission.period:
        problems.append(Problem(document.where(("period",)), f"the benchmarks are for {data['period']}, "
                                f"but {submission.path} is for {submission.period}"))
    names = {submission.authority.casefold(), (submission.code or "").casefold()}
    layers = [(("metrics",), data["metrics"])] + [
        (("authorities", name), entry) for name, entry in data.get("authorities", {}).items()
        if name.casefold() in names]
    merged: dict[str, dict[str, float]] = {}
    checker = _Checker(document, pack)
    for path, entry in layers:
        for metric_id, figures in entry.items():
            metric = pack.metrics.get(metric_id)
            if metric is None:
                problems.append(Problem(document.where_key(path + (metric_id,)), f"unknown metric {metric_id!r} for "
                                        f"pack {pack.id}" + checker.suggest(metric_id, pack.metrics)))
                continue
            for name, figure in figures.items():
                checker._number(metric, figure, path + (metric_id, name), name)
            merged.setdefault(metric_id, {}).update(figures)
    problems += checker.problems
    if problems:
        raise InputError(problems)
    values = {
        metric_id: replace(item, benchmarks={**merged.get(metric_id, {}), **item.benchmarks})
        for metric_id, item in submission.values.items()
    }
    return replace(submission, values=values)


def with_earlier(submission: Submission, earlier: Earlier) -> Submission:
    """The submission with ``previous`` and ``history`` from earlier recorded periods; the file wins."""
    values = {}
    for metric_id, item in submission.values.items():
        recorded = {period: figure for period, figure in earlier.values.get(metric_id, {}).items()
                    if isinstance(figure, bool) == isinstance(item.value, bool)}
        if not recorded:
            values[metric_id] = item
            continue
        benchmarks = dict(item.benchmarks)
        benchmarks.setdefault("previous", recorded[max(recorded, key=periods.order)])
        values[metric_id] = replace(item, benchmarks=benchmarks, history={**recorded, **item.history})
    return replace(submission, values=values)


def read_waivers(path: str | Path) -> Document:
    """A shared waivers file, checked against its schema."""
    return read_checked(path, "waivers")


def waivers_for(document: Document, path: PathKey, pack: Pack, problems: list[Problem]) -> list[Waiver]:
    """The waivers at ``path`` in ``document``, each checked: a rule of the pack, a real date."""
    rules = [rule.id for rule in pack.rules]
    suggest = Suggestions()
    waivers = []
    for index, item in enumerate(document.data.get(path[0], []) if len(path) == 1 else []):
        where = path + (index,)
        before = len(problems)
        if item["rule"] not in rules:
            problems.append(Problem(document.where(where + ("rule",)), f"waives unknown rule {item['rule']!r} of "
                                    f"pack {pack.id}" + suggest(item["rule"], rules)))
        try:
            datetime.date.fromisoformat(item["expires"])
        except ValueError:
            problems.append(Problem(document.where(where + ("expires",)), f"{item['expires']!r} is not a real date"))
        if len(problems) == before:
            waivers.append(Waiver(item["rule"], " ".join(item["reason"].split()), item["agreed_by"],
                                  item["expires"], document.where(where), item.get("authority")))
    return waivers


class _Checker:
    def __init__(self, document: Document, pack: Pack) -> None:
        self.document = document
        self.pack = pack
        self.problems: list[Problem] = []
        self.suggest = Suggestions()

    def problem(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.document.where(path), message))

    def check_header(self) -> None:
        data = self.document.data
        wrong = periods.problem(data["period"])
        if wrong:
            self.problem(("period",), wrong)
        if "as_of" in data:
            try:
                datetime.date.fromisoformat(data["as_of"])
            except ValueError:
                self.problem(("as_of",), f"{data['as_of']!r} is not a real date")

    def last_inspection(self) -> LastInspection | None:
        """The last inspection's date and grades, each grade on the pack's scale."""
        raw = self.document.data.get("last_inspection")
        if raw is None:
            return None
        try:
            datetime.date.fromisoformat(raw["date"])
        except ValueError:
            self.problem(("last_inspection", "date"), f"{raw['date']!r} is not a real date")
        for judgement, grade in raw["grades"].items():
            if grade not in self.pack.scale:
                self.problem(("last_inspection", "grades", judgement),
                             f"last_inspection: {grade!r} is not a grade of pack {self.pack.id} "
                             f"({', '.join(self.pack.scale.ids)})" + did_you_mean(grade, self.pack.scale.ids))
        return LastInspection(raw["date"], dict(raw["grades"]), raw.get("source"))

    def metric_value(self, metric_id: str, raw: Any) -> MetricValue | None:
        path: PathKey = ("metrics", metric_id)
        metric = self.pack.metrics.get(metric_id)
        if metric is None:
            self.problems.append(Problem(self.document.where_key(path),
                                         f"unknown metric {metric_id!r} for pack {self.pack.id}"
                                         + self.suggest(metric_id, self.pack.metrics)))
            return None
        long_form = raw if isinstance(raw, dict) else {"value": raw}
        before = len(self.problems)
        value = self._value(metric, long_form, path)
        benchmarks: dict[str, float] = {}
        for name in _NUMBER_FIELDS:
            if name in long_form:
                benchmarks[name] = self._number(metric, long_form[name], path + (name,), name)
        if "previous" in long_form:
            benchmarks["previous"] = self._typed(metric, long_form["previous"], path + ("previous",), "previous")
        history = {
            period: self._typed(metric, figure, path + ("history", period), f"history {period}")
            for period, figure in long_form.get("history", {}).items()
        }
        rank = {among: (int(pair[0]), int(pair[1])) for among, pair in long_form.get("rank", {}).items()}
        for among, (position, of) in rank.items():
            if position > of:
                self.problem(path + ("rank", among), f"{metric_id}: rank {position} of {of} is past the last place")
        self._check_series(metric_id, list(history), path + ("history",))
        if long_form.get("estimated") and not long_form.get("note"):
            self.problem(path + ("estimated",), f"{metric_id}: an estimated figure needs a note saying "
                                                "how it was estimated")
        if len(self.problems) > before or value is None:
            return None
        figure, numerator, denominator = value
        estimated = _estimated_fields(long_form.get("estimated", False))
        if "previous" not in benchmarks and history:  # the file's own latest earlier period is its previous figure
            benchmarks["previous"] = history[max(history, key=periods.order)]
            if "history" in estimated:
                estimated = estimated | {"previous"}
        return MetricValue(
            metric=metric_id,
            value=figure,
            location=self.document.where(path),
            numerator=numerator,
            denominator=denominator,
            benchmarks=benchmarks,
            history=history,
            note=long_form.get("note"),
            estimated=estimated,
            rank=rank,
        )

    def _check_series(self, metric_id: str, earlier: list[str], path: PathKey) -> None:
        """History holds earlier periods of the file's own series: years for a year, quarters for a quarter."""
        if not earlier:
            return
        period = self.document.data["period"]
        if periods.problem(period):
            return  # said once, of the file's period
        for other in earlier:
            where = self.document.where_key(path + (other,))
            wrong = periods.problem(other)
            if wrong:
                self.problems.append(Problem(where, f"{metric_id}: history {wrong}"))
            elif periods.series(other) != periods.series(period):
                self.problems.append(Problem(where, f"{metric_id}: history {other} is a {periods.series(other)}, "
                                         f"but {period} is a {periods.series(period)}; annual and quarterly "
                                         "figures are different series"))
            elif periods.order(other) >= periods.order(period):
                self.problems.append(Problem(where, f"{metric_id}: history {other} does not come before {period}"))

    def _value(self, metric: Metric, form: dict[str, Any], path: PathKey
               ) -> tuple[float | bool, float | None, float | None] | None:
        if "numerator" in form:
            if "value" in form:
                self.problem(path + ("value",), f"{metric.id}: give value, or numerator and denominator, "
                                                "not both")
                return None
            if metric.unit is not Unit.PERCENT:
                self.problem(path + ("numerator",), f"{metric.id}: numerator and denominator are for "
                                                    f"percentages; this metric is {metric.unit.value}")
                return None
            numerator, denominator = form["numerator"], form["denominator"]
            for name, number in (("numerator", numerator), ("denominator", denominator)):
                if number != int(number):
                    self.problem(path + (name,), f"{metric.id}: {name} should be a whole number, not {number}")
                    return None
            if denominator == 0:
                self.problem(path + ("denominator",), f"{metric.id}: denominator is 0")
                return None
            if numerator > denominator:
                self.problem(path + ("numerator",), f"{metric.id}: numerator {numerator} is larger than "
                                                    f"denominator {denominator}")
                return None
            figure = self._number(metric, 100.0 * numerator / denominator, path, "value")
            return figure, int(numerator), int(denominator)
        if "value" not in form:
            self.problem(path, f"{metric.id}: give value, or numerator and denominator")
            return None
        if form["value"] is None:
            return None  # deliberately left blank: not supplied
        where = path if path + ("value",) not in self.document.marks else path + ("value",)
        return self._typed(metric, form["value"], where, "value"), None, None

    def _typed(self, metric: Metric, raw: Any, path: PathKey, what: str) -> Any:
        if metric.is_boolean:
            if not isinstance(raw, bool):
                self.problem(path, f"{metric.id}: {what} should be true or false (yes/no), not {_written(raw)}")
            return raw
        return self._number(metric, raw, path, what)

    def _number(self, metric: Metric, raw: Any, path: PathKey, what: str) -> Any:
        word = UNITS[metric.unit].noun
        if metric.is_boolean:
            self.problem(path, f"{metric.id}: {what} cannot be given for a yes/no metric")
            return raw
        if path in self.document.yaml11_booleans:
            written = self.document.yaml11_booleans[path]
            self.problem(path, f"{metric.id}: {written!r} reads as yes/no, but {what} should be {word}")
            return raw
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            self.problem(path, f"{metric.id}: {what} should be {word}, not {_written(raw)}")
            return raw
        if metric.unit is Unit.COUNT and raw != int(raw) and what != "neighbours":  # a mean of counts need not be whole
            self.problem(path, f"{metric.id}: {what} should be a whole number (a count), not {raw}")
            return raw
        low, high = bounds(metric)
        if low is not None and raw < low or high is not None and raw > high:
            span = f"{_show(low)}-{_show(high)}" if low is not None and high is not None else \
                f"at least {_show(low)}" if low is not None else f"at most {_show(high)}"
            self.problem(path, f"{metric.id}: {what} {_show(raw)} is out of range for {word} ({span})")
        return int(raw) if metric.unit is Unit.COUNT and raw == int(raw) else raw


def _written(raw: Any) -> str:
    """A value as the file wrote it: true rather than Python's True."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return repr(raw)


def _estimated_fields(estimated: bool | list[str]) -> frozenset[str]:
    if estimated is True:
        return frozenset({"value"})
    return frozenset(estimated or ())


def _show(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)
