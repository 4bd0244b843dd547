"""Worker processes for a regional run: one per core, each forked with the loaded pack, each ending with its parent."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any


def map_forked(function: Callable[..., Any], items: Iterable[Any], workers: int, *arguments: Any) -> Iterator[Any]:
    """``function(item, *arguments)`` for each item, in forked worker processes, in the items' order.

    Ctrl-C, SIGTERM, or a caller that stops reading stops the workers too: multiprocessing's Pool, whose
    terminate() ends its workers and its own threads whatever they were doing (concurrent.futures' pool,
    cancelled part-way, could print a traceback from its manager thread, or leave the parent waiting).
    """
    import multiprocessing  # here: a single check does not pay for importing them

    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start, initargs=(os.getpid(),))
    except (ImportError, OSError, NotImplementedError, ValueError):  # no pool can be made here: one process
        yield from (function(item, *arguments) for item in items)
        return
    try:
        yield from pool.imap(partial(_call, function, arguments), items, chunksize=4)
        pool.close()
    except BaseException:
        if _terminate(pool):  # one may be waiting on a file (a pipe) for ever: do not wait for it
            pool.join()
        raise
    pool.join()


#: How long a stopped pool's terminate() is given before its workers are killed, and given again after; past
#: both (at most twice this), the pool's threads are left behind and the stop goes on.
ENDING_SECONDS = 5.0


def _terminate(pool: Any, seconds: float | None = None) -> bool:
    """Pool.terminate(), which can itself hang (CPython issues 73945, 78178, 96995: a handler thread waiting on
    a worker's pipe or lock): given ``seconds``, then the workers are killed (and reaped), and given as long
    again. Whether it ended; if not, its threads are left (daemons: they end with the process) and the stop goes
    on. While Python itself is ending (a generator left open until exit), multiprocessing's own exit handler has
    already ended the pool, and no thread can start: terminate() is called as it is."""
    if sys.is_finalizing():
        pool.terminate()
        return True
    import threading

    seconds = ENDING_SECONDS if seconds is None else seconds
    ending = threading.Thread(target=pool.terminate, name="pool-terminate", daemon=True)
    ending.start()
    ending.join(seconds)
    if ending.is_alive():
        for worker in list(getattr(pool, "_pool", [])):
            with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):  # gone, or closed
                worker.kill()
                worker.join(1)  # reaped: no zombie left in a long-lived process
        ending.join(seconds)
    return not ending.is_alive()


def _call(function: Callable[..., Any], arguments: tuple[Any, ...], item: Any) -> Any:
    return function(item, *arguments)


def count(files: int) -> int:
    """Worker processes for a run: one per core for eight files or more; COMPLY_WORKERS overrides."""
    configured = os.environ.get("COMPLY_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        wanted = int(configured)
    else:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if files < 8 or not hasattr(os, "fork") or sys.platform == "emscripten":  # the browser has os.fork, unusable
        return 1
    return max(1, min(wanted, files // 4))


def _start(parent: int) -> None:
    """In each worker: Ctrl-C is the parent's to handle, SIGTERM or SIGHUP ends it, it dies with ``parent``, and
    it collects garbage (a check leaves a few hundred cycles; a worker checks thousands of files)."""
    gc.enable()  # the parent froze what it had loaded: no collection here walks the pack
    gc.set_threshold(20_000, 10, 10)  # a check makes some 10**5 objects and leaves a few hundred in cycles:
    # a young collection every 20,000 rather than 700 allocations collects them as surely, 2% sooner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # the parent turns these into KeyboardInterrupt; a worker just ends
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends (even by SIGKILL), so no worker is orphaned.

    On Linux the kernel does it at once (PR_SET_PDEATHSIG); elsewhere a thread watches the
    parent's pid every second. A parent gone before we asked is noticed by the pid check.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG, from <linux/prctl.h>
        if ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:
                os._exit(1)
            return
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
