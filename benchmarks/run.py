"""Time comply as whole processes against the floor: Python, the YAML library and parsing.

    python benchmarks/run.py [--repeat N] [--quick]

Generates a large pack (500 rules, 300 metrics, a judgement tree six levels deep) and 150
authorities' metrics files in a temporary folder, then runs each command N times,
interleaved (one of each in turn, so a noisy neighbour hits all alike), and prints the
median wall time, its ratio to the floor, and the peak memory of the process. The floor
is a process that starts Python, imports PyYAML and parses the same files with the C
loader. Needs comply installed (pip install .) in the Python that runs this script.

Then what a hostile or careless input within the documented limits costs, against the
same kind of floor and run fewer times (they take a while): a metrics file of 100,000
unknown names, and a folder of 5,000 Stoke-sized metrics files written as one JSON array.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
UNITS = ["percent", "percent", "percent", "count", "rate", "days", "boolean"]


def make_pack(folder: Path, metrics: int = 300, rules: int = 500, seed: int = 2011) -> None:
    """A pack the size of a large framework: sections of judgements nested six deep."""
    rng = random.Random(seed)
    (folder / "rules").mkdir(parents=True)
    sections = []
    judgement_ids = []
    for s in range(4):
        judgements = [{"id": f"s{s}.overall", "title": "Overall effectiveness", "inputs": [], "limited_by": []}]
        parents = [judgements[0]]
        for level in range(1, 6):
            new = []
            for parent in parents:
                for child in range(2 if level < 4 else 1):
                    item = {"id": f"{parent['id']}.{child}", "title": f"Judgement {parent['id']}.{child}"}
                    parent.setdefault("inputs", []).append(item["id"])
                    new.append(item)
            judgements += new
            parents = new
        judgements[0]["limited_by"] = [judgements[1]["id"]]
        for item in judgements:
            item["method"] = rng.choice(["best_fit", "best_fit", "worst"])
            if not item.get("limited_by"):
                item.pop("limited_by", None)
            if not item.get("inputs"):
                item.pop("inputs", None)
        judgement_ids += [j["id"] for j in judgements]
        sections.append({"title": f"Section {s}", "judgements": judgements})
    pack = {
        "id": "large", "title": "A large generated pack", "version": "1.0.0",
        "source": {"title": "Generated", "publisher": "comply benchmarks", "published": "2026-01-01",
                   "paragraphs": 400},
        "scale": [{"id": g, "label": g.capitalize()} for g in ("outstanding", "good", "adequate", "inadequate")],
        "min_evidence": 0.5, "sections": sections,
    }
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, sort_keys=False))
    catalogue = {}
    for index in range(metrics):
        unit = UNITS[index % len(UNITS)]
        catalogue[f"metric_{index:03d}"] = {
            "title": f"Metric {index}", "unit": unit,
            "polarity": "higher_better" if index % 3 else "lower_better",
            "definition": f"The generated metric number {index}, for benchmarking.",
            **({"benchmarks": {"national": 60.0}} if unit == "percent" else {}),
        }
    (folder / "metrics.yaml").write_text(yaml.safe_dump({"metrics": catalogue}, sort_keys=False))
    leaves = [j for j in judgement_ids if j.count(".") >= 3]
    metric_ids = list(catalogue)
    for file_number in range(5):
        items = []
        for index in range(file_number * rules // 5, (file_number + 1) * rules // 5):
            metric = rng.choice(metric_ids)
            unit, higher = catalogue[metric]["unit"], catalogue[metric]["polarity"] == "higher_better"
            if unit == "boolean":
                bands = {"good": "value"}
            elif unit == "percent" and rng.random() < 0.5:
                bands = {"outstanding": "value >= national + 10", "good": "value >= national",
                         "adequate": "value >= national - 10"}
            else:
                op, steps = (">=", (90, 70, 50)) if higher else ("<=", (10, 30, 50))
                bands = {g: f"value {op} {v}" for g, v in zip(("outstanding", "good", "adequate"), steps, strict=True)}
            rule = {"id": f"R-{index:04d}", "title": f"Rule {index}", "judgement": rng.choice(leaves),
                    "metric": metric, "bands": bands, "otherwise": "inadequate",
                    "recommendation": f"Improve metric {metric}.", "cites": [rng.randint(1, 400)]}
            if index % 7 == 0:
                rule["timescale"] = rng.choice(["immediately", "within three months", "within six months"])
            items.append(rule)
        (folder / "rules" / f"{file_number}.yaml").write_text(yaml.safe_dump({"rules": items}, sort_keys=False))


def make_authorities(pack: Path, folder: Path, count: int = 150, seed: int = 2026) -> list[Path]:
    rng = random.Random(seed)
    catalogue = yaml.load((pack / "metrics.yaml").read_text(), Loader=yaml.CSafeLoader)["metrics"]
    folder.mkdir(parents=True)
    paths = []
    for number in range(count):
        metrics: dict[str, object] = {}
        for metric_id, metric in catalogue.items():
            if rng.random() < 0.05:
                continue  # a few not supplied, as in life
            unit = metric["unit"]
            if unit == "boolean":
                metrics[metric_id] = rng.random() < 0.7
            elif unit == "count":
                metrics[metric_id] = rng.randint(0, 80)
            else:
                value = round(rng.uniform(20, 99), 1)
                metrics[metric_id] = {"value": value, "previous": round(rng.uniform(20, 99), 1)} \
                    if rng.random() < 0.3 else value
        path = folder / f"authority-{number:03d}.yaml"
        path.write_text(yaml.safe_dump({"authority": f"Authority {number}", "period": "2024-25",
                                        "metrics": metrics}, sort_keys=False))
        paths.append(path)
    return paths


def make_unknown_keys(path: Path, count: int) -> Path:
    """A metrics file that misspells a metric name ``count`` times: refused, and what that costs."""
    lines = ["authority: Typoshire", "period: 2010-11", "metrics:"] + [f"  dentl_checks_{i}: 80" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def make_region(folder: Path, count: int) -> list[Path]:
    """``count`` copies of Stoke's metrics file under other names: a large region, or a country."""
    folder.mkdir(parents=True)
    text = STOKE.read_text()
    paths = []
    for number in range(count):
        path = folder / f"authority-{number:04d}.yaml"
        path.write_text(text.replace("authority: Stoke-on-Trent", f"authority: Authority {number}"))
        paths.append(path)
    return paths


