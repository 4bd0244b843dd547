"""A pack's derivations file (``derivations/*.yaml``): which Annex A list and rows each metric
is counted from, read and checked against the pack before any workbook is opened, so that a
mistake in the file is reported with its line, never as a wrong figure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..loader import Document, read_yaml
from ..model import InputError, Location, Pack, Problem, Unit
from ..schema import did_you_mean, validate
from .vocabulary import END, condition, reads

TYPES = ("identifier", "date", "count", "code", "text")
_UNSHARED = re.compile(r"\(\?<?[=!]|\\[1-9]")  # what Python's regular expressions read and Rust's do not


Conditions = list[dict[str, Any]]


@dataclass(frozen=True)
class Column:
    name: str
    header: re.Pattern[str]
    type: str
    codes: tuple[tuple[str, str], ...] = ()  # code -> the pattern its cells match in full, any case
    required: bool = False


@dataclass(frozen=True)
class ListSpec:
    """One list of the workbook: how its sheet and columns are found, and what tells rows apart."""

    name: str
    sheet: re.Pattern[str]
    title: str
    columns: dict[str, Column]
    key: tuple[str, ...] = ()

    @property
    def identifier(self) -> Column:
        return next(column for column in self.columns.values() if column.type == "identifier")


@dataclass(frozen=True)
class Derivation:
    """How one metric is counted: its list, its rows, and the numerator or the mean it takes."""

    metric: str
    unit: Unit
    list: str
    rows: Conditions
    numerator: Conditions | None
    mean_days: tuple[str, str] | None
    says: str
    estimated: str | None


@dataclass(frozen=True)
class Derivations:
    id: str
    title: str
    source: str
    path: str
    lists: dict[str, ListSpec]
    metrics: dict[str, Derivation]
    cannot_give: dict[str, str]


def find(reference: str, pack: Pack) -> Path:
    """A derivations file by path, or by id among the pack's (or its family's) derivations/ folder."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    folders = [Path(pack.path) / "derivations", Path(pack.path).parent / "derivations"]
    for folder in folders:
        if (folder / f"{reference}.yaml").is_file():
            return folder / f"{reference}.yaml"
    known = sorted({p.stem for folder in folders for p in folder.glob("*.yaml")})
    raise InputError([Problem(Location(reference), f"no derivations {reference!r}: not a file, nor one of pack "
                              f"{pack.id}'s ({', '.join(known) or 'none'})")])


def read(reference: str, pack: Pack) -> Derivations:
    """The derivations file, checked against the pack's catalogue; every problem with its line. A file with
    ``lists_from`` reads the code sets and lists of that file (as its own, which may add to them)."""
    document = _checked(find(reference, pack))
    shared = document.data.get("lists_from")
    if shared:
        path = (Path(document.path).parent / shared).resolve()
        if not path.is_file():
            raise InputError([Problem(document.where(("lists_from",)), f"lists_from: no file {shared!r} beside "
                                      "this one")])
        other = _checked(path).data
        if other.get("lists_from"):
            raise InputError([Problem(document.where(("lists_from",)), f"lists_from: {shared!r} reads its lists "
                                      "from another file in turn; name that one")])
        document.data["codes"] = {**other.get("codes", {}), **document.data.get("codes", {})}
        document.data["lists"] = {**other["lists"], **document.data.get("lists", {})}
    return _Checker(document, pack).build()


def _checked(path: Path) -> Document:
    document = read_yaml(path)
    problems = validate(document, "derivations")
    if problems:
        raise InputError(problems)
    return document


