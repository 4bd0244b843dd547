"""--format xlsx: a workbook ready to paste into a board paper, and to sort and filter.

Sheets: Estimates (first, when some grade is an estimate), Comparison (several authorities:
rank, authority, code and period each in its own column, judgements by their titles), Grades
across authorities (several: the count at each grade per judgement, with a native stacked bar
chart of them), Record of main findings, Areas for improvement (what to act on first), Evidence, Published
indicators and Context (when there are any), and Provenance (pack, metrics file and its
hash, run time, comply's version). Grades are cell fills and text; figures are numbers with
their unit's format (0.0"%" for a percentage, whole numbers for counts); header rows are
frozen and repeat on every printed page; every sheet prints A4 landscape, a page wide.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import charts, shape
from .escaping import spreadsheet

FILLS = {1: "1B5E20", 2: "C8E6C9", 3: "FFE082", 4: "EF9A9A"}
HEADER = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="999999")
#: a figure's number format by its unit: what a paper prints
FORMATS = {"percent": '0.0"%"', "rate": "0.0", "count": "#,##0", "days": "0", "number": "0.0"}


@dataclass
class Sheet:
    title: str
    headers: list[str]
    widths: list[int]
    rows: list[list[Any]] = field(default_factory=list)
    formats: list[dict[int, str]] = field(default_factory=list)  # per row: column (1-based) -> number format
    rotate: bool = False  # header text turned upright, for many narrow columns


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> bytes:
    """The workbook, written a sheet at a time (openpyxl's write-only mode): each row is written out as it is
    added, so a region's workbook never holds its cells as objects (150 authorities of a 500-rule pack took
    0.9 GB and 29 s that way)."""
    workbook = Workbook(write_only=True)
    at = datetime.datetime.fromisoformat(documents[0]["run"]["at"]).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = at  # the same result, the same file
    workbook.properties.creator = f"comply {documents[0]['run']['comply_version']}"
    several = len(documents) > 1
    sheets = [_estimates(documents), _comparison(documents) if several else None,
              _grades(documents) if several else None, *_per_authority(documents), _provenance(documents)]
    scores = shape.grade_labels(documents[0]["scale"])
    styles = _Styles(workbook)
    for sheet in sheets:
        if sheet is not None and (sheet.rows or sheet.title in ("Record of main findings", "Provenance")):
            written = workbook.create_sheet(sheet.title)
            _write(written, sheet, scores, styles)
            if sheet.title == GRADES:
                _grades_chart(written, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _estimates(documents: Sequence[dict[str, Any]]) -> Sheet | None:
    """First, so that no one reads the grades without it."""
    sheet = Sheet("Estimates", ["Authority", "Period", "What the grades are"], [24, 10, 120])
    sheet.rows = [[doc["authority"], doc["period"], doc["estimate_notice"]] for doc in documents
                  if doc.get("estimate_notice")]
    return sheet if sheet.rows else None


def _comparison(documents: Sequence[dict[str, Any]]) -> Sheet:
    compared = shape.comparison(documents)
    titles = [(f"{c['section']}: " if compared["several_sections"] else "") + c["title"] for c in compared["columns"]]
    wide = len(titles) > shape.WIDE
    sheet = Sheet("Comparison", ["Rank", "Authority", "Code", "Period", *titles],
                  [7, 28, 12, 9, *([6] if wide else [18]) * len(titles)], rotate=wide)
    from .charts import compact, short

    # the grade as a paper's table prints it (Good, RI, * for an estimate), or in narrow columns its
    # short code; the key is on the Provenance sheet
    sheet.rows = [[row["place"], row["authority"], row["code"], row["period"],
                   *[(short if wide else compact)(cell) for cell in row["cells"]]] for row in compared["rows"]]
    return sheet


GRADES = "Grades across authorities"


def _grades(documents: Sequence[dict[str, Any]]) -> Sheet:
    """For a region: how many authorities each judgement puts at each grade, for a native stacked bar chart."""
    scale = [grade["label"] for grade in documents[0]["scale"]]
    sheet = Sheet(GRADES, ["Judgement", *scale, "Not judged or not estimable", "Of which estimates"],
                  [60, *[12] * len(scale), 14, 12])
    for row in charts.distribution(documents):
        counts = {segment["label"]: segment["count"] for segment in row["segments"]}
        sheet.rows.append([row["title"], *[counts.get(label, 0) for label in scale], row["none"], row["estimated"]])
    sheet.formats = [{}] * len(sheet.rows)
    return sheet


def _grades_chart(sheet: Worksheet, spec: Sheet) -> None:
    """A stacked bar per judgement, best grade (dark green) to worst (red), as the HTML report draws it:
    a chart Excel and LibreOffice draw natively, from the counts above it."""
    grades = len(spec.headers) - 3
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "Grades across the authorities, by judgement"
    chart.y_axis.title = "Authorities"
    chart.x_axis.scaling.orientation = "maxMin"  # the first judgement at the top, as in the table
    rows = len(spec.rows)
    chart.add_data(Reference(sheet, min_col=2, max_col=grades + 2, min_row=1, max_row=rows + 1), titles_from_data=True)
    titles = AxDataSource(strRef=StrRef(f=f"'{spec.title}'!$A$2:$A${rows + 1}"))  # text, not numbers
    for series in chart.series:
        series.cat = titles
    colours = [FILLS[1 if index == 0 else 4 if index == grades - 1 else min(index + 1, 3)] for index in range(grades)]
    for series, colour in zip(chart.series, [*colours, "BDBDBD"], strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.width, chart.height = 26, 4 + 1.3 * rows
    sheet.add_chart(chart, f"A{rows + 3}")


def _per_authority(documents: Sequence[dict[str, Any]]) -> list[Sheet]:
    record = Sheet("Record of main findings", ["Authority", "Period", "Section", "Judgement", "Grade", "Score",
                                               "Basis", "Last inspection", "Inspected"],
                   [24, 10, 30, 56, 22, 7, 80, 18, 12])
    areas = Sheet("Areas for improvement", ["Authority", "Period", "Act on", "Timescale", "Number",
                                            "Recommendation", "Judgement", "Grade", "Rule", "Cites"],
                  [24, 10, 8, 24, 8, 80, 40, 16, 26, 14])
    evidence = Sheet("Evidence", ["Authority", "Period", "Rule", "Title", "Judgement", "Status", "Value", "England",
                                  "Region", "Statistical neighbours", "Previous", "Rank among neighbours", "Grade",
                                  "Score", "Evidence", "Cites"],
                     [24, 10, 26, 46, 40, 14, 10, 10, 10, 12, 10, 12, 16, 7, 80, 14])
    indicators = Sheet("Indicators", ["Authority", "Period", "Indicator", "Value", "England", "Region",
                                                "Statistical neighbours", "Rank among neighbours", "Of", "Quartile",
                                                "Since last year", "Reads as", "Evidence"],
                       [24, 10, 46, 10, 10, 10, 12, 12, 6, 9, 14, 14, 80])
    context = Sheet("Context", ["Authority", "Period", "Figure (context, never graded)", "Value", "England", "Region",
                                "Statistical neighbours", "Rank among neighbours", "Of", "Quartile", "Since last year"],
                    [24, 10, 50, 10, 10, 10, 12, 12, 6, 9, 14])
    for doc in documents:
        who = [doc["authority"], doc["period"]]
        titles = {j["id"]: j["title"] for j in doc["judgements"]}
        last = doc.get("last_inspection") or {}
        for j in doc["judgements"]:
            earlier = shape.last_grade(doc, j["id"]) or None
            record.rows.append([*who, j["section"], j["title"], shape.label(j), j["score"], j["basis"], earlier,
                                last.get("date") if earlier else None])
            record.formats.append({})
        _, first = shape.act_first(doc)
        first_rules = {item["rule"] for item in first}
        grades = {f["rule"]: shape.label(f) for f in doc["findings"] if f["status"] == "graded"}
        for timescale, group in shape.areas_by_timescale(doc):
            for number, area in group:
                areas.rows.append([*who, "first" if area["rule"] in first_rules else "", timescale, number,
                                   area["text"], titles.get(area["judgement"], area["judgement"]),
                                   grades.get(area["rule"], ""), area["rule"], ", ".join(area["cites"])])
        for item in shape.worst_first(doc):
            areas.rows.append([*who, "first" if item["rule"] in first_rules else "", "no timescale (further shortfall)",
                               None, item["text"], titles.get(item["judgement"], item["judgement"]), item["label"],
                               item["rule"], ", ".join(item["cites"])])
        areas.formats += [{}] * (len(areas.rows) - len(areas.formats))
        for f in doc["findings"]:
            value = f["value"]
            among = (f.get("rank") or {}).get("neighbours")
            evidence.rows.append([*who, f["rule"], f["title"], titles.get(f["judgement"], f["judgement"]),
                                  f["status"].replace("_", " "),
                                  ("yes" if value else "no") if isinstance(value, bool) else value,
                                  *[f["benchmarks"].get(name) for name in ("national", "region", "neighbours",
                                                                           "previous")],
                                  f"{among[0]} of {among[1]}" if among else None,
                                  shape.label(f) if f["status"] == "graded" else "", f["score"], f["evidence"],
                                  ", ".join(f["cites"])])
            evidence.formats.append(dict.fromkeys(range(7, 12), FORMATS.get(f["unit"], "General")))
        for sheet, figures, signal in ((indicators, doc.get("indicators", []), True),
                                       (context, doc.get("context", []), False)):
            for item in figures:
                place = item["rank"].get("neighbours") or [None, None]
                sheet.rows.append([*who, item["title"], item["value"], item["benchmarks"].get("national"),
                                   item["benchmarks"].get("region"), item["benchmarks"].get("neighbours"), *place,
                                   f"Q{item['quartile']}" if item["quartile"] else None, item["direction"],
                                   *([shape.reads_as(item), item["evidence"]] if signal else [])])
                sheet.formats.append(dict.fromkeys(range(4, 8), FORMATS.get(item["unit"], "General")))
    return [record, areas, evidence, indicators, context]


def _provenance(documents: Sequence[dict[str, Any]]) -> Sheet:
    """Where every figure of the workbook came from, and how to read its codes."""
    sheet = Sheet("Provenance", ["Authority", "Period", "What", "Detail"], [24, 10, 26, 110])
    for doc in documents:
        who = [doc["authority"], doc["period"]]
        pack = doc["pack"]
        sheet.rows += [
            [*who, "Pack", shape.pack_line(doc)],
            [*who, "Pack files (sha256)", pack.get("sha256", "")],
            [*who, "Source", ", ".join(pack["source"][key] for key in ("title", "publisher", "published"))],
            [*who, "Metrics file", doc["metrics_file"]],
            [*who, "Metrics file (sha256)", doc.get("metrics_sha256", "")],
            [*who, "Run", f"{doc['run']['at']} by comply {doc['run']['comply_version']}"
                          + (f"; partial: only {', '.join(doc['run']['only'])}" if doc["run"]["partial"] else "")],
            *[[*who, f"{item['change'].capitalize()} rule", f"{item['rule']}: {item['detail']}"]
              for item in shape.local_changes(doc)],
        ]
    if len(documents) > 1:
        from .charts import compact, short

        wide = len(documents[0]["judgements"]) > shape.WIDE
        codes = [((short if wide else compact)(grade["label"]), grade["label"]) for grade in documents[0]["scale"]]
        sheet.rows.append(["", "", "Comparison's grades", "; ".join(f"{code}: {label}" for code, label in codes
                                                                    if code != label)
                           + "; * an estimate from published figures; n/e: not estimable from published figures"
                           + ("; n/j: not judged" if wide else "")])
    sheet.formats = [{}] * len(sheet.rows)
    return sheet


def _write(sheet: Any, spec: Sheet, scores: dict[str, int], styles: _Styles) -> None:
    """One sheet, its settings first (a write-only sheet takes them before its rows), then its rows."""
    for index, width in enumerate(spec.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2" if spec.title == "Comparison" else "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.headers))}{len(spec.rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if spec.rotate:
        sheet.row_dimensions[1].height = 190
    else:  # tall enough for the longest wrapped header: not every spreadsheet fits rows to their text
        lines = max(-(-len(header) // max(width - 2, 1)) for header, width in zip(spec.headers, spec.widths,
                                                                                  strict=False))
        sheet.row_dimensions[1].height = 15 * max(lines, 1)
    header = []
    for column, text in enumerate(spec.headers, 1):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = Font(bold=True), HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="bottom" if spec.rotate else "top",
                                   textRotation=90 if spec.rotate and column > 4 else 0)
        header.append(cell)
    sheet.append(header)
    last = max(scores.values())
    short_codes = _short_scores(scores) if spec.title == "Comparison" else {}
    for index, row in enumerate(spec.rows):
        formats = spec.formats[index] if index < len(spec.formats) else {}
        cells = []
        for column, raw in enumerate(row, 1):
            value = spreadsheet(raw)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            score = (scores.get(value) or short_codes.get(value)) if isinstance(value, str) else None
            step = (1 if score == 1 else 4 if score == last else min(score, 3)) if score else 0
            cells.append(styles.cell(sheet, value, wrap=isinstance(value, str) and len(value) > 30,
                                     centre=spec.rotate and column > 4,
                                     number_format=formats.get(column, "General") if number else "General",
                                     step=step))
        sheet.append(cells)


class _Styles:
    """The few styles a sheet's cells take (bordered; wrapped or not; centred or not; a number format; a grade's
    fill), each registered once as a named style: a cell then takes its style as one index, where setting
    border, alignment, fill and font on each cell costs openpyxl a comparison of style objects apiece (a region
    of 50 authorities took 25 s that way). A cell of a style already seen copies that style's index."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.known: dict[str, Any] = {}  # style name -> the style index a cell of it has

    def cell(self, sheet: Any, value: Any, *, wrap: bool, centre: bool, number_format: str, step: int) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        name = f"comply {int(wrap)}{int(centre)} {step} {number_format}"
        style = self.known.get(name)
        if style is None:
            named = NamedStyle(name=name, number_format=number_format,
                               alignment=Alignment(wrap_text=wrap, vertical="top",
                                                   horizontal="center" if centre else None),
                               border=Border(top=THIN, bottom=THIN, left=THIN, right=THIN))
            if step:
                named.fill = PatternFill("solid", fgColor=FILLS[step])
                named.font = Font(bold=True, color="FFFFFF" if step == 1 else "000000")
            self.workbook.add_named_style(named)
            cell.style = name
            style = self.known[name] = cell._style  # noqa: SLF001 - openpyxl's own record of a cell's style
        else:
            cell._style = copy(style)  # noqa: SLF001 - as openpyxl's own style setter does
        return cell


def _short_scores(scores: dict[str, int]) -> dict[str, int]:
    """The comparison's codes (Good*, RI; O, G, RI, I in narrow columns) to the score they stand for."""
    from .charts import compact, short

    return {code(label): score for label, score in scores.items() for code in (compact, short)}
