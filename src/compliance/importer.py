"""``comply import``: metrics files from published statistics, through a YAML adapter.

An adapter (a pack's ``adapters/*.yaml``) is data: which published tables to read, how
to tell England, region and authority rows apart, how each pack metric is computed from
their columns, where the statistical neighbours come from, which pack metrics the data
cannot give, and (optionally) where Ofsted's inspection outcomes are. The same formula
gives the authority's figure and its benchmarks: the England row (national), its region's
row (region), and the mean of its statistical neighbours' figures (neighbours); its rank
among its neighbours and among every authority of the table follows the metric's polarity.
Suppressed cells are missing, never zero; a figure with a missing part is not given, and
the metrics file says so. Every value is written by the YAML library, so a file import
writes is a file ``comply check`` reads.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from .inspections import Inspection, last_before, read_inspections
from .loader import Document
from .model import InputError, Location, Metric, Pack, Polarity, Problem, Unit
from .schema import did_you_mean, read_checked
from .tables import (
    AUTHORITY,
    NATIONAL,
    REGION,
    FileCache,
    Grouping,
    Row,
    Table,
    Wanted,
    columns,
    load,
    number,
    read_grouping,
)
from .units import bounds


def read_adapter(reference: str, pack: Pack, near: Path | None = None) -> Document:
    """An adapter by path, or by id among the pack's adapters/ folder (or beside ``near``)."""
    path = Path(reference)
    # a pack's own adapters/, then its family's (rules/FAMILY/adapters/, shared by the versions)
    folders = [Path(pack.path) / "adapters", Path(pack.path).parent / "adapters", *([near] if near else [])]
    if not path.is_file():
        path = next((folder / f"{reference}.yaml" for folder in folders if (folder / f"{reference}.yaml").is_file()),
                    folders[0] / f"{reference}.yaml")
    if not path.is_file():
        known = sorted(p.stem for folder in folders for p in folder.glob("*.yaml"))
        raise InputError([Problem(Location(reference), f"no adapter {reference!r}: not a file, nor one of pack "
                                  f"{pack.id}'s ({', '.join(known) or 'none'})")])
    document = read_checked(path, "adapter")
    problems = [Problem(document.where_key(("metrics", metric_id)), f"unknown metric {metric_id!r} for pack "
                        f"{pack.id}" + did_you_mean(metric_id, pack.metrics))
                for metric_id in document.data["metrics"] if metric_id not in pack.metrics]
    tables = document.data["tables"]
    for metric_id, recipe in document.data["metrics"].items():
        for part in ("value", "numerator", "denominator"):
            for reference_ in columns(recipe.get(part)):
                table = reference_.split(".", 1)[0]
                if table not in tables:
                    problems.append(Problem(document.where(("metrics", metric_id, part)),
                                            f"{metric_id}: no table {table!r}" + did_you_mean(table, tables)))
    if problems:
        raise InputError(problems)
    return document