class _Checker:
    def __init__(self, document: Document, pack: Pack) -> None:
        self.document, self.pack = document, pack
        self.problems: list[Problem] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.document.where(path), message))

    def pattern(self, text: str, path: tuple[Any, ...]) -> re.Pattern[str]:
        """A pattern, in the syntax both Python's and polars' (Rust's) regular expressions read."""
        try:
            if _UNSHARED.search(text):
                raise re.error("look-arounds and back-references are not supported")
            return re.compile(text, re.IGNORECASE)
        except re.error as error:
            self.problem(path, f"{text!r} is not a regular expression comply reads: {error}")
            return re.compile(re.escape(text), re.IGNORECASE)

    def build(self) -> Derivations:
        data = self.document.data
        codes = {name: tuple((code, self.pattern(text, ("codes", name, code)).pattern)
                             for code, text in patterns.items()) for name, patterns in data.get("codes", {}).items()}
        lists = {name: self.list_spec(name, spec, codes) for name, spec in data["lists"].items()}
        metrics = {}
        for metric_id, spec in data["metrics"].items():
            derivation = self.derivation(metric_id, spec, lists)
            if derivation is not None:
                metrics[metric_id] = derivation
        for metric_id in data.get("cannot_give", {}):
            if metric_id not in self.pack.metrics:
                self.problem(("cannot_give", metric_id), f"unknown metric {metric_id!r} for pack {self.pack.id}"
                             + did_you_mean(metric_id, self.pack.metrics))
        if self.problems:
            raise InputError(self.problems)
        return Derivations(data["id"], data["title"], data["source"], self.document.path, lists, metrics,
                           dict(data.get("cannot_give", {})))

    def list_spec(self, name: str, spec: dict[str, Any], codes: dict[str, Any]) -> ListSpec:
        columns = {}
        for column, entry in spec["columns"].items():
            where = ("lists", name, "columns", column)
            code_set: tuple[tuple[str, str], ...] = ()
            if entry["type"] == "code":
                if entry.get("codes") not in codes:
                    self.problem(where, f"a code column names its code set: one of {', '.join(codes) or 'none'}")
                else:
                    code_set = codes[entry["codes"]]
            columns[column] = Column(column, self.pattern(entry["header"], (*where, "header")), entry["type"],
                                     code_set, entry.get("required", False) or entry["type"] == "identifier")
        if [c.type for c in columns.values()].count("identifier") != 1:
            self.problem(("lists", name, "columns"), "a list has one identifier column (the child's or adopter's)")
        for column in spec.get("key", []):
            if column not in columns:
                self.problem(("lists", name, "key"), f"no column {column!r} in list {name}"
                             + did_you_mean(column, columns))
        return ListSpec(name, self.pattern(spec["sheet"], ("lists", name, "sheet")), spec["title"], columns,
                        tuple(spec.get("key", ())))

    def derivation(self, metric_id: str, spec: dict[str, Any], lists: dict[str, ListSpec]) -> Derivation | None:
        where = ("metrics", metric_id)
        metric = self.pack.metrics.get(metric_id)
        if metric is None:
            self.problems.append(Problem(self.document.where_key(where), f"unknown metric {metric_id!r} for pack "
                                         f"{self.pack.id}" + did_you_mean(metric_id, self.pack.metrics)))
            return None
        listed = lists.get(spec["list"])
        if listed is None:
            self.problem((*where, "list"), f"no list {spec['list']!r}" + did_you_mean(spec["list"], lists))
            return None
        forms = {Unit.PERCENT: "numerator", Unit.COUNT: None, Unit.DAYS: "mean_days"}
        if metric.unit not in forms:
            self.problem(where, f"{metric_id} is a {metric.unit.value}: a derivation gives a percentage, a count "
                                "or a mean number of days")
            return None
        wanted = forms[metric.unit]
        for form in ("numerator", "mean_days"):
            if (form in spec) != (form == wanted):
                self.problem(where, f"{metric_id} is a {metric.unit.value}, so its derivation "
                             + (f"needs {form}" if form == wanted else f"has no {form}"))
        conditions = [*spec["rows"], *spec.get("numerator", [])]
        spans = [("mean_days", spec["mean_days"]["from"]), ("mean_days", spec["mean_days"]["to"])] \
            if "mean_days" in spec else []
        for column, wanted_type in [*reads(conditions), *((c, "date") for _, c in spans)]:
            self.check_column(listed, column, wanted_type, where)
        for item in conditions:
            word, argument = condition(item)
            if word == "is":
                column, chosen = next(iter(argument.items()))
                known = [code for code, _ in listed.columns[column].codes] if column in listed.columns else []
                for code in chosen:
                    if known and code not in known:
                        self.problem(where, f"{column} has no code {code!r}" + did_you_mean(code, known))
            if word == "age" and argument["from"] > argument["to"]:
                self.problem(where, f"age from {argument['from']} to {argument['to']}: the first is the youngest")
        return Derivation(metric_id, metric.unit, spec["list"], spec["rows"], spec.get("numerator"),
                          (spec["mean_days"]["from"], spec["mean_days"]["to"]) if "mean_days" in spec else None,
                          spec["says"], spec.get("estimated"))

    def check_column(self, listed: ListSpec, column: str, wanted: str | None, where: tuple[Any, ...]) -> None:
        if column == END:
            return
        found = listed.columns.get(column)
        if found is None:
            self.problem(where, f"no column {column!r} in list {listed.name}" + did_you_mean(column, listed.columns))
        elif wanted is not None and found.type != wanted:
            self.problem(where, f"{column} is a {found.type} column; this condition reads a {wanted}")
