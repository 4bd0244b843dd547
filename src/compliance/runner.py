"""One check run: metrics files in, results and problems out. Never prints or exits."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .engine import evaluate, strict_check
from .loader import Document
from .model import InputError, Location, Pack, Problem, Result, Submission
from .packs import find_pack, load_pack, select
from .submissions import build_submission, read_metrics, read_waivers, waivers_for

#: Files in a folder argument that are not metrics files.
NOT_METRICS = {"comply.yaml"}


@dataclass
class CheckRun:
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    several: bool = False  # several files, or a folder: JSON gives an array


def metrics_paths(arguments: list[str]) -> tuple[list[Path], list[Problem], bool]:
    """The files named, a folder meaning its *.yaml and *.yml files sorted by name."""
    paths: list[Path] = []
    problems: list[Problem] = []
    several = len(arguments) > 1
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            several = True
            found = sorted(p for p in path.iterdir()
                           if p.suffix in (".yaml", ".yml") and p.name not in NOT_METRICS and p.is_file())
            if not found:
                problems.append(Problem(Location(argument), "the folder has no .yaml or .yml files"))
            paths += found
        elif path.exists():
            paths.append(path)
        else:
            problems.append(Problem(Location(argument), "no such file or folder"))
    return paths, problems, several


def pack_for(reference: str | None, relative_to: Path | None = None) -> Pack:
    return load_pack(str(find_pack(reference, relative_to).resolve()))


def check(arguments: list[str], *, pack: str | None = None, strict: bool = False,
          only: tuple[str, ...] = (), waivers: str | None = None) -> CheckRun:
    """Check every metrics file; a file that cannot be checked is a problem, the rest go on.

    ``only`` narrows every pack to those judgements and rules (packs.select); ``waivers``
    names a waivers file shared by the authorities (a metrics file's own waivers come first).
    """
    paths, problems, several = metrics_paths(arguments)
    run = CheckRun(problems=problems, several=several)
    shared_waivers = None
    if waivers:
        try:
            shared_waivers = read_waivers(waivers)
        except InputError as error:
            run.problems += error.problems
            return run
    failed_packs: set[str] = set()
    for path in paths:
        try:
            document = read_metrics(path)
            reference = pack or document.data.get("pack")
            if reference in failed_packs:
                continue
            try:
                chosen = select(pack_for(reference, None if pack else path.parent), only)
            except InputError:
                failed_packs.add(reference)
                raise
            submission = build_submission(document, chosen)
            if shared_waivers is not None:
                submission = _with_shared_waivers(submission, shared_waivers, chosen)
            if strict:
                strict_check(chosen, submission)
        except InputError as error:
            run.problems += error.problems
            continue
        run.results.append(evaluate(chosen, submission))
    return run


def _with_shared_waivers(submission: Submission, document: Document, pack: Pack) -> Submission:
    problems: list[Problem] = []
    names = {submission.authority.casefold(), (submission.code or "").casefold()}
    found = [w for w in waivers_for(document, ("waivers",), pack, problems)
             if w.authority is None or w.authority.casefold() in names]
    if problems:
        raise InputError(problems)
    return replace(submission, waivers=submission.waivers + tuple(found))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new, never half."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private; give it the mode a new file would have (or the old file's)
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