class _Year:
    """One adapter's tables for one year ending 31 March, and the figures they give."""

    def __init__(self, adapter: Document, year: int, metrics: dict[str, Metric]) -> None:
        self.adapter, self.year, self.metrics = adapter, year, metrics
        self.data: dict[str, Any] = adapter.data
        self.tables = {name: Table(name, Path(spec["file"])) for name, spec in self.data["tables"].items()}
        self._everyone: dict[str, dict[str, float]] = {}

    def wanted(self, optional: bool = False) -> list[Wanted]:
        return [Wanted((name, self.year), self.data["tables"][name], self.year, table, optional)
                for name, table in self.tables.items()]

    def figure(self, metric_id: str, level: str, key: str) -> tuple[dict[str, float] | None, str]:
        """The metric for one row: {'value': x} or {'numerator', 'denominator'}; or None and why not."""
        recipe = self.data["metrics"][metric_id]
        parts: dict[str, float] = {}
        for part in ("value", "numerator", "denominator"):
            if part not in recipe:
                continue
            total = 0.0
            for reference in columns(recipe[part]):
                table_name, column = reference.split(".", 1)
                column = " ".join(column.format(year=self.year).split())
                table = self.tables[table_name]
                row = table.find(level, key)
                if row is None:
                    return None, f"no {level} row {key!r} in {table.path.name}"
                if column not in row.cells:
                    return None, f"no column {column!r} in {table.path.name}"
                figure, why = number(row.cells[column])
                if figure is None:
                    return None, f"{column} {why} in {table.path.name}"
                total += figure
            parts[part] = total
        if "denominator" in parts and not parts["denominator"]:
            return None, "the denominator is 0"
        wrong = _impossible(self.metrics[metric_id], parts)
        return (None, f"{wrong} in {table.path.name}") if wrong else (parts, "")

    def value(self, metric_id: str, level: str, key: str) -> float | None:
        parts, _ = self.figure(metric_id, level, key)
        return None if parts is None else as_value(parts)

    def national(self, metric_id: str) -> tuple[dict[str, float] | None, str]:
        first = columns(self.data["metrics"][metric_id].get("value")
                         or self.data["metrics"][metric_id].get("numerator"))[0]
        table = self.tables[first.split(".", 1)[0]]
        row = next((r for r in table.rows if r.level == NATIONAL), None)
        if row is None:
            return None, f"no national row in {table.path.name}"
        return self.figure(metric_id, NATIONAL, row.number or row.name)

    def everyone(self, metric_id: str) -> dict[str, float]:
        """Every authority's figure for the metric, by DfE number: for neighbour means and ranks."""
        if metric_id not in self._everyone:
            first = columns(self.data["metrics"][metric_id].get("value")
                             or self.data["metrics"][metric_id].get("numerator"))[0]
            figures = {}
            for row in self.tables[first.split(".", 1)[0]].authorities():
                figure = self.value(metric_id, AUTHORITY, row.number or row.code or row.name)
                if figure is not None:
                    figures[row.number or row.code or row.name] = figure
            self._everyone[metric_id] = figures
        return self._everyone[metric_id]

    def benchmarks(self, metric: Metric, authority: Row, region: str, grouping: Grouping | None
                   ) -> tuple[dict[str, Any], dict[str, str]]:
        """The metric's comparators for one authority (England's row, its region's, the mean of its statistical
        neighbours) and its ranks, with a note for each that could not be given."""
        metric_id = metric.id
        figures: dict[str, Any] = {}
        notes: dict[str, str] = {}
        national, why = self.national(metric_id)
        if national is not None:
            figures["national"] = as_value(national)
        else:
            notes["national"] = f"not given: {why}"
        if region:
            regional, why = self.figure(metric_id, REGION, region)
            if regional is not None:
                figures["region"] = as_value(regional)
            else:
                notes["region"] = f"not given: {why}"
        everyone = self.everyone(metric_id)
        own = everyone.get(authority.number or authority.code or authority.name)
        listed = grouping.neighbours.get(authority.number, []) if grouping else []
        values = [everyone[number] for number in listed if number in everyone]
        minimum = grouping.minimum if grouping else 1
        if grouping is None:
            notes["neighbours"] = "not given: no statistical neighbour grouping lists the authority"
        elif len(values) >= minimum:
            figures["neighbours"] = round(sum(values) / len(values), 1)
            if len(values) < len(listed):
                notes["neighbours"] = f"mean of the {len(values)} neighbours with a published figure"
        else:
            notes["neighbours"] = (f"not given: {len(values)} of the statistical neighbours have a published "
                                   f"figure, fewer than {minimum}")
        if own is not None:
            rank: dict[str, list[int]] = {}
            among_neighbours = _rank(metric, own, values) if len(values) >= minimum else None
            among_all = _rank(metric, own, [figure for key, figure in everyone.items()
                                            if key != (authority.number or authority.code or authority.name)])
            if among_neighbours:
                rank["neighbours"] = among_neighbours
            if among_all:
                rank["england"] = among_all
            if rank:
                figures["rank"] = rank
        return figures, notes


