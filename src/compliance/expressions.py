"""The condition language: small, typed, and evaluated without eval.

A condition such as ``value >= national - 2 and value > previous`` is parsed once, when
the pack loads, by Python's own parser (``ast``, expression mode). The tree is then
checked against the vocabulary below (anything else is refused with its position)
and type-checked, so that a pack mistake is a load-time error, not an authority's
missing evidence. Evaluation walks the checked tree.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Mapping
from typing import Any

from .model import Condition, Location

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

_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_ORDERING: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_EQUALITY: dict[type, Callable[[Any, Any], bool]] = {ast.Eq: operator.eq, ast.NotEq: operator.ne}
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
    return Condition(text, tree.body, frozenset(checker.names), location, _template(tree))


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
            hint = difflib.get_close_matches(node.id, list(self.types) + list(CONSTANTS), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConditionError(f"unknown name {node.id!r}{suggestion}")
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


def evaluate(condition: Condition, values: Mapping[str, Any]) -> bool:
    """Evaluate a checked condition; ``values`` maps names to numbers or booleans.

    A name missing from ``values`` raises Unavailable naming it; so does a division
    by zero. ``and`` and ``or`` stop early, as in the language they come from. The tree
    is compiled into nested closures the first time, so no node is inspected twice.
    """
    function = condition.__dict__.get("compiled")
    if function is None:
        function = _compile(condition.tree)
        object.__setattr__(condition, "compiled", function)  # a cache beside a frozen value
    return bool(function(values))


Compiled = Callable[[Mapping[str, Any]], Any]


def _compile(node: ast.AST) -> Compiled:
    """A function computing ``node``'s value from the names; parse() checked every node."""
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda values: constant
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            truth = CONSTANTS[node.id]
            return lambda values: truth
        name = node.id

        def lookup(values: Mapping[str, Any]) -> Any:
            try:
                return values[name]
            except KeyError:
                raise Unavailable(name) from None

        return lookup
    if isinstance(node, ast.Compare):
        operands = [_compile(item) for item in (node.left, *node.comparators)]
        tests = [_ORDERING.get(type(op)) or _EQUALITY[type(op)] for op in node.ops]
        if len(tests) == 1:
            left, right, test = operands[0], operands[1], tests[0]
            return lambda values: test(left(values), right(values))

        def chain(values: Mapping[str, Any]) -> bool:
            left = operands[0](values)
            for test, operand in zip(tests, operands[1:], strict=True):
                right = operand(values)
                if not test(left, right):
                    return False
                left = right
            return True

        return chain
    if isinstance(node, ast.BoolOp):
        parts = [_compile(value) for value in node.values]
        if isinstance(node.op, ast.Or):
            return lambda values: any(bool(part(values)) for part in parts)
        return lambda values: all(bool(part(values)) for part in parts)
    if isinstance(node, ast.BinOp):
        left, right, operation = _compile(node.left), _compile(node.right), _ARITHMETIC[type(node.op)]
        if isinstance(node.op, ast.Div):
            def divide(values: Mapping[str, Any]) -> Any:
                numerator, denominator = left(values), right(values)
                if denominator == 0:
                    raise Unavailable("division by zero")
                return numerator / denominator

            return divide
        return lambda values: operation(left(values), right(values))
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda values: not operand(values)
        if isinstance(node.op, ast.USub):
            return lambda values: -operand(values)
        return operand
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id][0]  # type: ignore[attr-defined]
        arguments = [_compile(argument) for argument in node.args]
        return lambda values: function(*(argument(values) for argument in arguments))
    raise AssertionError(f"unchecked node {type(node).__name__}")  # parse() refuses these


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
