"""Calibrate the ILACS estimates from published figures, on the training years only.

    python benchmarks/ilacs_calibrate.py [--data ../shared/testdata/real] [--write | --check]

Reads every ILACS inspection before 1 January 2023 (and refuses to read a later one), takes
each authority's published figures for the last year ending 31 March before its inspection
(through comply's own import), and fits, for each judgement the pack estimates:

1. Indicators: of the published figures that bear on the judgement (ilacs_data.DESIGN, written
   before any fitting), those whose training-years Spearman correlation with the judgement's
   grade runs the framework's way and is significant (p < 0.05).
2. Bands: a figure is a strength beyond the better tercile of (figure - England's that year)
   over the training inspections, and a concern beyond the worse tercile; neutral between.
3. Weights: indicators whose relative figures correlate at r >= 0.8 on the training years (agency
   and vacancy rates) share one count, each weighing 1/k, so one signal is not counted twice.
4. Cut-points: the points (concerns less strengths) mapped to grades by three cut-points giving
   each grade between half and twice its share among the training years' grades (an estimate that
   never, or too often, says a grade is no estimate), chosen by the objective (OBJECTIVE): "exact",
   the first, those agreeing most often with the grades; "within-one-bar", the second (registered
   in rules/ofsted-ilacs/README.md before it was tried), those agreeing most often among the ones
   within one grade of at least WITHIN_ONE_BAR% of them, where there are any.

It writes rules/ofsted-ilacs/<version>/estimates.yaml (keeping any validation the validation
script recorded) with --write; --check exits 1 when the files differ from what it fits; else it
prints what it fits. Needs comply installed in the Python that runs it.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ilacs_data as data  # noqa: E402

SIGNIFICANCE = 0.05
TOGETHER = 0.8  # relative figures this correlated count as one signal
#: How cut-points are chosen among those that give every grade its share: "exact", the first
#: calibration's objective, or "within-one-bar", the second's (the bar first, then exact).
OBJECTIVES = ("exact", "within-one-bar")
OBJECTIVE = "exact"
WITHIN_ONE_BAR = 90.0  # the bar for within one grade, in per cent


def select(train: list[data.Inspection], grade_of: str, bears_on: tuple[str, ...]
           ) -> list[tuple[data.Design, float, float, int]]:
    """The designed indicators with a significant training-years relation the framework's way:
    (design, rho, p, n)."""
    data.refuse_test_years(train)
    chosen = []
    for design in data.DESIGN:
        if not set(design.bears_on) & set(bears_on):
            continue
        pairs = [(i.relative(design.metric), data.ORDER.index(i.actual[grade_of])) for i in train
                 if grade_of in i.actual and i.relative(design.metric) is not None]
        rho, p = data.spearman([x for x, _ in pairs], [y for _, y in pairs])  # type: ignore[misc]
        better_goes_with_better_grade = rho < 0 if design.higher_is_better else rho > 0
        if better_goes_with_better_grade and p < SIGNIFICANCE:
            chosen.append((design, rho, p, len(pairs)))
    return chosen


def bands(train: list[data.Inspection], design: data.Design) -> tuple[float, float, int]:
    """The terciles of (figure - England) over the training inspections with the figure: (lower, upper, n)."""
    data.refuse_test_years(train)
    relative = sorted(x for i in train if (x := i.relative(design.metric)) is not None)
    lower, upper = statistics.quantiles(relative, n=3, method="inclusive")
    return round(lower, 1), round(upper, 1), len(relative)


def conditions(design: data.Design, lower: float, upper: float) -> tuple[str, str]:
    """(strength, concern) as comply conditions against England's figure."""
    def against(offset: float) -> str:
        return "national" if offset == 0 else f"national {'+' if offset > 0 else '-'} {abs(offset):g}"

    if design.higher_is_better:
        return f"value >= {against(upper)}", f"value <= {against(lower)}"
    return f"value <= {against(lower)}", f"value >= {against(upper)}"


