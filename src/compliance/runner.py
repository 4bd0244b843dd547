"""One check run: metrics files in, results and problems out; then its exit status, and its record. Never prints
or exits."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import workers
from .engine import evaluate, strict_check
from .loader import Document
from .model import InputError, Location, Pack, Problem, Result, Submission
from .outputs import history_files
from .packs import date_of, find_pack, load_pack, select
from .problems import EXIT_FINDINGS, EXIT_OK, BadValue
from .schema import did_you_mean
from .spool import Spool
from .submissions import (
    build_submission,
    read_benchmarks,
    read_metrics_leniently,
    read_waivers,
    waivers_for,
    with_benchmarks,
    with_earlier,
)

#: Files in a folder argument that are not metrics files.
NOT_METRICS = {"comply.yaml"}


@dataclass
class CheckRun:
    results: Any = field(default_factory=list)  # Results, or what check's transform made of them (a Spool for several)
    problems: list[Problem] = field(default_factory=list)
    several: bool = False  # several files, or a folder: JSON gives an array
    inputs: dict[Path, str] = field(default_factory=dict)  # every file and pack folder read, and what it is

    def close(self) -> None:
        """Let go of the results' spool, if there is one, and its file with it."""
        if isinstance(self.results, Spool):
            self.results.close()

    def __enter__(self) -> CheckRun:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()


def metrics_paths(arguments: list[str]) -> tuple[list[Path], list[Problem], bool]:
    """The files named, a folder meaning its *.yaml and *.yml files sorted by name.

    A file in a folder is taken as it would be if named: a broken link, a folder or anything
    else that is not a file is a problem, never skipped in silence.
    """
    paths: list[Path] = []
    problems: list[Problem] = []
    several = len(arguments) > 1
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            several = True
            try:
                entries = sorted(p for p in path.iterdir()
                                 if p.suffix in (".yaml", ".yml") and p.name not in NOT_METRICS)
            except OSError as error:
                problems.append(Problem(Location(argument), f"cannot read the folder: {error.strerror}"))
                continue
            if not entries:
                problems.append(Problem(Location(argument), "the folder has no .yaml or .yml files"))
            for entry in entries:
                if entry.is_file():
                    paths.append(entry)
                else:
                    problems.append(Problem(Location(str(entry)), _not_a_file(entry)))
        elif path.exists():
            paths.append(path)
        else:
            problems.append(Problem(Location(argument), _not_a_file(path)))
    return paths, problems, several