def _impossible(metric: Metric, parts: dict[str, float]) -> str:
    """Why a table's figure cannot be the metric's (a count below 0, a numerator above its denominator, a
    percentage past 100), or "": such a figure is left out, with why, and never reaches a benchmark or a rank."""
    for part in ("numerator", "denominator"):  # counts of children (a caseload's denominator may be FTE)
        if part in parts and parts[part] < 0:
            return f"the {part} {parts[part]:g} is below 0"
    if metric.unit is Unit.PERCENT and "numerator" in parts:  # written as a fraction, as a metrics file holds it
        for part in ("numerator", "denominator"):
            if not float(parts[part]).is_integer():
                return f"the {part} {parts[part]:g} is not a whole number"
        if parts["numerator"] > parts["denominator"]:
            return f"the numerator {parts['numerator']:g} is larger than the denominator {parts['denominator']:g}"
    low, high = bounds(metric)
    value = as_value(parts)
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{value:g} is out of range for {metric.title.lower()}"
    return ""


def as_value(parts: dict[str, float]) -> float:
    if "value" in parts:
        return parts["value"]
    return round(100 * parts["numerator"] / parts["denominator"], 1)


def _rank(metric: Metric, own: float, others: list[float]) -> list[int] | None:
    """[position, of]: 1 is the best by the metric's polarity (the highest for a context figure)."""
    if metric.polarity is Polarity.BAND:
        return None
    sign = -1 if metric.polarity is Polarity.LOWER_BETTER else 1
    return [1 + sum(1 for other in others if sign * other > sign * own), len(others) + 1]


