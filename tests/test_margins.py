"""comply margins: how far each judgement sits from the next grade, on the mini pack's known cases."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.margins import AT_END, OUT_OF_REACH, Shift, margins
from compliance.runner import check

from .conftest import MINI


@pytest.fixture(scope="module")
def found():
    run = check([str(MINI / "good.yaml")], pack=str(MINI))
    return {margin.judgement.id: margin for margin in margins(run.results[0])}


def steps(shift: Shift | str) -> int | str:
    return shift.steps if isinstance(shift, Shift) else shift


@pytest.mark.parametrize(
    ("judgement", "grade", "worse", "better"),
    [
        # two rules at Good, best fit: either one worse ties to the worse grade; Outstanding needs both
        ("lac.health", "good", 1, OUT_OF_REACH),
        # one yes/no rule, Good or Inadequate: two steps down, nothing above Good
        ("safe.safety", "good", 2, OUT_OF_REACH),
        ("safe.provision", "good", 1, OUT_OF_REACH),
        # provision one grade worse (its own margin, 1 step) lowers overall, as an input and a limit
        ("safe.overall", "good", 1, OUT_OF_REACH),
    ],
)
def test_margins_of_the_mini_pack(found, judgement, grade, worse, better):
    margin = found[judgement]
    assert (margin.grade.id, steps(margin.worse), steps(margin.better)) == (grade, worse, better)


def test_a_margin_names_the_evidence_that_would_move_it(found):
    shift = found["lac.health"].worse
    assert isinstance(shift, Shift)
    assert shift.alike == (("HEALTH", "DENTAL"),)  # either rule would do, in the pack's order
    overall = found["safe.overall"].worse
    assert isinstance(overall, Shift) and [move.unit for move in overall.moves] == ["safe.provision"]


def test_the_worst_grade_has_no_worse(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("authority: T\nperiod: 2010-11\nmetrics:\n  police_attend: no\n")
    run = check([str(path)], pack=str(MINI))
    safety = next(m for m in margins(run.results[0]) if m.judgement.id == "safe.safety")
    assert (safety.grade.id, safety.worse) == ("inadequate", AT_END)
    assert steps(safety.better) == 2  # the yes/no rule back to Good


def test_comply_margins_prints_a_table():
    result = CliRunner().invoke(main, ["margins", str(MINI / "good.yaml"), "--pack", str(MINI)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| section | judgement | grade | worse after | which evidence |")
    assert "| Services for looked after children | Being healthy | Good | 1 step | any 1 of `HEALTH`, `DENTAL`: " \
           "Good to Adequate | - | out of reach of its inputs' grades |" in result.stdout
