"""Build a pack from its files: pack.yaml, the catalogue, the rule files and the estimates.

Everything wrong with a pack is collected and raised together, each problem at its file, line
and column: schema errors, references to unknown judgements, metrics or grades, conditions the
language refuses, citations past the source's last paragraph, and cycles in the judgement tree.
The parts are built by their own modules (catalogue, judgements, rulefiles, extends, estimates),
each noting its problems here; PackBuilder reads the files, checks what they share (grades,
conditions, citations, ids) and puts the pack together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import catalogue, estimates, expressions, extends, judgements, rulefiles
from .cache import files_digest
from .loader import Document, PathKey, one_line
from .model import (
    Band,
    Condition,
    Estimate,
    Grade,
    Indicator,
    InputError,
    Judgement,
    Location,
    Metric,
    Pack,
    Problem,
    Scale,
    Source,
)
from .schema import Suggestions, read_checked

DEFAULT_SMALL_COHORT = 10


class PackBuilder:
    """One build of the pack in ``folder``: the problems found so far, and the checks every part shares."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.unsourced: list[Problem] = []  # the pack's limits that do not say where they come from
        self.suggest = Suggestions()

    def read(self, path: Path, schema_name: str) -> Document | None:
        """The file read and checked, or None (its problems noted): a file with any problem is not built from."""
        try:
            return read_checked(path, schema_name)
        except InputError as error:
            self.problems.extend(error.problems)
            return None

    def problem(self, location: Location, message: str, subject: str = "") -> None:
        self.problems.append(Problem(location, message, subject))

    def header(self) -> Document:
        """pack.yaml, read and checked; InputError when there is none or it has any problem."""
        if not (self.folder / "pack.yaml").is_file():
            raise InputError([Problem(Location(str(self.folder)), "not a pack: there is no pack.yaml")])
        header = self.read(self.folder / "pack.yaml", "pack")
        if header is None:
            raise InputError(self.problems)
        if "extends" in header.data:
            extends.check_header(self, header)
        return header

    def build(self, header: Document, parent: Pack | None, follows: str = "") -> Pack:
        """The pack, from pack.yaml (``header``) and the rest of its files, on ``parent`` if it extends one;
        ``follows`` is the family it extends by name. InputError with every problem."""
        catalogue_file = None
        if parent is None or (self.folder / "metrics.yaml").is_file():
            catalogue_file = self.read(self.folder / "metrics.yaml", "catalogue")
        rule_files = sorted((self.folder / "rules").glob("*.yaml"))
        if not rule_files and parent is None:
            self.problem(Location(str(self.folder / "rules")), "the pack has no rule files (rules/*.yaml)")
        rule_documents = [document for document in (self.read(path, "rules") for path in rule_files) if document]
        if self.problems:
            raise InputError(self.problems)

        data = header.data
        if parent is None:
            scale, sources, tree = self._scale(header), self._sources(header), judgements.tree(self, header)
        else:
            scale, sources, tree = parent.scale, parent.sources, extends.judgements(self, header, parent)
        metrics = dict(parent.metrics) if parent else {}
        for metric_id, metric in (catalogue.metrics(self, catalogue_file) if catalogue_file else {}).items():
            if metric_id in metrics:
                self.problem(metric.location or Location(str(self.folder)),
                             f"already in pack {parent.id if parent else ''}; choose another id", metric_id)
            metrics[metric_id] = metric
        rules = extends.rules(self, parent, header, metrics, tree) if parent else []
        rules += [rule for document in rule_documents
                  for rule in rulefiles.rules(self, document, tree, metrics, scale, sources)]
        queries = list(parent.queries) if parent else []
        queries += [query for document in rule_documents
                    for query in rulefiles.queries(self, document, metrics, sources)]
        indicators, estimated, calibration = self._estimates(parent, metrics, tree, scale, sources)
        self.check_unique([(rule.id, rule.location) for rule in rules]
                          + [(query.id, query.location) for query in queries]
                          + [(indicator.id, indicator.location) for indicator in indicators], "rule", subject=True)
        judgements.check_cycles(self, tree)
        recommend_below = data.get("recommend_below", parent.recommend_below if parent else scale.grades[1].id)
        if recommend_below not in scale:
            self.problem(header.where(("recommend_below",)), f"recommend_below: {recommend_below!r} is not "
                                                            f"a grade of the scale ({', '.join(scale.ids)})")
        if self.problems:
            raise InputError(self.problems)
        return Pack(
            id=data["id"],
            title=data["title"],
            version=data["version"],
            path=str(self.folder),
            source=sources[0],
            sources=sources,
            scale=scale,
            recommend_below=recommend_below,
            small_cohort=data.get("small_cohort", parent.small_cohort if parent else DEFAULT_SMALL_COHORT),
            judgements=tuple(tree.values()),
            metrics=metrics,
            rules=tuple(rules),
            queries=tuple(queries),
            extends=((parent.id, parent.version), *parent.extends) if parent else (),
            parent_paths=(parent.path, *parent.parent_paths) if parent else (),
            disabled=(*(parent.disabled if parent else ()), *data.get("disable", {}).items()),
            overridden=(*(parent.overridden if parent else ()),
                        *((rule_id, data["id"], tuple(changes), one_line(changes.get("rationale", "")) or "",
                           str(header.where_key(("override", rule_id))))
                          for rule_id, changes in data.get("override", {}).items())),
            digest=files_digest(str(self.folder)),
            indicators=indicators,
            estimates=estimated,
            calibration=calibration or (parent.calibration if parent else ""),
            follows=follows,
            unsourced=tuple(self.unsourced),
        )

    def _estimates(self, parent: Pack | None, metrics: dict[str, Metric], tree: dict[str, Judgement], scale: Scale,
                   sources: tuple[Source, ...]) -> tuple[tuple[Indicator, ...], dict[str, Estimate], str]:
        """The pack's own estimates.yaml (and its calibration), else its parent's for the judgements it keeps."""
        path = self.folder / "estimates.yaml"
        if not path.is_file():
            return (*estimates.inherited(parent.indicators, parent.estimates, tree), "") if parent else ((), {}, "")
        document = self.read(path, "estimates")
        if document is None:
            return (), {}, ""
        return (*estimates.build(self, document, metrics, tree, scale, sources),
                one_line(document.data["calibration"]) or "")

    def _scale(self, header: Document) -> Scale:
        grades = header.data["scale"]
        self.check_unique([(g["id"], header.where(("scale", i, "id"))) for i, g in enumerate(grades)], "grade")
        return Scale(tuple(Grade(g["id"], g["label"], i + 1) for i, g in enumerate(grades)))

    def _sources(self, header: Document) -> tuple[Source, ...]:
        data = header.data
        if ("source" in data) == ("sources" in data):
            self.problem(header.where(()), "give the pack's source, or its sources (a list), but not both", "pack")
            raise InputError(self.problems)
        items = [data["source"]] if "source" in data else data["sources"]
        sources = tuple(Source(id=item.get("id", data["id"]), title=item["title"], publisher=item["publisher"],
                               published=item["published"], paragraphs=item["paragraphs"]) for item in items)
        if "sources" in data:
            for index, item in enumerate(items):
                if "id" not in item:
                    self.problem(header.where(("sources", index)), "each of several sources needs an id, "
                                 "for citations (ID:PARAGRAPH)", "pack")
            self.check_unique([(source.id, header.where(("sources", index)))
                               for index, source in enumerate(sources)], "source")
        return sources

    def condition(self, text: Any, types: dict[str, str], document: Document, path: PathKey,
                  rule_id: str) -> Condition | None:
        """The condition parsed and checked, or None (its problem noted)."""
        location = document.where(path)
        try:
            return expressions.parse(text, types, location)
        except expressions.ConditionError as error:
            self.problem(location, str(error), subject=rule_id)
            return None

    def bands(self, items: dict[str, Any], types: dict[str, str], document: Document, path: PathKey,
              rule_id: str, scale: Scale) -> list[Band]:
        found = []
        for grade_id, text in items.items():
            self.check_grade(grade_id, document.where_key(path + ("bands", grade_id)), rule_id, scale)
            condition = self.condition(text, types, document, path + ("bands", grade_id), rule_id)
            if condition is not None:
                found.append(Band(grade_id, condition))
        return found

    def cites(self, cites: list[Any], document: Document, path: PathKey, rule_id: str,
              sources: tuple[Source, ...]) -> tuple[str, ...]:
        """Citations checked against the sources: N for a pack's only source, ID:N for one of several."""
        by_id = {source.id: source for source in sources}
        result = []
        for index, cite in enumerate(cites):
            text = str(cite)
            prefix, _, number = text.rpartition(":")
            where = document.where(path + (index,))
            if not prefix and len(sources) > 1:
                self.problem(where, f"cites paragraph {number} of which source? Write ID:{number}, the ids being "
                             + ", ".join(by_id), rule_id)
            elif prefix and prefix not in by_id:
                self.problem(where, f"cites unknown source {prefix!r} (the pack's sources: {', '.join(by_id)})"
                             + self.suggest(prefix, by_id), rule_id)
            else:
                source = by_id[prefix] if prefix else sources[0]
                named = f"source {prefix}" if prefix else "the source"
                if not 1 <= int(number) <= source.paragraphs:
                    self.problem(where, f"cites paragraph {number}, but {named} has paragraphs "
                                 f"1-{source.paragraphs}", rule_id)
            result.append(text)
        return tuple(result)

    def check_grade(self, grade_id: str, where: Location, rule_id: str, scale: Scale, what: str = "") -> None:
        if grade_id not in scale:
            self.problem(where, f"{what}{grade_id!r} is not a grade of the scale ({', '.join(scale.ids)})", rule_id)

    def check_unique(self, items: list[tuple[str, Location]], what: str, subject: bool = False) -> None:
        seen: dict[str, Location] = {}
        for item_id, location in items:
            if item_id in seen:
                self.problem(location, f"duplicate {what} id {item_id!r} (first at {seen[item_id]})",
                             item_id if subject else "")
            else:
                seen[item_id] = location
