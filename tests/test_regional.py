"""Many authorities in one run: checked in parallel, reported as if one after another."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from compliance.cli import main

from .conftest import ROOT

STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"


def region(folder, count: int = 12):
    text = STOKE.read_text()
    for number in range(count):
        value = 50 + 4 * number  # adoptions within 12 months: graded differently
        (folder / f"authority-{number:02d}.yaml").write_text(
            text.replace("authority: Stoke-on-Trent", f"authority: Authority {number:02d}")
            .replace("    numerator: 30\n    denominator: 34\n", f"    value: {value}\n"))
    return folder


def run(folder, workers: str, *extra: str):
    os.environ["COMPLY_WORKERS"] = workers
    try:
        return CliRunner().invoke(main, ["check", str(folder), "--format", "json", *extra])
    finally:
        del os.environ["COMPLY_WORKERS"]


def test_parallel_and_sequential_runs_agree(tmp_path):
    region(tmp_path)
    parallel, sequential = run(tmp_path, "2"), run(tmp_path, "1")
    assert parallel.exit_code == sequential.exit_code == 1
    first, second = json.loads(parallel.stdout), json.loads(sequential.stdout)
    assert [d["authority"] for d in first] == [f"Authority {n:02d}" for n in range(12)]
    for a, b in zip(first, second, strict=True):
        a["run"]["at"] = b["run"]["at"]
        assert a == b
    grades = [next(f["grade"] for f in d["findings"] if f["rule"] == "LAC-CAP-ADOPTION-TIMELINESS") for d in first]
    assert grades[0] == "inadequate" and grades[-1] == "outstanding"  # 50% and 94% against England's 74.1%


def test_a_bad_file_among_many_is_reported_and_the_rest_checked(tmp_path):
    region(tmp_path)
    (tmp_path / "authority-05.yaml").write_text("authority: Broken\nperiod: 2010-11\nmetrics: {dentl: 1}\n")
    result = run(tmp_path, "2")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'authority-05.yaml'}:3:11: unknown metric 'dentl' for pack " \
                            "ofsted-slac-2011\n"
    assert len(json.loads(result.stdout)) == 11


def test_a_broken_pack_is_reported_once(tmp_path):
    region(tmp_path)
    result = run(tmp_path, "2", "--pack", str(tmp_path / "no-such-pack"))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


def test_the_benchmark_script_runs(tmp_path):
    env = {**os.environ, "COMPLY_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("comply benchmark: CPython")
    assert any(line.startswith("check 10 authorities, large pack, json") for line in lines)


def test_a_folder_keeps_its_waivers_and_benchmarks_beside_the_authorities_files(tmp_path, monkeypatch):
    stoke = (ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml").read_text()
    for name in ("Stoke-on-Trent", "Other Town"):
        (tmp_path / f"{name}.yaml").write_text(stoke.replace("authority: Stoke-on-Trent", f"authority: {name}", 1))
    (tmp_path / "waivers.yaml").write_text("waivers:\n  - {rule: LAC-EWB-CARE-LEAVERS-NEET, reason: being fixed, "
                                           "agreed_by: the panel, expires: 2099-01-01}\n")
    (tmp_path / "comply.yaml").write_text("waivers: waivers.yaml\nfail_on: never\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", ".", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(doc["authority"] for doc in json.loads(result.stdout)) == ["Other Town", "Stoke-on-Trent"]


def test_a_region_written_only_as_json_holds_the_whole_of_every_document(tmp_path):
    """Written only as JSON, a region's documents are written by the workers and the run keeps their text
    (report.json_format.Encoded); with another format beside it, the run keeps whole documents. The JSON
    is the same data either way, and the same as the library's documents."""
    from compliance import api

    (tmp_path / "region").mkdir()
    region(tmp_path / "region")
    only_json = run(tmp_path / "region", "2")
    os.environ["COMPLY_WORKERS"] = "2"
    try:
        with_csv = CliRunner().invoke(main, ["check", str(tmp_path / "region"), "-o", str(tmp_path / "out.json"),
                                             "-o", str(tmp_path / "out.csv"), "-q"])
    finally:
        del os.environ["COMPLY_WORKERS"]
    assert only_json.exit_code == with_csv.exit_code == 1
    first, second = json.loads(only_json.stdout), json.loads((tmp_path / "out.json").read_text())
    library = api.check([tmp_path / "region"]).documents
    assert len(first) == len(second) == len(library) == 12
    for a, b, c in zip(first, second, library, strict=True):
        a["run"]["at"] = b["run"]["at"] = c["run"]["at"] = None
        assert a == b == json.loads(json.dumps(c))
        assert len(a["findings"]) == 220
    assert len((tmp_path / "out.csv").read_text().splitlines()) > 12 * 220


def test_a_region_recorded_as_it_is_written_as_json_records_whole_documents(tmp_path):
    (tmp_path / "region").mkdir()
    region(tmp_path / "region")
    database = tmp_path / "history.db"
    result = run(tmp_path / "region", "2", "--record", str(database))
    assert result.exit_code == 1, result.stderr
    assert "recorded 12 runs" in result.stderr
    shown = CliRunner().invoke(main, ["history", "--db", str(database), "--authority", "Authority 03",
                                      "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    assert "Authority 03" in shown.stdout
