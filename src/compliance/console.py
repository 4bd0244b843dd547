"""Standard output and standard error, written as click.echo writes them, without importing click.

comply check runs without click (main.py), and a check's output must be the same either way:
the command line and the quick path both print through here. The common case, text with no
escape character to a stream that takes UTF-8, is what click.echo does too (write, then flush);
anything else (an ASCII-only stream, which click rewraps; text with an escape sequence, which
click strips when the stream is not a terminal; Windows' console) is given to click.echo itself.
"""

from __future__ import annotations

import codecs
import sys
from typing import Any, TextIO


def out(text: str | bytes) -> None:
    """Write to standard output as it is; OSError when it cannot take it (a full disk, a closed pipe)."""
    _echo(text, sys.stdout, err=False)


def err(line: str) -> None:
    """Write a line to standard error."""
    _echo(line + "\n", sys.stderr, err=True)


def _echo(text: str | bytes, stream: TextIO, err: bool) -> None:
    if not text:
        stream.flush()
    elif isinstance(text, bytes) and hasattr(stream, "buffer") and _plain(stream):
        stream.flush()
        stream.buffer.write(text)
        stream.buffer.flush()
    elif isinstance(text, str) and "\x1b" not in text and _plain(stream):
        stream.write(text)
        stream.flush()
    else:
        import click

        click.echo(text, nl=False, err=err)


def _plain(stream: TextIO) -> bool:
    """Whether click.echo would write to the stream as it is."""
    try:
        ascii_only = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii"
    except LookupError:
        return False
    return sys.platform != "win32" and not ascii_only


class Progress:
    """A progress bar on standard error for runs of several files, when a person is watching (click's, made
    only when it is shown)."""

    def __init__(self, wanted: bool | None) -> None:
        self.wanted = wanted
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            show = self.wanted if self.wanted is not None else (total > 1 and sys.stderr.isatty())
            if not show:
                self.update = lambda done, total: None  # type: ignore[method-assign]
                return
            if not sys.stderr.isatty():  # asked for, into a log: a line to start and one to end, not a bar
                self.bar = _Lines(total)
            else:
                import click

                self.bar = click.progressbar(length=total, label="Checking", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class _Lines:
    """Progress for a log: how many files are being checked, then how many were."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def __enter__(self) -> None:
        print(f"comply: checking {self.total} file{'s' * (self.total != 1)}", file=sys.stderr, flush=True)

    def update(self, count: int) -> None:
        self.done += count

    def __exit__(self, *_: object) -> None:
        print(f"comply: checked {self.done} of {self.total}", file=sys.stderr, flush=True)