def weights(train: list[data.Inspection], chosen: list[data.Design]) -> dict[str, tuple[float, str]]:
    """Each indicator's weight, 1 or shared with the indicators it moves with, and why."""
    data.refuse_test_years(train)
    together: dict[str, set[str]] = {d.metric: {d.metric} for d in chosen}
    notes: dict[str, str] = {}
    for one, other in itertools.combinations(chosen, 2):
        pairs = [(a, b) for i in train if (a := i.relative(one.metric)) is not None
                 and (b := i.relative(other.metric)) is not None]
        r = statistics.correlation([a for a, _ in pairs], [b for _, b in pairs]) if len(pairs) > 2 else 0.0
        if r >= TOGETHER:
            group = together[one.metric] | together[other.metric]
            for metric in group:
                together[metric] = group
            notes[one.metric] = notes[other.metric] = (
                f"{_title(one.metric).lower()} and {_title(other.metric).lower()} move together (r = {r:.2f} on "
                f"the training years), so they share one count")
    return {d.metric: (1 / len(together[d.metric]), notes.get(d.metric, "")) for d in chosen}


def signal(inspection: data.Inspection, design: data.Design, lower: float, upper: float) -> int:
    """+1 concern, -1 strength, 0 neutral or not published: as comply's conditions read it."""
    value, england = inspection.values.get(design.metric), inspection.national.get(design.metric)
    if value is None or england is None:
        return 0
    if design.higher_is_better:
        return -1 if value >= england + upper else 1 if value <= england + lower else 0
    return -1 if value <= england + lower else 1 if value >= england + upper else 0


def fit_cuts(scored: list[tuple[float, str]], shared: bool = True, objective: str = OBJECTIVE
             ) -> tuple[tuple[float, float, float], dict[str, Any]]:
    """The cut-points agreeing most with the training grades, each grade at half to twice its share
    (``shared``); under "within-one-bar", among those within one grade of WITHIN_ONE_BAR% of the grades
    where any are. Ties to the better within-one agreement, then macro recall, then the lower cut-points.
    Where too few scores can be told apart for every grade to have its share, the best agreement alone."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}: {', '.join(OBJECTIVES)}")
    n = len(scored)
    shares = {grade: sum(actual == grade for _, actual in scored) / n for grade in data.ORDER}
    values = sorted({score for score, _ in scored})
    candidates: list[tuple[tuple[float, float, float], tuple[float, float, float], dict[str, Any]]] = []
    for cuts in itertools.combinations_with_replacement(values, 3):
        pairs = [(grade_of(score, cuts), actual) for score, actual in scored]
        counts = {grade: sum(p == grade for p, _ in pairs) / n for grade in data.ORDER}
        if shared and not all(shares[g] / 2 <= counts[g] <= 2 * shares[g] for g in data.ORDER):
            continue
        result = data.agreement(pairs)
        candidates.append(((result["exact"], result["within_one"], result["macro_recall"]), cuts, result))
    if not candidates:
        return fit_cuts(scored, shared=False, objective=objective)
    within_bar = [c for c in candidates if c[2]["within_one"] >= WITHIN_ONE_BAR]
    if objective == "within-one-bar" and within_bar:
        candidates = within_bar
    # max keeps the first of equals, and the cut-points come in rising order: ties go to the lower ones
    best = max(candidates, key=lambda candidate: candidate[0])
    best[2]["shared"] = shared
    best[2]["within_bar"] = objective == "within-one-bar" and bool(within_bar)
    return best[1], best[2]


def grade_of(score: float, cuts: tuple[float, float, float]) -> str:
    return next((data.ORDER[i] for i, cut in enumerate(cuts) if score <= cut), data.ORDER[-1])


@dataclass
class Fit:
    """One judgement's estimate as fitted: the indicators chosen (with their relation to the grade),
    their weights, and the cut-points (None where no indicator was chosen)."""

    judgement: str
    target: str  # the grade it is trained on
    chosen: list[tuple[data.Design, float, float, int]]
    weight: dict[str, tuple[float, str]]
    considered: list[data.Design]
    cuts: tuple[float, float, float] | None = None
    fitted: dict[str, Any] = field(default_factory=dict)

    @property
    def designs(self) -> list[data.Design]:
        return [design for design, *_ in self.chosen]

    def score(self, inspection: data.Inspection, band_of: dict[str, tuple[float, float, int]]) -> float:
        return sum(self.weight[d.metric][0] * signal(inspection, d, *band_of[d.metric][:2]) for d in self.designs)

    def estimable(self, inspection: data.Inspection) -> bool:
        """Whether comply estimates it for the inspection: half the indicators' weight or more published."""
        published = sum(self.weight[d.metric][0] for d in self.designs
                        if d.metric in inspection.values and d.metric in inspection.national)
        return bool(self.designs) and published >= 0.5 * sum(weight for weight, _ in self.weight.values())

    def grade(self, inspection: data.Inspection, band_of: dict[str, tuple[float, float, int]]) -> str | None:
        """The estimate as comply gives it: None with no indicator, or under half of their weight published."""
        if self.cuts is None or not self.estimable(inspection):
            return None
        return grade_of(self.score(inspection, band_of), self.cuts)


