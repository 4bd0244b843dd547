"""The console entry point, and what the commands that write results do once their arguments are parsed:
check, report, history, and the pack documents (template, rules doc, rules trace).

run reads a plain comply check's arguments itself (quick.py) and gives any other command line to
click (cli/). Either way the bodies here do the work: each returns the exit status, or raises
InputError (exit 2) or BadValue (a usage error); they print only through console.py and write only
through outputs.Outputs. The other commands' bodies live in the modules they drive.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import console
from .outputs import Content, Outputs, overwritten_inputs
from .problems import EXIT_ERROR, BadValue, InputError, Location, Problem, shown

if TYPE_CHECKING:
    from .model import Pack

#: Signals that stop a command as Ctrl-C does, so that it cleans up and says what it wrote.
STOPPING = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


def run() -> None:
    """Console entry point: a plain comply check read without click (quick.py), anything else by click; no
    traceback unless --debug."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["check"]:
        gc.disable()  # until the pack is loaded (check turns it on again): what importing and loading make lives on
    try:
        options = None
        if arguments[:1] == ["check"]:
            from . import quick
            from .report import FORMATS

            options = quick.check_arguments(arguments, FORMATS)
        if options is None:
            from .cli import main

            main.main(standalone_mode=True)
        sys.exit(_quick_check(arguments, options))
    except Exception as error:  # a bug: say so plainly, exit 2
        if "--debug" in sys.argv:
            raise
        console.err(f"comply: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")
        sys.exit(EXIT_ERROR)
    finally:
        _finished()


def _finished() -> None:
    """The command has written and said all it will: Ctrl-C, SIGTERM or SIGHUP landing now, while Python ends
    (a region's pool ending with it), would print a traceback or end it unannounced with its work done; let it
    end as it was ending, with its status."""
    for number in [signal.SIGINT, *STOPPING]:
        signal.signal(number, signal.SIG_IGN)


def _quick_check(arguments: list[str], options: dict[str, object]) -> int:
    """comply check from the arguments quick.py read: what click's path does with the same (cli._Group.invoke)."""
    files = Outputs()
    said: list[str] = []
    with stopping():
        try:
            return check(**options, files=files)  # type: ignore[arg-type]
        except InputError as error:
            said = shown(error.problems)
        except BadValue as error:  # a usage error: click says it, as if it had read the arguments itself
            from .cli import say_bad_value

            say_bad_value(arguments, error)
        except KeyboardInterrupt:
            said = [interrupted(files.written)]
    for line in said:
        console.err(line)
    return EXIT_ERROR


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does, with a KeyboardInterrupt, so that it cleans up."""
    previous = {number: signal.signal(number, signal.default_int_handler) for number in STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def interrupted(written: list[Path]) -> str:
    """What an interrupted command says: which output files it wrote (one being written was left as it was)."""
    wrote = f"wrote {', '.join(map(str, written))}; no other" if written else "no"
    return f"comply: interrupted; {wrote} output file was changed"


def check(metrics: tuple[str, ...], *, pack: str | None, output_format: str, explicit_format: bool,
          outputs: tuple[Path, ...], table_format: str, quiet: bool, fail_on: str, strict: bool,
          only: tuple[str, ...], waivers: str | None, benchmarks: str | None, record: str | None, rank: str | None,
          progress: bool | None, files: Outputs, config: Path | None = None) -> int:
    """comply check: grade the metrics files, then say, write and record what was found."""
    from . import api, runner, workers

    bar = console.Progress(progress)

    def on_file(done: int, total: int) -> None:
        if done == 1 and not gc.isenabled():  # run turned collection off: what importing and the pack made lives on
            gc.freeze()  # so a worker forked now shares it, and a collection never walks it
            if total > 1 and workers.count(total) == 1:
                gc.enable()  # this process checks the others too, and a check leaves cycles
        bar.update(done, total)

    json_only = not record and files.formats(output_format, explicit_format, outputs, quiet) == {"json"}
    try:
        run = api.run(metrics, pack=pack, fail_on=fail_on, strict=strict, only=only, waivers=waivers,
                      benchmarks=benchmarks, history=record, rank=rank, on_file=on_file, json_only=json_only)
    finally:
        bar.finish()
    with contextlib.closing(run):
        documents = run.results
        for doc in documents:
            for warning in doc.get("warnings", []):
                console.err(f"comply: warning: {doc['metrics_file']}: {warning}")
        status = runner.exit_status(documents, fail_on)
        if rank:
            runner.check_rank(documents, rank)
        if documents:
            _refuse_overwriting(outputs, {**run.inputs, **({config: "config file"} if config else {})}, run.problems)
            run.problems += files.emit(documents, run.several, output_format, explicit_format, outputs, table_format,
                                       quiet)
            if record:
                problems, note = runner.record(record, documents)
                run.problems += problems
                if note:
                    console.err(note)
    if run.problems:
        raise InputError(run.problems)
    return status


def report(result: Path, *, output_format: str, explicit_format: bool, outputs: tuple[Path, ...], table_format: str,
           quiet: bool, fail_on: str, files: Outputs) -> int:
    """comply report: a saved JSON result rendered again, without evaluating anything."""
    from . import runner
    from .report.document import read_result

    documents, several = read_result(result)
    status = runner.exit_status(documents, fail_on)
    _refuse_overwriting(outputs, {result: "saved result"}, [])
    problems = files.emit(documents, several, output_format, explicit_format, outputs, table_format, quiet)
    if problems:
        raise InputError(problems)
    return status


def write_or_print(make: Callable[[Pack], Content], pack: Pack, output: Path | None, files: Outputs) -> None:
    """comply template, rules doc and rules trace: what ``make(pack)`` gives, written to ``output`` (never over
    the pack's files) or printed."""
    text = make(pack)
    if output:
        _refuse_overwriting((output,), {Path(folder): "pack" for folder in (pack.path, *pack.parent_paths)}, [])
    problems = files.write(output, text) if output else files.print(text)
    if problems:
        raise InputError(problems)


def history(database: str, authority: str | None, metrics: tuple[str, ...], output_format: str,
            files: Outputs) -> None:
    """comply history: the recorded grades (and chosen metrics) across periods; the database is only read."""
    from .history import History
    from .report.history import render

    entries = []
    store = History.reader(database)
    if store is not None:
        with store.reading():
            entries = store.trends(authority, metrics)
        store.close()
    if not entries:
        raise InputError([Problem(Location(database), f"no recorded runs{' for ' + authority if authority else ''}")])
    problems = files.print(render(entries, output_format))
    if problems:
        raise InputError(problems)


def _refuse_overwriting(outputs: tuple[Path, ...], inputs: dict[Path, str], problems: list[Problem]) -> None:
    """InputError, before anything is written, when an output file is one of the inputs."""
    refused = overwritten_inputs(outputs, inputs)
    if refused:
        raise InputError([*problems, *refused])
