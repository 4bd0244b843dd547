"""Find and load rule packs: pack.yaml, the metric catalogue and the rule files.

Everything wrong with a pack is collected and raised together, each problem at its
file, line and column: schema errors, references to unknown judgements, metrics or
grades, conditions the language refuses, citations past the source's last
paragraph, and cycles in the judgement tree.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from . import cache as pack_cache
from . import estimates, expressions, periods
from .loader import Document, read_yaml
from .model import (
    LIMIT_KEYS,
    RULE_NAMES,
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
    Polarity,
    Problem,
    Query,
    Rule,
    Scale,
    Source,
    Unit,
)
from .schema import Suggestions, did_you_mean, read_checked

DEFAULT_PACK = "ofsted-slac-2011"
_LOADING: list[str] = []  # the folders of packs being loaded, to catch packs that extend each other
DEFAULT_SMALL_COHORT = 10
#: The longest chain of judgements reading judgements (a record of findings has three or four levels);
#: grading walks it recursively.
MAX_JUDGEMENT_DEPTH = 50



def bundled_root() -> Path:
    """The folder of bundled packs: inside the installed package, else the checkout's rules/."""
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    return installed if installed.is_dir() else here.parent.parent / "rules"


def bundled_packs() -> list[str]:
    """Bundled packs and pack families (folders of dated versions), by id."""
    root = bundled_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file() or _versions(p))


def _versions(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "pack.yaml").is_file()) if folder.is_dir() else []


def bundled_family(version: Path) -> str | None:
    """The name of the bundled family a pack folder is a version of, if it is one."""
    family = version.resolve().parent
    return family.name if family.parent == bundled_root().resolve() and _versions(family) else None


def reference_for(pack: Pack) -> str:
    """How a metrics file names this pack so that comply check finds this very pack: FAMILY/VERSION
    for a version of a bundled family, the id of a bundled pack, else the pack's folder."""
    folder = Path(pack.path).resolve()
    family = bundled_family(folder)
    if family:
        return f"{family}/{folder.name}"
    if folder.parent == bundled_root().resolve():
        return folder.name
    return str(folder)


def find_pack(reference: str | None, relative_to: Path | None = None, on: datetime.date | None = None) -> Path:
    """A pack's folder from a path or a bundled id; None means the default pack.

    A family (a folder of dated versions, each with in_force) gives the version in force
    ``on`` that date (today by default); ``family/version`` names one outright.
    """
    reference = reference or DEFAULT_PACK
    candidates = [Path(reference)]
    if relative_to is not None and not Path(reference).is_absolute():
        candidates.insert(0, relative_to / reference)
    given = len(candidates)
    candidates.append(bundled_root() / reference)
    for index, candidate in enumerate(candidates):
        if (candidate / "pack.yaml").is_file():
            return candidate
        if _versions(candidate):
            return _version_in_force(candidate, reference, on or datetime.date.today())
        if candidate.is_dir() and index < given:
            return candidate  # a folder named as a pack that is not one: the loader says so
    known = ", ".join(bundled_packs()) or "none"
    raise InputError([Problem(Location(reference),
                              f"no pack {reference!r}: not a folder, nor a bundled pack ({known})")])


def _version_in_force(family: Path, reference: str, on: datetime.date) -> Path:
    spans = []
    for version in _versions(family):
        document = read_yaml(version / "pack.yaml")
        start, end = _in_force(document, reference)
        spans.append(f"{version.name} from {start}" + (f" until {end}" if end != datetime.date.max else ""))
        if start <= on <= end:
            return version
    raise InputError([Problem(Location(reference), f"no version of pack {reference!r} was in force on {on} "
                              f"({'; '.join(spans)})")])