def fit(train: list[data.Inspection], objective: str = OBJECTIVE
        ) -> tuple[dict[str, tuple[float, float, int]], dict[str, list[Fit]]]:
    """Each indicator's bands, and each version's fitted estimates, on ``train``."""
    data.refuse_test_years(train)
    # a figure first published later (none before 2021 in a forward check) has no bands, and is never chosen
    band_of = {design.metric: bands(train, design) for design in data.DESIGN
               if sum(i.relative(design.metric) is not None for i in train) >= 3}
    fits: dict[str, list[Fit]] = {}
    for version, targets in data.TARGETS.items():
        fits[version] = []
        for judgement, (grade_of_, bears_on) in targets.items():
            chosen = select(train, grade_of_, bears_on)
            one = Fit(judgement, grade_of_, chosen, weights(train, [design for design, *_ in chosen]),
                      [d for d in data.DESIGN if set(d.bears_on) & set(bears_on)])
            if chosen:
                # fitted on the inspections comply would estimate: those it would not have no score to cut
                scored = [(one.score(i, band_of), i.actual[grade_of_]) for i in train
                          if grade_of_ in i.actual and one.estimable(i)]
                one.cuts, one.fitted = fit_cuts(scored, objective=objective)
            fits[version].append(one)
    return band_of, fits


