"""A run's results, kept on disk past the first few hundred: a country's do not fit in memory at once.

Five thousand authorities' result documents took 1.6 GB when a run kept them all. A spool
keeps the first KEPT in memory (every authority in England fits, so a national run is as
quick as ever) and pickles the rest into a temporary file (removed when the spool is),
holding only where each begins. It reads like a list: every formatter takes one document
at a time from it, as often as it needs.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import IO, Any

#: Results kept in memory before the rest go to disk: England has 153 authorities.
KEPT = 200


class Spool(Sequence[dict[str, Any]]):
    """Result documents, appended in order and read back by position."""

    def __init__(self) -> None:
        self._kept: list[dict[str, Any]] = []
        self._file: IO[bytes] | None = None
        self._starts: list[int] = []

    def append(self, document: dict[str, Any]) -> None:
        if len(self._kept) < KEPT:
            self._kept.append(document)
            return
        if self._file is None:
            import tempfile  # only past KEPT results: a check of one file does not pay for it

            self._file = tempfile.TemporaryFile(prefix="comply-results-")  # noqa: SIM115 - open as long as the spool
        self._starts.append(self._file.seek(0, 2))
        pickle.dump(document, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return len(self._kept) + len(self._starts)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        index = range(len(self))[index]  # IndexError past the end; negative from the end
        if index < len(self._kept):
            return self._kept[index]
        assert self._file is not None
        self._file.seek(self._starts[index - len(self._kept)])
        return pickle.load(self._file)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[index] for index in range(len(self)))  # by position: two readers at once do not collide

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
