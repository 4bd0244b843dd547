"""Frozen dataclasses whose methods were written ahead of time, so importing the model compiles none.

``@record(frozen=True)`` declares a class as ``@dataclass(frozen=True)`` would (and mypy checks it as
one). ``dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and
frozen ``__setattr__`` as source and compiles it whenever the module is imported: for the model's
25 classes, a sixth of a check's time. tools/generate_records.py writes the same methods into
records_written.py once, where Python's import caches their compiled code; ``record`` attaches them.
A record is a dataclass to the rest of Python (dataclasses.fields, replace and asdict take it). A
class whose declaration no longer matches what was written (a field added, a default changed) is
made by ``dataclass`` itself, correct but slower, and a test says to run the tool again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

Class = TypeVar("Class", bound=type)

if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:
    def record(*, frozen: bool, order: bool = False) -> Callable[[Class], Class]:
        """The class with its written methods, or made by dataclass when they do not match it."""
        def make(cls: Class) -> Class:
            from .records_written import WRITTEN

            written = WRITTEN.get(cls.__qualname__)
            if not frozen or written is None or written[0] != declaration(cls, order):
                return dataclasses.dataclass(frozen=frozen, order=order)(cls)
            for name, method in written[1].items():
                setattr(cls, name, method)
            cls.__dataclass_fields__ = _fields(cls)
            cls.__match_args__ = tuple(cls.__dataclass_fields__)
            return cls

        return make


def _fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The class's fields as dataclass describes them, so dataclasses.fields, replace and asdict take a record."""
    fields = {}
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        value = cls.__dict__.get(name, dataclasses.MISSING)
        field = value if isinstance(value, dataclasses.Field) else dataclasses.field(default=value)
        if isinstance(value, dataclasses.Field):
            delattr(cls, name)  # a default_factory: __init__ makes the value, as dataclass leaves it
        field.name, field.type = name, annotation
        field._field_type = dataclasses._FIELD  # type: ignore[attr-defined,union-attr]  # how dataclass marks a field
        fields[name] = field
    return fields


def declaration(cls: type, order: bool) -> str:
    """What a class declares, as text: whether it is ordered, and each field with its type and default."""
    def default(value: Any) -> str:
        if isinstance(value, dataclasses.Field):
            return f"factory {value.default_factory.__name__}"  # type: ignore[union-attr]
        return f"= {value!r}"

    return declared(order, [(name, annotation, default(cls.__dict__[name]) if name in cls.__dict__ else "")
                            for name, annotation in cls.__dict__.get("__annotations__", {}).items()])


def declared(order: bool, fields: list[tuple[str, str, str]]) -> str:
    """The text of a declaration: each field's name, type and default ('= 0', 'factory dict' or '')."""
    return f"order={order}; " + "; ".join(f"{name}: {annotation} {default}".rstrip() for name, annotation, default
                                          in fields)
