"""What a large published table costs comply import, against the floor of reading it once.

    python benchmarks/import_bench.py [--megabytes 200] [--runs 3] [--comply "python -m compliance"]

Writes a long table in the shape of DfE's explore-education-statistics files (a row per year,
level and breakdown: 13 years, England, 9 regions and 153 authorities, and as many breakdowns as
the size asks), a neighbours file and an adapter with five metrics that keep one breakdown of
one year, then times ``comply import`` of one year for every authority, interleaved with the
floor: a process that reads the file once with Python's csv module. Prints the median wall time,
its ratio to the floor and the peak resident memory of each. ``--comply`` times another build of
comply (for example an older checkout on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

FLOOR = "import csv, sys\nfor _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')): pass\n"
HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,breakdown,count,total,percent")
REGIONS = ["North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West"]


def make_table(folder: Path, megabytes: int) -> Path:
    """A long table of about ``megabytes``; the breakdown 'Total' of each year is the one imported."""
    authorities = [(800 + index, f"E0{6000000 + index}", f"Authority {index}", REGIONS[index % 9])
                   for index in range(153)]
    path = folder / "long.csv"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(HEADER + "\n")
        size, breakdown = 0, 0
        while size < megabytes * 2**20:
            name = "Total" if breakdown == 0 else f"Breakdown {breakdown}"
            for year in range(2013, 2026):
                lines = [f"{year},Reporting year,National,E92000001,England,,,,,,{name},{900 + breakdown},"
                         f"{4000},22.5"]
                lines += [f"{year},Reporting year,Regional,E92000001,England,E1200000{r},{region},,,,{name},"
                          f"{90 + r},{400},22.5" for r, region in enumerate(REGIONS)]
                lines += [f"{year},Reporting year,Local authority,E92000001,England,E1200000{n % 9},{region},{n},"
                          f"{code},{la},{name},{n % 97},{100 + n % 13},{(n % 97) / (100 + n % 13) * 100:.1f}"
                          for n, code, la, region in authorities]
                text = "\n".join(lines) + "\n"
                stream.write(text)
                size += len(text)
            breakdown += 1
    neighbours = folder / "neighbours.csv"
    neighbours.write_text("LA num,GOReg," + ",".join(f"SN{i}" for i in range(1, 11)) + "\n" + "".join(
        f"{n},{region}," + ",".join(str(800 + (n - 800 + k) % 153) for k in range(1, 11)) + "\n"
        for n, _, _, region in authorities))
    return path


ADAPTER = """\
    id: long-bench
    title: A large long table
    publisher: Department for Education
    licence: Open Government Licence v3.0
    periods: [2023-24]
    tables:
      table:
        file: long.csv
        where: {time_period: "{year}", breakdown: Total}
        rows:
          code: new_la_code
          number: old_la_code
          name: [la_name, region_name, country_name]
          level: geographic_level
          levels:
            national: {column: level, equals: National}
            region: {column: level, equals: Regional}
            authority: {column: level, equals: Local authority}
    neighbours:
      description: made up
      file: neighbours.csv
      number: LA num
      columns: [SN1, SN2, SN3, SN4, SN5, SN6, SN7, SN8, SN9, SN10]
      region: GOReg
      minimum: 5
    metrics:
      re_referrals_pct: {numerator: table.count, denominator: table.total, source: count / total}
      cl_eet_19_21_pct: {numerator: table.count, denominator: table.total, source: count / total}
      cla_dental_pct: {numerator: table.count, denominator: table.total, source: count / total}
      icpc_within_15_days_pct: {numerator: table.count, denominator: table.total, source: count / total}
      sw_caseload: {value: table.total, source: total}
    """


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)")
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True)
    seconds, mebibytes, code = done.stdout.split()[-3:]
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed ({code}): {done.stderr}")
    return float(seconds), float(mebibytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--comply", default=f"{sys.executable} -m compliance")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="comply-import-bench-") as work:
        folder = Path(work)
        table = make_table(folder, options.megabytes)
        adapter = folder / "adapter.yaml"
        adapter.write_text(textwrap.dedent(ADAPTER))
        commands = {
            "floor: Python's csv module reads the file once": [sys.executable, "-c", FLOOR, str(table)],
            "comply import, one year, every authority": [*shlex.split(options.comply), "import", str(adapter),
                                                         str(folder), "--pack", "ofsted-ilacs/2023", "--period",
                                                         "2023-24", "-o", str(folder / "out")],
        }
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, command in commands.items():
                samples[name].append(timed(command))
        floor = statistics.median(s for s, _ in samples[next(iter(commands))])
        print(f"a long table of {table.stat().st_size / 2**20:.0f} MiB, median of {options.runs} runs")
        print("| command | median s | vs floor | peak MiB |\n|---|---:|---:|---:|")
        for name, runs in samples.items():
            seconds = statistics.median(s for s, _ in runs)
            print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f}x | {max(m for _, m in runs):.0f} |")


if __name__ == "__main__":
    main()