class Importer:
    """Metrics files for the authorities of one period, from one adapter and a folder of tables."""

    def __init__(self, adapter: Document, pack: Pack, folder: Path, period: str, with_previous: bool = True,
                 files: FileCache | None = None) -> None:
        self.adapter, self.pack, self.folder, self.period = adapter, pack, folder, period
        data = adapter.data
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", period):
            raise InputError([Problem(Location("--period"), f"{period!r}: give a financial year such as 2010-11")])
        if period not in data["periods"]:
            raise InputError([Problem(adapter.where(("periods",)), f"the adapter {data['id']} is for "
                                      f"{', '.join(data['periods'])}, not {period}")])
        self.year = int(period[:4]) + 1  # 2010-11 is the year ending 31 March 2011
        self.current = _Year(adapter, self.year, pack.metrics)
        self.tables = self.current.tables
        self.before: _Year | None = None
        self.before_missing = ""
        if data.get("previous") and with_previous:
            self.before = self._year_before()
        # the year before is optional: without its tables, no previous
        skipped = load(self.current.wanted() + (self.before.wanted(optional=True) if self.before else []),
                        folder, files)
        if skipped:
            self.before_missing = str(skipped[0])
            self.before = None
        self.groupings = self._groupings()
        self.inspections: list[Inspection] = []
        if "inspections" in data:
            self.inspections = read_inspections(data["inspections"], folder, pack.scale)

    def _year_before(self) -> _Year:
        """One year back only, from the first adapter named whose periods hold it."""
        start = int(self.period[:4]) - 1
        wanted = f"{start}-{(start + 1) % 100:02d}"
        candidates = [read_adapter(reference, self.pack, near=Path(self.adapter.path).parent)
                      for reference in columns(self.adapter.data["previous"])]
        before = next((c for c in candidates if wanted in c.data["periods"]), candidates[0])
        return _Year(before, self.year - 1, self.pack.metrics)

    def _groupings(self) -> list[Grouping]:
        """The neighbour groupings for this period, the one in force first; the others serve the
        authorities the first does not list (made or recoded after it)."""
        specs = self.adapter.data["neighbours"]
        specs = specs if isinstance(specs, list) else [specs]
        chosen = sorted(specs, key=lambda spec: self.period not in spec.get("periods", [self.period]))
        return [read_grouping(spec, self.folder) for spec in chosen]

    def grouping_of(self, authority: Row) -> tuple[Grouping | None, str]:
        """The grouping that lists the authority, and a note when it is not the one in force."""
        for index, grouping in enumerate(self.groupings):
            if authority.number in grouping.neighbours:
                note = "" if index == 0 else (f"its statistical neighbours and region from "
                                              f"{grouping.description.rstrip('.')}, as "
                                              f"{self.groupings[0].description.rstrip('.')} does not list it")
                return grouping, note
        return None, ""

    def authorities(self, wanted: list[str], region: str | None = None) -> list[Row]:
        """The authority rows asked for (by code, old number or name), those of a region, else all."""
        first = next(iter(self.tables.values()))
        everyone = first.authorities()
        if region:
            def region_of(row: Row) -> str:
                grouping, _ = self.grouping_of(row)
                return grouping.regions.get(row.number, "") if grouping else ""

            regions = sorted({name for grouping in self.groupings for name in grouping.regions.values()})
            chosen = [row for row in everyone if region_of(row).casefold() == region.casefold()]
            if not chosen:  # London: the April 2021 groupings split it into INNER and OUTER LONDON
                halves = {f"{half} {region}".casefold() for half in ("inner", "outer")}
                chosen = [row for row in everyone if region_of(row).casefold() in halves]
            if not chosen:
                raise InputError([Problem(Location("--region"), f"no authorities in region {region!r}; the regions "
                                          f"are: {', '.join(regions)}")])
            return chosen
        if not wanted:
            return everyone
        chosen, problems = [], []
        successors = {key.casefold(): text for key, text in self.adapter.data.get("changes", {}).items()}
        for key in wanted:
            row = first.find(AUTHORITY, key)
            if row is None:
                why = successors.get(key.casefold())
                names = [r.name for r in everyone]
                starting = [name for name in names if name.casefold().startswith(key.casefold())]
                suggestion = f" (did you mean {starting[0]!r}?)" if len(starting) == 1 else \
                    f" (did you mean one of {', '.join(map(repr, starting[:5]))}?)" if starting else \
                    did_you_mean(key, names)
                problems.append(Problem(Location("--authority"), f"{key!r} is not in the {self.year} tables"
                                        + (f": {why}" if why else suggestion)))
            else:
                chosen.append(row)
        if problems:
            raise InputError(problems)
        return chosen

    def metrics(self, authority: Row) -> tuple[dict[str, Any], list[str], list[str]]:
        """One authority's metrics file as data, with the comment lines that go above and below it."""
        data = self.adapter.data
        grouping, grouping_note = self.grouping_of(authority)
        region = grouping.regions.get(authority.number, "") if grouping else ""
        content: dict[str, Any] = {"authority": authority.name}
        if authority.code:
            content["code"] = authority.code
        content["period"] = self.period
        content["pack"] = self._pack_reference()
        last = self._last_inspection(authority)
        if last is not None:
            content["last_inspection"] = last
        figures: dict[str, Any] = {}
        missing = []
        for metric_id, recipe in data["metrics"].items():
            parts, why = self.current.figure(metric_id, AUTHORITY, authority.number or authority.code
                                             or authority.name)
            if parts is None:
                missing.append(f"#   {metric_id}: not given: {why}")
                continue
            entry: dict[str, Any] = {k: int(v) if float(v).is_integer() else v for k, v in parts.items()}
            metric = self.pack.metrics[metric_id]
            comparators, notes = self.current.benchmarks(metric, authority, region, grouping)
            entry.update({name: _whole(metric, figure) for name, figure in comparators.items()})
            previous = _whole(metric, self._previous(metric_id, authority))
            note = "; ".join([recipe["source"], *(f"{name} {text}" for name, text in notes.items())])
            if previous is not None:
                entry["previous"] = previous
                source = self.before.data["metrics"][metric_id]["source"]  # type: ignore[union-attr]
                note += "; previous: the year before" + ("" if source == recipe["source"] else f", from {source}")
            entry["note"] = note
            figures[metric_id] = entry
        content["metrics"] = figures
        comments = [
            f"# Imported by comply import {data['id']} for {self.period} on {datetime.date.today().isoformat()}.",
            f"# Source: {data['title']}, {data['publisher']} ({data['licence']}).",
            f"# Benchmarks: England's row (national), the {region or 'unknown'} region's row (region) and the",
            "# mean of the authority's statistical neighbours (neighbours): "
            + (grouping.description.rstrip(".") if grouping else "none: no grouping lists the authority") + ".",
            *([f"# Neighbours: {grouping_note}."] if grouping_note else []),
            "# rank: [position, of] among the authority and its neighbours with a figure, and among every",
            "# authority with one (england); 1 is the best by the catalogue's polarity (for context, the highest).",
            *([f"# previous: not given: the year before's tables cannot be read ({self.before_missing})"]
              if self.before_missing else []),
        ]
        if not authority.code:
            comments.append(f"# code: not in the tables (DfE number {authority.number})")
        trailer = []
        if missing:
            trailer += ["", "# Not given because the published figure is suppressed or missing:", *missing]
        cannot = data.get("cannot_give", {})
        if cannot:
            trailer += ["", "# The published data cannot evidence the pack's other metrics; among them:"]
            trailer += [f"#   {metric_id}: {reason}" for metric_id, reason in cannot.items()]
        return content, comments, trailer

    def metrics_file(self, authority: Row) -> str:
        """One authority's metrics file, as YAML text with its provenance in comments and notes."""
        content, header, trailer = self.metrics(authority)
        return "\n".join(header) + "\n" + dump_metrics(content) + "".join(line + "\n" for line in trailer)

    def _pack_reference(self) -> str:
        """How the file names its pack: a bundled family by its name (the check picks the version
        in force at the period's end), any other pack by its id."""
        from .packs import bundled_family, reference_for

        return bundled_family(Path(self.pack.path)) or reference_for(self.pack)

    def _last_inspection(self, authority: Row) -> dict[str, Any] | None:
        day = datetime.date(self.year, 3, 31)
        found = last_before(self.inspections, day, authority.code, authority.number, authority.name)
        if found is None:
            return None
        return {"date": found.date.isoformat(), "grades": dict(found.grades), "source": found.source}

    def _previous(self, metric_id: str, authority: Row) -> float | None:
        """The authority's figure the year before, by its DfE number, where that publication has it."""
        if self.before is None or metric_id not in self.before.data["metrics"]:
            return None
        return self.before.value(metric_id, AUTHORITY, authority.number or authority.code or authority.name)


