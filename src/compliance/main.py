"""The console entry point, and what the commands that write results do once their arguments are parsed:
check, report, history, and the pack documents (template, rules doc, rules trace).

cli.py parses the command line with click and calls them; each returns the exit status, or raises
InputError (exit 2) or BadValue (a usage error). They print only through console.py and write
only through outputs.Outputs. The other commands' bodies live in the modules they drive.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import console, runner
from .model import Pack
from .outputs import Content, Outputs, overwritten_inputs
from .problems import EXIT_ERROR, InputError, Location, Problem


def check(metrics: tuple[str, ...], *, pack: str | None, output_format: str, explicit_format: bool,
          outputs: tuple[Path, ...], table_format: str, quiet: bool, fail_on: str, strict: bool,
          only: tuple[str, ...], waivers: str | None, benchmarks: str | None, record: str | None, rank: str | None,
          progress: bool | None, files: Outputs, config: Path | None = None) -> int:
    """comply check: grade the metrics files, then say, write and record what was found."""
    from .report.document import document

    bar = console.Progress(progress)
    try:
        run = runner.check(list(metrics), pack=pack, strict=strict, only=only, waivers=waivers, benchmarks=benchmarks,
                           history=record, transform=partial(document, fail_on=fail_on, rank=rank),
                           on_file=bar.update)
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

    text = None
    store = History.reader(database)
    if store is not None:
        with store.reading():
            text = render(store, authority, metrics, output_format)
        store.close()
    if text is None:
        raise InputError([Problem(Location(database), f"no recorded runs{' for ' + authority if authority else ''}")])
    problems = files.print(text)
    if problems:
        raise InputError(problems)


def _refuse_overwriting(outputs: tuple[Path, ...], inputs: dict[Path, str], problems: list[Problem]) -> None:
    """InputError, before anything is written, when an output file is one of the inputs."""
    refused = overwritten_inputs(outputs, inputs)
    if refused:
        raise InputError([*problems, *refused])


def run() -> None:
    """Console entry point: no traceback unless --debug."""
    from .cli import main

    try:
        main.main(standalone_mode=True)
    except Exception as error:  # a bug: say so plainly, exit 2
        if "--debug" in sys.argv:
            raise
        console.err(f"comply: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")
        sys.exit(EXIT_ERROR)