def _in_force(document: Document, reference: str) -> tuple[datetime.date, datetime.date]:
    """A family version's in_force span, from and until (or for ever); InputError at the offending key."""
    span = document.data.get("in_force") if isinstance(document.data, dict) else None
    if not isinstance(span, dict) or "from" not in span:
        raise InputError([Problem(document.where(()), f"a version of pack family {reference!r} needs in_force "
                                  "(from, and until where it ended)")])
    days = {}
    for key in ("from", "until"):
        written = span.get(key)
        if written is None and key == "until":
            days[key] = datetime.date.max
            continue
        where = document.where(("in_force", key))
        if not isinstance(written, str):
            raise InputError([Problem(where, f"in_force {key} should be a date written YYYY-MM-DD, not "
                                             f"{written!r}")])
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", written):  # fromisoformat takes 20100401, 2010-W13-4
            raise InputError([Problem(where, f"in_force {key}: {written!r} is not a date written YYYY-MM-DD")])
        try:
            days[key] = datetime.date.fromisoformat(written)
        except ValueError:
            raise InputError([Problem(where, f"in_force {key}: {written!r} is not a real date")]) from None
    if days["until"] < days["from"]:
        raise InputError([Problem(document.where(("in_force", "until")), f"in_force ends ({days['until']}) before "
                                  f"it starts ({days['from']})")])
    return days["from"], days["until"]


def date_of(as_of: str | None, period: str | None) -> datetime.date | None:
    """The date a metrics file speaks for: its as_of, else the last day of its period (periods.end)."""
    try:
        if as_of:
            return datetime.date.fromisoformat(as_of)
        if period:
            return periods.end(period)
    except (ValueError, KeyError):
        return None
    return None


@cache
def load_pack(folder: str, on: datetime.date | None = None) -> Pack:
    """Load and check the pack in ``folder``; raise InputError with every problem.

    A pack that extends a family (``extends: ofsted-ilacs``) extends the version in force ``on``
    the date (today when None), as the family itself would be chosen. Once per process, and from
    the pack cache (cache.py) while the pack's files are unchanged.
    """
    path = Path(folder)
    parents = lambda pack: [Path(p) for p in pack.parent_paths]  # noqa: E731
    pack = pack_cache.load(path, _PackBuilder(path).build, parents)
    if pack.follows and on is not None:
        wanted = str(find_pack(pack.follows, path, on).resolve())
        if pack.parent_paths[:1] != (wanted,):
            pack = pack_cache.load(path, _PackBuilder(path, on).build, parents, variant=wanted)
    return pack


def _family(reference: str, relative_to: Path) -> bool:
    """Whether an extends reference names a family of dated versions (rather than one pack)."""
    candidates = [relative_to / reference, Path(reference), bundled_root() / reference]
    return any(not (c / "pack.yaml").is_file() and _versions(c) for c in candidates)


