"""Text from input files, shown as written and never obeyed: one set of rules for every format.

Every string a report shows came from a file someone wrote (a metrics file, a pack, a saved
result), so each format treats it as data:

- no format passes on a control character (Unicode category Cc: escape sequences that
  recolour or rewrite a terminal, a bare carriage return that breaks a Markdown row,
  characters that XML and worksheets cannot hold) or a bidirectional control that
  reorders the text after it on screen: each is shown as U+FFFD;
- Markdown shows markup as text: HTML is escaped (``html.escape``), Markdown's own
  punctuation is backslashed, a line break is a space;
- a spreadsheet cell (CSV, XLSX) that a spreadsheet would read as a formula is prefixed
  with an apostrophe, as OWASP's guidance on CSV injection says; numbers stay numbers.

HTML is escaped by jinja2's autoescaping and JUnit XML by ElementTree; both also pass
their whole output through ``printable``. JSON keeps every character, writing those that
``printable`` would replace as ``\\u`` escapes, so a saved result is the same data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any

#: Shown in place of a character that cannot be shown as written.
REPLACEMENT = "\ufffd"
#: Control characters but tab and newline (a superset of what openpyxl's ILLEGAL_CHARACTERS_RE and
#: XML 1.0 refuse), the line and paragraph separators (a line break to some readers, none to others),
#: bidirectional embeddings, overrides and isolates, lone surrogates (which no encoding can write)
#: and the two non-characters XML refuses.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
                         "\ufffe\uffff]")
#: Markdown punctuation that could start markup in a line of text: a backslash, code, emphasis,
#: links and images, table cells, strikethrough; '_' only where it could open or close emphasis
#: (never inside a word, so metric ids read as written). '<', '>' and '&' are html.escape's.
_MARKDOWN = re.compile(r"[\\`*\[\]|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
#: A run of '#' ending the text: in a heading, Markdown takes it for the heading's closing sequence and drops it.
_CLOSING_HASHES = re.compile(r"(#+)(\s*)$")
#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` with Windows line ends as newlines and every other character that cannot be shown as U+FFFD."""
    return _UNSHOWABLE.sub(REPLACEMENT, text.replace("\r\n", "\n"))


def printable_pieces(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """``printable`` over text that comes a piece at a time, in pieces of about ``size`` characters: a template
    yields a piece per tag and value (670,000 for a large region's HTML), and one search per piece cost a
    third of the time. A carriage return at a piece's end waits for the next, in case a newline follows."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            text = "".join(buffer)
            held = "\r" if text.endswith("\r") else ""
            yield printable(text[:len(text) - len(held)])
            buffer, length = [held], len(held)
    if length:
        yield printable("".join(buffer))


def json_escaped(text: str) -> str:
    """JSON text (as json.dumps writes it) with the characters ``printable`` replaces written as \\u escapes:
    the same data, safe to show.

    json.dumps escapes every control character below U+0020 in a string, so ASCII text needs looking at
    only when it holds DEL: checking that is a thousandth of the cost of the search (0.7 ms for a large
    pack's result, done for each authority of a region).
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return _UNSHOWABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def markdown(value: Any) -> str:
    """``value`` as one line of Markdown that renders as the text it is, not as markup."""
    text = " ".join(printable(str(value)).splitlines())
    text = _CLOSING_HASHES.sub(lambda found: "\\#" * len(found[1]) + found[2], _MARKDOWN.sub(r"\\\g<0>", text))
    return html.escape(text, quote=False)


def markdown_code(value: Any) -> str:
    """``value`` as a Markdown code span on one line: shown as written (a condition's ``<`` stays ``<``), its
    table-breaking ``|`` backslashed (as GitHub's tables read it), fenced past any backtick it holds."""
    text = " ".join(printable(str(value)).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def spreadsheet(value: Any) -> Any:
    """A CSV or XLSX cell: text that would start a formula gets a leading apostrophe; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    return printable("'" + value if value.startswith(FORMULA_STARTS) else value)
