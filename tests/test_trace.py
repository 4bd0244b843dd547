"""comply rules trace and the traceability lint: the source paragraph by paragraph, held to the pack."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.lint import lint
from compliance.packs import find_pack

from .conftest import MINI
from .test_packs import broken

TRACE = "traceability.yaml"


@pytest.fixture
def pack_copy(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(find_pack("ofsted-slac-2011"), target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a paragraph left out
        ('''  50:
    - says: "Partnership working is good and is well established at both strategic and operational levels"
      verdict: safeguarding.partnership
''', "", "traceability.yaml: paragraph 50 is not traced"),
        # a rule that is not in the pack
        ("strength: [SG-PART-LSCB-PLAN]", "strength: [SG-PART-LSCB-PLANS]",
         "traceability.yaml:{item}:7: no rule 'SG-PART-LSCB-PLANS' in pack ofsted-slac-2011 (did you mean "
         "'SG-PART-LSCB-PLAN'?)"),
        # a rule left out of the trace: traced nowhere, and its citation not matched
        ("strength: [SG-PART-LSCB-PLAN]", "context: no rule",
         "rules/2-safeguarding-leadership.yaml:{rule}:5: SG-PART-LSCB-PLAN is traced to no paragraph"),
        # listed under a paragraph it does not cite
        ("strength: [SG-PART-LSCB-PLAN]", "strength: [SG-PART-LSCB-PLAN, SG-SAFE-CRB]",
         "traceability.yaml:{item}:7: SG-SAFE-CRB does not cite para 53"),
        # a verdict of an unknown judgement
        ("verdict: safeguarding.partnership", "verdict: safeguarding.partners",
         "traceability.yaml:{item}:7: verdict: no judgement 'safeguarding.partners'"),
        # an item that is two things at once
        ("      strength: [SG-PART-LSCB-PLAN]\n", "      strength: [SG-PART-LSCB-PLAN]\n      context: also\n",
         "traceability.yaml:{item}:7: trace.53[2]: a mapping has too many properties"),
    ],
    ids=["missing-paragraph", "unknown-rule", "untraced-rule", "uncited-paragraph", "unknown-judgement", "two-kinds"],
)
def test_each_disagreement_is_a_lint_finding(pack_copy, old, new, expected):
    assert lint(pack_copy) == []
    broken(pack_copy, TRACE, old, new)
    found = [str(problem).removeprefix(f"{pack_copy}/") for problem in lint(pack_copy)]
    expected = expected.format(item=_line(pack_copy / TRACE, new.strip().splitlines()[0]) - 1 if new else 0,
                               rule=_line(pack_copy / "rules" / "2-safeguarding-leadership.yaml",
                                          "- id: SG-PART-LSCB-PLAN"))
    assert [line for line in found if line.startswith(expected)], found


def _line(path, text: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``text``."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_rules_trace_writes_the_table(tmp_path):
    out = tmp_path / "trace.md"
    result = CliRunner().invoke(main, ["rules", "trace", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "| 20 | Safeguarding outcomes for children and young people are adequate | verdict | the grade of " \
           "`safeguarding.safe`: never read by the pack |" in text
    assert "| 37 | there have been occasions when young people have been held in Police custody suites and in adult " \
           "in-patient wards | weakness | `SG-HEALTH-PLACE-OF-SAFETY` |" in text


def test_rules_trace_on_a_pack_without_one(tmp_path):
    result = CliRunner().invoke(main, ["rules", "trace", str(MINI)])
    assert result.exit_code == 2
    assert result.stderr == f"{MINI}: pack mini has no traceability.yaml\n"


def test_rules_trace_refuses_a_trace_out_of_step(pack_copy):
    broken(pack_copy, TRACE, "strength: [SG-PART-LSCB-PLAN]", "context: no rule")
    result = CliRunner().invoke(main, ["rules", "trace", str(pack_copy)])
    assert result.exit_code == 2 and "SG-PART-LSCB-PLAN is traced to no paragraph" in result.stderr