def calibrate(train: list[data.Inspection], objective: str = OBJECTIVE) -> dict[str, dict[str, Any]]:
    """Each version's estimates file content (without validation), fitted on ``train``."""
    band_of, fits = fit(train, objective)
    files: dict[str, dict[str, Any]] = {}
    for version, fitted_estimates in fits.items():
        related: dict[str, list[str]] = {}  # indicator id -> how it relates to each grade it is chosen for
        estimates = []
        for one in fitted_estimates:
            judgement, designs, weight = one.judgement, one.designs, one.weight
            for design, rho, p, n in one.chosen:
                related.setdefault(design.id, []).append(f"{judgement} rho {rho:+.2f} (p {p:.3f}, n {n})")
            estimate: dict[str, Any] = {
                "judgement": judgement, "method": "points",
                "indicators": {d.id: round(weight[d.metric][0], 3) for d in designs},
                "prompts": [d.metric for d in one.considered],
            }
            if one.cuts is not None:
                fitted = one.fitted
                shared = list(dict.fromkeys(why for d in designs if (why := weight[d.metric][1])))
                estimate["cut_points"] = {grade: round(cut, 3) for grade, cut in zip(data.ORDER[:3], one.cuts,
                                                                                     strict=True)}
                estimate["rationale"] = (
                    f"{len(designs)} of the {len(one.considered)} published indicators that bear on it related to "
                    f"the grade the framework's way on the training years; cut-points the best "
                    + (f"exact agreement there among those within one grade of at least {WITHIN_ONE_BAR:g}% of its "
                       f"grades " if fitted.get("within_bar") else "agreement there ")
                    + f"({fitted['exact']:.1f}% exact, {fitted['within_one']:.1f}% within one grade, n {fitted['n']})"
                    + (" with every grade at half to twice its share" if fitted.get("shared") else
                       ", as too few scores can be told apart to give every grade its share")
                    + ("".join(f"; {text}" for text in shared))
                    + ("" if one.target == judgement else
                       "; trained on the grade for children in care and care leavers, judged together before 2023")
                    + ".")
            else:
                estimate["cut_points"] = {grade: 0 for grade in data.ORDER[:3]}
                estimate["rationale"] = (f"None of the {len(one.considered)} published indicators that bear on it "
                                         "related to the grade on the training years.")
            estimates.append(estimate)
        indicators = []
        for design in data.DESIGN:
            if design.id not in related:
                continue
            lower, upper, count = band_of[design.metric]
            strength, concern = conditions(design, lower, upper)
            indicators.append({
                "id": design.id, "title": _title(design.metric), "metric": design.metric,
                "strength": strength, "concern": concern,
                "rationale": (f"Bands at the terciles of (figure - England) over the {count} training inspections "
                              f"with the figure (2018-22): the better third a strength, the worse a concern. "
                              f"Related to the grade the framework's way on the training years: "
                              + "; ".join(related[design.id]) + "."),
                "cites": list(design.cites),
            })
        files[version] = {
            "calibration": (f"Bands and cut-points fitted by benchmarks/ilacs_calibrate.py on the {len(train)} ILACS "
                            f"inspections from January 2018 to December 2022, never on later ones."),
            "indicators": indicators,
            "estimates": estimates,
        }
    return files


def _title(metric_id: str) -> str:
    from compliance.runner import pack_for

    return pack_for("ofsted-ilacs/2018").metrics[metric_id].title


def with_validation(fitted: dict[str, Any], version: str) -> dict[str, Any]:
    """The fitted content with the validation the file already records, where the estimate is unchanged."""
    import yaml

    path = data.estimates_path(version)
    if not path.is_file():
        return fitted
    kept = {item["judgement"]: item for item in yaml.safe_load(path.read_text())["estimates"]}
    for item in fitted["estimates"]:
        old = kept.get(item["judgement"], {})
        same = {key: old.get(key) for key in item} == item
        if same and "validation" in old:
            item["validation"] = old["validation"]
    return fitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=data.DEFAULT_DATA)
    parser.add_argument("--until", type=datetime.date.fromisoformat, default=data.TRAINING_END,
                        help=f"fit on inspections before this day (no later than {data.TRAINING_END})")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--write", action="store_true", help="write the estimates files")
    what.add_argument("--check", action="store_true", help="exit 1 when the files differ from the fit")
    options = parser.parse_args()
    try:
        train = data.training(options.data, options.until)
    except data.TestYearsRefused as refused:
        sys.exit(f"ilacs calibration: refused: {refused}")
    missing = data.attach_figures(train, options.data)
    files = calibrate([i for i in train if i.values])
    stale = []
    for version, content in files.items():
        text = data.dump(with_validation(content, version))
        path = data.estimates_path(version)
        if options.write:
            path.write_text(text)
        elif options.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path.relative_to(data.ROOT)))
        else:
            print(f"--- {path.relative_to(data.ROOT)}\n{text}")
    print(f"ilacs calibration: {len(train)} training inspections, {missing} without published figures",
          file=sys.stderr)
    if stale:
        sys.exit(f"ilacs calibration: out of date: {', '.join(stale)}; run with --write")


if __name__ == "__main__":
    main()
