"""What a file within the documented limits can cost: a mistake made 100,000 times is shown a
hundred times, and the did-you-mean search (the costly part of a problem) runs only for the
problems shown. Counted, never timed: benchmarks/run.py measures the time (benchmarks/README.md)."""

from __future__ import annotations

import difflib

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.problems import MAX_SHOWN

from .conftest import MINI, ROOT

GOOD = MINI / "good.yaml"
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
MANY = 5000


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def header(lines: list[str]) -> str:
    return "authority: Testshire\nperiod: 2010-11\n" + "\n".join(lines) + "\n"


# a file that makes one mistake MANY times -> the option that reads it, and what each problem says
MISTAKES = {
    "unknown-metrics": ("metrics.yaml", None, header(["metrics:", *[f"  dentl_pct_{i}: 1" for i in range(MANY)]]),
                        "unknown metric 'dentl_pct_0' for pack mini (did you mean 'dental_pct'?)"),
    "unknown-top-level-keys": ("metrics.yaml", None,
                               header(["metrics: {}", *[f"authorty_{i}: x" for i in range(MANY)]]),
                               "unknown key 'authorty_0' (did you mean 'authority'?)"),
    "unknown-long-form-keys": ("metrics.yaml", None, header(["metrics:", "  dental_pct:", "    value: 5",
                                                              *[f"    nationl_{i}: 1" for i in range(MANY)]]),
                               "unknown key 'nationl_0' in metrics.dental_pct (did you mean 'national'?)"),
    "unknown-benchmark-metrics": ("benchmarks.yaml", "--benchmarks",
                                  "period: 2010-11\nmetrics:\n" + "".join(f"  dentl_{i}: {{national: 1}}\n"
                                                                          for i in range(MANY)),
                                  "unknown metric 'dentl_0' for pack mini (did you mean 'dental_pct'?)"),
    "waivers-of-unknown-rules": ("waivers.yaml", "--waivers",
                                 "waivers:\n" + "".join(f"  - {{rule: HEALTHY{i}, reason: r, agreed_by: a, "
                                                        "expires: 2030-01-01}\n" for i in range(MANY)),
                                 "waives unknown rule 'HEALTHY0' of pack mini (did you mean 'HEALTH'?)"),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_a_mistake_made_thousands_of_times_is_shown_a_hundred_times_and_searched_as_often(tmp_path, monkeypatch,
                                                                                         case):
    name, option, text, first = MISTAKES[case]
    path = tmp_path / name
    path.write_text(text)
    searches = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *args, **kwargs: searches.append(1) or real(*args,
                                                                                                        **kwargs))
    arguments = ["check", path] if option is None else ["check", GOOD, option, path]
    result = comply(*arguments, "--pack", MINI)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert len(lines) == MAX_SHOWN + 1
    assert first in lines[0]
    assert lines[-1] == f"{path}: {MANY - MAX_SHOWN} more problems not shown (the first {MAX_SHOWN} are above)"
    assert len(searches) <= MAX_SHOWN + 5


def test_rules_lint_shows_a_hundred_findings_and_counts_them_all(mini_copy):
    rules = mini_copy / "rules" / "rules.yaml"
    rules.write_text(rules.read_text() + "".join(
        f"  - {{id: EXTRA-{i}, title: T, judgement: lac.healthy, metric: dental_pct, bands: {{good: value > 1}}, "
        f"otherwise: adequate, cites: [1]}}\n" for i in range(300)))
    result = comply("rules", "lint", mini_copy)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert len(lines) == MAX_SHOWN + 2
    assert lines[-2] == f"{rules}: 200 more problems not shown (the first {MAX_SHOWN} are above)"
    assert lines[-1] == "300 problems found"


@pytest.mark.parametrize("kept", [0, 2, 10])
def test_the_spool_reads_like_a_list(monkeypatch, kept):
    from compliance import spool as module
    from compliance.spool import Spool

    monkeypatch.setattr(module, "KEPT", kept)
    spool = Spool()
    documents = [{"authority": f"A{number}", "findings": list(range(number))} for number in range(5)]
    for document in documents:
        spool.append(document)
    assert len(spool) == 5 and spool[3] == documents[3] and spool[-1] == documents[4]
    assert [(a["authority"], b["authority"]) for a in spool for b in spool][:6] == [
        ("A0", "A0"), ("A0", "A1"), ("A0", "A2"), ("A0", "A3"), ("A0", "A4"), ("A1", "A0")]  # two readers at once
    spool.close()


def peak_memory_of_a_regional_run(tmp_path, monkeypatch, authorities: int, output_format: str) -> int:
    import gc
    import tracemalloc

    folder = tmp_path / f"region-{authorities}-{output_format}"
    folder.mkdir()
    text = STOKE.read_text()  # a real authority's result: about 400 KB in memory
    for number in range(authorities):
        (folder / f"a{number:04d}.yaml").write_text(text.replace("Stoke-on-Trent", f"Authority {number}"))
    monkeypatch.setenv("COMPLY_WORKERS", "1")  # in this process, where tracemalloc sees it
    monkeypatch.setattr("compliance.spool.KEPT", 2)  # as for a run past the hundreds kept in memory
    comply("check", folder, "-q", "--format", output_format, "-o", tmp_path / "warm.out")
    gc.collect()
    tracemalloc.start()
    try:
        result = comply("check", folder, "-q", "--format", output_format, "-o", tmp_path / "out")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert result.exit_code == 1, result.stderr  # Stoke has an inadequate judgement


@pytest.mark.parametrize("output_format", ["json", "markdown"])
def test_a_regional_run_holds_one_authority_at_a_time(tmp_path, monkeypatch, output_format):
    """Fifteen authorities more cost far less than one more result in memory (about 130 KB each when a run held
    them all): results are spooled to disk and output is written an authority at a time."""
    small = peak_memory_of_a_regional_run(tmp_path, monkeypatch, 5, output_format)
    large = peak_memory_of_a_regional_run(tmp_path, monkeypatch, 20, output_format)
    assert (large - small) / 15 < 50_000, (small, large)
