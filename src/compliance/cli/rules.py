"""comply rules: browse, document, lint and test a pack."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import EXIT_FINDINGS, EXIT_OK
from . import _Group, _loaded, _show, _write_or_print
from .options import argument, option, pack_option


@click.group(cls=_Group)
def rules() -> None:
    """Browse a rule pack."""


@rules.command("list")
@argument("pack", required=False, metavar="[PACK]")
@option("--pack", "pack_option", metavar="PATH|ID", help="The pack, as for rules show (or give it as PACK).")
def rules_list(pack: str | None, pack_option: str | None) -> None:
    """List the rules of PACK (a folder or bundled id; default ofsted-slac-2011)."""
    from ..packdoc import rule_list

    _show(rule_list(_loaded(pack or pack_option)))


@rules.command("show")
@argument("rule_id", metavar="RULE_ID|JUDGEMENT_ID")
@pack_option
def rules_show(rule_id: str, pack: str | None) -> None:
    """Show one rule (bands, metric, recommendation, citation) or one judgement (inputs, limits and their sources)."""
    from ..packdoc import shown as shown_in_pack

    _show(shown_in_pack(_loaded(pack), rule_id))


@rules.command("doc")
@argument("pack", required=False, metavar="[PACK]")
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
        help="Write the catalogue to FILE instead of standard output.")
def rules_doc(pack: str | None, output: Path | None) -> None:
    """Write PACK's Markdown catalogue: judgement tree, every rule, the metric catalogue."""
    from ..packdoc import render

    _write_or_print(render, pack, output)


@rules.command("trace")
@argument("pack", required=False, metavar="[PACK]")
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
        help="Write the table to FILE instead of standard output.")
def rules_trace(pack: str | None, output: Path | None) -> None:
    """Write PACK's source paragraph by paragraph, with the rules that encode what each says."""
    from ..trace import document

    _write_or_print(document, pack, output)


@rules.command("lint")
@argument("pack", required=False, metavar="[PACK]")
def rules_lint(pack: str | None) -> int:
    """Check PACK for mistakes: exit 1 if there are any, 0 if it is clean."""
    from ..lint import lint, report
    from ..packs import find_pack

    findings = lint(find_pack(pack))
    _show(report(findings))
    return EXIT_FINDINGS if findings else EXIT_OK


@rules.command("test")
@argument("pack", required=False, metavar="[PACK]")
def rules_test(pack: str | None) -> int:
    """Run PACK's own test cases (tests/*.yaml): exit 1 if any fails. A family (ofsted-ilacs) runs every
    version's, each under its name, then the total."""
    from ..packs import family_versions, find_pack
    from ..packtests import run_all

    versions = family_versions(pack)
    if not versions:
        text, failed, _ = run_all(_loaded(str(find_pack(pack))))
        _show(text)
        return EXIT_FINDINGS if failed else EXIT_OK
    parts, failed, total = [], 0, 0
    for version in versions:
        text, failed_here, cases = run_all(_loaded(str(version)))
        parts.append(f"{pack}/{version.name}: {text}")
        failed += failed_here
        total += cases
    _show("".join(parts) + f"{len(versions)} versions: {total - failed} passed, {failed} failed\n")
    return EXIT_FINDINGS if failed else EXIT_OK
