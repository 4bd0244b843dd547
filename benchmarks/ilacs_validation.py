"""How far the ofsted-ilacs pack, fed only published data, agrees with Ofsted's real grades.

    python benchmarks/ilacs_validation.py [--data ../shared/testdata/real] [--markdown]

For every inspection in Ofsted's official file (ILACS standard and short inspections, 2018 to
March 2025) it imports the authority's metrics for the last year ending 31 March before the
inspection (through the pack's dfe-ees and dfe-ees-early adapters), checks them under the pack version in force
on the inspection date, and compares each judgement with Ofsted's. Beside the pack it scores
two baselines: every authority Good, and the best single indicator, whose cut points and
direction are chosen on the inspections before 2023 (the training years) so that its grades
fall in the same proportions as Ofsted's did then, and the indicator chosen is the one that
agreed most often in those years. Inspections from January 2023 are the test: nothing is
fitted on them, and the pack's thresholds are written against England, not fitted at all.
Needs comply installed in the Python that runs it. The last line is the summary for overall
effectiveness on the test years.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = "ofsted-la-outcomes/derived_ILACS_inspection_history_2018_2025.csv"
ORDER = ["outstanding", "good", "requires_improvement", "inadequate"]
LABELS = {"Outstanding": "outstanding", "Good": "good", "Requires improvement to be good": "requires_improvement",
          "Inadequate": "inadequate"}
COLUMNS = {
    "overall": "Overall effectiveness",
    "leaders": "The impact of leaders on social work practice with children and families",
    "help_protection": "The experiences and progress of children who need help and protection",
    "children_in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
}
REFORM = datetime.date(2023, 1, 1)  # care leavers judged apart from here; the test years start here


@dataclass
class Inspection:
    number: str
    name: str
    date: datetime.date
    actual: dict[str, str]
    period: str = ""
    predicted: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)

    @property
    def test(self) -> bool:
        return self.date >= REFORM

    @property
    def version(self) -> str:
        return "2023" if self.test else "2018"


def read_inspections(data: Path) -> list[Inspection]:
    inspections = []
    with (data / OFFICIAL).open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            day, month, year = (int(part) for part in row["Inspection date"].split("/"))
            date = datetime.date(year, month, day)
            actual = {key: LABELS[row[column].strip()] for key, column in COLUMNS.items()
                      if row.get(column, "").strip() in LABELS}
            end = date.year if date > datetime.date(date.year, 3, 31) else date.year - 1
            inspections.append(Inspection(row["Web link (URL)"].rstrip("/").rsplit("/", 1)[-1],
                                          row["Local authority name"], date, actual,
                                          f"{end - 1}-{end % 100:02d}"))
    return inspections


def import_metrics(inspections: list[Inspection], data: Path, folder: Path) -> int:
    """Each inspection's metrics file, from the year before; the count that the data lacks."""
    from compliance.importer import Importer, read_adapter
    from compliance.problems import InputError
    from compliance.runner import pack_for

    pack = pack_for("ofsted-ilacs/2018")
    adapters = [read_adapter(name, pack) for name in ("dfe-ees", "dfe-ees-early")]
    importers: dict[str, Importer] = {}
    files: dict[Path, list[list[str]]] = {}  # each published CSV read once across the years
    missing = 0
    for index, inspection in enumerate(inspections):
        if inspection.period not in importers:
            adapter = next(a for a in adapters if inspection.period in a.data["periods"])
            importers[inspection.period] = Importer(adapter, pack, data, inspection.period, files=files)
        importer = importers[inspection.period]
        try:
            [row] = importer.authorities([inspection.number])
        except InputError:
            missing += 1
            continue
        (folder / inspection.version).mkdir(exist_ok=True)
        (folder / inspection.version / f"{index:03d}.yaml").write_text(importer.metrics_file(row))
    return missing


def published_pack(version: str, folder: Path) -> Path:
    """The version with the rules published data cannot evidence disabled: a local pack
    extending it. Their metrics would all be missing, leaving practice judgements not judged."""
    from compliance.importer import read_adapter
    from compliance.runner import pack_for

    pack = pack_for(f"ofsted-ilacs/{version}")
    given = read_adapter("dfe-ees", pack).data["metrics"]
    local = folder / f"published-{version}"
    local.mkdir()
    lines = [f"id: ofsted-ilacs-{version}-published", f"title: ILACS {version}, published data only",
             "version: 1.0.0", f"extends: ofsted-ilacs/{version}", "disable:"]
    lines += [f"  {rule.id}: not in DfE's published data" for rule in pack.rules if rule.metric not in given]
    (local / "pack.yaml").write_text("\n".join(lines) + "\n")
    return local


