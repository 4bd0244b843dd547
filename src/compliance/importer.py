"""``comply import``: metrics files from published statistics, through a YAML adapter.

An adapter (a pack's ``adapters/*.yaml``) is data: which published tables to read, how
to tell England, region and authority rows apart, how each pack metric is computed from
their columns, where the statistical neighbours come from, and which pack metrics the
data cannot give. The same formula gives the authority's figure and its benchmarks: the
England row (national), its region's row (region), and the mean of its statistical
neighbours' figures (neighbours). Suppressed cells are missing, never zero; a figure
with a missing part is not given, and the metrics file says so.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import Document
from .model import InputError, Location, Pack, Problem
from .schema import did_you_mean
from .submissions import _read_checked

#: Cells that published tables use for values withheld or not applicable.
SUPPRESSED = {"c", "x", "z", "low", "k", "u", ":", "..", "-", "", "n/a", "na", "*"}
NATIONAL, REGION, AUTHORITY = "national", "region", "authority"


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
    document = _read_checked(path, "adapter", lambda where: False)
    problems = [Problem(document.where_key(("metrics", metric_id)), f"unknown metric {metric_id!r} for pack "
                        f"{pack.id}" + did_you_mean(metric_id, pack.metrics))
                for metric_id in document.data["metrics"] if metric_id not in pack.metrics]
    tables = document.data["tables"]
    for metric_id, recipe in document.data["metrics"].items():
        for part in ("value", "numerator", "denominator"):
            for reference_ in _columns(recipe.get(part)):
                table = reference_.split(".", 1)[0]
                if table not in tables:
                    problems.append(Problem(document.where(("metrics", metric_id, part)),
                                            f"{metric_id}: no table {table!r}" + did_you_mean(table, tables)))
    if problems:
        raise InputError(problems)
    return document


def _columns(part: Any) -> list[str]:
    if part is None:
        return []
    return part if isinstance(part, list) else [part]


@dataclass
class Row:
    level: str
    code: str
    number: str
    name: str
    cells: dict[str, str]


@dataclass
class Table:
    name: str
    path: Path
    rows: list[Row] = field(default_factory=list)
    _index: dict[tuple[str, str], Row] | None = field(default=None, repr=False)

    def find(self, level: str, key: str) -> Row | None:
        """The first row of the level whose code, number or name is key (any case)."""
        if self._index is None:  # built once: an import looks up every authority, metric and neighbour
            self._index = {}
            for row in self.rows:
                for name in (row.code, row.number, row.name):
                    self._index.setdefault((row.level, name.casefold()), row)
        return self._index.get((level, key.casefold()))


def _read_table(name: str, spec: dict[str, Any], folder: Path, year: int,
                files: dict[Path, list[list[str]]]) -> Table:
    """One adapter table; ``files`` keeps each CSV read once, as long tables share their files
    (and the year before reads the same ones again)."""
    path = folder / spec["file"].format(year=year)
    try:
        if path not in files:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                files[path] = list(csv.reader(stream))
        rows = files[path]
    except FileNotFoundError:
        raise InputError([Problem(Location(str(path)), f"no such file (table {name!r} of the adapter)")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(Location(str(path)), f"cannot read table {name!r}: {error}")]) from None
    header_row = spec.get("header_row", 1) - 1
    headers = [" ".join(cell.split()) for cell in rows[header_row]]
    identify = spec["rows"]

    def cell(row: list[str], where: str | int) -> str:
        index = where - 1 if isinstance(where, int) else headers.index(where) if where in headers else -1
        return row[index].strip() if 0 <= index < len(row) else ""

    def column(row: list[str], key: str) -> str:
        """The row's cell for key; where several columns are named, the first that is not blank."""
        wanted = identify.get(key)
        choices = wanted if isinstance(wanted, list) else [] if wanted is None else [wanted]
        return next((text for text in (cell(row, where) for where in choices) if text), "")

    # long tables (one row per year, or per breakdown) keep only the rows that match
    keep = {where: str(value).format(year=year) for where, value in spec.get("where", {}).items()}
    missing = [where for where in keep if where not in headers]
    if missing:
        raise InputError([Problem(Location(str(path)), f"table {name!r}: no column {missing[0]!r} to select rows by")])

    table = Table(name, path)
    for raw in rows[header_row + 1:]:
        if not any(text.strip() for text in raw):
            continue
        if any(cell(raw, where) != value for where, value in keep.items()):
            continue
        values = {"level": column(raw, "level"), "number": column(raw, "number"), "name": column(raw, "name")}
        level = None
        for candidate in (NATIONAL, REGION, AUTHORITY):
            test = identify["levels"][candidate]
            text = values.get(test["column"], "")
            if ("equals" in test and text.casefold() == str(test["equals"]).casefold()) or \
                    ("matches" in test and re.fullmatch(test["matches"], text)):
                level = candidate
                break
        if level is None:
            continue
        cells = {headers[index]: text.strip() for index, text in enumerate(raw) if index < len(headers)}
        table.rows.append(Row(level, column(raw, "code"), values["number"], values["name"], cells))
    return table


