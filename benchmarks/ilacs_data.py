"""What the ILACS calibration and validation share: the inspections, each one's published figures
for the year before it, the a priori design of the estimates, and the estimates files.

The design (which published figure bears on which judgement, and which way is better) is
written here before any fitting, from the framework and the research note; the calibration
fits only bands and cut-points, on the inspections before TRAINING_END, and refuses the rest.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "ofsted-ilacs"
DEFAULT_DATA = ROOT.parent / "shared" / "testdata" / "real"
#: Inspections before this day are the training years; from it, the test years. Nothing is fitted on the test.
TRAINING_END = datetime.date(2023, 1, 1)
ORDER = ["outstanding", "good", "requires_improvement", "inadequate"]
JUDGEMENTS = ["overall", "leaders", "help_protection", "children_in_care", "care_leavers"]


class TestYearsRefused(Exception):
    """The calibration was asked to read, or was given, an inspection from the test years."""


@dataclass(frozen=True)
class Design:
    """One published indicator as the framework reads it, before any data: its id, the better
    direction, the judgements it bears on, and what it cites."""

    metric: str
    id: str
    higher_is_better: bool
    bears_on: tuple[str, ...]
    cites: tuple[str, ...]


# The practice judgement each figure describes (research note section 4.1's "judgement" column);
# the better direction is the framework's (fewer re-referrals, more conferences on time ...), not
# what the data happened to show. Overall effectiveness reads every one.
DESIGN = [
    Design("sw_caseload", "ILACS-EST-CASELOADS", False, ("leaders",), ("research:4", "sefton-2022:7")),
    Design("sw_agency_pct", "ILACS-EST-AGENCY", False, ("leaders",), ("research:4", "swindon-2023:40")),
    Design("sw_vacancy_pct", "ILACS-EST-VACANCIES", False, ("leaders",), ("research:4", "swindon-2023:40")),
    Design("sw_turnover_pct", "ILACS-EST-TURNOVER", False, ("leaders",), ("research:4", "bromley-2024:58")),
    Design("re_referrals_pct", "ILACS-EST-REREFERRALS", False, ("help_protection",), ("research:4", "swindon-2023:7")),
    Design("icpc_within_15_days_pct", "ILACS-EST-ICPC", True, ("help_protection",), ("research:4",)),
    Design("cp_plans_2yrs_pct", "ILACS-EST-LONG-PLANS", False, ("help_protection",), ("research:4", "surrey-2022:6")),
    Design("cla_dental_pct", "ILACS-EST-DENTAL", True, ("children_in_care",), ("research:4", "sefton-2022:28")),
    Design("cla_health_assessment_pct", "ILACS-EST-HEALTH", True, ("children_in_care",), ("research:4",)),
    Design("cla_3plus_placements_pct", "ILACS-EST-MOVES", False, ("children_in_care",), ("research:4",)),
    Design("cl_eet_19_21_pct", "ILACS-EST-EET-19-21", True, ("care_leavers",), ("research:4", "essex-2023:32")),
    Design("cl_eet_17_18_pct", "ILACS-EST-EET-17-18", True, ("care_leavers",), ("research:4", "kingston-2019:30")),
    Design("cl_suitable_accommodation_19_21_pct", "ILACS-EST-ACCOMMODATION", True, ("care_leavers",),
           ("research:4", "surrey-2022:36")),
    Design("cl_in_touch_19_21_pct", "ILACS-EST-IN-TOUCH", True, ("care_leavers",), ("research:4",)),
]

# What each version's estimate of a judgement is trained on, and which figures bear on it. Before
# 2023 care leavers were judged within "children in care and care leavers", so from 2023 that
# judgement stands in for both of its halves in the training years (a proxy, said in the pack).
TARGETS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "2018": {
        "overall": ("overall", ("leaders", "help_protection", "children_in_care", "care_leavers")),
        "leaders": ("leaders", ("leaders",)),
        "help_protection": ("help_protection", ("help_protection",)),
        "children_in_care": ("children_in_care", ("children_in_care", "care_leavers")),
    },
    "2023": {
        "overall": ("overall", ("leaders", "help_protection", "children_in_care", "care_leavers")),
        "leaders": ("leaders", ("leaders",)),
        "help_protection": ("help_protection", ("help_protection",)),
        "children_in_care": ("children_in_care", ("children_in_care",)),
        "care_leavers": ("children_in_care", ("care_leavers",)),
    },
}


@dataclass
class Inspection:
    name: str
    code: str
    date: datetime.date
    actual: dict[str, str]
    period: str
    values: dict[str, float] = field(default_factory=dict)  # the year before's figures
    national: dict[str, float] = field(default_factory=dict)  # England's, that year
    previous: dict[str, str] = field(default_factory=dict)  # the authority's last ILACS grades before it
    metrics: dict[str, Any] | None = None  # the metrics file comply import wrote (data, not text)

    @property
    def test(self) -> bool:
        return self.date >= TRAINING_END

    @property
    def version(self) -> str:
        return "2018" if self.date < TRAINING_END else "2023" if self.date < datetime.date(2026, 4, 1) else "2026"

    def relative(self, metric: str) -> float | None:
        """The figure less England's that year, or None where either is not published."""
        if metric in self.values and metric in self.national:
            return self.values[metric] - self.national[metric]
        return None


def period_before(date: datetime.date) -> str:
    """The last year ending 31 March before the inspection, as a period: 2021-22 for October 2022."""
    end = date.year if date > datetime.date(date.year, 3, 31) else date.year - 1
    return f"{end - 1}-{end % 100:02d}"