def run_once(command: list[str], statuses: tuple[int, ...] = (0, 1)) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one process; NAME=VALUE words first set its environment.

    Any exit status but ``statuses`` stops the benchmark.
    """
    environment = dict(os.environ)
    while command and "=" in command[0] and not command[0].startswith("-"):
        name, _, value = command[0].partition("=")
        environment[name] = value
        command = command[1:]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in statuses:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def floor_command(files: list[Path]) -> list[str]:
    script = ("import sys, yaml\n"
              "for name in sys.argv[1:]:\n"
              "    with open(name, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)\n")
    return [sys.executable, "-c", script, *map(str, files)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--quick", action="store_true", help="3 runs and 10 authorities: a smoke test")
    parser.add_argument("--no-costs", action="store_true", help="leave out what a hostile file costs (minutes)")
    options = parser.parse_args()
    repeat = 3 if options.quick else options.repeat
    comply = shutil.which("comply", path=str(Path(sys.executable).parent)) or shutil.which("comply")
    if comply is None:
        raise SystemExit("comply is not installed for this Python: pip install .")
    with tempfile.TemporaryDirectory(prefix="comply-bench-") as temporary:
        work = Path(temporary)
        large = work / "large-pack"
        make_pack(large)
        authorities = make_authorities(large, work / "authorities", 10 if options.quick else 150)
        bundled = ROOT / "rules" / "ofsted-slac-2011"
        bundled_files = [bundled / "pack.yaml", bundled / "metrics.yaml", *sorted((bundled / "rules").glob("*.yaml"))]
        large_files = [large / "pack.yaml", large / "metrics.yaml", *sorted((large / "rules").glob("*.yaml"))]
        cache = work / "cache"
        environment_note = f"COMPLY_CACHE_DIR={cache}"
        os.environ["COMPLY_CACHE_DIR"] = str(cache)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "floor, bundled pack + Stoke": floor_command([*bundled_files, STOKE]),
            "floor, large pack + 1 authority": floor_command([*large_files, authorities[0]]),
            f"floor, large pack + {len(authorities)} authorities": floor_command([*large_files, *authorities]),
            "comply --help": [comply, "--help"],
            "check Stoke, bundled pack, json": [comply, "check", str(STOKE), "--format", "json"],
            "check Stoke, bundled pack, table": [comply, "check", str(STOKE)],
            "check Stoke, json, pack cache off": ["COMPLY_CACHE_DIR=off", comply, "check", str(STOKE), "--format",
                                                  "json"],
            "check 1 authority, large pack, json": [comply, "check", str(authorities[0]), "--pack", str(large),
                                                    "--format", "json"],
            "check 1 authority, large pack, table": [comply, "check", str(authorities[0]), "--pack", str(large)],
            f"check {len(authorities)} authorities, large pack, json": [comply, "check", str(work / "authorities"),
                                                                       "--pack", str(large), "--format", "json"],
        }
        floors = {
            "comply --help": "python -c pass",
            "check Stoke, bundled pack, json": "floor, bundled pack + Stoke",
            "check Stoke, bundled pack, table": "floor, bundled pack + Stoke",
            "check Stoke, json, pack cache off": "floor, bundled pack + Stoke",
            "check 1 authority, large pack, json": "floor, large pack + 1 authority",
            "check 1 authority, large pack, table": "floor, large pack + 1 authority",
            f"check {len(authorities)} authorities, large pack, json":
                f"floor, large pack + {len(authorities)} authorities",
        }
        for command in commands.values():  # warm the disk cache and comply's pack cache
            run_once(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        memory: dict[str, int] = dict.fromkeys(commands, 0)
        for _ in range(repeat):
            for name, command in commands.items():
                elapsed, peak = run_once(command)
                times[name].append(elapsed)
                memory[name] = max(memory[name], peak)
        print(f"comply benchmark: {platform.python_implementation()} {platform.python_version()}, "
              f"{platform.machine()}, {os.cpu_count()} cores, median of {repeat} runs, {environment_note}")
        print(f"{'command':<46} {'median ms':>10} {'vs floor':>9} {'peak MiB':>9}")
        for name in commands:
            median = statistics.median(times[name]) * 1000
            base = floors.get(name)
            ratio = f"{median / (statistics.median(times[base]) * 1000):.2f}x" if base else ""
            print(f"{name:<46} {median:>10.1f} {ratio:>9} {memory[name] / 1024:>9.1f}")
        if not options.no_costs:
            costs(work, comply, bundled_files, 1 if options.quick else 3, options.quick)


def costs(work: Path, comply: str, bundled_files: list[Path], repeat: int, quick: bool) -> None:
    """What a hostile or careless input within the limits costs, each against its floor: printed like main's."""
    keys, files = (2_000, 20) if quick else (100_000, 5_000)
    unknown = make_unknown_keys(work / "unknown-keys.yaml", keys)
    region = make_region(work / "region", files)
    output = work / "region.json"
    runs = {
        f"floor, bundled pack + {keys} unknown keys": (floor_command([*bundled_files, unknown]), (0,)),
        f"check {keys} unknown keys (refused)": ([comply, "check", str(unknown)], (2,)),
        f"floor, bundled pack + {files} files": (floor_command([*bundled_files, *region]), (0,)),
        f"check {files} files, json to a file": ([comply, "check", str(work / "region"), "--format", "json", "-q",
                                                  "-o", str(output)], (1,)),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    memory: dict[str, int] = dict.fromkeys(runs, 0)
    for _ in range(repeat):
        for name, (command, statuses) in runs.items():
            elapsed, peak = run_once(command, statuses)
            times[name].append(elapsed)
            memory[name] = max(memory[name], peak)
    print(f"what a hostile file costs, median of {repeat} runs ({output.stat().st_size / 2**20:.0f} MiB of JSON "
          f"for {files} files)")
    names = list(runs)
    for index, name in enumerate(names):
        median = statistics.median(times[name]) * 1000
        ratio = f"{median / (statistics.median(times[names[index - 1]]) * 1000):.2f}x" if index % 2 else ""
        print(f"{name:<46} {median:>10.1f} {ratio:>9} {memory[name] / 1024:>9.1f}")


if __name__ == "__main__":
    main()