def _whole(metric: Metric, figure: Any) -> Any:
    """A count as a whole number (2033, not 2033.0), as a person writes it; any other figure as it is."""
    if metric.unit is Unit.COUNT and isinstance(figure, float) and figure.is_integer():
        return int(figure)
    return figure


class _Dumper(yaml.SafeDumper):
    """Quotes every string that does not start with a letter, and every word YAML 1.1 reads as
    something else: the strict loader refuses '012', '1:30', 'yes' and the like unquoted. Double
    quotes, whose escapes keep line breaks and control characters exactly as they were."""


_PLAIN = re.compile(r"[A-Za-z][^#:\[\]{},&*!|>'\"%@`\n\r\x85\u2028\u2029]*\Z")  # line breaks are escaped
_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "nan", "inf"}
_PERIOD = re.compile(r"[0-9]{4}-[0-9]{2}\Z")  # 2021-22: no YAML reads it as anything but text


def _string(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    plain = (bool(_PLAIN.match(text)) and text.casefold() not in _WORDS and text == text.strip()) \
        or bool(_PERIOD.match(text))
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=None if plain else '"')


class _OneLine(dict[str, Any]):
    """A mapping written on one line: a metric's entry, the last inspection."""


_Dumper.add_representer(str, _string)
_Dumper.add_representer(_OneLine, lambda dumper, mapping: dumper.represent_mapping(
    "tag:yaml.org,2002:map", mapping, flow_style=True))


def dump_metrics(content: dict[str, Any]) -> str:
    """A metrics file's YAML, emitted by the YAML library (so a code such as 'yes' or 'E06: 21' is quoted as
    text): the header's keys and the metrics in block style, each metric's entry on one line."""
    def one_line(value: Any) -> Any:
        return _OneLine(value) if isinstance(value, dict) else value

    shaped = {key: {metric_id: one_line(entry) for metric_id, entry in value.items()} if key == "metrics"
              else one_line(value) for key, value in content.items()}
    return yaml.dump(shaped, Dumper=_Dumper, default_flow_style=False, allow_unicode=True, width=1 << 20,
                     sort_keys=False)


def file_name(authority: Row) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", authority.name.casefold()).strip("-")
    return f"{authority.number or authority.code or 'authority'}-{slug or 'unnamed'}.yaml"
