"""The condition language: small, typed, and checked before it is ever run.

A condition such as ``value >= national - 2 and value > previous`` is parsed once, when
the pack loads, by Python's own parser (``ast``, expression mode). The tree is then
checked against the vocabulary below (anything else is refused with its position)
and type-checked, so that a pack mistake is a load-time error, not an authority's
missing evidence. Only then is the checked tree compiled; its code can do nothing but
arithmetic, comparisons, and/or/not and the functions below, on the names it is given
(no builtins), and it is kept with the pack in the pack cache. The text itself is never
given to ``eval``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from .model import Condition, Location
from .schema import did_you_mean

#: The longest condition we parse; a longer one is refused, not truncated.
MAX_LENGTH = 500
#: The largest number a condition may write; larger ones overflow float arithmetic.
MAX_NUMBER = 1e15
#: How deeply operations may nest (``- - - value`` is three deep): checking, evaluating and
#: caching a condition each recurse once a level, and Python's stack has room for about 1000.
MAX_DEPTH = 100

NUMBER, BOOLEAN = "number", "yes/no"

#: Names that stand for constants in conditions, besides Python's True and False.
CONSTANTS: dict[str, bool] = {"true": True, "false": False, "yes": True, "no": False}

#: The functions a condition may call: name -> (function, least and most arguments).
FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    "abs": (abs, 1, 1),
    "min": (min, 2, 10),
    "max": (max, 2, 10),
}

#: The operators a condition may use.
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_EQUALITY = (ast.Eq, ast.NotEq)
_REFUSED = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.IfExp: "'if ... else' is not allowed; use bands",
    ast.NamedExpr: "assignment is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
}


class ConditionError(ValueError):
    """A condition the language does not allow; the message says why."""


class Unavailable(Exception):
    """A condition needed a value the submission does not have."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(text: Any, types: Mapping[str, str], location: Location) -> Condition:
    """Parse and check a condition; ``types`` gives each name it may read.

    Raises ConditionError with a message naming what is wrong.
    """
    if isinstance(text, bool):
        text = "true" if text else "false"
    if not isinstance(text, str):
        raise ConditionError(f"a condition must be text, e.g. 'value >= 80', not {text!r}")
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"the condition is longer than {MAX_LENGTH} characters")
    source = " ".join(text.split())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ConditionError(f"invalid condition {_shorten(text)!r}: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ConditionError(f"invalid condition {_shorten(text)!r}: too complex") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise ConditionError(f"the condition nests operations more than {MAX_DEPTH} deep")
    checker = _Checker(types)
    kind = checker.check(tree.body)
    if kind != BOOLEAN:
        raise ConditionError(f"the condition {_shorten(text)!r} is a number; it must be true or false, "
                             "e.g. 'value >= 80'")
    return Condition(text, frozenset(checker.names), location, compile(tree, "<condition>", "eval"), _template(tree))


def syntax(condition: Condition) -> ast.expr:
    """The condition's checked syntax tree, parsed again from its text (for lint's analysis of bands)."""
    return ast.parse(" ".join(condition.text.split()), mode="eval").body


def _depth(tree: ast.AST) -> int:
    """How deeply the tree's nodes nest, found without recursion (the point is a tree too deep for it)."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return deepest


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


class _Checker:
    def __init__(self, types: Mapping[str, str]) -> None:
        self.types = types
        self.names: set[str] = set()

    def check(self, node: ast.AST) -> str:
        for refused, message in _REFUSED.items():
            if isinstance(node, refused):
                raise ConditionError(message)
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ConditionError(f"{_describe_node(node)} is not allowed in a condition")
        return method(node)

    def _Constant(self, node: ast.Constant) -> str:
        if isinstance(node.value, bool):
            return BOOLEAN
        if isinstance(node.value, (int, float)) and not isinstance(node.value, complex):
            if not abs(node.value) <= MAX_NUMBER:  # 'not <=' also catches an overflowed inf
                raise ConditionError(f"the number {_shorten(str(node.value), 24)} is too large for a condition")
            return NUMBER
        raise ConditionError(f"{node.value!r} is not allowed: conditions use numbers and true/false")

    def _Name(self, node: ast.Name) -> str:
        if node.id in CONSTANTS:
            return BOOLEAN
        if node.id in FUNCTIONS:
            raise ConditionError(f"{node.id!r} is a function; call it, e.g. {node.id}(value)")
        if node.id not in self.types:
            raise ConditionError(f"unknown name {node.id!r}" + did_you_mean(node.id, [*self.types, *CONSTANTS]))
        self.names.add(node.id)
        return self.types[node.id]

    def _BinOp(self, node: ast.BinOp) -> str:
        if type(node.op) not in _ARITHMETIC:
            raise ConditionError(f"the operator {_OPERATOR_TEXT.get(type(node.op), '?')!r} is not "
                                 "allowed; use + - * /")
        self._expect(node.left, NUMBER, "arithmetic")
        self._expect(node.right, NUMBER, "arithmetic")
        return NUMBER

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        if isinstance(node.op, ast.Not):
            self._expect(node.operand, BOOLEAN, "'not'")
            return BOOLEAN
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            self._expect(node.operand, NUMBER, "a sign")
            return NUMBER
        raise ConditionError("the operator '~' is not allowed")

    def _BoolOp(self, node: ast.BoolOp) -> str:
        word = "'and'" if isinstance(node.op, ast.And) else "'or'"
        for value in node.values:
            self._expect(value, BOOLEAN, word)
        return BOOLEAN

    def _Compare(self, node: ast.Compare) -> str:
        for op in node.ops:
            if type(op) not in _ORDERING and type(op) not in _EQUALITY:
                raise ConditionError(f"the comparison {_OPERATOR_TEXT.get(type(op), '?')!r} is not "
                                     "allowed; use == != < <= > >=")
        left = self.check(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.check(right_node)
            if type(op) in _ORDERING:
                if left != NUMBER or right != NUMBER:
                    raise ConditionError("'<', '<=', '>' and '>=' compare numbers, not yes/no values")
            elif left != right:
                raise ConditionError(f"cannot compare a {left} value with a {right} value")
            left = right
        return BOOLEAN

    def _Call(self, node: ast.Call) -> str:
        if not isinstance(node.func, ast.Name):
            self.check(node.func)  # refuses what is called: an attribute, a lambda, ...
            raise ConditionError("only the functions " + ", ".join(FUNCTIONS) + " may be called")
        if node.func.id not in FUNCTIONS:
            raise ConditionError(f"calls to {node.func.id!r} are not allowed; the functions are "
                                 + ", ".join(FUNCTIONS))
        name = node.func.id
        _, least, most = FUNCTIONS[name]
        if node.keywords:
            raise ConditionError(f"{name}() takes no keyword arguments")
        if not least <= len(node.args) <= most:
            raise ConditionError(f"{name}() takes {least}" + (f" to {most}" if most > least else "")
                                 + f" arguments, not {len(node.args)}")
        for argument in node.args:
            self._expect(argument, NUMBER, f"{name}()")
        return NUMBER

    def _expect(self, node: ast.AST, wanted: str, where: str) -> None:
        found = self.check(node)
        if found != wanted:
            raise ConditionError(f"{where} needs a {wanted} value, not a {found} one")


_OPERATOR_TEXT = {
    ast.Mod: "%", ast.Pow: "**", ast.FloorDiv: "//", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.MatMult: "@",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}


def _describe_node(node: ast.AST) -> str:
    names = {
        "ListComp": "a comprehension", "SetComp": "a comprehension", "DictComp": "a comprehension",
        "GeneratorExp": "a generator", "List": "a list", "Tuple": "a tuple", "Dict": "a mapping",
        "Set": "a set", "JoinedStr": "an f-string", "Await": "'await'", "Yield": "'yield'",
        "YieldFrom": "'yield'", "Slice": "a slice",
    }
    return names.get(type(node).__name__, type(node).__name__)


#: What a condition's code may call and name besides the names it is given: nothing of Python's own.
_GLOBALS: dict[str, Any] = {"__builtins__": {}, **CONSTANTS, **{name: item[0] for name, item in FUNCTIONS.items()}}


def evaluate(condition: Condition, values: Mapping[str, Any]) -> bool:
    """Evaluate a checked condition; ``values`` maps names to numbers or booleans.

    A name missing from ``values`` raises Unavailable naming it; so does a division
    by zero. ``and`` and ``or`` stop early, as in the language they come from.
    """
    try:
        return bool(eval(condition.code, _GLOBALS, values))  # checked code (parse), with no builtins
    except NameError as missing:
        raise Unavailable(str(missing.name)) from None
    except ZeroDivisionError:
        raise Unavailable("division by zero") from None


def describe(condition: Condition, values: Mapping[str, Any], formats: Mapping[str, str]) -> str:
    """The condition with each name it reads replaced by its value, e.g. ``84.6 >= 85.0 - 2``.

    ``formats`` gives the text to show for a name; names without one stay as names. The
    template was made when the condition was parsed, so this is string work only.
    """
    parts = condition.template.split("\x00")
    # parts alternate: text, name, text, name, ..., text
    return "".join(part if index % 2 == 0 else formats.get(part, part) for index, part in enumerate(parts))


def _template(tree: ast.Expression) -> str:
    """The condition written out once, names marked for substitution, true/false as yes/no."""

    class Mark(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in CONSTANTS:
                return ast.Name(id="yes" if CONSTANTS[node.id] else "no")
            if node.id in FUNCTIONS:
                return node
            return ast.Name(id=f"\x00{node.id}\x00")

        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            if isinstance(node.value, bool):
                return ast.Name(id="yes" if node.value else "no")
            return node

    copy = ast.parse(ast.unparse(tree), mode="eval")
    return ast.unparse(Mark().visit(copy))
