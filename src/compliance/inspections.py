"""Ofsted's published inspection outcomes: every inspection's date and grades, by authority.

An adapter's ``inspections`` section says which files hold them and which column holds
each judgement's grade; ``comply import`` takes from them the authority's last inspection
before the period's end (shown beside comply's grades as context), and the ILACS
validation reads every inspection to compare with. Grades are read as the pack's scale
ids, whatever their case ("requires improvement", "Requires improvement to be good");
a cell that is no grade (blank, "inspection_pre_dates_judgement", "data_unreadable", ...)
is no grade. Sources are read in order, each for its own span of dates (``until``,
``after``), so the official file is preferred where it and a scrape overlap.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import InputError, Location, Problem, Scale


@dataclass(frozen=True)
class Inspection:
    """One inspection of one authority: when, and the grade of each judgement given."""

    code: str  # ONS code, as the source gives it ('' when it gives none)
    number: str  # DfE number ('' when unknown)
    name: str
    date: datetime.date
    grades: dict[str, str] = field(default_factory=dict)  # judgement id -> scale id
    source: str = ""
    line: int = 0  # in the source file, for messages


def _date(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _grade_words(scale: Scale) -> dict[str, str]:
    """Every spelling of a grade the sources use, folded, to its scale id."""
    words = {}
    for grade in scale.grades:
        words[grade.id.replace("_", " ").casefold()] = grade.id
        words[grade.label.casefold()] = grade.id
    return words


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            rows = [(reader.line_num, {(key or "").lstrip("\ufeff").strip(): (value or "").strip()
                                       for key, value in row.items() if isinstance(value, str)})
                    for row in reader]
    except FileNotFoundError:
        raise InputError([Problem(Location(str(path)), "no such file (inspection outcomes of the adapter)")]) from None
    except UnicodeDecodeError as error:
        raise InputError([Problem(Location(str(path)), f"not UTF-8 text (byte {error.start}); save it as UTF-8")]) \
            from None
    except (OSError, csv.Error) as error:
        raise InputError([Problem(Location(str(path)), f"cannot read inspection outcomes: {error}")]) from None
    return rows


def read_inspections(spec: dict[str, Any], folder: Path, scale: Scale) -> list[Inspection]:
    """Every inspection the adapter's ``inspections`` sources list, oldest first."""
    words = _grade_words(scale)
    found: list[Inspection] = []
    for source in spec["sources"]:
        path = folder / source["file"]
        rows = _read_rows(path)
        lookup: dict[str, tuple[str, str]] = {}
        if "lookup" in source:
            table = source["lookup"]
            for _, row in _read_rows(folder / table["file"]):
                lookup[row.get(table["key"], "")] = (row.get(table.get("code", ""), ""),
                                                     row.get(table.get("number", ""), ""))
        until = datetime.date.fromisoformat(str(source["until"])) if "until" in source else None
        after = datetime.date.fromisoformat(str(source["after"])) if "after" in source else None
        columns = [source["date"], *source["grades"].values()]
        if rows and (missing := [c for c in columns if c not in rows[0][1]]):
            raise InputError([Problem(Location(str(path), 1), f"no column {missing[0]!r} (inspection outcomes)")])
        for line, row in rows:
            date = _date(row.get(source["date"], ""))
            if date is None or (until and date > until) or (after and date <= after):
                continue
            grades = {judgement: words[text.casefold()] for judgement, column in source["grades"].items()
                      if (text := row.get(column, "")).casefold() in words}
            if not grades:
                continue
            code, number = row.get(source.get("code", ""), ""), row.get(source.get("number", ""), "")
            if "lookup" in source:
                code, number = lookup.get(row.get(source["key"], ""), (code, number))
            found.append(Inspection(code, number, row.get(source.get("name", ""), ""), date, grades,
                                    source["title"], line))
    found.sort(key=lambda inspection: inspection.date)
    return found


def last_before(inspections: list[Inspection], day: datetime.date, code: str, number: str,
                name: str) -> Inspection | None:
    """The authority's latest inspection on or before ``day``: the same ONS code, or the same name
    (an authority recoded, as North Yorkshire was in 2023, keeps its name). The DfE number alone is
    not enough: Ofsted's addresses give an authority made in 2021 or 2023 the number of the one it
    replaced (North and West Northamptonshire both end in 941)."""
    def same(inspection: Inspection) -> bool:
        return bool((code and inspection.code.casefold() == code.casefold())
                    or (name and inspection.name.casefold() == name.casefold()))

    earlier = [i for i in inspections if i.date <= day and same(i)]
    return earlier[-1] if earlier else None
