"""Nothing lost: -o never overwrites an input, never replaces a device or a link, and an
interrupted run cleans up and says exactly which files it wrote."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import MINI

GOOD = MINI / "good.yaml"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def contents(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, but the shared-memory and empty log files SQLite makes beside a WAL database it reads."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(("-shm", "-wal"))}


@pytest.fixture
def project(tmp_path):
    """A folder with every kind of input a run reads: metrics, pack, waivers, benchmarks, config, history."""
    pack = tmp_path / "pack" / "mini"
    shutil.copytree(MINI, pack)
    (tmp_path / "m.yaml").write_bytes(GOOD.read_bytes())
    (tmp_path / "region").mkdir()
    (tmp_path / "region" / "a.yaml").write_bytes(GOOD.read_bytes())
    (tmp_path / "waivers.yaml").write_text("waivers: []\n")
    (tmp_path / "benchmarks.yaml").write_text("period: 2010-11\nmetrics: {}\n")
    (tmp_path / "comply.yaml").write_text("fail_on: never\n")
    assert comply("check", tmp_path / "m.yaml", "--pack", pack, "-q", "--record", tmp_path / "h.db").exit_code == 0
    os.symlink(tmp_path / "m.yaml", tmp_path / "link.yaml")
    os.link(tmp_path / "m.yaml", tmp_path / "hard.yaml")
    (tmp_path / "saved.json").write_text(comply("check", tmp_path / "m.yaml", "--pack", pack, "--format",
                                                 "json").stdout)
    local = tmp_path / "local"
    local.mkdir()
    (local / "pack.yaml").write_text(f"id: local\ntitle: Local\nversion: 1.0.0\nextends: {pack}\n")
    return tmp_path


# what the run is given -> the -o file that is one of its inputs, and what that input is
CHECK = ["check", "--pack", "pack/mini", "--format", "json", "-o", "other.json"]
OVER_AN_INPUT = {
    "metrics-file": ([*CHECK, "m.yaml"], "m.yaml", "metrics file"),
    "metrics-file-through-a-link": ([*CHECK, "m.yaml"], "link.yaml", "metrics file"),
    "metrics-file-through-a-hard-link": ([*CHECK, "m.yaml"], "hard.yaml", "metrics file"),
    "metrics-file-named-by-a-link": ([*CHECK, "link.yaml"], "m.yaml", "metrics file"),
    "metrics-file-by-another-path": ([*CHECK, "m.yaml"], "region/../m.yaml", "metrics file"),
    "metrics-file-in-a-folder": ([*CHECK, "region"], "region/a.yaml", "metrics file"),
    "history-database": ([*CHECK, "m.yaml", "--record", "h.db"], "h.db", "history database"),
    "history-database-not-yet-made": ([*CHECK, "m.yaml", "--record", "new.db"], "new.db", "history database"),
    "history-journal": ([*CHECK, "m.yaml", "--record", "h.db"], "h.db-wal", "history database"),
    "waivers-file": ([*CHECK, "m.yaml", "--waivers", "waivers.yaml"], "waivers.yaml", "waivers file"),
    "benchmarks-file": ([*CHECK, "m.yaml", "--benchmarks", "benchmarks.yaml"], "benchmarks.yaml",
                        "benchmarks file"),
    "config-file": (["--config", "comply.yaml", *CHECK, "m.yaml"], "comply.yaml", "config file"),
    "pack-file": ([*CHECK, "m.yaml"], "pack/mini/pack.yaml", "pack"),
    "new-file-in-the-pack": ([*CHECK, "m.yaml"], "pack/mini/rules/paper.yaml", "pack"),
    "pack-that-a-local-pack-extends": ([*CHECK, "m.yaml", "--pack", "local"], "pack/mini/metrics.yaml", "pack"),
    "saved-result": (["report", "saved.json", "--format", "json", "-o", "other.json"], "saved.json",
                     "saved result"),
    "template-over-its-pack": (["template", "--pack", "pack/mini"], "pack/mini/metrics.yaml", "pack"),
    "catalogue-over-its-pack": (["rules", "doc", "pack/mini"], "pack/mini/pack.yaml", "pack"),
}


@pytest.mark.parametrize("case", OVER_AN_INPUT)
def test_an_output_over_an_input_is_refused_and_nothing_is_written(project, monkeypatch, case):
    arguments, output, what = OVER_AN_INPUT[case]
    monkeypatch.chdir(project)
    before = contents(project)
    result = comply(*arguments, "-o", output)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"{output}: is the {what} this run reads (")
    assert result.stderr.splitlines()[-1].endswith("); write the output to another file")
    assert contents(project) == before  # the input unchanged, and no other output written either


def test_an_output_beside_the_inputs_is_written(project, monkeypatch):
    monkeypatch.chdir(project)
    result = comply("check", "m.yaml", "--pack", "pack/mini", "--record", "h.db", "-q", "-o", "paper.md")
    assert result.exit_code == 0, result.stderr
    assert (project / "paper.md").is_file()


def read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as stream:
            into.append(stream.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_a_named_pipe_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    thread = read_fifo(fifo, received)
    result = comply("check", GOOD, "--pack", MINI, "-q", "-o", fifo)
    thread.join(10)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["authority"] == "Testshire"


@pytest.mark.parametrize("chain", [1, 3], ids=["link", "link-to-a-link"])
def test_a_link_is_followed_to_its_file_and_stays_a_link(tmp_path, chain):
    target = tmp_path / "papers" / "paper.json"
    target.parent.mkdir()
    target.write_text("last quarter\n")
    link = target
    for number in range(chain):
        os.symlink(link, tmp_path / f"link{number}.json")
        link = tmp_path / f"link{number}.json"
    assert comply("check", GOOD, "--pack", MINI, "-q", "-o", link).exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text())["authority"] == "Testshire"
    assert sorted(p.name for p in target.parent.iterdir()) == ["paper.json"]


def test_a_dangling_link_makes_the_file_it_names(tmp_path):
    link = tmp_path / "latest.json"
    os.symlink(tmp_path / "2011" / "paper.json", link)
    (tmp_path / "2011").mkdir()
    assert comply("check", GOOD, "--pack", MINI, "-q", "-o", link).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "2011" / "paper.json").read_text())["authority"]


def test_a_link_to_a_pipe_is_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    os.symlink(fifo, tmp_path / "out.json")
    received: list[bytes] = []
    thread = read_fifo(fifo, received)
    assert comply("check", GOOD, "--pack", MINI, "-q", "-o", tmp_path / "out.json").exit_code == 0
    thread.join(10)
    assert (tmp_path / "out.json").is_symlink() and received[0].startswith(b"{")


def test_a_link_to_standard_output_writes_to_standard_output(tmp_path):
    os.symlink("/proc/self/fd/1", tmp_path / "stdout.json")
    if not os.path.exists("/proc/self/fd/1"):
        pytest.skip("no /proc/self/fd")
    result = subprocess.run([sys.executable, "-m", "compliance", "check", str(GOOD), "--pack", str(MINI), "-q",
                             "-o", str(tmp_path / "stdout.json")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["authority"] == "Testshire"
    assert (tmp_path / "stdout.json").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
@pytest.mark.parametrize(("minor", "message"), [(3, None), (7, "No space left on device")], ids=["null", "full"])
def test_a_character_device_is_written_through_not_replaced(tmp_path, minor, message):
    device = tmp_path / "device"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, minor))  # our own /dev/null and /dev/full
    result = comply("check", GOOD, "--pack", MINI, "-q", "--format", "json", "-o", device)
    assert stat.S_ISCHR(device.lstat().st_mode)
    if message:
        assert (result.exit_code, result.stderr) == (2, f"{device}: cannot write: {message}\n")
    else:
        assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["device"]


def test_ctrl_c_while_writing_the_second_file_says_the_first_was_written(tmp_path, monkeypatch):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    second.write_text("last quarter\n")
    real_replace = os.replace
    calls = []

    def interrupted_on_the_second(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted_on_the_second)
    result = comply("check", GOOD, "--pack", MINI, "-q", "-o", first, "-o", second)
    assert (result.exit_code, result.stderr) == (2, f"comply: interrupted; wrote {first}; no other output file "
                                                    "was changed\n")
    assert second.read_text() == "last quarter\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


def run_in_a_process(tmp_path: Path, arguments: list[str], before: str = "") -> subprocess.Popen:
    """comply in a process of its own, after ``before`` (Python run first, e.g. to time a signal)."""
    script = f"import os, signal\n{before}\nfrom compliance.main import run\nrun()\n"
    return subprocess.Popen([sys.executable, "-c", script, *arguments], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)


def test_sigterm_while_writing_cleans_up_and_says_what_was_written(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    second.write_text("last quarter\n")
    terminate_at_the_second_sync = (
        "real_fsync, calls = os.fsync, []\n"
        "def fsync(fd):\n"
        "    calls.append(fd)\n"
        "    if len(calls) == 2: os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real_fsync(fd)\n"
        "os.fsync = fsync\n")
    process = run_in_a_process(tmp_path, ["check", str(GOOD), "--pack", str(MINI), "-q", "-o", str(first), "-o",
                                          str(second)], terminate_at_the_second_sync)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (2, f"comply: interrupted; wrote {first}; no other output file was "
                                               "changed\n")
    assert second.read_text() == "last quarter\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
                         ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_before_any_output_changes_nothing_and_says_so(tmp_path, signal_number):
    fifo = tmp_path / "m.yaml"
    os.mkfifo(fifo)  # the run waits to read it until it is signalled
    process = run_in_a_process(tmp_path, ["check", str(fifo), "--pack", str(MINI), "-q", "-o", "paper.json"])
    deadline = time.monotonic() + 60
    while True:  # until the run has opened the pipe: a writer can open it only once a reader has
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "the run never read its metrics file"
            time.sleep(0.05)
    # and is waiting in read(): a signal that comes just before it would wait with it (Python checks after)
    wchan = Path(f"/proc/{process.pid}/wchan")
    while wchan.exists() and "pipe" not in wchan.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    os.close(writer)
    assert (process.returncode, stderr) == (2, "comply: interrupted; no output file was changed\n")
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


@pytest.mark.parametrize("command", [["check", str(GOOD), "--pack", str(MINI)], ["rules", "list", str(MINI)],
                                     ["template", "--pack", str(MINI)]], ids=["check", "rules-list", "template"])
def test_standard_output_on_a_full_disk_is_a_clean_error(tmp_path, command):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "compliance", *command], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, "standard output: cannot write: No space left on device\n")
