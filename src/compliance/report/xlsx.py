"""--format xlsx: an Excel workbook for analysts.

Sheets: the record of main findings, the areas for improvement, the evidence and, for
several authorities, a comparison. Grades are cell fills and text; header rows are
frozen; figures are real numbers.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import shape
from .escaping import spreadsheet

FILLS = {1: "1B5E20", 2: "C8E6C9", 3: "FFE082", 4: "EF9A9A"}
HEADER = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="999999")


def render(documents: list[dict[str, Any]], several: bool, table_format: str = "simple") -> bytes:
    workbook = Workbook()
    at = datetime.datetime.fromisoformat(documents[0]["run"]["at"]).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = at  # the same result, the same file
    workbook.properties.creator = f"comply {documents[0]['run']['comply_version']}"
    sheets: list[tuple[str, list[str], list[list[Any]], list[int]]] = []
    if len(documents) > 1:
        codes, compared = shape.comparison(documents)
        sheets.append(("Comparison", ["Authority", *[f"{code} {title}" for code, title in codes]],
                       [[name, *labels] for name, labels in compared], [36] + [14] * len(codes)))
    notices = [[doc["authority"], doc["period"], doc["estimate_notice"]] for doc in documents
               if doc.get("estimate_notice")]
    if notices:  # the first sheet, so that no one reads the grades without it
        sheets.append(("Estimates", ["Authority", "Period", "What the grades are"], notices, [24, 10, 120]))
    record: list[list[Any]] = []
    areas: list[list[Any]] = []
    evidence: list[list[Any]] = []
    indicators: list[list[Any]] = []
    for doc in documents:
        who = [doc["authority"], doc["period"]]
        last = doc.get("last_inspection") or {}
        for j in doc["judgements"]:
            earlier = shape.last_grade(doc, j["id"]) or None
            record.append([*who, j["section"], j["title"], shape.label(j), j["score"], j["basis"], earlier,
                           last.get("date") if earlier else None])
        indicators += [[*who, item["title"], item["value"], item["benchmarks"].get("national"),
                        item["benchmarks"].get("region"), item["benchmarks"].get("neighbours"),
                        *(item["rank"].get("neighbours") or [None, None]), item["quartile"],
                        item["direction"], item["signal"] or "not published", item["evidence"]]
                       for item in doc.get("indicators", [])]
        areas += [[*who, timescale, number, area["text"], area["rule"], ", ".join(area["cites"])]
                  for timescale, group in shape.areas_by_timescale(doc) for number, area in group]
        areas += [[*who, "no timescale (further shortfall)", None, item["text"], item["rule"], ", ".join(item["cites"])]
                  for item in doc["further_shortfalls"]]
        for f in doc["findings"]:
            value = f["value"]
            evidence.append([*who, f["rule"], f["title"], f["judgement"], f["status"].replace("_", " "),
                             ("yes" if value else "no") if isinstance(value, bool) else value,
                             *[f["benchmarks"].get(name) for name in ("national", "region", "neighbours", "previous")],
                             shape.label(f) if f["status"] == "graded" else "", f["score"], f["evidence"],
                             ", ".join(f["cites"])])
    sheets += [
        ("Record of main findings", ["Authority", "Period", "Section", "Judgement", "Grade", "Score", "Basis",
                                     "Last inspection", "Inspected"],
         record, [24, 10, 32, 60, 14, 8, 80, 16, 12]),
        ("Areas for improvement", ["Authority", "Period", "Timescale", "Number", "Recommendation", "Rule", "Cites"],
         areas, [24, 10, 26, 9, 90, 30, 14]),
        ("Evidence", ["Authority", "Period", "Rule", "Title", "Judgement", "Status", "Value", "England", "Region",
                      "Statistical neighbours", "Previous", "Grade", "Score", "Evidence", "Cites"],
         evidence, [24, 10, 30, 50, 30, 14, 10, 10, 10, 12, 10, 14, 8, 90, 14]),
    ]
    if indicators:
        sheets.append(("Published indicators", ["Authority", "Period", "Indicator", "Value", "England", "Region",
                                                "Statistical neighbours", "Rank among neighbours", "Of", "Quartile",
                                                "Since last year", "Reads as", "Evidence"],
                       indicators, [24, 10, 50, 10, 10, 10, 12, 12, 6, 9, 14, 14, 90]))
    scores = shape.grade_labels(documents[0]["scale"])
    workbook.remove(workbook.active)
    for title, headers, rows, widths in sheets:
        _sheet(workbook.create_sheet(title), headers, rows, widths, scores)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(sheet: Worksheet, headers: list[str], rows: list[list[Any]], widths: list[int],
           scores: dict[str, int]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([spreadsheet(cell) for cell in row])
    last = max(scores.values())
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=isinstance(cell.value, str) and len(cell.value) > 30, vertical="top")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            score = scores.get(cell.value) if isinstance(cell.value, str) else None
            if score:
                step = 1 if score == 1 else 4 if score == last else min(score, 3)
                cell.fill = PatternFill("solid", fgColor=FILLS[step])
                cell.font = Font(bold=True, color="FFFFFF" if step == 1 else "000000")
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