def _number(text: str) -> float | None:
    """A cell as a number: suppression markers are missing; thousands separators are dropped."""
    cleaned = text.strip().replace(",", "")
    if cleaned.casefold() in SUPPRESSED:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


class Importer:
    """Metrics files for the authorities of one period, from one adapter and a folder of tables."""

    def __init__(self, adapter: Document, pack: Pack, folder: Path, period: str, with_previous: bool = True,
                 files: dict[Path, list[list[str]]] | None = None) -> None:
        self.adapter, self.pack, self.folder, self.period = adapter, pack, folder, period
        data = adapter.data
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", period):
            raise InputError([Problem(Location("--period"), f"{period!r}: give a financial year such as 2010-11")])
        if period not in data["periods"]:
            raise InputError([Problem(adapter.where(("periods",)), f"the adapter {data['id']} is for "
                                      f"{', '.join(data['periods'])}, not {period}")])
        self.year = int(period[:4]) + 1  # 2010-11 is the year ending 31 March 2011
        self.files = {} if files is None else files
        self.tables = {name: _read_table(name, spec, folder, self.year, self.files)
                       for name, spec in data["tables"].items()}
        self.neighbours, self.regions = self._neighbours()
        self.before: Importer | None = None
        self.before_missing = ""
        if data.get("previous") and with_previous:  # one year back only, even when an adapter names itself
            start = int(period[:4]) - 1
            wanted = f"{start}-{(start + 1) % 100:02d}"
            candidates = [read_adapter(reference, pack, near=Path(adapter.path).parent)
                          for reference in _columns(data["previous"])]
            before = next((c for c in candidates if wanted in c.data["periods"]), candidates[0])
            try:
                self.before = Importer(before, pack, folder, wanted, with_previous=False, files=self.files)
            except InputError as error:  # the year before is optional: without its tables, no previous
                self.before_missing = str(error.problems[0])

    def _neighbours(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        spec = self.adapter.data["neighbours"]
        path = self.folder / spec["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = list(csv.DictReader(stream))
        except OSError:
            raise InputError([Problem(Location(str(path)), "cannot read the statistical neighbours")]) from None
        neighbours = {row[spec["number"]].strip(): [row[c].strip() for c in spec["columns"] if row.get(c, "").strip()]
                      for row in rows if row.get(spec["number"], "").strip()}
        aliases = {key.casefold(): value for key, value in spec.get("region_names", {}).items()}
        regions = {row[spec["number"]].strip(): aliases.get(row[spec["region"]].strip().casefold(),
                                                            row[spec["region"]].strip())
                   for row in rows if row.get(spec["number"], "").strip()}
        return neighbours, regions

    def authorities(self, wanted: list[str], region: str | None = None) -> list[Row]:
        """The authority rows asked for (by code, old number or name), those of a region, else all."""
        first = next(iter(self.tables.values()))
        everyone = [row for row in first.rows if row.level == AUTHORITY]
        if region:
            regions = sorted(set(self.regions.values()))
            chosen = [row for row in everyone if self.regions.get(row.number, "").casefold() == region.casefold()]
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
                problems.append(Problem(Location("--authority"), f"{key!r} is not in the {self.year} tables"
                                        + (f": {why}" if why else did_you_mean(key, names))))
            else:
                chosen.append(row)
        if problems:
            raise InputError(problems)
        return chosen

    def figure(self, recipe: dict[str, Any], level: str, key: str) -> tuple[dict[str, float] | None, list[str]]:
        """The metric for one row: {'value': x} or {'numerator', 'denominator'}; or None and why not."""
        parts: dict[str, float] = {}
        for part in ("value", "numerator", "denominator"):
            if part not in recipe:
                continue
            total = 0.0
            for reference in _columns(recipe[part]):
                table_name, column = reference.split(".", 1)
                column = " ".join(column.format(year=self.year).split())
                table = self.tables[table_name]
                row = table.find(level, key)
                if row is None:
                    return None, [f"no {level} row {key!r} in {table.path.name}"]
                if column not in row.cells:
                    return None, [f"no column {column!r} in {table.path.name}"]
                number = _number(row.cells[column])
                if number is None:
                    shown = row.cells[column] or "blank"
                    return None, [f"{column} is suppressed ({shown!r}) in {table.path.name}"]
                total += number
            parts[part] = total
        if "denominator" in parts and not parts["denominator"]:
            return None, ["the denominator is 0"]
        return parts, []

    @staticmethod
    def as_value(parts: dict[str, float]) -> float:
        if "value" in parts:
            return parts["value"]
        return round(100 * parts["numerator"] / parts["denominator"], 1)

    def metrics_file(self, authority: Row) -> str:
        """One authority's metrics file, as YAML text with its provenance in comments and notes."""
        data = self.adapter.data
        region = self.regions.get(authority.number, "")
        lines = [
            f"# Imported by comply import {data['id']} for {self.period} on {datetime.date.today().isoformat()}.",
            f"# Source: {data['title']}, {data['publisher']} ({data['licence']}).",
            f"# Benchmarks: England's row (national), the {region or 'unknown'} region's row (region) and the",
            f"# mean of the authority's statistical neighbours (neighbours): {data['neighbours']['description']}",
            *([f"# previous: not given: the year before's tables cannot be read ({self.before_missing})"]
              if self.before_missing else []),
            f"authority: {_quoted(authority.name)}",
            f"code: {authority.code}" if authority.code
            else f"# code: not in the tables (DfE number {authority.number})",
            f"period: {self.period}",
            f"pack: {self._pack_reference()}",
            "metrics:",
        ]
        missing = []
        for metric_id, recipe in data["metrics"].items():
            parts, why = self.figure(recipe, AUTHORITY, authority.number)
            if parts is None:
                missing.append(f"#   {metric_id}: not given: {why[0]}")
                continue
            fields = {k: int(v) if float(v).is_integer() else v for k, v in parts.items()}
            # a count is not compared: England's total says nothing of an authority's
            comparable = "numerator" in parts or self.pack.metrics[metric_id].unit.value in ("percent", "rate")
            benchmarks = self._benchmarks(recipe, authority, region) if comparable else {"figures": {}, "notes": {}}
            note = "; ".join([recipe["source"], *(f"{name} {text}" for name, text in benchmarks["notes"].items())])
            previous = self._previous(metric_id, authority)
            if previous is not None:
                source = self.before.adapter.data["metrics"][metric_id]["source"]  # type: ignore[union-attr]
                note += "; previous: the year before" + ("" if source == recipe["source"] else f", from {source}")
            entry = {**fields, **benchmarks["figures"], **({"previous": previous} if previous is not None else {}),
                     "note": note}
            lines.append(f"  {metric_id}: " + _flow(entry))
        if missing:
            lines += ["", "# Not given because the published figure is suppressed or missing:", *missing]
        cannot = data.get("cannot_give", {})
        if cannot:
            lines += ["", "# The published data cannot evidence the pack's other metrics; among them:"]
            lines += [f"#   {metric_id}: {reason}" for metric_id, reason in cannot.items()]
        return "\n".join(lines) + "\n"

    def _pack_reference(self) -> str:
        """How the file names its pack: a bundled family by its name (the check picks the version
        in force at the period's end), any other pack by its id."""
        from .packs import bundled_family

        return bundled_family(Path(self.pack.path)) or self.pack.id

    def _previous(self, metric_id: str, authority: Row) -> float | None:
        """The authority's figure the year before, by its DfE number, where that publication has it."""
        if self.before is None or metric_id not in self.before.adapter.data["metrics"]:
            return None
        parts, _ = self.before.figure(self.before.adapter.data["metrics"][metric_id], AUTHORITY, authority.number)
        return None if parts is None else self.before.as_value(parts)

    def _benchmarks(self, recipe: dict[str, Any], authority: Row, region: str) -> dict[str, Any]:
        figures: dict[str, float] = {}
        notes: dict[str, str] = {}
        national, why = self._first(recipe, NATIONAL)
        if national is not None:
            figures["national"] = self.as_value(national)
        else:
            notes["national"] = f"not given: {why[0]}"
        if region:
            regional, why = self.figure(recipe, REGION, region)
            if regional is not None:
                figures["region"] = self.as_value(regional)
            else:
                notes["region"] = f"not given: {why[0]}"
        values = []
        for number in self.neighbours.get(authority.number, []):
            parts, _ = self.figure(recipe, AUTHORITY, number)
            if parts is not None:
                values.append(self.as_value(parts))
        minimum = self.adapter.data["neighbours"]["minimum"]
        if len(values) >= minimum:
            figures["neighbours"] = round(sum(values) / len(values), 1)
            if len(values) < len(self.neighbours.get(authority.number, [])):
                notes["neighbours"] = f"mean of the {len(values)} neighbours with a published figure"
        else:
            notes["neighbours"] = (f"not given: {len(values)} of the statistical neighbours have a published "
                                   f"figure, fewer than {minimum}")
        return {"figures": figures, "notes": notes}

    def _first(self, recipe: dict[str, Any], level: str) -> tuple[dict[str, float] | None, list[str]]:
        table = self.tables[_columns(recipe.get("value") or recipe.get("numerator"))[0].split(".", 1)[0]]
        row = next((r for r in table.rows if r.level == level), None)
        if row is None:
            return None, [f"no {level} row in {table.path.name}"]
        return self.figure(recipe, level, row.number or row.name)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow(entry: dict[str, Any]) -> str:
    parts = []
    for key, value in entry.items():
        shown = _quoted(value) if isinstance(value, str) else (f"{value:g}" if isinstance(value, float) else str(value))
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def file_name(authority: Row) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", authority.name.casefold()).strip("-")
    return f"{authority.number}-{slug}.yaml"
