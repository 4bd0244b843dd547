"""Strict YAML: what is refused, where, and what is kept."""

from __future__ import annotations

import pytest

from compliance.loader import MAX_VALUES, read_yaml
from compliance.model import InputError


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at line 1)"),
        ("a: yes\n", None, None, None),  # kept, and flagged for the caller to judge
        ("a: 1:30\n", 1, 4, "base-60"),
        ("a: 012\n", 1, 4, "leading zero"),
        ("a: 0x1F\n", 1, 4, "hexadecimal"),
        ("a: 1_000\n", 1, 4, "'_' between digits"),
        ("a: .inf\n", 1, 4, "non-finite"),
        ("a: -.INF\n", 1, 4, "non-finite"),
        ("a: .nan\n", 1, 4, "non-finite"),
        ("a: 1e999\n", 1, 4, "too large"),
        ("a: !!python/object:os.system x\n", 1, 4, "tag '!!python/object:os.system' is not allowed"),
        ("a: !custom x\n", 1, 4, "tag '!custom' is not allowed"),
        ("a: &x [*x]\n", 1, 4, "alias refers to a value that contains it"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", 3, 3, "merge keys"),
        ("? [1, 2]\n: x\n", 1, 3, "a key must be plain text"),
        ("a: [1, 2\n", 2, 1, "invalid YAML"),
        ("a: b: c\n", 1, 5, "invalid YAML: mapping values are not allowed"),
        ("a: 'x\n", 2, 1, "invalid YAML"),
        ("a:\n\t- 1\n", 2, 1, "invalid YAML"),
        ("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"),
        ("", 1, 1, "the file is empty"),
        ("# only a comment\n", 1, 1, "the file is empty"),
    ],
    ids=lambda v: v if isinstance(v, str) and "\n" not in v and len(v) < 30 else None,
)
def test_refused_yaml(write, text, line, column, message):
    path = write("f.yaml", text)
    if message is None:
        assert read_yaml(path).yaml11_booleans == {("a",): "yes"}
        return
    with pytest.raises(InputError) as raised:
        read_yaml(path)
    problem = raised.value.problems[0]
    assert message in problem.message
    assert (problem.location.line, problem.location.column) == (line, column)
    assert problem.location.path == str(path)


@pytest.mark.parametrize(
    ("raw", "where", "message"),
    [
        (b"a: \xff\n", (1, 4), "not UTF-8 text (byte 0xff)"),
        (b"a: 1\nb: \x00\n", (2, 4), "binary"),
        (b"\xff\xfea\x00:\x00", (1, 1), "UTF-16"),
    ],
    ids=["latin-1", "nul-byte", "utf-16"],
)
def test_refused_bytes(write, raw, where, message):
    with pytest.raises(InputError) as raised:
        read_yaml(write("f.yaml", raw))
    problem = raised.value.problems[0]
    assert message in problem.message
    assert (problem.location.line, problem.location.column) == where


def test_every_problem_in_a_file_is_reported(write):
    with pytest.raises(InputError) as raised:
        read_yaml(write("f.yaml", "a: 1\na: 2\nb: .nan\nc: 1:00\n"))
    assert [p.location.line for p in raised.value.problems] == [2, 3, 4]


def test_alias_expansion_is_bounded(write):
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        previous = "a" if level == 1 else f"l{level - 1}"
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(InputError) as raised:
        read_yaml(write("bomb.yaml", "\n".join(lines) + "\n"))
    assert f"more than {MAX_VALUES} values" in raised.value.problems[0].message


def test_deep_nesting_is_refused(write):
    with pytest.raises(InputError) as raised:
        read_yaml(write("deep.yaml", "a: " + "[" * 200 + "]" * 200 + "\n"))
    assert "nested" in raised.value.problems[0].message


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as raised:
        read_yaml(tmp_path / "absent.yaml")
    assert raised.value.problems[0].message == "no such file"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: 1\n", 1),
        ("a: -2.5\n", -2.5),
        ("a: 1e3\n", 1000.0),
        ("a: 0\n", 0),
        ("a: 0.5\n", 0.5),
        ("a: true\n", True),
        ("a: False\n", False),
        ("a: ~\n", None),
        ("a:\n", None),
        ("a: '012'\n", "012"),
        ("a: \"yes\"\n", "yes"),
        ("a: !!str 1:30\n", "1:30"),
        ("a: 2011-08-12\n", "2011-08-12"),
        ("a: E06000021\n", "E06000021"),
        ("\ufeffa: 1\n", 1),
    ],
)
def test_values_kept_as_written(write, text, value):
    data = read_yaml(write("f.yaml", text)).data
    assert data == {"a": value}
    assert type(data["a"]) is type(value)


def test_marks_point_at_values_and_keys(write):
    document = read_yaml(write("f.yaml", "top:\n  inner: [10, 20]\n"))
    assert (document.where(("top", "inner", 1)).line, document.where(("top", "inner", 1)).column) == (2, 15)
    assert document.where_key(("top", "inner")).column == 3
    assert document.where(("top", "absent", 3)).line == 2  # nearest ancestor: the mapping under top