class _PackBuilder:
    def __init__(self, folder: Path, on: datetime.date | None = None) -> None:
        self.folder = folder
        self.on = on
        self.problems: list[Problem] = []
        self.calibration = ""
        #: limits set in this pack's files with no rationale, and rationales for limits not set:
        #: they load (older packs have them), and lint reports them
        self.unsourced: list[Problem] = []
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

    def build(self) -> Pack:
        if not (self.folder / "pack.yaml").is_file():
            raise InputError([Problem(Location(str(self.folder)), "not a pack: there is no pack.yaml")])
        header = self.read(self.folder / "pack.yaml", "pack")
        if header is None:
            raise InputError(self.problems)
        parent = self._parent(header) if "extends" in header.data else None
        catalogue = None
        if parent is None or (self.folder / "metrics.yaml").is_file():
            catalogue = self.read(self.folder / "metrics.yaml", "catalogue")
        rule_files = sorted((self.folder / "rules").glob("*.yaml"))
        if not rule_files and parent is None:
            self.problem(Location(str(self.folder / "rules")), "the pack has no rule files (rules/*.yaml)")
        rule_documents = [self.read(path, "rules") for path in rule_files]
        if self.problems:
            raise InputError(self.problems)

        data = header.data
        if parent is None:
            scale, sources = self._scale(header), self._sources(header)
            judgements = self._judgements(header)
        else:
            scale, sources = parent.scale, parent.sources
            share = data.get("min_evidence")
            judgements = {j.id: j if share is None else replace(j, min_evidence=share) for j in parent.judgements}
            if "judgements" in data:
                judgements = self._changed_judgements(judgements, header, parent)
        metrics = dict(parent.metrics) if parent else {}
        for metric_id, metric in (self._metrics(catalogue) if catalogue else {}).items():
            if metric_id in metrics:
                self.problem(metric.location or Location(str(self.folder)),
                             f"already in pack {parent.id if parent else ''}; choose another id", metric_id)
            metrics[metric_id] = metric
        rules = self._inherited_rules(parent, header, metrics, judgements) if parent else []
        rules += [rule for document in rule_documents if document
                  for rule in self._rules(document, judgements, metrics, scale, sources)]
        queries = list(parent.queries) if parent else []
        queries += [query for document in rule_documents if document
                    for query in self._queries(document, metrics, sources)]
        indicators, estimated = self._estimates(parent, metrics, judgements, scale, sources)
        self._check_unique([(rule.id, rule.location) for rule in rules]
                           + [(query.id, query.location) for query in queries]
                           + [(indicator.id, indicator.location) for indicator in indicators], "rule", subject=True)
        self._check_cycles(judgements)
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
            judgements=tuple(judgements.values()),
            metrics=metrics,
            rules=tuple(rules),
            queries=tuple(queries),
            extends=((parent.id, parent.version), *parent.extends) if parent else (),
            parent_paths=(parent.path, *parent.parent_paths) if parent else (),
            disabled=(*(parent.disabled if parent else ()), *data.get("disable", {}).items()),
            indicators=indicators,
            estimates=estimated,
            calibration=self.calibration or (parent.calibration if parent else ""),
            follows=data["extends"] if parent and _family(data["extends"], self.folder) else "",
        )

    def _estimates(self, parent: Pack | None, metrics: dict[str, Metric], judgements: dict[str, Judgement],
                   scale: Scale, sources: tuple[Source, ...]) -> tuple[tuple[Indicator, ...], dict[str, Estimate]]:
        """The pack's own estimates.yaml, else its parent's for the judgements it keeps."""
        self.calibration = ""
        path = self.folder / "estimates.yaml"
        if not path.is_file():
            return estimates.inherited(parent.indicators, parent.estimates, judgements) if parent else ((), {})
        document = self.read(path, "estimates")
        if document is None:
            return (), {}
        self.calibration = _one_line(document.data["calibration"]) or ""
        return estimates.build(self, document, metrics, judgements, scale, sources)

    def _scale(self, header: Document) -> Scale:
        grades = header.data["scale"]
        self._check_unique([(g["id"], header.where(("scale", i, "id"))) for i, g in enumerate(grades)], "grade")
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
            self._check_unique([(source.id, header.where(("sources", index)))
                                for index, source in enumerate(sources)], "source")
        return sources

    def _parent(self, header: Document) -> Pack:
        """The pack this one extends, loaded (and checked) in its own right."""
        for key in ("source", "sources", "scale", "sections"):
            if key in header.data:
                self.problem(header.where_key((key,)), f"{key} comes from the pack this one extends "
                                                       f"({header.data['extends']}); remove it", "pack")
        where = header.where(("extends",))
        try:
            folder = str(find_pack(header.data["extends"], self.folder, self.on).resolve())
        except InputError as error:  # said at the extends line, not at the name alone
            raise InputError([*self.problems, *(Problem(where, f"extends: {p.message}", "pack")
                                                for p in error.problems)]) from None
        if folder in [*_LOADING, str(self.folder.resolve())]:
            chain = [*_LOADING, str(self.folder.resolve()), folder]
            raise InputError([*self.problems, Problem(where, "packs extend each other in a cycle: "
                                                     + " -> ".join(chain[chain.index(folder):]), "pack")])
        _LOADING.append(str(self.folder.resolve()))
        try:
            return load_pack(folder, self.on)
        finally:
            _LOADING.pop()

    def _changed_judgements(self, judgements: dict[str, Judgement], header: Document,
                            parent: Pack) -> dict[str, Judgement]:
        """The parent's judgement tree with this pack's removals, retitlings, changes and additions."""
        changes = header.data["judgements"]
        base = ("judgements",)
        result = dict(judgements)
        disabled = header.data.get("disable", {})
        for index, judgement_id in enumerate(changes.get("remove", [])):
            where = header.where(base + ("remove", index))
            if judgement_id not in result:
                self.problem(where, f"no judgement {judgement_id!r} in pack {parent.id}"
                             + self.suggest(judgement_id, result), judgement_id)
                continue
            del result[judgement_id]
            moved = header.data.get("override", {})
            for rule in parent.rules:
                stays = "judgement" not in moved.get(rule.id, {})
                if rule.judgement == judgement_id and rule.id not in disabled and stays:
                    self.problem(where, f"rule {rule.id} feeds it: disable the rule or move it (override its "
                                 "judgement)", judgement_id)
        for key in ("retitle", "change"):
            for judgement_id, value in changes.get(key, {}).items():
                if judgement_id not in result:
                    self.problem(header.where_key(base + (key, judgement_id)), f"no judgement {judgement_id!r} "
                                 f"(after removals)" + self.suggest(judgement_id, result), judgement_id)
                elif key == "retitle":
                    result[judgement_id] = replace(result[judgement_id], title=value)
                else:
                    result[judgement_id] = self._changed(result[judgement_id], value, header,
                                                         base + (key, judgement_id))
        for index, item in enumerate(changes.get("add", [])):
            where = header.where(base + ("add", index))
            if item["id"] in result:
                self.problem(where, f"judgement {item['id']!r} is already in the tree", item["id"])
                continue
            new = Judgement(
                id=item["id"], section=item["section"], title=item["title"], method=item.get("method", "best_fit"),
                location=where, inputs=tuple(item.get("inputs", ())), limited_by=tuple(item.get("limited_by", ())),
                min_evidence=item.get("min_evidence", header.data.get("min_evidence", 0.0)),
                description=item.get("description"), cap_above_worst=item.get("cap_above_worst"),
                worst_grade_from=tuple(item.get("worst_grade_from", ())),
                limits_rationale=_rationales(item.get("limits_rationale")))
            self._check_limit_sources(new, header, base + ("add", index), item, item.get("limits_rationale", {}))
            ordered = list(result.values())
            after = item.get("after")
            if after is not None and after not in result:
                self.problem(where, f"after: no judgement {after!r}" + self.suggest(after, result), item["id"])
                after = None
            if after is None:  # at the end of its section, or a new section at the end
                same = [i for i, j in enumerate(ordered) if j.section == new.section]
                position = same[-1] + 1 if same else len(ordered)
            else:
                position = next(i for i, j in enumerate(ordered) if j.id == after) + 1
            ordered.insert(position, new)
            result = {j.id: j for j in ordered}
        for judgement in result.values():
            for key in ("inputs", "limited_by", "worst_grade_from"):
                for other in getattr(judgement, key):
                    if other not in result:
                        self.problem(header.where(base), f"{judgement.id}: {key} names {other!r}, which is not in "
                                     "the tree (removed?); change it", judgement.id)
        return result

    def _changed(self, judgement: Judgement, value: dict[str, Any], header: Document,
                 path: tuple[Any, ...]) -> Judgement:
        """A parent's judgement with a ``change`` applied.

        A limit the change sets again loses the parent's rationale: it needs its own.
        """
        fields: dict[str, Any] = {name: tuple(item) if isinstance(item, list) else item
                                  for name, item in value.items() if name != "limits_rationale"}
        rationales = {key: text for key, text in judgement.limits_rationale.items() if key not in value}
        rationales.update(_rationales(value.get("limits_rationale")))
        changed = replace(judgement, **fields, limits_rationale=rationales)
        self._check_limit_sources(changed, header, path, value, value.get("limits_rationale", {}))
        return changed

    def _check_limit_sources(self, judgement: Judgement, document: Document, path: tuple[Any, ...],
                             set_here: dict[str, Any], given_here: dict[str, Any]) -> None:
        """Note each limit set here with no rationale, and each rationale given here for a limit not set."""
        for key in judgement.limits():
            if key in set_here and key not in judgement.limits_rationale:
                self.unsourced.append(Problem(
                    document.where_key(path + (key,)), f"{key} has no rationale: say where the limit comes from "
                    f"(the framework, or the source's reasoning with its paragraph) in limits_rationale.{key}",
                    judgement.id))
        for key in given_here:
            if key not in judgement.limits():
                self.unsourced.append(Problem(document.where_key(path + ("limits_rationale", key)),
                                              f"limits_rationale.{key}: the judgement sets no {key}", judgement.id))

    def _inherited_rules(self, parent: Pack, header: Document, metrics: dict[str, Metric],
                         judgements: dict[str, Judgement]) -> list[Rule]:
        """The parent's rules with this pack's overrides applied and its disabled rules left out."""
        overrides, disabled = header.data.get("override", {}), header.data.get("disable", {})
        known = [rule.id for rule in parent.rules]
        for key, named in (("override", overrides), ("disable", disabled)):
            for rule_id in named:
                if rule_id not in known:
                    self.problem(header.where_key((key, rule_id)), f"no rule {rule_id!r} in pack {parent.id}"
                                 + self.suggest(rule_id, known), rule_id)
                elif key == "disable" and rule_id in overrides:
                    self.problem(header.where_key((key, rule_id)), "is both overridden and disabled", rule_id)
        rules = []
        for rule in parent.rules:
            if rule.id in overrides:
                rule = self._override(rule, overrides[rule.id], header, metrics, parent, judgements)
            if rule.id not in disabled:
                rules.append(rule)
        return rules

    def _override(self, rule: Rule, changes: dict[str, Any], header: Document, metrics: dict[str, Metric],
                  parent: Pack, judgements: dict[str, Judgement]) -> Rule:
        path = ("override", rule.id)
        types = condition_types(metrics[rule.metric], metrics)
        replaced: dict[str, Any] = {key: changes[key] for key in ("title", "timescale", "limiting", "judgement")
                                    if key in changes}
        if "judgement" in changes and changes["judgement"] not in judgements:
            self.problem(header.where(path + ("judgement",)), f"unknown judgement {changes['judgement']!r}"
                         + self.suggest(changes["judgement"], judgements), rule.id)
        for key in ("recommendation", "rationale", "limiting_rationale"):
            if key in changes:
                replaced[key] = _one_line(changes[key])
        if "bands" in changes:
            replaced["bands"] = tuple(self._bands(changes["bands"], types, header, path, rule.id, parent.scale))
        if "otherwise" in changes:
            self._check_grade(changes["otherwise"], header.where(path + ("otherwise",)), rule.id, parent.scale,
                              "otherwise ")
            replaced["otherwise"] = changes["otherwise"]
        if "applies_when" in changes:
            replaced["applies_when"] = self.condition(changes["applies_when"], types, header,
                                                       path + ("applies_when",), rule.id)
        if "cites" in changes:
            replaced["cites"] = self.cites(changes["cites"], header, path + ("cites",), rule.id, parent.sources)
        result = replace(rule, **replaced)
        if result.timescale and not result.recommendation:
            self.problem(header.where(path), "a timescale needs a recommendation", rule.id)
        self._check_limiting_source(result, header, path, changes)
        return result

    def _check_limiting_source(self, rule: Rule, document: Document, path: tuple[Any, ...],
                               item: dict[str, Any]) -> None:
        """Note a limiting rule set here with no rationale, or a rationale given here for a rule that is not."""
        if rule.limiting and item.get("limiting") and not rule.limiting_rationale:
            self.unsourced.append(Problem(
                document.where_key(path + ("limiting",)), "limiting has no rationale: say where the limit comes "
                "from (the framework, or the source's reasoning with its paragraph) in limiting_rationale", rule.id))
        if "limiting_rationale" in item and not rule.limiting:
            self.unsourced.append(Problem(document.where_key(path + ("limiting_rationale",)),
                                          "limiting_rationale: the rule is not limiting", rule.id))

    def _bands(self, items: dict[str, Any], types: dict[str, str], document: Document, path: tuple[Any, ...],
               rule_id: str, scale: Scale) -> list[Band]:
        bands = []
        for grade_id, text in items.items():
            self._check_grade(grade_id, document.where_key(path + ("bands", grade_id)), rule_id, scale)
            condition = self.condition(text, types, document, path + ("bands", grade_id), rule_id)
            if condition is not None:
                bands.append(Band(grade_id, condition))
        return bands

    def _check_grade(self, grade_id: str, where: Location, rule_id: str, scale: Scale, what: str = "") -> None:
        if grade_id not in scale:
            self.problem(where, f"{what}{grade_id!r} is not a grade of the scale ({', '.join(scale.ids)})", rule_id)

    def _check_unique(self, items: list[tuple[str, Location]], what: str, subject: bool = False) -> None:
        seen: dict[str, Location] = {}
        for item_id, location in items:
            if item_id in seen:
                self.problem(location, f"duplicate {what} id {item_id!r} (first at {seen[item_id]})",
                             item_id if subject else "")
            else:
                seen[item_id] = location

    def _judgements(self, header: Document) -> dict[str, Judgement]:
        default_share = header.data.get("min_evidence", 0.0)
        judgements: dict[str, Judgement] = {}
        for s, section in enumerate(header.data["sections"]):
            for j, item in enumerate(section["judgements"]):
                path = ("sections", s, "judgements", j)
                location = header.where(path + ("id",))
                if item["id"] in judgements:
                    self.problem(location, f"duplicate judgement id {item['id']!r}")
                    continue
                judgements[item["id"]] = Judgement(
                    id=item["id"],
                    section=section["title"],
                    title=item["title"],
                    method=item.get("method", "best_fit"),
                    location=location,
                    inputs=tuple(item.get("inputs", ())),
                    limited_by=tuple(item.get("limited_by", ())),
                    min_evidence=item.get("min_evidence", default_share),
                    description=item.get("description"),
                    cap_above_worst=item.get("cap_above_worst"),
                    worst_grade_from=tuple(item.get("worst_grade_from", ())),
                    limits_rationale=_rationales(item.get("limits_rationale")),
                )
                self._check_limit_sources(judgements[item["id"]], header, path, item,
                                          item.get("limits_rationale", {}))
        for s, section in enumerate(header.data["sections"]):
            for j, item in enumerate(section["judgements"]):
                for key in ("inputs", "limited_by", "worst_grade_from"):
                    for k, other in enumerate(item.get(key, ())):
                        if other not in judgements:
                            self.problem(header.where(("sections", s, "judgements", j, key, k)),
                                         f"{key}: unknown judgement {other!r}"
                                         + self.suggest(other, judgements))
        return judgements

    def _check_cycles(self, judgements: dict[str, Judgement]) -> None:
        """Report each cycle of inputs and limits among the judgements, and chains too deep to grade.

        Walked with a stack of our own, not recursion: a chain of hundreds of judgements is
        what it must report, not what may overflow Python's stack.
        """
        def read(judgement_id: str) -> list[str]:
            judgement = judgements[judgement_id]
            return [other for other in judgement.inputs + judgement.limited_by + judgement.worst_grade_from
                    if other in judgements]

        depth: dict[str, int] = {}  # judgements done: the longest chain of judgements from each, itself included
        for start in judgements:
            if start in depth:
                continue
            trail, stack = [start], [iter(read(start))]
            while stack:
                other = next(stack[-1], None)
                if other is None:
                    done = trail.pop()
                    stack.pop()
                    depth[done] = 1 + max((depth.get(item, 0) for item in read(done)), default=0)
                elif other in trail:
                    cycle = trail[trail.index(other):] + [other]
                    self.problem(judgements[other].location, "judgements form a cycle: " + " -> ".join(cycle))
                elif other not in depth:
                    trail.append(other)
                    stack.append(iter(read(other)))
        read_by_others = {other for judgement_id in judgements for other in read(judgement_id)}
        for judgement_id, deepest in depth.items():
            if deepest > MAX_JUDGEMENT_DEPTH and judgement_id not in read_by_others:
                self.problem(judgements[judgement_id].location, f"judgements read each other {deepest} deep, more "
                             f"than the {MAX_JUDGEMENT_DEPTH} a pack may chain", judgement_id)

    def _metrics(self, catalogue: Document) -> dict[str, Metric]:
        metrics: dict[str, Metric] = {}
        for metric_id, item in catalogue.data["metrics"].items():
            location = catalogue.where_key(("metrics", metric_id))
            if metric_id in RULE_NAMES or metric_id in expressions.CONSTANTS or metric_id in expressions.FUNCTIONS:
                self.problem(location, f"{metric_id!r} is a reserved name in conditions; choose another id")
            unit = Unit(item["unit"])
            minimum, maximum = item.get("minimum"), item.get("maximum")
            if minimum is not None and maximum is not None and minimum > maximum:
                self.problem(location, f"{metric_id}: minimum {minimum} is above maximum {maximum}")
            if unit is Unit.BOOLEAN and item["polarity"] not in ("higher_better", "lower_better", "context"):
                self.problem(location, f"{metric_id}: a yes/no metric cannot have polarity 'band'")
            metrics[metric_id] = Metric(
                id=metric_id,
                title=item["title"],
                unit=unit,
                polarity=Polarity(item["polarity"]),
                definition=" ".join(item["definition"].split()),
                minimum=minimum,
                maximum=maximum,
                code=item.get("code"),
                defaults=dict(item.get("benchmarks", {})),
                defaults_source=item.get("benchmarks_source"),
                location=location,
            )
        return metrics

    def _rules(self, document: Document, judgements: dict[str, Judgement], metrics: dict[str, Metric],
               scale: Scale, sources: tuple[Source, ...]) -> list[Rule]:
        rules = []
        for index, item in enumerate(document.data["rules"]):
            if item.get("kind") == "query":
                continue
            path = ("rules", index)
            rule_id = item["id"]

            def problem(where: Location, message: str, rule_id: str = rule_id) -> None:
                self.problem(where, message, subject=rule_id)

            problems_before = len(self.problems)
            if item["judgement"] not in judgements:
                problem(document.where(path + ("judgement",)), f"unknown judgement {item['judgement']!r}"
                        + self.suggest(item["judgement"], judgements))
            metric = metrics.get(item["metric"])
            if metric is None:
                problem(document.where(path + ("metric",)), f"unknown metric {item['metric']!r}"
                        + self.suggest(item["metric"], metrics))
                continue
            types = condition_types(metric, metrics)
            bands = self._bands(item["bands"], types, document, path, rule_id, scale)
            self._check_grade(item["otherwise"], document.where(path + ("otherwise",)), rule_id, scale, "otherwise ")
            applies_when = None
            if "applies_when" in item:
                applies_when = self.condition(item["applies_when"], types, document,
                                               path + ("applies_when",), rule_id)
            if "timescale" in item and "recommendation" not in item:
                problem(document.where(path + ("timescale",)), "a timescale needs a recommendation")
            cites = self.cites(item["cites"], document, path + ("cites",), rule_id, sources)
            if len(self.problems) > problems_before:
                continue
            rules.append(Rule(
                id=rule_id,
                title=item["title"],
                judgement=item["judgement"],
                metric=item["metric"],
                bands=tuple(bands),
                otherwise=item["otherwise"],
                cites=cites,
                location=document.where(path),
                recommendation=_one_line(item.get("recommendation")),
                timescale=item.get("timescale"),
                limiting=item.get("limiting", False),
                applies_when=applies_when,
                rationale=_one_line(item.get("rationale")),
                limiting_rationale=_one_line(item.get("limiting_rationale")),
            ))
            self._check_limiting_source(rules[-1], document, path, item)
        return rules

    def _queries(self, document: Document, metrics: dict[str, Metric], sources: tuple[Source, ...]) -> list[Query]:
        queries = []
        for index, item in enumerate(document.data["rules"]):
            if item.get("kind") != "query":
                continue
            path = ("rules", index)
            before = len(self.problems)
            metric = metrics.get(item.get("metric", ""))
            if "metric" in item and metric is None:
                self.problem(document.where(path + ("metric",)), f"unknown metric {item['metric']!r}"
                             + self.suggest(item["metric"], metrics), item["id"])
                continue
            types = condition_types(metric, metrics) if metric else {
                other.id: expressions.BOOLEAN if other.is_boolean else expressions.NUMBER for other in metrics.values()}
            check = self.condition(item["check"], types, document, path + ("check",), item["id"])
            cites = self.cites(item["cites"], document, path + ("cites",), item["id"], sources)
            if check is None or len(self.problems) > before:
                continue
            queries.append(Query(item["id"], item["title"], check, _one_line(item["message"]) or "", cites,
                                 document.where(path), item.get("metric")))
        return queries

    def condition(self, text: Any, types: dict[str, str], document: Document, path: tuple[Any, ...],
                   rule_id: str) -> Condition | None:
        location = document.where(path)
        try:
            return expressions.parse(text, types, location)
        except expressions.ConditionError as error:
            self.problem(location, str(error), subject=rule_id)
            return None

    def cites(self, cites: list[Any], document: Document, path: tuple[Any, ...], rule_id: str,
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


def select(pack: Pack, ids: tuple[str, ...]) -> Pack:
    """The pack narrowed to ``ids`` for a focused run (``--only``).

    A judgement id brings its subtree: the judgements it reads (inputs and limits) and
    all their rules. A rule id brings that rule alone, with its judgement graded by it.
    Data queries run only when named.
    """
    if not ids:
        return pack
    judgement_ids = {j.id for j in pack.judgements}
    rule_ids = {r.id for r in pack.rules}
    rule_ids |= {q.id for q in pack.queries}
    unknown = [item for item in ids if item not in judgement_ids | rule_ids]
    if unknown:
        raise InputError([Problem(Location("--only"), f"{item!r} is neither a judgement nor a rule of pack "
                                  f"{pack.id}" + did_you_mean(item, sorted(judgement_ids | rule_ids)))
                          for item in unknown])
    whole: set[str] = set()
    pending = [item for item in ids if item in judgement_ids]
    while pending:
        judgement = pack.judgement(pending.pop())
        if judgement.id not in whole:
            whole.add(judgement.id)
            pending += [*judgement.inputs, *judgement.limited_by]
    rules = tuple(r for r in pack.rules if r.judgement in whole or r.id in ids)
    kept = whole | {r.judgement for r in rules}
    judgements = tuple(
        replace(j, inputs=tuple(i for i in j.inputs if i in kept),
                limited_by=tuple(i for i in j.limited_by if i in kept))
        for j in pack.judgements if j.id in kept)
    queries = tuple(q for q in pack.queries if q.id in ids)
    kept_estimates = {key: value for key, value in pack.estimates.items() if key in kept}
    return replace(pack, judgements=judgements, rules=rules, queries=queries, selection=ids, estimates=kept_estimates)


def condition_types(metric: Metric, metrics: dict[str, Metric]) -> dict[str, str]:
    def kind(m: Metric) -> str:
        return expressions.BOOLEAN if m.is_boolean else expressions.NUMBER

    types = {other.id: kind(other) for other in metrics.values()}
    types.update({name: expressions.NUMBER for name in RULE_NAMES})
    types["value"] = types["previous"] = kind(metric)
    if metric.unit is not Unit.PERCENT:
        del types["numerator"], types["denominator"]
    if metric.is_boolean or metric.polarity in (Polarity.BAND, Polarity.CONTEXT):
        del types["trend"]
    return types


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else text


def _rationales(items: dict[str, str] | None) -> dict[str, str]:
    """A judgement's limits_rationale, each on one line, in LIMIT_KEYS' order."""
    items = items or {}
    return {key: " ".join(items[key].split()) for key in LIMIT_KEYS if key in items}
