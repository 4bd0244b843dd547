"""Records (records.py): the model's frozen dataclasses with methods written ahead, current and alike."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from compliance import model, problems
from compliance.records_written import WRITTEN

RECORDS = [cls for module in (problems, model) for cls in vars(module).values()
           if isinstance(cls, type) and cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls)]


def test_every_record_has_the_methods_written_for_it():
    stale = [cls.__qualname__ for cls in RECORDS if WRITTEN.get(cls.__qualname__, ("", {}))[1].get("__init__")
             is not cls.__init__]
    assert stale == [], "a record's declaration changed: run python tools/generate_records.py"
    assert len(RECORDS) >= 25


def reference(cls: type) -> type:
    """The class as dataclass itself makes it, from the same declaration."""
    fields = [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
              for f in dataclasses.fields(cls)]
    order = cls.__qualname__ in ("Location", "Problem")
    return dataclasses.make_dataclass(cls.__qualname__, fields, frozen=True, order=order)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__qualname__)
def test_a_record_takes_the_arguments_its_dataclass_would(cls):
    def given(signature: inspect.Signature) -> list[tuple[str, bool]]:
        return [(name, item.default is inspect.Parameter.empty) for name, item in signature.parameters.items()]

    assert given(inspect.signature(cls)) == given(inspect.signature(reference(cls)))
    made = cls(*[object() for parameter in inspect.signature(cls).parameters.values()
                 if parameter.default is inspect.Parameter.empty])
    assert dataclasses.asdict(made).keys() == {field.name for field in dataclasses.fields(reference(cls))}


SAMPLES = [
    (problems.Location, ("a.yaml", 3, 4), ("a.yaml", 3, 5)),
    (problems.Problem, (problems.Location("a.yaml"), "wrong"), (problems.Location("a.yaml"), "worse", "X")),
    (model.Grade, ("good", "Good", 2), ("good", "Good", 3)),
    (model.Metric, ("m", "M", model.Unit.COUNT, model.Polarity.HIGHER_BETTER, "d"),
     ("m", "M", model.Unit.COUNT, model.Polarity.HIGHER_BETTER, "d", 0, 10)),
    (model.JudgementResult, (None, None, "basis"), (None, None, "basis", None, (), model.JudgementKind.ESTIMATED)),
]


@pytest.mark.parametrize(("cls", "one", "other"), SAMPLES, ids=lambda v: v.__qualname__ if isinstance(v, type) else "")
def test_a_record_behaves_as_its_dataclass(cls, one, other):
    like = reference(cls)
    a, b, same = cls(*one), cls(*other), cls(*one)
    ra, rb = like(*one), like(*other)
    assert repr(a) == repr(ra) and repr(b) == repr(rb)
    assert (a == same, a == b, a != b) == (True, False, True)
    assert a != ra  # another class, as between two dataclasses
    if all(not isinstance(value, dict) for value in dataclasses.astuple(a)):
        assert hash(a) == hash(same)
    if cls in (problems.Location, problems.Problem):
        assert (a < b, a <= b, a > b, a >= b) == (ra < rb, ra <= rb, ra > rb, ra >= rb)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        del a.x
    first = dataclasses.fields(a)[0].name
    assert dataclasses.replace(a, **{first: getattr(b, first)}) == cls(**{**vars(a), first: getattr(b, first)})
    assert dataclasses.asdict(a) == dataclasses.asdict(ra)
    assert pickle.loads(pickle.dumps(a)) == a


def test_a_default_factory_gives_each_record_its_own():
    first = model.Metric("m", "M", model.Unit.COUNT, model.Polarity.BAND, "d")
    second = model.Metric("n", "N", model.Unit.COUNT, model.Polarity.BAND, "d")
    assert first.defaults == {} and first.defaults is not second.defaults
    assert "defaults" not in vars(model.Metric)
