"""A run's results kept on disk as they come: a region's results do not fit in memory at once.

Five thousand authorities' result documents took 1.3 GB when a run kept them all; a spool
keeps each one pickled in a temporary file (removed when the spool is), and the run holds
only where each begins. It reads like a list: every formatter takes one document at a
time from it, as often as it needs.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any


class Spool(Sequence[dict[str, Any]]):
    """Result documents, appended in order and read back by position."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="comply-results-")  # noqa: SIM115 - open as long as the spool
        self._starts: list[int] = []
        self._first: dict[str, Any] | None = None  # every formatter reads the first for the scale and judgements

    def append(self, document: dict[str, Any]) -> None:
        self._starts.append(self._file.seek(0, 2))
        pickle.dump(document, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        if self._first is None:
            self._first = document

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        position = self._starts[index]
        if position == 0 and self._first is not None:
            return self._first
        self._file.seek(position)
        return pickle.load(self._file)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[index] for index in range(len(self)))  # by position: two readers at once do not collide

    def close(self) -> None:
        self._file.close()
