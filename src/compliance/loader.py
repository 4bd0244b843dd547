"""Read YAML strictly, keeping where every value came from.

PyYAML composes the node graph (the C parser when it is available); we build the
Python values ourselves so that nothing is guessed: duplicate keys, YAML 1.1 booleans
and numbers (``yes``, ``1:30``, ``012``), non-finite numbers and unknown tags are
refused with their position, and the work an alias-laden file can cause is bounded.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import InputError, Location, Problem

try:  # the C parser is several times faster and keeps the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: Bounds on the work one file may cause (documented in the README).
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUES = 200_000  # values after alias expansion
MAX_DEPTH = 50
MAX_NUMBER = 1e15  # beyond this a figure is a mistake, and huge integers overflow float arithmetic
_MAX_DIGITS = 17  # a sign and 16 digits: every integer up to MAX_NUMBER, and any longer one is past it

PathKey = tuple[Any, ...]

_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
# a float has a decimal point or an exponent: bare digits are _INT's, or refused for a leading zero
_FLOAT = re.compile(r"[-+]?((\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)\Z")
_YAML11_BOOL = {"yes", "no", "on", "off", "y", "n"}
_SPECIAL_STARTS = set("0123456789+-.~")  # how numbers, .inf, .nan and ~ start
_WORDS = {word.lower() for word in _NULL | _TRUE | _FALSE} | _YAML11_BOOL  # "" (empty) included
_AMBIGUOUS = [
    (re.compile(r"[-+]?\.(inf|nan)\Z", re.I), "non-finite number {text!r} is not allowed"),
    (re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z"),
     "{text!r} reads as a base-60 number in YAML 1.1; quote it if you mean text"),
    (re.compile(r"[-+]?0[0-9_]+(\.[0-9_]*)?\Z"),
     "{text!r} has a leading zero, which YAML 1.1 reads as octal; write {plain} or quote it"),
    (re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+\Z"),
     "{text!r} is a hexadecimal, octal or binary literal; write a decimal number or quote it"),
    (re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?\Z"),
     "{text!r} uses '_' between digits; write {plain} or quote it"),
]


@dataclass
class Document:
    """A YAML file's values with the position of every value and mapping key."""

    path: str
    data: Any
    #: (line, column), 1-based, of every value and every mapping key, by path
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    #: Plain ``yes``/``no``/``on``/``off`` scalars, read as booleans: allowed only
    #: where a yes/no answer is expected, which the caller decides.
    yaml11_booleans: dict[PathKey, str] = field(default_factory=dict)
    sha256: str = ""  # of the file's bytes, to record which file a result came from
    #: for a spreadsheet read as a document: the marks are rows and columns of this sheet
    sheet: str | None = None

    def where(self, path: PathKey) -> Location:
        """The position of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        mark = self.marks.get(path)
        return self._location(mark)

    def where_key(self, path: PathKey) -> Location:
        mark = self.key_marks.get(tuple(path))
        return self._location(mark) if mark else self.where(path)

    def _location(self, mark: tuple[int, int] | None) -> Location:
        if mark is None:
            return Location(self.path)
        if self.sheet is not None:
            return Location(self.path, *mark, sheet=self.sheet, spreadsheet=True)
        return Location(self.path, *mark)


def read_yaml(path: str | Path) -> Document:
    """Read one YAML document; raise InputError listing every problem found."""
    name = str(path)
    raw = _read_bytes(Path(path), name)
    text = _decode(raw, name)
    node = _compose(text, name)
    builder = _Builder(name)
    data = builder.build(node) if node is not None else None
    if builder.problems:
        raise InputError(builder.problems)
    if node is None:
        raise InputError([Problem(Location(name, 1, 1), "the file is empty")])
    return Document(name, data, builder.marks, builder.key_marks, builder.yaml11_booleans,
                    hashlib.sha256(raw).hexdigest())


def one_line(text: str | None) -> str | None:
    """A file's text (a folded or literal block) on one line, its runs of white space as single spaces."""
    return " ".join(text.split()) if text else text


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(Location(name), "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(Location(name), "is a folder, not a file")]) from None
    except PermissionError:
        raise InputError([Problem(Location(name), "cannot read the file: permission denied")]) from None
    except OSError as error:
        raise InputError([Problem(Location(name), f"cannot read the file: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise InputError([Problem(Location(name), f"the file is larger than {limit} MiB")])
    return raw


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(Location(name, 1, 1), "the file is UTF-16 text; save it as UTF-8")])
    if b"\x00" in raw:
        raise InputError([Problem(_byte_location(name, raw, raw.index(b"\x00")),
                                  "the file is binary (it has a NUL byte), not YAML text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = raw[error.start]
        raise InputError([Problem(_byte_location(name, raw, error.start),
                                  f"not UTF-8 text (byte 0x{bad:02x}); save the file as UTF-8")]) from None


def _byte_location(name: str, raw: bytes, offset: int) -> Location:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", "replace")) + 1
    return Location(name, before.count(b"\n") + 1, column)


def _compose(text: str, name: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        if "expected a single document" in str(error.context):
            message = "more than one YAML document in the file; keep one"
        location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise InputError([Problem(location, f"invalid YAML: {message}")]) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise InputError([Problem(Location(name, line, column), f"invalid YAML: {error.reason} "
                                                               f"(character U+{error.character:04X})")]) from None
    except RecursionError:
        raise InputError([Problem(Location(name), "invalid YAML: nested too deeply")]) from None
    finally:
        loader.dispose()


class _Builder:
    """Turns composed nodes into plain values, recording marks and problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.key_marks: dict[PathKey, tuple[int, int]] = {}
        self.yaml11_booleans: dict[PathKey, str] = {}
        self.problems: list[Problem] = []
        self.values = 0
        self.active: set[int] = set()
        self.resolver = yaml.resolver.Resolver()

    @staticmethod
    def mark(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def where(self, node: yaml.Node) -> Location:
        return Location(self.name, *self.mark(node))

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.where(node), message))

    def build(self, node: yaml.Node, path: PathKey = ()) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            if self.values == MAX_VALUES + 1:
                self.problem(node, f"the file holds more than {MAX_VALUES} values "
                                   "(aliases expanding too far?)")
            return None
        if len(path) > MAX_DEPTH:
            self.problem(node, f"values are nested more than {MAX_DEPTH} deep")
            return None
        if id(node) in self.active:
            self.problem(node, "an alias refers to a value that contains it")
            return None
        self.marks[path] = self.mark(node)
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace(_CORE, "!!")
            self.problem(node, f"the tag {tag!r} is not allowed; write plain values")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
            assert isinstance(node, yaml.ScalarNode)
            return self._scalar(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be plain text, not a list or mapping")
                continue
            key = key_node.value
            if key == "<<" and key_node.tag.endswith(":merge"):
                self.problem(key_node, "merge keys ('<<') are not supported; write the keys out")
                continue
            if key in result:
                first_line, _ = self.key_marks[path + (key,)]
                self.problem(key_node, f"duplicate key {key!r} (first at line {first_line})")
                continue
            self.key_marks[path + (key,)] = self.mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        text = node.value
        if node.style:  # quoted or block: always text (plain is None, or '' from libyaml)
            return text
        if text[:1] not in _SPECIAL_STARTS and text.lower() not in _WORDS:
            return text  # plain text: no number, boolean or null starts like this
        if node.tag == _STR and self.resolver.resolve(yaml.ScalarNode, text, (True, False)) != _STR:
            return text  # an explicit !!str on what would otherwise read as a number or boolean
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text.lower() in _YAML11_BOOL:
            self.yaml11_booleans[path] = text
            return text.lower() in ("yes", "on", "y")
        is_int = _INT.match(text)
        if is_int or _FLOAT.match(text):
            # no int() of thousands of digits (Python refuses past 4300), no float() of a huge int
            number = (int(text) if len(text) <= _MAX_DIGITS else math.inf) if is_int else float(text)
            if not math.isfinite(number) or abs(number) > MAX_NUMBER:
                self.problem(node, f"the number {_shown(text)} is too large")
                return None
            return number
        for pattern, message in _AMBIGUOUS:
            if pattern.match(text):
                plain = text.replace("_", "").lstrip("0") or "0"
                self.problem(node, message.format(text=text, plain=plain))
                return None
        return text


def _shown(number: str) -> str:
    """A number as written, quoted; a very long one shortened, with its length."""
    return repr(number) if len(number) <= 40 else f"{number[:20]!r}... ({len(number)} characters)"
