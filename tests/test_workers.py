"""Workers die with their parent: a regional run stopped by a signal, or killed outright,
leaves no worker behind (an orphaned worker holds the caller's pipe open for ever)."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import MINI, ROOT

PROC = Path("/proc")


def children(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for its new parent


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not PROC.is_dir() or not hasattr(os, "mkfifo"), reason="needs /proc and named pipes")
@pytest.mark.parametrize(("signal_number", "message"), [
    (signal.SIGKILL, None),
    (signal.SIGTERM, "comply: interrupted; no output file was changed\n"),
    (signal.SIGINT, "comply: interrupted; no output file was changed\n"),
    (signal.SIGHUP, "comply: interrupted; no output file was changed\n"),
], ids=["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP"])
def test_a_regional_runs_workers_end_with_it(tmp_path, signal_number, message):
    shutil.copy(MINI / "good.yaml", tmp_path / "a.yaml")
    pipes = [tmp_path / f"waiting-{number}.yaml" for number in range(8)]
    for pipe in pipes:
        os.mkfifo(pipe)  # a worker reading one waits until it is written: a check that never ends
    process = subprocess.Popen([sys.executable, "-m", "compliance", "check", str(tmp_path / "a.yaml"),
                                *map(str, pipes), "--pack", str(MINI), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "COMPLY_WORKERS": "2"})
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 2, 30), "the workers did not start"
        workers = children(process.pid)
        # the parent waiting for results: a signal just before the wait began would wait with it
        assert wait_for(lambda: "futex" in (PROC / str(process.pid) / "wchan").read_text(), 30)
        process.send_signal(signal_number)
        _, stderr = process.communicate(timeout=30)  # the caller reading its output is not left waiting
        assert wait_for(lambda: not any(running(worker) for worker in workers), 10), "a worker outlived the run"
        if message:
            assert (process.returncode, stderr) == (2, message)
    finally:
        for pid in [process.pid, *workers]:
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_collects_garbage_though_the_check_turned_collection_off():
    """A check leaves a few hundred reference cycles; a worker checks thousands of files (5,000 Stoke-sized
    files grew the workers to 250 MiB when they did not collect)."""
    code = ("import gc, os\nfrom compliance import workers\ngc.disable()\ngc.freeze()\n"
            "workers._start(os.getppid())\nprint(gc.isenabled(), gc.get_freeze_count() > 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout == "True True\n", result.stderr


@pytest.mark.parametrize("delay", [0.4, 0.6, 0.8])
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_region_stopped_at_any_moment_says_so_plainly_and_ends(tmp_path, signal_number, delay):
    """Whenever the signal lands (starting workers, checking, collecting), the run ends promptly and says what it
    wrote, never with a traceback from the pool's own threads."""
    stoke = (ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml").read_text()
    region = tmp_path / "region"
    region.mkdir()
    for number in range(300):  # a second and more of work for two workers, however fast the machine
        (region / f"a{number:03d}.yaml").write_text(stoke.replace("authority: Stoke-on-Trent", f"authority: A{number}"))
    process = subprocess.Popen([sys.executable, "-m", "compliance", "check", str(region),
                                "-o", str(tmp_path / "out.json"), "-q", "--fail-on", "never"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "COMPLY_WORKERS": "2"})
    time.sleep(delay)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    out = tmp_path / "out.json"
    said = f"wrote {out}; no other" if out.exists() else "no"
    assert process.returncode == 0 or (process.returncode, stderr.splitlines()[-1:]) == (
        2, [f"comply: interrupted; {said} output file was changed"])


def test_a_signal_once_the_command_has_finished_lets_it_end_with_its_status(tmp_path):
    """Ctrl-C or SIGTERM landing after the output is written, while Python ends (a region's pool with it),
    printed a traceback or ended the run unannounced (exit -15) with its work done."""
    stoke = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
    code = ("import os, signal, sys\nfrom compliance.main import run\n"
            f"sys.argv = ['comply', 'check', {str(stoke)!r}, '-q', '-o', {str(tmp_path / 'out.json')!r}]\n"
            "try:\n    run()\nexcept SystemExit as done:\n    status = done.code\n"
            "os.kill(os.getpid(), signal.SIGINT)\nos.kill(os.getpid(), signal.SIGTERM)\n"
            "print('ended with', status)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ended with 1\n", "")
    assert (tmp_path / "out.json").stat().st_size > 0


def _stopped(setup: str) -> tuple[list[bool], int, int, float]:
    """Start two workers on 40 short tasks after ``setup`` (Python run with the workers module imported and its
    grace at 0.5 s), stop them at the first result: whether each terminate ended, how many workers there were,
    how many are left (a zombie counts: /proc still lists it), and the seconds it all took."""
    script = f"""
import multiprocessing, multiprocessing.pool, os, signal, sys, threading, time
sys.path.insert(0, {str(ROOT / "src")!r})
from compliance import workers
workers.ENDING_SECONDS = 0.5
ended = []
terminate = workers._terminate
workers._terminate = lambda pool, seconds=None: ended.append(terminate(pool, seconds)) or ended[-1]
{setup}
started = time.monotonic()
running = workers.map_forked(time.sleep, [0.2] * 40, 2)
next(running)
pids = [p.pid for p in multiprocessing.active_children()]
try:
    running.throw(KeyboardInterrupt)
except KeyboardInterrupt:
    pass
alive = [pid for pid in pids if os.path.exists(f"/proc/{{pid}}")]
print(ended, len(pids), len(alive), round(time.monotonic() - started, 1))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    ended, workers_started, left_alive, seconds = done.stdout.rsplit(maxsplit=3)
    return ast.literal_eval(ended), int(workers_started), int(left_alive), float(seconds)


needs_proc = pytest.mark.skipif(not Path("/proc/self").exists(), reason="reads /proc to see a process is gone")


@needs_proc
def test_a_stop_ends_even_when_the_pools_own_terminate_hangs():
    """Pool.terminate() can hang in CPython (a handler thread waiting on a dead worker's pipe or lock): a stopped
    run must still end. Here terminate never returns: the workers are killed after the grace, and the stop goes on."""
    # as in CPython issue 73945: terminating, the pool waits for a lock a worker holds, for ever
    ended, started, left, seconds = _stopped(
        "multiprocessing.pool.Pool._help_stuff_finish = staticmethod(lambda *arguments: threading.Event().wait())")
    assert (ended, started, left) == ([False], 2, 0)
    assert seconds < 10  # the grace twice and the work done, never the 60 s of a hang


@needs_proc
def test_a_stop_ends_when_a_worker_will_not_end_on_sigterm():
    """terminate() sends SIGTERM and waits for each worker: one that ignores it holds terminate up until it is
    killed, then terminate ends, the pool is joined, and nothing is left."""
    ended, started, left, seconds = _stopped(
        "start = workers._start\n"
        "def stubborn(parent):\n"
        "    start(parent)\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "workers._start = stubborn")
    assert (ended, started, left) == ([True], 2, 0)
    assert seconds < 10


def test_a_library_caller_leaving_the_workers_open_at_exit_ends_quietly():
    """Python closes an open generator as it ends; by then no thread can start, and the pool is already ended."""
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT / "src")!r})
from compliance import workers
running = workers.map_forked(time.sleep, [0.01] * 400, 2)
next(running)
print("leaving with the generator open", flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