def run_pack(inspections: list[Inspection], folder: Path) -> None:
    for version in ("2018", "2023"):
        files = folder / version
        if not files.is_dir():
            continue
        pack = published_pack(version, folder)
        done = subprocess.run([sys.executable, "-m", "compliance", "check", str(files), "--pack", str(pack),
                               "--format", "json", "--fail-on", "never"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"ilacs validation: comply check failed: {done.stderr.strip()}")
        results = json.loads(done.stdout)
        for result in results if isinstance(results, list) else [results]:
            index = int(Path(result["metrics_file"]).stem)
            inspections[index].values = result["values"]  # the figures, for the single-indicator baseline
            grades = {j["id"]: j["grade"] for j in result["judgements"]}
            inspections[index].predicted = {key: grades.get(key) if grades.get(key) in ORDER else None
                                            for key in COLUMNS}


@dataclass
class SingleIndicator:
    """One indicator cut into four grades in the proportions Ofsted gave in the training years."""
    metric: str
    higher_is_worse: bool
    cuts: list[float]

    def grade(self, inspection: Inspection) -> str:
        value = inspection.values.get(self.metric)
        if value is None:
            return "good"
        position = bisect.bisect_right(self.cuts, value)
        return ORDER[position] if self.higher_is_worse else ORDER[3 - position]


def fit_single(train: list[Inspection], judgement: str, metrics: list[str]) -> SingleIndicator | None:
    graded = [i for i in train if judgement in i.actual]
    if not graded:
        return None
    shares = [sum(i.actual[judgement] == grade for i in graded) / len(graded) for grade in ORDER]
    best: tuple[float, SingleIndicator] | None = None
    for metric in metrics:
        values = sorted(i.values[metric] for i in graded if metric in i.values)
        if len(values) < 20:
            continue
        for higher_is_worse in (True, False):
            order = shares if higher_is_worse else shares[::-1]
            cuts, total = [], 0.0
            for share in order[:3]:
                total += share
                cuts.append(values[min(len(values) - 1, int(total * len(values)))])
            model = SingleIndicator(metric, higher_is_worse, cuts)
            score = sum(model.grade(i) == i.actual[judgement] for i in graded) / len(graded)
            if best is None or score > best[0]:
                best = (score, model)
    return best[1] if best else None


def agreement(pairs: list[tuple[str | None, str]]) -> tuple[float, float]:
    if not pairs:
        return 0.0, 0.0
    exact = sum(p == a for p, a in pairs)
    near = sum(p is not None and abs(ORDER.index(p) - ORDER.index(a)) <= 1 for p, a in pairs)
    return 100 * exact / len(pairs), 100 * near / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "testdata" / "real")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    options = parser.parse_args()
    if not (options.data / OFFICIAL).is_file():
        sys.exit(f"ilacs validation: no {OFFICIAL} under {options.data}")
    inspections = read_inspections(options.data)
    with tempfile.TemporaryDirectory(prefix="comply-ilacs-") as temporary:
        missing = import_metrics(inspections, options.data, Path(temporary))
        run_pack(inspections, Path(temporary))
    usable = [i for i in inspections if i.predicted]
    train = [i for i in usable if not i.test]
    test = [i for i in usable if i.test]
    metrics = sorted({m for i in usable for m in i.values})
    rows = []
    summary = None
    for judgement in COLUMNS:
        single = fit_single(train, judgement, metrics)
        for label, group in (("2018-2022 (train)", train), ("2023-2025 (test)", test)):
            graded = [i for i in group if judgement in i.actual]
            if not graded:
                continue
            pack = agreement([(i.predicted.get(judgement), i.actual[judgement]) for i in graded])
            good = agreement([("good", i.actual[judgement]) for i in graded])
            best = agreement([(single.grade(i), i.actual[judgement]) for i in graded]) if single else None
            judged = sum(i.predicted.get(judgement) is not None for i in graded)
            rows.append([judgement, label, len(graded), judged, f"{pack[0]:.0f}%", f"{pack[1]:.0f}%",
                         f"{good[0]:.0f}%", f"{best[0]:.0f}%" if best else "n/a",
                         f"{single.metric} ({'higher' if single.higher_is_worse else 'lower'} worse)"
                         if single else "none: not judged before 2023"])
            if judgement == "overall" and group is test:
                summary = (pack, good, best, len(graded))
    headers = ["judgement", "inspections", "n", "pack graded", "pack exact", "pack within one",
               "all Good exact", "best single exact", "best single indicator (fitted on train)"]
    if options.markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")
    else:
        from tabulate import tabulate

        print(tabulate(rows, headers=headers))
    print(f"\n{len(inspections)} inspections; {missing} without published data for the year before; "
          f"{len(train)} before 2023, {len(test)} from 2023.")
    if summary is None:
        sys.exit("ilacs validation: no test inspections with an overall grade")
    pack, good, best, n = summary
    print(f"ilacs validation: exact {pack[0]:.0f}% within-one {pack[1]:.0f}% baseline-good {good[0]:.0f}% "
          f"best-single {best[0] if best else 0:.0f}% (test n={n})")


if __name__ == "__main__":
    main()
