"""Where results are written: ``-o`` files, never over an input, never half-written.

A regular file is replaced atomically (a temporary file beside it, renamed over it when
complete), so a reader sees the old file or the new, never half of one. A link is
followed to what it names, so the link stays a link. A character device or a pipe
(``/dev/null``, ``/dev/stdout``, a named pipe) is written through, never replaced by a
regular file. Anything else that is not a regular file is refused.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .problems import Location, Problem

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
