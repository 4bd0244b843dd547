"""The command line: every command's arguments, parsed by click. Only this package imports click; the rules
group's commands are in rules.py.

Each command hands its arguments to the module it drives and returns the exit status. _Group.invoke
decides the exit status, once: the command's, or 2 for an InputError (with its problems) or Ctrl-C and
SIGTERM (saying which output files were written). _Command.invoke makes a BadValue a usage error of its
option, or of comply.yaml's line when the value came from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from .. import __version__, console
from .. import main as application
from ..outputs import Outputs
from ..problems import EXIT_ERROR, EXIT_OK, BadValue, InputError, Problem, shown
from .options import argument, option, output_options, pack_option


class _Command(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BadValue as error:
            if ctx.get_parameter_source(error.parameter) is ParameterSource.DEFAULT_MAP:
                from .. import config

                found = ctx.find_root().meta["config"]
                key = next(key for key, name in config.OPTIONS.items() if name == error.parameter)
                raise InputError([Problem(config.where(found, key), f"{key}: {error.message}")]) from None
            raise click.BadParameter(error.message, ctx=ctx, param_hint=error.option) from None


class _Group(click.Group):
    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.parent is not None:  # a group of commands (rules): the root decides
            return super().invoke(ctx)
        ctx.obj = Outputs()  # what the command writes
        status, said = EXIT_ERROR, []
        with application.stopping():
            try:
                status = super().invoke(ctx)
            except InputError as error:
                said = shown(error.problems)
            except KeyboardInterrupt:
                said = [application.interrupted(ctx.obj.written)]
        for line in said:
            console.err(line)
        ctx.exit(EXIT_ERROR if said else status or EXIT_OK)


_Group.group_class = _Group


def _files() -> Outputs:
    return click.get_current_context().find_root().obj  # type: ignore[no-any-return]


def _show(text: str) -> None:
    _files().show(text)


def _loaded(pack: str | None) -> Any:
    from ..runner import pack_for

    return pack_for(pack)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="comply")
@option("--debug", is_flag=True, hidden=True, help="Show a traceback for internal errors.")
@option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
        help="A project config file (default: comply.yaml here or in the nearest folder above).")
@click.pass_context
def main(context: click.Context, debug: bool, config_file: Path | None) -> None:
    """Check a children's services authority's metrics against an inspection framework's rules.

    \b
    Exit status: 0 all checked and no judgement at or worse than --fail-on;
    1 all checked and some judgement at or worse than it; 2 bad usage, or some
    input could not be checked.
    """
    if context.invoked_subcommand == "check":  # (--debug is read by main.run, before click)
        from .. import config
        found = config.found(config_file, Path.cwd())
        if found is not None:
            context.default_map = {"check": config.defaults(found)}
            context.meta["config"] = found


def _explicit_format() -> bool:
    return click.get_current_context().get_parameter_source("output_format") is not ParameterSource.DEFAULT


@main.command()
@argument("metrics", nargs=-1, required=True, metavar="METRICS...")
@pack_option
@output_options
@option("--fail-on", default="inadequate", show_default=True, metavar="GRADE|never",
        help="Exit 1 when a judgement is at this grade or worse.")
@option("--strict", is_flag=True, help="A metric that a rule reads and the file lacks is an error.")
@option("--only", multiple=True, metavar="ID",
        help="Check only this judgement (with the judgements it reads) or rule; repeatable.")
@option("--waivers", type=click.Path(dir_okay=False), metavar="FILE",
        help="A waivers file shared by the authorities checked.")
@option("--benchmarks", type=click.Path(dir_okay=False), metavar="FILE",
        help="A benchmarks file shared by the authorities checked (the metrics files' own win).")
@option("--record", type=click.Path(dir_okay=False), metavar="DB",
        help="Record every result in this history database (SQLite), and take previous and history "
             "from its earlier periods where a metrics file gives none.")
@option("--rank", metavar="JUDGEMENT", help="Order the comparison of several authorities by this judgement.")
@option("--progress/--no-progress", default=None,
        help="Show progress on standard error (default: for several files, on a terminal).")
def check(metrics: tuple[str, ...], **options: Any) -> int:
    """Grade METRICS files (or folders of them) against a rule pack."""
    return application.check(metrics, **options, explicit_format=_explicit_format(), files=_files(),
                             config=click.get_current_context().find_root().meta.get("config"))


@main.command()
@argument("result", metavar="RESULT.json", type=click.Path(dir_okay=False, path_type=Path))
@output_options
@option("--fail-on", default="never", show_default=True, metavar="GRADE|never",
        help="Exit 1 when a judgement in the result is at this grade or worse.")
def report(result: Path, **options: Any) -> int:
    """Render a saved JSON result again, in any format, without re-evaluating anything."""
    return application.report(result, **options, explicit_format=_explicit_format(), files=_files())


@main.command()
@pack_option
@option("--format", "output_format", type=click.Choice(["yaml", "xlsx"]), default=None,
        help="yaml (default), or an Excel workbook (xlsx: only to a file); -o FILE.xlsx implies xlsx.")
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
        help="Write the template to FILE instead of standard output.")
def template(pack: str | None, output_format: str | None, output: Path | None) -> None:
    """Print a metrics file to fill in: every metric with its unit, range and definition."""
    from ..template import render, render_xlsx

    wanted = output_format or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "yaml")
    if wanted == "xlsx" and output is None:
        raise click.UsageError("an xlsx template is binary: give -o FILE.xlsx", ctx=None)
    _write_or_print(render_xlsx if wanted == "xlsx" else render, pack, output)


def _write_or_print(make: Any, pack: str | None, output: Path | None) -> None:
    application.write_or_print(make, _loaded(pack), output, _files())


@main.command()
@argument("rule_id", metavar="RULE_ID|JUDGEMENT|INDICATOR")
@argument("metrics", metavar="METRICS")
@pack_option
def explain(rule_id: str, metrics: str, pack: str | None) -> None:
    """Why a rule (or a judgement) got its grade for METRICS, and how it flowed up the judgement tree."""
    from ..explain import explanation
    from ..runner import check_one

    _show(explanation(check_one(metrics, pack), rule_id))


@main.command()
@argument("metrics", metavar="METRICS")
@pack_option
def margins(metrics: str, pack: str | None) -> None:
    """How far each judgement of METRICS sits from the next grade, and which evidence would move it."""
    from ..margins import render
    from ..runner import check_one

    _show(render(check_one(metrics, pack)))


@main.command("import")
@argument("adapter", metavar="ADAPTER")
@argument("data", metavar="DATA", type=click.Path(exists=True, path_type=Path))
@option("--period", required=True, metavar="YYYY-YY", help="The financial year: 2010-11 is the year ending "
        "31 March 2011.")
@option("--authority", "authorities", multiple=True, metavar="CODE|NAME",
        help="An authority by ONS code, DfE number or name; repeatable (default: every authority). For an "
             "Annex A workbook, the authority's name.")
@option("--region", metavar="NAME", help="Every authority of this region (as the neighbour groupings name it).")
@option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
        help="The folder to write one metrics file per authority into.")
@pack_option
@option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
        help="Annex A: the reference date (default: 31 March of the period); the figures cover the 12 months "
             "ending on it.")
@option("--children", "children", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv",
        help="Annex A: also list the children behind each shortfall, for your own audit, in this CSV file "
             "(never in the metrics file, a report or history).")
def import_(adapter: str, data: Path, period: str, authorities: tuple[str, ...], region: str | None, output: Path,
            pack: str | None, as_of: Any, children: Path | None) -> None:
    """Write metrics files from published statistics (DATA is a folder of tables), through one of the
    pack's adapters; or from the authority's Annex A workbook (DATA is an .xlsx file), through the
    pack's derivations (comply import annex-a Annex_A.xlsx --period 2024-25 --authority NAME -o DIR)."""
    from .. import imports

    console.err(imports.metrics_files(adapter, data, period, authorities, region, output, pack,
                                      as_of.date() if as_of else None, children, _files()))


@main.command()
@option("--db", "database", required=True, type=click.Path(dir_okay=False, exists=True), metavar="DB",
        help="The history database that comply check --record wrote.")
@option("--authority", metavar="NAME", help="One authority, by name or code (default: every one).")
@option("--metric", "metrics", multiple=True, metavar="ID", help="Also show this metric's values; repeatable.")
@option("--format", "output_format", type=click.Choice(["table", "markdown", "csv", "json"]),
        default="table", show_default=True)
def history(database: str, authority: str | None, metrics: tuple[str, ...], output_format: str) -> None:
    """Judgement grades across recorded periods, with changes marked, and chosen metrics' values."""
    application.history(database, authority, metrics, output_format, _files())


def say_bad_value(arguments: list[str], error: BadValue) -> NoReturn:
    """Say a usage error that main's quick path met, as click's path says it: click reads the same arguments and
    the check command raises the error where it would have run, without checking again."""
    def raised(**options: Any) -> NoReturn:
        raise error

    check.callback = raised
    main.main(args=arguments, standalone_mode=True)
    raise AssertionError("click exits")  # main.main exits with the usage error's status


from .rules import rules  # noqa: E402 - the rules group's commands, which use the helpers above

main.add_command(rules)
