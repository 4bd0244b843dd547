"""Where a command's output goes: ``-o`` files, never over an input, never half-written; and standard output.

A regular file is replaced atomically (a temporary file beside it, renamed over it when
complete), so a reader sees the old file or the new, never half of one. A link is
followed to what it names, so the link stays a link. A character device or a pipe
(``/dev/null``, ``/dev/stdout``, a named pipe) is written through, never replaced by a
regular file. Anything else that is not a regular file is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from . import console
from .problems import BadValue, InputError, Location, Problem

Content = str | bytes | Iterable[str] | Iterable[bytes]


def write(path: Path, content: Content) -> None:
    """Write ``content`` (text, bytes, or pieces of either) to ``path``; OSError when it cannot be written."""
    try:
        mode = os.stat(path).st_mode  # of what a link names
    except FileNotFoundError:
        mode = None
    if mode is None or stat.S_ISREG(mode):
        _replace(Path(os.path.realpath(path)), content, mode)  # a link's target; a dangling link's is created
    elif stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        with open(path, "wb") as stream:  # a device or pipe: write through it, never replace it
            _copy(content, stream)
    elif stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    else:  # a disk, a socket: nothing a report should go to
        raise OSError(errno.EINVAL, "not a regular file, a character device or a pipe", str(path))


def _replace(target: Path, content: Content, mode: int | None) -> None:
    import tempfile  # only for an -o file: printing a check does not pay for it

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            _copy(content, stream)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private; give it the old file's mode, or the mode a new file would have
        os.chmod(temporary, mode & 0o7777 if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:  # an error, Ctrl-C or SIGTERM (cli makes it a KeyboardInterrupt): no temporary left
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy(content: Content, stream: object) -> None:
    pieces = [content] if isinstance(content, (str, bytes)) else content
    for piece in pieces:
        stream.write(piece.encode("utf-8") if isinstance(piece, str) else piece)  # type: ignore[attr-defined]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def overwritten_inputs(outputs: Iterable[Path], inputs: Mapping[Path, str]) -> list[Problem]:
    """A problem for each output that is one of the inputs (what they are, by path), links followed.

    An input that is a folder (a pack) takes in every file under it. The same file under
    another name (a link, a hard link) counts, and so does a history database's journal.
    """
    problems = []
    for output in outputs:
        target = Path(os.path.realpath(output))
        for path, what in inputs.items():
            real = Path(os.path.realpath(path))
            if target == real or target.is_relative_to(real) and real.is_dir() or _same_file(target, real):
                problems.append(Problem(Location(str(output)), f"is the {what} this run reads ({path}); "
                                                               "write the output to another file"))
                break
    return problems


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:  # one of them does not exist (yet)
        return False


def history_files(database: str | Path) -> list[Path]:
    """A history database and the journal files SQLite keeps beside it."""
    return [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


class Outputs:
    """What a command writes: -o files, each noted as it lands (an interruption says which), and standard output."""

    def __init__(self) -> None:
        self.written: list[Path] = []

    def write(self, path: Path, content: Content) -> list[Problem]:
        """Write one file (see write) and note it; the problem when it cannot be written."""
        try:
            write(path, content)
        except OSError as error:
            return [Problem(Location(str(path)), f"cannot write: {error.strerror}")]
        self.written.append(path)
        return []

    def print(self, text: Content) -> list[Problem]:
        """Print a command's output, text or its pieces; the problem when standard output cannot take it (a full
        disk, a closed pipe)."""
        try:
            for piece in [text] if isinstance(text, (str, bytes)) else text:
                console.out(piece)
        except OSError as error:
            with contextlib.suppress(OSError, ValueError):  # what is still buffered would fail again at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return [Problem(Location("standard output"), f"cannot write: {error.strerror}")]
        return []

    def show(self, text: str) -> None:
        """Print what a browsing command found (names and titles from packs and metrics files, as written);
        InputError when standard output cannot take it."""
        from .report.escaping import printable

        problems = self.print(printable(text))
        if problems:
            raise InputError(problems)

    def formats(self, output_format: str, explicit: bool, paths: tuple[Path, ...], quiet: bool) -> set[str]:
        """The formats emit will write (those it can tell: emit says what it cannot)."""
        named = {self._format(output_format, explicit, path) for path in paths}
        return {name for name in named if name} | ({output_format} if not quiet else set())

    @staticmethod
    def _format(output_format: str, explicit: bool, path: Path) -> str | None:
        """The format an -o file is written in: --format's when given, else its extension's (None: it has none)."""
        from .report import format_for

        return output_format if explicit else format_for(path)

    def emit(self, documents: Sequence[dict[str, Any]], several: bool, output_format: str, explicit: bool,
             paths: tuple[Path, ...], table_format: str, quiet: bool) -> list[Problem]:
        """Result documents to each -o file, in the format its extension names unless the format is ``explicit``,
        and to standard output unless ``quiet``; the problems of what could not be written.

        BadValue, before anything is written, for a file whose format cannot be told, a table style tabulate
        does not have, or a binary format for standard output. Each output is rendered as it is written, a
        piece at a time, so a region's is never held whole.
        """
        from .report import FORMATS, render

        plan = []
        for path in paths:
            name = self._format(output_format, explicit, path)
            if name is None:
                raise BadValue("outputs", "-o", f"cannot tell the format of {path} from its extension; give --format")
            plan.append((path, name))
        if "table" in [name for _, name in plan] + ([] if quiet else [output_format]):
            styles = tabulate().tabulate_formats  # tabulate only when a table is drawn
            if table_format not in styles:
                raise BadValue("table_format", "--table-format", f"{table_format!r} is not a tabulate table style; "
                               "try one of: " + ", ".join(sorted(styles)))
        if not quiet and FORMATS[output_format].binary and not paths:
            raise BadValue("output_format", "--format", f"{output_format} is a binary format: write it to a file "
                                                        "with -o")
        problems = []
        for path, name in plan:
            problems += self.write(path, render(name, documents, several, table_format))
        if not quiet and not FORMATS[output_format].binary:
            problems += self.print(render(output_format, documents, several, table_format))
        return problems


def tabulate() -> ModuleType:
    """The tabulate module, imported (the first time) without the version lookup its import makes.

    tabulate's __init__ asks importlib.metadata for its own version, which imports that package and
    searches every installed distribution: 25 of the 30 ms the import takes, for a version nothing
    here reads. While tabulate is imported, importlib.metadata is a stand-in whose lookups say the
    package is not found, which tabulate answers by calling itself version 'unknown'. The report's
    formatters import tabulate after this, and find it imported.
    """
    if "tabulate" not in sys.modules:
        stand_in = ModuleType("importlib.metadata")

        class PackageNotFoundError(ModuleNotFoundError):
            pass

        def version(name: str) -> str:
            raise PackageNotFoundError(name)

        stand_in.version, stand_in.PackageNotFoundError = version, PackageNotFoundError  # type: ignore[attr-defined]
        real = sys.modules.get("importlib.metadata")
        sys.modules["importlib.metadata"] = stand_in
        try:
            import tabulate  # noqa: F401 - now in sys.modules
        finally:
            if real is None:
                del sys.modules["importlib.metadata"]
            else:
                sys.modules["importlib.metadata"] = real
    return sys.modules["tabulate"]
