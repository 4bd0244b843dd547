"""The forward check that decides the ILACS calibration's objective, inside the training years.

    python benchmarks/ilacs_forward.py [--data ../shared/testdata/real]

Registered in rules/ofsted-ilacs/README.md before it was first run: the whole calibration
(indicators, bands, weights, cut-points) is fitted under each objective on the training
inspections before FORWARD_SPLIT, and each fit is scored on the rest of the training years.
The second objective ("within-one-bar") is adopted if and only if, there, its estimate of
overall effectiveness is within one grade of Ofsted's more often than the first's ("exact"),
and exact more often than calling every authority Good. It reads nothing from the test years:
the training years are all it asks for, and the fitting refuses anything later.

The last line says which objective the rule chooses; ilacs_calibrate.OBJECTIVE must be it
(a test compares them). Needs comply installed in the Python that runs it.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ilacs_calibrate as calibration  # noqa: E402
import ilacs_data as data  # noqa: E402

#: Fitted on the training inspections before this day (103), scored on those from it (65, 2021-22).
FORWARD_SPLIT = datetime.date(2021, 1, 1)
FIRST, SECOND = calibration.OBJECTIVES
COMMONEST = "good"


def check(train: list[data.Inspection]) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any], str]:
    """Each (objective, judgement)'s agreement on the later training years, everyone Good's for overall
    effectiveness there, and the objective the registered rule chooses."""
    data.refuse_test_years(train)
    early = [i for i in train if i.date < FORWARD_SPLIT]
    late = [i for i in train if i.date >= FORWARD_SPLIT]
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for objective in calibration.OBJECTIVES:
        band_of, fits = calibration.fit(early, objective)
        for one in fits["2018"]:  # the version in force in 2021 and 2022
            pairs = [(one.grade(i, band_of), i.actual[one.target]) for i in late if one.target in i.actual]
            results[(objective, one.judgement)] = data.agreement(pairs) | {"cuts": one.cuts}
    good = data.agreement([(COMMONEST, i.actual["overall"]) for i in late if "overall" in i.actual])
    first, second = results[(FIRST, "overall")], results[(SECOND, "overall")]
    adopted = second["within_count"] > first["within_count"] and second["exact_count"] > good["exact_count"]
    return results, good, SECOND if adopted else FIRST


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=data.DEFAULT_DATA)
    options = parser.parse_args()
    train = data.training(options.data)
    data.attach_figures(train, options.data)
    results, good, chosen = check([i for i in train if i.values])
    from tabulate import tabulate

    rows = [[judgement, objective, "" if entry["cuts"] is None else " / ".join(f"{c:g}" for c in entry["cuts"]),
             entry["n"], f"{entry['exact_count']} ({entry['exact']:.1f}%)",
             f"{entry['within_count']} ({entry['within_one']:.1f}%)", f"{entry['macro_recall']:.1f}%"]
            for (objective, judgement), entry in sorted(results.items(), key=lambda item: item[0][1])]
    print(tabulate(rows, headers=["judgement", "objective", "cut-points", "n", "exact", "within one",
                                  "macro recall"]))
    first, second = results[(FIRST, "overall")], results[(SECOND, "overall")]
    print(f"\neveryone Good, overall: {good['exact_count']} of {good['n']} exact ({good['exact']:.1f}%), "
          f"{good['within_count']} within one ({good['within_one']:.1f}%)")
    print(f"ilacs forward check: fitted before {FORWARD_SPLIT}, scored on {first['n']} inspections after; overall "
          f"within one {FIRST} {first['within_count']}, {SECOND} {second['within_count']}; exact {SECOND} "
          f"{second['exact_count']}, everyone Good {good['exact_count']}: objective {chosen}")


if __name__ == "__main__":
    main()