def _not_a_file(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return f"a broken link (to {os.readlink(path)}): no such file"
    if path.is_dir():
        return "is a folder, not a metrics file"
    if path.exists():
        return "is not a regular file (a pipe or device in a folder of metrics files?)"
    return "no such file or folder"


def pack_for(reference: str | None, relative_to: Path | None = None, on: datetime.date | None = None) -> Pack:
    """The loaded pack for a reference (see packs.find_pack), the version in force ``on`` a date for a family."""
    return load_pack(str(find_pack(reference, relative_to, on).resolve()), on)


@dataclass(frozen=True)
class _Options:
    pack: str | None
    strict: bool
    only: tuple[str, ...]
    waivers: Document | None
    benchmarks: Document | None
    history: str | None


def check(arguments: list[str], *, pack: str | None = None, strict: bool = False,
          only: tuple[str, ...] = (), waivers: str | None = None, benchmarks: str | None = None,
          history: str | None = None, transform: Callable[[Result], Any] | None = None,
          several_transform: Callable[[Result], Any] | None = None,
          on_file: Callable[[int, int], None] | None = None) -> CheckRun:
    """Check every metrics file; a file that cannot be checked is a problem, the rest go on.

    ``only`` narrows every pack to those judgements and rules (packs.select); ``waivers``
    names a waivers file shared by the authorities (a metrics file's own waivers come first),
    ``benchmarks`` a benchmarks file (the metrics file's own comparators win), ``history`` a
    history database whose earlier periods give ``previous`` and ``history`` where the file
    does not. ``on_file(done, total)`` is told of each file checked.
    ``transform`` turns each result into what the run keeps (a regional run's results are
    large), ``several_transform`` (when given) what it does for a run of several files. With a
    picklable transform and many files, the files are checked in parallel worker processes, one
    per core; the order of the results is the order of the files.
    """
    paths, problems, several = metrics_paths(arguments)
    if several and several_transform is not None:
        transform = several_transform
    shared = {Path(name).resolve() for name in (waivers, benchmarks) if name}
    paths = [path for path in paths if path.resolve() not in shared]  # a folder holding the run's waivers file
    run = CheckRun(problems=problems, several=several)
    if several and transform is not None:
        run.results = Spool()  # a region's documents on disk, not in memory
    run.inputs = {path: "metrics file" for path in paths}
    run.inputs.update({Path(name): what for name, what in ((waivers, "waivers file"),
                                                           (benchmarks, "benchmarks file")) if name})
    run.inputs.update({path: "history database" for path in history_files(history)} if history else {})
    try:
        shared_waivers = read_waivers(waivers) if waivers else None
        shared_benchmarks = read_benchmarks(benchmarks) if benchmarks else None
        if history:
            from .history import History  # only for a run that records: sqlite3 is not a check's

            History.reader(history)  # a database that cannot be read stops the run before any work
    except InputError as error:
        run.problems += error.problems
        return run
    options = _Options(pack, strict, only, shared_waivers, shared_benchmarks, history)
    seen = set(run.problems)
    try:
        for done, (outcome, file_problems, pack_folders) in enumerate(_outcomes(paths, options, transform), 1):
            new = [p for p in dict.fromkeys(file_problems) if p not in seen]  # a broken pack's problems, once
            run.problems += new
            seen.update(new)
            run.inputs.update((Path(folder), "pack") for folder in pack_folders)
            if outcome is not None:
                run.results.append(outcome)
            if on_file:
                on_file(done, len(paths))
    except BaseException:
        run.close()
        raise
    return run


def _outcomes(paths: list[Path], options: _Options, transform: Callable[[Result], Any] | None
              ) -> Iterator[tuple[Any, list[Problem], tuple[str, ...]]]:
    count = workers.count(len(paths)) if transform is not None else 1
    if count == 1:
        for path in paths:
            yield _check_one(path, options, transform)
        return
    yield _check_one(paths[0], options, transform)  # loads the pack here, so every fork inherits it
    yield from workers.map_forked(_check_one, paths[1:], count, options, transform)


def _check_one(path: Path, options: _Options, transform: Callable[[Result], Any] | None
               ) -> tuple[Any, list[Problem], tuple[str, ...]]:
    """The file's result (transformed), its problems, and the folders of the pack it was checked against."""
    folders: tuple[str, ...] = ()
    try:
        document, shape = read_metrics_leniently(path)
        on = date_of(document.data.get("as_of"), document.data.get("period"))
        chosen = select(load_pack(str(_pack_folder(document, options.pack, on).resolve()), on), options.only)
        folders = (chosen.path, *chosen.parent_paths)
        try:
            submission = build_submission(document, chosen)
        except InputError as error:  # every problem of the file at once: its shape's and its figures'
            raise InputError(shape + error.problems) from None
        if shape:
            raise InputError(shape)
        if options.waivers is not None:
            submission = _with_shared_waivers(submission, options.waivers, chosen)
        if options.benchmarks is not None:
            submission = with_benchmarks(submission, options.benchmarks, chosen)
        earlier = None
        if options.history:
            from .history import History

            database = History.reader(options.history)
            if database is not None:
                earlier = database.earlier(submission.authority, chosen.id, submission.period)
                database.close()
                submission = with_earlier(submission, earlier)
        if options.strict:
            strict_check(chosen, submission)
    except InputError as error:
        return None, error.problems, folders
    result = replace(evaluate(chosen, submission), earlier=earlier)
    return (transform(result) if transform else result), [], folders


def check_one(metrics: str, pack: str | None = None) -> Result:
    """The result of checking one metrics file (for explain and margins); InputError when it cannot be checked."""
    run = check([metrics], pack=pack)
    if run.problems:
        raise InputError(run.problems)
    return run.results[0]  # type: ignore[no-any-return]


def _pack_folder(document: Document, option: str | None, on: datetime.date | None) -> Path:
    """The folder of the pack --pack names, else the metrics file's ``pack:`` (blamed at its line), else the default."""
    if option or "pack" not in document.data:
        return find_pack(option, None, on)
    reference = document.data["pack"]
    try:
        return find_pack(reference, Path(document.path).parent, on)
    except InputError as error:  # a problem with the name itself is the metrics file's; one in a pack file, its own
        raise InputError([Problem(document.where(("pack",)), f"pack: {problem.message}")
                          if problem.location.path == reference else problem for problem in error.problems]) from None


def _with_shared_waivers(submission: Submission, document: Document, pack: Pack) -> Submission:
    problems: list[Problem] = []
    names = {submission.authority.casefold(), (submission.code or "").casefold()}
    found = [w for w in waivers_for(document, ("waivers",), pack, problems)
             if w.authority is None or w.authority.casefold() in names]
    if problems:
        raise InputError(problems)
    return replace(submission, waivers=submission.waivers + tuple(found))


def exit_status(documents: Iterable[dict[str, Any]], fail_on: str) -> int:
    """EXIT_FINDINGS when a judgement is at or worse than ``fail_on`` in any result document, else EXIT_OK;
    BadValue when ``fail_on`` is neither 'never' nor a grade of every document's pack."""
    failing = False
    for doc in documents:
        scores = {grade["id"]: grade["score"] for grade in doc["scale"]}
        if fail_on != "never" and fail_on not in scores:
            raise BadValue("fail_on", "--fail-on", f"{fail_on!r} is not a grade of pack {doc['pack']['id']} "
                           f"({', '.join(scores)}) nor 'never'")
        failing = failing or fail_on != "never" and any(
            judgement["score"] is not None and judgement["score"] >= scores[fail_on] for judgement in doc["judgements"])
    return EXIT_FINDINGS if failing else EXIT_OK


def check_rank(documents: Sequence[dict[str, Any]], judgement_id: str) -> None:
    """BadValue when the judgement several authorities are ranked by is not one of their pack's."""
    ids = [judgement["id"] for judgement in documents[0]["judgements"]] if documents else []
    if documents and judgement_id not in ids:
        raise BadValue("rank", "--rank", f"no judgement {judgement_id!r}" + did_you_mean(judgement_id, ids))


def record(database: str, documents: Sequence[dict[str, Any]]) -> tuple[list[Problem], str]:
    """Record the result documents in a history database: its problems, or what was recorded, in a sentence."""
    try:
        from .history import History

        history = History(database)
        replaced = history.record(documents)
        history.close()
    except InputError as error:
        return error.problems, ""
    runs = "run" if len(documents) == 1 else "runs"
    note = f", replacing {replaced} earlier {'run' if replaced == 1 else 'runs'} of the same authority, period " \
           "and pack" if replaced else ""
    return [], f"comply: recorded {len(documents)} {runs} in {database}{note}"
