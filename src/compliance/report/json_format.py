"""--format json: one object for one metrics file (indented), an array for several (compact)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

from .escaping import json_escaped

#: What a run reads of a document it only writes as JSON: its exit status, warnings and ranking.
KEPT = ("schema_version", "authority", "code", "period", "as_of", "metrics_file", "pack", "run", "scale", "warnings",
        "judgements")


class Encoded(dict[str, Any]):
    """A result document written as JSON by the worker process that made it, for a run that writes only JSON.

    A region's documents are made in parallel worker processes. Writing each there, rather than in the
    one parent that writes the output, and sending the parent only the text and what it reads (KEPT,
    a sixth of a large pack's document) takes 4 ms an authority of a large pack off the parent's back
    and most of the region's documents out of its memory (benchmarks/README.md). The findings and the
    rest are in ``json`` only: this is no document for any other format.
    """

    json: str


def whole(document: dict[str, Any]) -> dict[str, Any]:
    """The whole document: read back from its JSON if only that and KEPT were kept (a library caller may
    render a json_only run's documents in any format; the command line never does)."""
    return json.loads(document.json) if isinstance(document, Encoded) else document


class Whole(Sequence[dict[str, Any]]):
    """Documents, each whole (see whole), read one at a time as they are asked for."""

    def __init__(self, documents: Sequence[dict[str, Any]]) -> None:
        self.documents = documents

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return whole(self.documents[index])


def encoded(make: Callable[..., dict[str, Any]], *arguments: Any) -> Encoded:
    """What a run that writes only JSON keeps of the document ``make(*arguments)`` gives."""
    document = make(*arguments)
    kept = Encoded({key: document[key] for key in KEPT})
    kept.json = compact(document)
    return kept


def compact(document: dict[str, Any]) -> str:
    """A document as one line of JSON."""
    return json_escaped(_dumps(document, indent=False))


def _dumps(document: dict[str, Any], *, indent: bool) -> str:
    """JSON text, by orjson where it is installed, else by json. For a large pack's result orjson takes 0.16 ms
    where json's C encoder takes 2.1, and 0.23 ms indented where json's Python encoder (it has no other for
    indenting) takes 7.1. The two write the same text but for how a float below 0.0001 is spelt (0.00003
    for 3e-05: the same number).
    """
    fast = _orjson()
    if fast is not None:
        try:
            return fast.dumps(document, option=fast.OPT_NON_STR_KEYS | (fast.OPT_INDENT_2 if indent else 0)).decode()
        except TypeError:  # what orjson cannot write (a whole number past 64 bits): json writes it, or says why not
            pass
    if indent:
        return json.dumps(document, indent=2, ensure_ascii=False)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


@cache
def _orjson() -> Any:
    """orjson, imported the first time it is needed (2 ms once the rest of a check is imported); None where it
    is not installed (the browser: it is a compiled library)."""
    try:
        import orjson
    except ImportError:
        return None
    return orjson


def render(documents: Sequence[dict[str, Any]], several: bool, table_format: str = "simple") -> Iterator[str]:
    if not several:
        yield json_escaped(_dumps(whole(documents[0]), indent=True)) + "\n"
        return
    # Several results are written compactly, an authority at a time: a region's results run to hundreds of
    # megabytes. A region's documents that are written only as JSON were written by the workers (Encoded).
    yield "["
    for index, document in enumerate(documents):
        yield ("," if index else "") + (document.json if isinstance(document, Encoded) else compact(document))
    yield "]\n"
