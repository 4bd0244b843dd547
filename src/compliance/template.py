"""A metrics file to fill in: every metric of a pack with its unit, range and definition."""

from __future__ import annotations

import datetime
import json
import textwrap
from typing import Any

from .model import Metric, Pack, Unit
from .packs import reference_for
from .report.escaping import printable, spreadsheet

_UNIT_TEXT = {
    Unit.PERCENT: "percentage, 0-100; or numerator and denominator",
    Unit.COUNT: "count, a whole number, 0 or more",
    Unit.RATE: "rate, 0 or more",
    Unit.DAYS: "number of days, 0 or more",
    Unit.NUMBER: "number",
    Unit.BOOLEAN: "yes/no: true or false",
}


def _period(today: datetime.date | None) -> str:
    today = today or datetime.date.today()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _readers(pack: Pack) -> dict[str, list[str]]:
    """The rules, indicators and queries that read each metric."""
    readers: dict[str, list[str]] = {}
    for rule in pack.rules:
        readers.setdefault(rule.metric, []).append(rule.id)
    for indicator in pack.indicators:
        readers.setdefault(indicator.metric, []).append(indicator.id)
    return readers


def _line(text: str) -> str:
    """A pack's text on one line of a YAML comment: a line break would end the comment, and YAML refuses a
    control character anywhere in a file, comments included (so the template would not read back)."""
    return " ".join(printable(text).split())


def _yaml_line(key: str, value: str) -> str:
    """``key: value`` as the YAML library writes it: plain where that reads back as the same text, else quoted."""
    import yaml

    return yaml.safe_dump({key: value}, allow_unicode=True, width=1 << 20).rstrip("\n")


def render(pack: Pack, today: datetime.date | None = None) -> str:
    readers = _readers(pack)
    lines = [
        f"# Metrics for {_line(pack.title)}",
        f"# Pack {pack.id} {pack.version}: {len(pack.metrics)} metrics.",
        "# Fill in each figure. Leave one empty if you do not have it: the rules that read it",
        "# are then reported as not evidenced. A figure may also be written in long form:",
        "#   metric_id: {value: 84.6, national: 85.0, previous: 80.1, note: \"source of the figure\"}",
        "# and a percentage as {numerator: 11, denominator: 13}. Mark estimates with",
        "# estimated: true and say in note how the figure was estimated.",
        "authority: Name of the authority",
        "# code: E06000021  # the authority's DfE or ONS code",
        f"period: {_period(today)}  # financial year ending 31 March, e.g. 2010-11 or 2010-11 Q3",
        _yaml_line("pack", reference_for(pack)),
        "metrics:",
    ]
    for metric in pack.metrics.values():
        lines += ["", *_comment(metric, readers.get(metric.id, [])), f"  {metric.id}:"]
    return "\n".join(lines) + "\n"


def _unit(metric: Metric) -> str:
    unit = _UNIT_TEXT[metric.unit]
    if metric.minimum is not None or metric.maximum is not None:
        low = "" if metric.minimum is None else f"{metric.minimum:g}"
        high = "" if metric.maximum is None else f"{metric.maximum:g}"
        unit += f"; range {low}-{high}"
    return unit


def _comment(metric: Metric, readers: list[str]) -> list[str]:
    head = f"{metric.title} ({_unit(metric)})"
    if metric.code:
        head += f" [{metric.code}]"
    text = [_line(head), _line(metric.definition)]
    if metric.defaults:
        shown = ", ".join(f"{name} {json.dumps(value)}" for name, value in metric.defaults.items())
        text.append(_line(f"Default benchmarks: {shown}" + (f" ({metric.defaults_source})" if metric.defaults_source
                                                             else "")
                          + (f", for {metric.defaults_period}: give your year's" if metric.defaults_period else "")))
    text.append("Read by: " + (", ".join(readers) if readers else "no rule (context only)"))
    lines: list[str] = []
    for paragraph in text:
        lines += textwrap.wrap(paragraph, 96, initial_indent="  # ", subsequent_indent="  #   ")
    return lines


#: Data validation for a value cell, by unit: (type, operator, first, second).
_VALIDATION = {
    Unit.PERCENT: ("decimal", "between", "0", "100"),
    Unit.COUNT: ("whole", "greaterThanOrEqual", "0", None),
    Unit.RATE: ("decimal", "greaterThanOrEqual", "0", None),
    Unit.DAYS: ("decimal", "greaterThanOrEqual", "0", None),
}


def render_xlsx(pack: Pack, today: datetime.date | None = None) -> bytes:
    """The same template as a workbook, in the layout comply check reads (spreadsheets.py): a row per
    metric, the value cells validated by unit, and the definition and readers of each beside it."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .spreadsheets import INFO_COLUMNS, METRIC_FIELDS

    book = Workbook()
    sheet = book.active
    sheet.title = "Metrics"
    headers = ["metric", *METRIC_FIELDS, *INFO_COLUMNS[:-1]]
    sheet.append(headers)
    sheet.append(["authority", "Name of the authority"])
    sheet.append(["code", None])
    sheet.append(["period", _period(today)])
    sheet.append(["pack", reference_for(pack)])
    readers = _readers(pack)
    validations: dict[Any, DataValidation] = {}
    value_column = headers.index("value") + 1
    for metric in pack.metrics.values():
        # the pack's own text, as a cell that is never a formula and holds nothing a worksheet refuses
        sheet.append([metric.id, *[None] * len(METRIC_FIELDS), spreadsheet(metric.title), _unit(metric),
                      "" if metric.minimum is None and metric.maximum is None else
                      f"{'' if metric.minimum is None else f'{metric.minimum:g}'}-"
                      f"{'' if metric.maximum is None else f'{metric.maximum:g}'}",
                      spreadsheet(metric.definition), spreadsheet(metric.code or ""),
                      ", ".join(readers.get(metric.id, [])) or "no rule (context only)"])
        rule = ("list", None, '"TRUE,FALSE"', None) if metric.is_boolean else _VALIDATION.get(metric.unit)
        if rule is None:
            continue
        if rule not in validations:
            kind, operator, first, second = rule
            validations[rule] = DataValidation(type=kind, operator=operator, formula1=first, formula2=second,
                                               allow_blank=True, showErrorMessage=True,
                                               errorTitle="Not a valid figure", error=_UNIT_TEXT[metric.unit])
            sheet.add_data_validation(validations[rule])
        validations[rule].add(sheet.cell(row=sheet.max_row, column=value_column))
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="D9D9D9")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column > len(METRIC_FIELDS) + 1)
    widths = {"metric": 38, "value": 12, "note": 30, "title": 40, "unit": 28, "range": 10, "definition": 70,
              "read by": 36}
    for index, header in enumerate(headers, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = widths.get(header, 12)
    sheet.freeze_panes = "B2"
    notes = book.create_sheet("Read me")
    for line in (spreadsheet(f"Metrics for {pack.title} (pack {pack.id} {pack.version})."),
                 "Fill in the Metrics sheet: a value per metric, or a numerator and denominator for a percentage.",
                 "Leave a figure blank if you do not have it: the rules that read it are reported as not evidenced.",
                 "Percentages are 0-100 (74, or 74% in a cell formatted as a percentage); yes/no answers are TRUE "
                 "or FALSE.",
                 "Benchmarks (national, region, neighbours, previous, target) are optional; the pack has England's "
                 "for some.",
                 "Columns after 'estimated' describe each metric for you; comply check does not read them.",
                 "Check it with: comply check this-file.xlsx"):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
