"""Pack loading: every problem of a broken pack is found, at its file and line."""

from __future__ import annotations

import pytest

from compliance.model import InputError
from compliance.packs import bundled_packs, find_pack, load_pack


def broken(pack, file: str, old: str, new: str):
    path = pack / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


BROKEN_PACKS = [
    ("rules/rules.yaml", "judgement: lac.health", "judgement: lac.helth", 4,
     "HEALTH: unknown judgement 'lac.helth' (did you mean 'lac.health'?)"),
    ("rules/rules.yaml", "metric: health_check_pct", "metric: health_pct", 5,
     "HEALTH: unknown metric 'health_pct' (did you mean 'health_check_pct'?)"),
    ("rules/rules.yaml", "      outstanding: value >= national + 5", "      superb: value >= 1", 7,
     "HEALTH: 'superb' is not a grade of the scale"),
    ("rules/rules.yaml", "otherwise: inadequate", "otherwise: dreadful", 10,
     "HEALTH: otherwise 'dreadful' is not a grade of the scale"),
    ("rules/rules.yaml", "value >= national + 5", "value.__class__ >= 1", 7,
     "HEALTH: attribute access is not allowed"),
    ("rules/rules.yaml", "value >= national + 5", "open('x') > 1", 7,
     "HEALTH: calls to 'open' are not allowed"),
    ("rules/rules.yaml", "value >= national + 5", "value >= natonal", 7,
     "HEALTH: unknown name 'natonal' (did you mean 'national'?)"),
    ("rules/rules.yaml", "cites: [5, 6]", "cites: [5, 21]", 13,
     "HEALTH: cites paragraph 21, but the source has paragraphs 1-20"),
    ("rules/rules.yaml", "cites: [5, 6]", "cites: [other:5]", 13, "cites unknown source 'other'"),
    ("rules/rules.yaml", "  - id: DENTAL", "  - id: HEALTH", 14, "duplicate rule id 'HEALTH'"),
    ("rules/rules.yaml", "    recommendation: Make health assessments timely.\n", "", 11,
     "HEALTH: a timescale needs a recommendation"),
    ("rules/rules.yaml", "timescale: within three months", "timescale: soon", 11,
     "timescale: 'soon' is not one of: immediately, within three months, within six months"),
    ("rules/rules.yaml", "    cites: [5, 6]\n", "", 2, "is missing the required key 'cites'"),
    ("rules/rules.yaml", "    limiting: true", "    limiting: yes", 30, "'yes' is a YAML 1.1 boolean"),
    ("rules/rules.yaml", "    limiting: true", "    limitng: true", 30,
     "unknown key 'limitng' in rules[3] (did you mean 'limiting'?)"),
    ("rules/rules.yaml", "      good: value\n", "      good: value + 1\n", 28,
     "POLICE: arithmetic needs a number value, not a yes/no one"),
    ("pack.yaml", "limited_by: [safe.provision]", "limited_by: [safe.overall]", 14,
     "judgements form a cycle: safe.overall -> safe.overall"),
    ("pack.yaml", "inputs: [safe.safety, safe.provision]", "inputs: [safe.safety, safe.provisions]", 16,
     "inputs: unknown judgement 'safe.provisions' (did you mean 'safe.provision'?)"),
    ("pack.yaml", "method: worst", "method: average", 23, "'average' is not one of: best_fit, worst"),
    ("pack.yaml", "version: 0.1.0", "version: one", 3, "version is MAJOR.MINOR.PATCH"),
    ("pack.yaml", "recommend_below: good", "recommend_below: fine", 10,
     "recommend_below: 'fine' is not a grade of the scale"),
    ("metrics.yaml", "unit: percent", "unit: percentage", 4,
     "'percentage' is not one of: percent, count, rate, days, number, boolean (did you mean 'percent'?)"),
    ("metrics.yaml", "  caseload:", "  Caseload:", 19, "a metric id is snake_case"),
    ("metrics.yaml", "  children:", "  value:", 24, "'value' is a reserved name"),
]


@pytest.mark.parametrize(("file", "old", "new", "line", "message"), BROKEN_PACKS,
                         ids=[case[-1] for case in BROKEN_PACKS])
def test_broken_pack_is_refused_at_the_line(mini_copy, file, old, new, line, message):
    broken(mini_copy, file, old, new)
    with pytest.raises(InputError) as raised:
        load_pack(str(mini_copy))
    matching = [p for p in raised.value.problems if message in str(p)]
    assert matching, [str(p) for p in raised.value.problems]
    assert matching[0].location.path == str(mini_copy / file)
    assert matching[0].location.line == line


def test_a_cycle_through_two_judgements(mini_copy):
    broken(mini_copy, "pack.yaml", "      - id: safe.safety\n        title: Children are safe\n",
           "      - id: safe.safety\n        title: Children are safe\n        inputs: [safe.overall]\n")
    with pytest.raises(InputError) as raised:
        load_pack(str(mini_copy))
    assert any("cycle: safe.overall -> safe.safety -> safe.overall" in str(p) for p in raised.value.problems)


def test_all_problems_of_a_pack_are_reported_together(mini_copy):
    broken(mini_copy, "rules/rules.yaml", "judgement: lac.health", "judgement: nowhere")
    broken(mini_copy, "rules/rules.yaml", "cites: [7]", "cites: [70]")
    with pytest.raises(InputError) as raised:
        load_pack(str(mini_copy))
    assert len(raised.value.problems) == 2


def test_not_a_pack(tmp_path):
    with pytest.raises(InputError) as raised:
        load_pack(str(tmp_path))
    assert "there is no pack.yaml" in raised.value.problems[0].message


def test_unknown_pack_reference_names_the_bundled_ones():
    with pytest.raises(InputError) as raised:
        find_pack("no-such-pack")
    assert "nor a bundled pack (ofsted-ilacs, ofsted-slac-2011)" in raised.value.problems[0].message


def test_the_bundled_pack_is_found():
    assert "ofsted-slac-2011" in bundled_packs()
    assert (find_pack(None) / "pack.yaml").is_file()


def test_rules_test_on_a_family_runs_every_versions_cases():
    from click.testing import CliRunner

    from compliance.cli import main
    from compliance.packs import bundled_root
    from compliance.packtests import load_cases
    from compliance.runner import pack_for

    result = CliRunner().invoke(main, ["rules", "test", "ofsted-ilacs"])
    assert result.exit_code == 0, result.output
    versions = sorted(p.name for p in (bundled_root() / "ofsted-ilacs").iterdir() if (p / "pack.yaml").is_file())
    counts = {version: len(load_cases(pack_for(f"ofsted-ilacs/{version}"))) for version in versions}
    lines = result.stdout.splitlines()
    assert lines[:-1] == [f"ofsted-ilacs/{version}: {count} passed, 0 failed" for version, count in counts.items()]
    assert lines[-1] == f"{len(versions)} versions: {sum(counts.values())} passed, 0 failed"
    assert counts["2018"] > 100