def inspections(data: Path, *, until: datetime.date | None = None) -> list[Inspection]:
    """Every ILACS inspection the dfe-ees adapter's outcome files list (the official file to March
    2025, the scrape after it), with its previous ILACS grades; those before ``until`` only, when given."""
    from compliance.importer import read_adapter
    from compliance.inspections import read_inspections
    from compliance.runner import pack_for

    pack = pack_for("ofsted-ilacs/2023")
    adapter = read_adapter("dfe-ees", pack)
    found = read_inspections(adapter.data["inspections"], data, pack.scale)
    chosen = []
    for index, inspection in enumerate(found):
        if until is not None and inspection.date >= until:
            continue
        earlier = [other for other in found[:index] if other.date < inspection.date and _same(other, inspection)]
        chosen.append(Inspection(inspection.name, inspection.code, inspection.date, dict(inspection.grades),
                                 period_before(inspection.date),
                                 previous=dict(earlier[-1].grades) if earlier else {}))
    return chosen


def training(data: Path, until: datetime.date = TRAINING_END) -> list[Inspection]:
    """The training years' inspections; a later ``until`` is refused, so the test years stay unseen."""
    if until > TRAINING_END:
        raise TestYearsRefused(f"the calibration reads only inspections before {TRAINING_END}; {until} would "
                               "let it see the test years")
    return inspections(data, until=until)


def refuse_test_years(group: Iterable[Inspection]) -> None:
    """Raise if any inspection is from the test years: fitting must never see them."""
    late = [inspection for inspection in group if inspection.test]
    if late:
        raise TestYearsRefused(f"{len(late)} inspections from {TRAINING_END} on (the test years), e.g. "
                               f"{late[0].name} {late[0].date}; fitting reads the training years only")


def _same(one: Any, other: Any) -> bool:
    return bool((one.code and one.code == other.code) or one.name.casefold() == other.name.casefold())


def attach_figures(group: list[Inspection], data: Path) -> int:
    """Each inspection's published figures for the year before it, through comply's own import;
    the count of inspections whose authority the tables lack."""
    from compliance.importer import Importer, read_adapter
    from compliance.problems import InputError
    from compliance.runner import pack_for
    from compliance.tables import AUTHORITY

    pack = pack_for("ofsted-ilacs/2018")
    adapters = [read_adapter(name, pack) for name in ("dfe-ees", "dfe-ees-early")]
    importers: dict[str, Any] = {}
    files: dict[Path, Any] = {}  # each published file read once across the years
    missing = 0
    for inspection in group:
        adapter = next((a for a in adapters if inspection.period in a.data["periods"]), None)
        if adapter is None:
            missing += 1
            continue
        if inspection.period not in importers:
            importers[inspection.period] = Importer(adapter, pack, data, inspection.period, files=files)
        importer = importers[inspection.period]
        table = next(iter(importer.tables.values()))
        row = None
        for key in (inspection.code, inspection.name):
            try:
                row = table.find(AUTHORITY, key) if key else None
            except InputError:
                row = None
            if row is not None:
                break
        if row is None:
            missing += 1
            continue
        content, _, _ = importer.metrics(row)
        content.pop("last_inspection", None)  # the validation's persistence baseline is computed apart
        inspection.metrics = content
        for metric, figure in content["metrics"].items():
            value = figure.get("value")
            if value is None and "numerator" in figure:  # as comply reads it: unrounded, or a band edge differs
                value = 100.0 * figure["numerator"] / figure["denominator"]
            if isinstance(value, int | float) and not isinstance(value, bool):
                inspection.values[metric] = float(value)
            if "national" in figure:
                inspection.national[metric] = float(figure["national"])
    return missing


# --- statistics, from the standard library ---

def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Spearman's rho and its two-sided p (normal approximation, z = rho * sqrt(n - 1))."""
    if len(xs) < 3:
        return 0.0, 1.0
    try:
        rho = statistics.correlation(ranks(xs), ranks(ys))
    except statistics.StatisticsError:
        return 0.0, 1.0
    z = abs(rho) * math.sqrt(len(xs) - 1)
    return rho, 2 * (1 - statistics.NormalDist().cdf(z))


def agreement(pairs: Sequence[tuple[str | None, str]]) -> dict[str, Any]:
    """Exact and within-one agreement (%), macro-averaged recall (%), and the confusion matrix."""
    n = len(pairs)
    exact = sum(p == a for p, a in pairs)
    near = sum(p is not None and abs(ORDER.index(p) - ORDER.index(a)) <= 1 for p, a in pairs)
    recalls = [sum(p == grade for p, a in pairs if a == grade) / total
               for grade in ORDER if (total := sum(a == grade for _, a in pairs))]
    confusion = {actual: {str(predicted): sum(1 for p, a in pairs if a == actual and p == predicted)
                          for predicted in [*ORDER, None]} for actual in ORDER}
    return {"n": n, "exact_count": exact, "within_count": near,
            "exact": 100 * exact / n if n else 0.0, "within_one": 100 * near / n if n else 0.0,
            "macro_recall": 100 * sum(recalls) / len(recalls) if recalls else 0.0, "confusion": confusion}


# --- the estimates files ---

def estimates_path(version: str) -> Path:
    return PACK / version / "estimates.yaml"


def dump(content: dict[str, Any]) -> str:
    """An estimates file as the scripts write it: a header saying so, then block YAML."""
    import yaml

    header = ("# Generated by benchmarks/ilacs_calibrate.py (indicators, bands, cut-points: fitted on the training\n"
              "# years only) and benchmarks/ilacs_validation.py --write (validation: the test years). Do not edit\n"
              "# by hand: run them again (rules/ofsted-ilacs/README.md says how).\n")
    return header + yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)
