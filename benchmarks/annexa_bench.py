"""How fast comply import annex-a is against the floor of reading the workbook's cells.

    python benchmarks/annexa_bench.py [--runs 5] [--workbook PATH] [--readers]

Generates the large synthetic Annex A (benchmarks/annexa_synthetic.py: 60,000 contacts, 15,000
referrals, 1,500 children in care; about a million cells) unless given one, then times whole
processes, interleaved, and prints the median wall time, its ratio to the floor and the peak
resident memory. The floor is a process that imports fastexcel and reads every sheet's cells
(the reader comply uses, and the cost no import can avoid). ``--readers`` adds the readers not
chosen: python-calamine's Python values and openpyxl's read-only mode, and the import of polars
against DuckDB's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLOOR = """
import sys, fastexcel
reader = fastexcel.read_excel(sys.argv[1])
for name in reader.sheet_names:
    reader.load_sheet(name, header_row=None, dtypes="string")
"""
CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""
OPENPYXL = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        pass
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak resident MiB of one process."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "code = subprocess.run(sys.argv[1:]).returncode; "
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)")
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True)
    seconds, mebibytes, code = done.stdout.split()[-3:]
    if code not in ("0", "1"):
        raise SystemExit(f"{' '.join(command)} failed ({code}): {done.stderr}")
    return float(seconds), float(mebibytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workbook", type=Path)
    parser.add_argument("--readers", action="store_true")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="comply-annexa-bench-"))
    workbook = arguments.workbook
    if workbook is None:
        import annexa_synthetic

        workbook = folder / "Annex_A.xlsx"
        started = time.perf_counter()
        made = annexa_synthetic.generate(workbook, "large", seed=18)
        print(f"generated {workbook} ({sum(made.rows.values()):,} rows) in {time.perf_counter() - started:.1f} s")
    comply = [sys.executable, "-m", "compliance", "import", "annex-a", str(workbook), "--period", "2024-25",
              "--authority", "Synthetic Borough", "-o", str(folder / "out")]
    commands = {"floor: fastexcel reads every cell": [sys.executable, "-c", FLOOR, str(workbook)],
                "comply import annex-a": comply}
    if arguments.readers:
        import importlib.util

        readers = {"python-calamine, to Python values": ("python_calamine", [CALAMINE, str(workbook)]),
                   "openpyxl, read-only": ("openpyxl", [OPENPYXL, str(workbook)]),
                   "import polars": ("polars", ["import polars"]),
                   "import duckdb": ("duckdb", ["import duckdb"])}
        for name, (module, code) in readers.items():
            if importlib.util.find_spec(module) is None:  # not comply's: timing its ImportError would mislead
                print(f"{name}: not timed, {module} is not installed here (pip install {module.replace('_', '-')})")
                continue
            commands[name] = [sys.executable, "-c", *code]
    os.environ.setdefault("COMPLY_CACHE_DIR", str(folder / "cache"))
    for command in commands.values():
        timed(command)  # warm the disk and comply's pack cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {name: 0.0 for name in commands}
    for _ in range(arguments.runs):
        for name, command in commands.items():
            if name.startswith("openpyxl") and times[name]:
                continue  # ten seconds a run: once is enough to rule it out
            seconds, peak = timed(command)
            times[name].append(seconds)
            peaks[name] = max(peaks[name], peak)
    floor = statistics.median(times["floor: fastexcel reads every cell"])
    print("\n| command | median s | vs floor | peak MiB |\n|---|---:|---:|---:|")
    for name in commands:
        median = statistics.median(times[name])
        print(f"| {name} | {median:.2f} | {median / floor:.2f}x | {peaks[name]:.0f} |")


if __name__ == "__main__":
    main()
