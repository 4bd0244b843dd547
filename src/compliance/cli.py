"""The command line: ``comply check``, ``template``, ``rules``. Only this module imports click."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from . import __version__
from .problems import InputError, Location, Problem, shown  # light: --help does not import the model

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class InputFailed(click.ClickException):
    """Inputs could not be used: their problems are printed one a line, then exit 2."""

    exit_code = EXIT_ERROR

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("")
        self.problems = problems

    def show(self, file: Any = None) -> None:
        for line in shown(self.problems):
            click.echo(line, err=True)


class Interrupted(click.ClickException):
    """Ctrl-C or SIGTERM: not everything was done, so exit 2; says which output files were written.

    A file being written when it came is left as it was (outputs.write removes its temporary file).
    """

    exit_code = EXIT_ERROR

    def __init__(self, written: list[Path]) -> None:
        super().__init__("interrupted")
        self.written = written

    def show(self, file: Any = None) -> None:
        if not self.written:
            click.echo("comply: interrupted; no output file was changed", err=True)
        else:
            click.echo(f"comply: interrupted; wrote {', '.join(map(str, self.written))}; "
                       "no other output file was changed", err=True)


#: Signals that stop a run as Ctrl-C does, so that it cleans up and says what it wrote.
STOPPING = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        ctx.obj = {"written": []}  # each output file, as it lands
        previous = {number: signal.signal(number, signal.default_int_handler) for number in STOPPING}
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted(ctx.obj["written"]) from None
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def _fail(problems: list[Problem]) -> NoReturn:
    raise InputFailed(problems)


class _RefusesEmpty(click.Parameter):
    """A parameter that refuses an empty or blank value, which names no file, pack, grade or id.

    (An empty path is the current folder to Python, and an empty pack the default one.)
    """

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        values = value if isinstance(value, (tuple, list)) else (value,)
        if any(isinstance(item, str) and not item.strip() for item in values):
            raise click.BadParameter("the value is empty", ctx=ctx, param=self)
        return super().process_value(ctx, value)


class _Option(_RefusesEmpty, click.Option):
    pass


class _Argument(_RefusesEmpty, click.Argument):
    pass


_option = partial(click.option, cls=_Option)
_argument = partial(click.argument, cls=_Argument)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="comply")
@_option("--debug", is_flag=True, hidden=True, help="Show a traceback for internal errors.")
@_option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
         help="A project config file (default: comply.yaml here or in the nearest folder above).")
@click.pass_context
def main(context: click.Context, debug: bool, config_file: Path | None) -> None:
    """Check a children's services authority's metrics against an inspection framework's rules.

    \b
    Exit status: 0 all checked and no judgement at or worse than --fail-on;
    1 all checked and some judgement at or worse than it; 2 bad usage, or some
    input could not be checked.
    """
    if context.invoked_subcommand == "check":
        from . import config

        found = config_file or config.find(Path.cwd())
        if found is not None:
            if not found.is_file():
                _fail([Problem(Location(str(found)), "no such config file")])
            try:
                context.default_map = {"check": config.defaults(found)}
            except InputError as error:
                _fail(error.problems)
            context.obj["config"] = found


def _pack_option(function: Any) -> Any:
    return _option("--pack", "pack", metavar="PATH|ID",
                   help="A pack folder or a bundled pack's id. Default: the pack the metrics "
                        "file names, else ofsted-slac-2011.")(function)


def _output_options(function: Any) -> Any:
    """--format, -o, --table-format and --quiet, shared by check and report."""
    from .report import FORMATS

    options = [
        _option("--format", "output_format", type=click.Choice(list(FORMATS)), default="table",
                show_default=True, help="Format of standard output, and of -o files when given."),
        _option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                help="Also write to FILE (atomically), in the format its extension names (.md .html .csv "
                     ".json .xml .xlsx .txt) unless --format is given; repeatable."),
        _option("--table-format", default="simple", show_default=True, metavar="STYLE",
                help="tabulate's table style for --format table: simple, github, rst, latex, ..."),
        _option("-q", "--quiet", is_flag=True, help="Print nothing on standard output."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _emit(documents: Sequence[dict[str, Any]], several: bool, output_format: str, outputs: tuple[Path, ...],
          table_format: str, quiet: bool) -> list[Problem]:
    """Write each -o file and standard output; return the problems of files that could not be written.

    Each is rendered as it is written, a piece at a time, so a region's output is never held whole.
    """
    from .report import FORMATS, format_for, render

    explicit = click.get_current_context().get_parameter_source("output_format") is not ParameterSource.DEFAULT
    plan = []
    for path in outputs:
        name = output_format if explicit else format_for(path)
        if name is None:
            _bad_value("outputs", "-o", f"cannot tell the format of {path} from its extension; give --format")
        plan.append((path, name))
    if "table" in [name for _, name in plan] + ([] if quiet else [output_format]):
        from tabulate import tabulate_formats  # tabulate only when a table is drawn: it costs 13 ms

        if table_format not in tabulate_formats:
            _bad_value("table_format", "--table-format", f"{table_format!r} is not a tabulate table style; try one "
                       "of: " + ", ".join(sorted(tabulate_formats)))
    if not quiet and FORMATS[output_format].binary and not outputs:
        _bad_value("output_format", "--format", f"{output_format} is a binary format: write it to a file with -o")
    problems = []
    for path, name in plan:
        problems += _write(path, render(name, documents, several, table_format))
    if not quiet and not FORMATS[output_format].binary:
        problems += _print(render(output_format, documents, several, table_format))
    return problems


def _bad_value(name: str, option: str, message: str) -> NoReturn:
    """A value that cannot be used: blamed on comply.yaml's line when it came from there, else on the option."""
    context = click.get_current_context()
    if context.get_parameter_source(name) is ParameterSource.DEFAULT_MAP:
        from . import config

        found = context.find_root().obj["config"]
        key = next(key for key, option_name in config.OPTIONS.items() if option_name == name)
        _fail([Problem(config.where(found, key), f"{key}: {message}")])
    raise click.BadParameter(message, param_hint=option)


def _refuse_overwriting(outputs: tuple[Path, ...], inputs: dict[Path, str], problems: list[Problem]) -> None:
    """Exit 2, before anything is written, when an output file is one of the inputs (or comply.yaml)."""
    from .outputs import overwritten_inputs

    found = click.get_current_context().find_root().obj.get("config")
    refused = overwritten_inputs(outputs, {**inputs, **({found: "config file"} if found else {})})
    if refused:
        _fail([*problems, *refused])


def _write(path: Path, content: Any) -> list[Problem]:
    """Write one output file (outputs.write) and note it as written; the problem when it cannot be."""
    from .outputs import write

    try:
        write(path, content)
    except OSError as error:
        return [Problem(Location(str(path)), f"cannot write: {error.strerror}")]
    click.get_current_context().find_root().obj["written"].append(path)
    return []


def _print(text: str | Iterable[str] | bytes) -> list[Problem]:
    """Print a command's output (text, or its pieces); the problem when standard output cannot take it (a full
    disk, a closed pipe)."""
    try:
        for piece in [text] if isinstance(text, (str, bytes)) else text:
            click.echo(piece, nl=False)
    except OSError as error:
        with contextlib.suppress(OSError, ValueError):  # what is still buffered would fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return [Problem(Location("standard output"), f"cannot write: {error.strerror}")]
    return []


def _show(text: str) -> None:
    """Print what a browsing command found (names and titles from packs and metrics files, as written)."""
    from .report.escaping import printable

    problems = _print(printable(text))
    if problems:
        _fail(problems)


def _exit_status(documents: Sequence[dict[str, Any]], fail_on: str) -> int:
    """1 when a judgement is at or worse than --fail-on in any document, else 0."""
    for doc in documents:
        scores = {grade["id"]: grade["score"] for grade in doc["scale"]}
        if fail_on != "never" and fail_on not in scores:
            _bad_value("fail_on", "--fail-on", f"{fail_on!r} is not a grade of pack {doc['pack']['id']} "
                       f"({', '.join(scores)}) nor 'never'")
    if fail_on == "never":
        return EXIT_OK
    failing = any(j["score"] is not None and j["score"] >= {g["id"]: g["score"] for g in doc["scale"]}[fail_on]
                  for doc in documents for j in doc["judgements"])
    return EXIT_FINDINGS if failing else EXIT_OK


@main.command()
@_argument("metrics", nargs=-1, required=True, metavar="METRICS...")
@_pack_option
@_output_options
@_option("--fail-on", default="inadequate", show_default=True, metavar="GRADE|never",
         help="Exit 1 when a judgement is at this grade or worse.")
@_option("--strict", is_flag=True, help="A metric that a rule reads and the file lacks is an error.")
@_option("--only", multiple=True, metavar="ID",
         help="Check only this judgement (with the judgements it reads) or rule; repeatable.")
@_option("--waivers", type=click.Path(dir_okay=False), metavar="FILE",
         help="A waivers file shared by the authorities checked.")
@_option("--benchmarks", type=click.Path(dir_okay=False), metavar="FILE",
         help="A benchmarks file shared by the authorities checked (the metrics files' own win).")
@_option("--record", type=click.Path(dir_okay=False), metavar="DB",
         help="Record every result in this history database (SQLite), and take previous and history "
              "from its earlier periods where a metrics file gives none.")
@_option("--rank", metavar="JUDGEMENT", help="Order the comparison of several authorities by this judgement.")
@_option("--progress/--no-progress", default=None,
         help="Show progress on standard error (default: for several files, on a terminal).")
def check(metrics: tuple[str, ...], pack: str | None, output_format: str, outputs: tuple[Path, ...],
          table_format: str, quiet: bool, fail_on: str, strict: bool, only: tuple[str, ...],
          waivers: str | None, benchmarks: str | None, record: str | None, rank: str | None,
          progress: bool | None) -> None:
    """Grade METRICS files (or folders of them) against a rule pack."""
    from .report.document import document
    from .runner import check as run_check

    bar = _Progress(progress)
    try:
        run = run_check(list(metrics), pack=pack, strict=strict, only=only, waivers=waivers, benchmarks=benchmarks,
                        history=record, transform=partial(document, fail_on=fail_on, rank=rank), on_file=bar.update)
    finally:
        bar.finish()
    with contextlib.closing(run):
        documents: Sequence[dict[str, Any]] = run.results
        for doc in documents:
            for warning in doc.get("warnings", []):
                click.echo(f"comply: warning: {doc['metrics_file']}: {warning}", err=True)
        status = _exit_status(documents, fail_on)
        if rank:
            _check_rank(documents, rank)
        if documents:
            _refuse_overwriting(outputs, run.inputs, run.problems)
            run.problems += _emit(documents, run.several, output_format, outputs, table_format, quiet)
            if record:
                run.problems += _record(record, documents)
    if run.problems:
        _fail(run.problems)
    sys.exit(status)


class _Progress:
    """A progress bar on standard error for runs of several files, when a person is watching."""

    def __init__(self, wanted: bool | None) -> None:
        self.wanted = wanted
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            show = self.wanted if self.wanted is not None else (total > 1 and sys.stderr.isatty())
            if not show:
                self.update = lambda done, total: None  # type: ignore[method-assign]
                return
            self.bar = click.progressbar(length=total, label="Checking", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _check_rank(documents: Sequence[dict[str, Any]], judgement_id: str) -> None:
    ids = [j["id"] for j in documents[0]["judgements"]] if documents else []
    if documents and judgement_id not in ids:
        from .schema import did_you_mean

        raise click.BadParameter(f"no judgement {judgement_id!r}" + did_you_mean(judgement_id, ids),
                                 param_hint="--rank")


def _record(database: str, documents: Sequence[dict[str, Any]]) -> list[Problem]:
    from .history import History

    try:
        history = History(database)
        replaced = history.record(documents)
        history.close()
    except InputError as error:
        return error.problems
    runs = "run" if len(documents) == 1 else "runs"
    note = f", replacing {replaced} earlier {'run' if replaced == 1 else 'runs'} of the same authority, period " \
           "and pack" if replaced else ""
    click.echo(f"comply: recorded {len(documents)} {runs} in {database}{note}", err=True)
    return []


@main.command()
@_argument("result", metavar="RESULT.json", type=click.Path(dir_okay=False, path_type=Path))
@_output_options
@_option("--fail-on", default="never", show_default=True, metavar="GRADE|never",
         help="Exit 1 when a judgement in the result is at this grade or worse.")
def report(result: Path, output_format: str, outputs: tuple[Path, ...], table_format: str, quiet: bool,
           fail_on: str) -> None:
    """Render a saved JSON result again, in any format, without re-evaluating anything."""
    from .report.document import read_result

    try:
        documents, several = read_result(result)
    except InputError as error:
        _fail(error.problems)
    status = _exit_status(documents, fail_on)
    _refuse_overwriting(outputs, {result: "saved result"}, [])
    problems = _emit(documents, several, output_format, outputs, table_format, quiet)
    if problems:
        _fail(problems)
    sys.exit(status)


@main.command()
@_pack_option
@_option("--format", "output_format", type=click.Choice(["yaml", "xlsx"]), default=None,
         help="yaml (default), or an Excel workbook (xlsx: only to a file); -o FILE.xlsx implies xlsx.")
@_option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
         help="Write the template to FILE instead of standard output.")
def template(pack: str | None, output_format: str | None, output: Path | None) -> None:
    """Print a metrics file to fill in: every metric with its unit, range and definition."""
    from .template import render, render_xlsx

    wanted = output_format or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "yaml")
    if wanted == "xlsx" and output is None:
        raise click.UsageError("an xlsx template is binary: give -o FILE.xlsx", ctx=None)
    _write_or_print(render_xlsx if wanted == "xlsx" else render, pack, output)


def _write_or_print(make: Any, pack: str | None, output: Path | None) -> None:
    """The text ``make(loaded pack)`` returns, written to ``output`` (never over the pack), or printed."""
    from .runner import pack_for

    try:
        loaded = pack_for(pack)
        text = make(loaded)
    except InputError as error:
        _fail(error.problems)
    if output:
        _refuse_overwriting((output,), {Path(folder): "pack" for folder in (loaded.path, *loaded.parent_paths)}, [])
    problems = _write(output, text) if output else _print(text)
    if problems:
        _fail(problems)


@main.group()
def rules() -> None:
    """Browse a rule pack."""


@rules.command("list")
@_argument("pack", required=False, metavar="[PACK]")
@_option("--pack", "pack_option", metavar="PATH|ID", help="The pack, as for rules show (or give it as PACK).")
def rules_list(pack: str | None, pack_option: str | None) -> None:
    """List the rules of PACK (a folder or bundled id; default ofsted-slac-2011)."""
    from tabulate import tabulate

    from .runner import pack_for

    pack = pack or pack_option
    try:
        loaded = pack_for(pack)
    except InputError as error:
        _fail(error.problems)
    rows = [[rule.id, rule.judgement, rule.metric, rule.timescale or "", ", ".join(rule.cites)]
            for rule in loaded.rules]
    _show(f"{loaded.title} ({loaded.id} {loaded.version}): {len(rows)} rules\n"
          + tabulate(rows, headers=["Rule", "Judgement", "Metric", "Timescale", "Cites"]) + "\n")


def _find_rule(pack: Any, rule_id: str) -> Any:
    from .schema import did_you_mean

    for rule in pack.rules:
        if rule.id == rule_id:
            return rule
    raise click.BadParameter(f"no rule {rule_id!r} in pack {pack.id}"
                             + did_you_mean(rule_id, [r.id for r in pack.rules]), param_hint="RULE_ID")


@rules.command("show")
@_argument("rule_id", metavar="RULE_ID|JUDGEMENT_ID")
@_pack_option
def rules_show(rule_id: str, pack: str | None) -> None:
    """Show one rule (bands, metric, recommendation, citation) or one judgement (inputs, limits and their sources)."""
    from .packdoc import judgement_section, rule_section
    from .runner import pack_for

    try:
        loaded = pack_for(pack)
    except InputError as error:
        _fail(error.problems)
    judgements = {judgement.id: judgement for judgement in loaded.judgements}
    if rule_id in judgements:
        judgement = judgements[rule_id]
        _show(judgement_section(loaded, judgement) + f"\n\ndefined at {judgement.location}\n")
        return
    rule = _find_rule(loaded, rule_id)
    _show(rule_section(loaded, rule) + f"\n\ndefined at {rule.location}\n")


@rules.command("doc")
@_argument("pack", required=False, metavar="[PACK]")
@_option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
         help="Write the catalogue to FILE instead of standard output.")
def rules_doc(pack: str | None, output: Path | None) -> None:
    """Write PACK's Markdown catalogue: judgement tree, every rule, the metric catalogue."""
    from .packdoc import render

    _write_or_print(render, pack, output)


@rules.command("trace")
@_argument("pack", required=False, metavar="[PACK]")
@_option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
         help="Write the table to FILE instead of standard output.")
def rules_trace(pack: str | None, output: Path | None) -> None:
    """Write PACK's source paragraph by paragraph, with the rules that encode what each says."""
    from .trace import FILE, problems, read, render

    def text(loaded: Any) -> str:
        traced = read(Path(loaded.path))
        if traced is None:
            raise InputError([Problem(Location(loaded.path), f"pack {loaded.id} has no {FILE}")])
        found = problems(loaded, traced)
        if found:
            raise InputError(found)
        return render(loaded, traced)

    _write_or_print(text, pack, output)


@main.command()
@_argument("rule_id", metavar="RULE_ID|JUDGEMENT|INDICATOR")
@_argument("metrics", metavar="METRICS")
@_pack_option
def explain(rule_id: str, metrics: str, pack: str | None) -> None:
    """Why a rule (or a judgement) got its grade for METRICS, and how it flowed up the judgement tree."""
    from .explain import explain as explain_rule
    from .explain import explain_indicator, explain_judgement
    from .runner import check as run_check

    run = run_check([metrics], pack=pack)
    if run.problems:
        _fail(run.problems)
    result = run.results[0]
    if rule_id in {judgement.id for judgement in result.pack.judgements}:
        _show(explain_judgement(result, rule_id))
    elif rule_id in {indicator.id for indicator in result.pack.indicators}:
        _show(explain_indicator(result, rule_id))
    else:
        _show(explain_rule(result, _find_rule(result.pack, rule_id)))


@main.command()
@_argument("metrics", metavar="METRICS")
@_pack_option
def margins(metrics: str, pack: str | None) -> None:
    """How far each judgement of METRICS sits from the next grade, and which evidence would move it."""
    from .margins import render
    from .runner import check as run_check

    run = run_check([metrics], pack=pack)
    if run.problems:
        _fail(run.problems)
    _show(render(run.results[0]))


@main.command("import")
@_argument("adapter", metavar="ADAPTER")
@_argument("data", metavar="DATA", type=click.Path(exists=True, path_type=Path))
@_option("--period", required=True, metavar="YYYY-YY", help="The financial year: 2010-11 is the year ending "
         "31 March 2011.")
@_option("--authority", "authorities", multiple=True, metavar="CODE|NAME",
         help="An authority by ONS code, DfE number or name; repeatable (default: every authority). For an "
              "Annex A workbook, the authority's name.")
@_option("--region", metavar="NAME", help="Every authority of this region (as the neighbour groupings name it).")
@_option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
         help="The folder to write one metrics file per authority into.")
@_pack_option
@_option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
         help="Annex A: the reference date (default: 31 March of the period); the figures cover the 12 months "
              "ending on it.")
@_option("--children", "children", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv",
         help="Annex A: also list the children behind each shortfall, for your own audit, in this CSV file "
              "(never in the metrics file, a report or history).")
def import_(adapter: str, data: Path, period: str, authorities: tuple[str, ...], region: str | None, output: Path,
            pack: str | None, as_of: Any, children: Path | None) -> None:
    """Write metrics files from published statistics (DATA is a folder of tables), through one of the
    pack's adapters; or from the authority's Annex A workbook (DATA is an .xlsx file), through the
    pack's derivations (comply import annex-a Annex_A.xlsx --period 2024-25 --authority NAME -o DIR)."""
    if data.is_file():
        _import_case_level(adapter, data, period, authorities, region, output, pack, as_of, children)
        return
    if as_of or children:
        _fail([Problem(Location("--as-of" if as_of else "--children"), "only for an Annex A workbook (DATA a file)")])
    from .importer import Importer, file_name, read_adapter
    from .packs import date_of
    from .runner import pack_for

    try:
        loaded = pack_for(pack, on=date_of(None, period))  # a family's version in force at the period's end
        importer = Importer(read_adapter(adapter, loaded), loaded, data, period)
        chosen = importer.authorities(list(authorities), region)
        output.mkdir(parents=True, exist_ok=True)
        for authority in chosen:
            problems = _write(output / file_name(authority), importer.metrics_file(authority))
            if problems:
                _fail(problems)
    except InputError as error:
        _fail(error.problems)
    except OSError as error:
        _fail([Problem(Location(str(output)), f"cannot write: {error.strerror}")])
    click.echo(f"comply: wrote {len(chosen)} metrics file{'s' * (len(chosen) != 1)} to {output}", err=True)


def _import_case_level(derivations: str, workbook: Path, period: str, authorities: tuple[str, ...],
                       region: str | None, output: Path, pack: str | None, as_of: Any, children: Path | None) -> None:
    """comply import annex-a: one metrics file from the authority's own Annex A workbook."""
    from .importer import dump_metrics
    from .packs import date_of
    from .runner import pack_for

    if len(authorities) != 1 or region:
        _fail([Problem(Location("--authority"), "an Annex A workbook is one authority's: give its name once, "
                                                 "and no --region")])
    day = as_of.date() if as_of else None
    if children is not None and (children.suffix.lower() != ".csv" or children.resolve() == workbook.resolve()):
        _fail([Problem(Location(str(children)), "--children writes a new .csv file (never the workbook, nor a file "
                                                "comply check would read)")])
    try:
        from .annexa import derive, file_name, read_derivations, shortfalls_csv

        loaded = pack_for(pack or "ofsted-ilacs", on=date_of(day.isoformat() if day else None, period))
        derived = derive(workbook, read_derivations(derivations, loaded), loaded, period, authorities[0], day,
                         str(workbook), children=children is not None)
        target = output / file_name(authorities[0], period)
        if target.resolve() == workbook.resolve():
            _fail([Problem(Location(str(target)), "would overwrite the workbook")])
        output.mkdir(parents=True, exist_ok=True)
        text = "\n".join(derived.comments) + "\n" + dump_metrics(derived.content) \
            + "".join(line + "\n" for line in derived.trailer)
        _refuse_overwriting((target, *((children,) if children else ())), {workbook: "workbook"}, [])
        written = (_write(children, shortfalls_csv(derived)) if children is not None else []) + _write(target, text)
        if written:
            _fail(written)
    except InputError as error:
        _fail(error.problems)
    except OSError as error:
        _fail([Problem(Location(str(output)), f"cannot write: {error.strerror}")])
    figures = len(derived.content["metrics"])
    click.echo(f"comply: wrote {target}: {figures} figures from {len(derived.lists)} lists"
               + (f"; the children behind the shortfalls to {children} (yours to keep safe)" if children else ""),
               err=True)


@main.command()
@_option("--db", "database", required=True, type=click.Path(dir_okay=False, exists=True), metavar="DB",
         help="The history database that comply check --record wrote.")
@_option("--authority", metavar="NAME", help="One authority, by name or code (default: every one).")
@_option("--metric", "metrics", multiple=True, metavar="ID", help="Also show this metric's values; repeatable.")
@_option("--format", "output_format", type=click.Choice(["table", "markdown", "csv", "json"]),
         default="table", show_default=True)
def history(database: str, authority: str | None, metrics: tuple[str, ...], output_format: str) -> None:
    """Judgement grades across recorded periods, with changes marked, and chosen metrics' values."""
    from .history import History
    from .report.history import render

    text = None
    try:
        store = History.reader(database)
        if store is not None:
            with store.reading():
                text = render(store, authority, metrics, output_format)
            store.close()
    except InputError as error:
        _fail(error.problems)
    if text is None:
        _fail([Problem(Location(database), f"no recorded runs{' for ' + authority if authority else ''}")])
    problems = _print(text)
    if problems:
        _fail(problems)


def _pack_folder(pack: str | None) -> Path:
    from .packs import find_pack

    try:
        return find_pack(pack)
    except InputError as error:
        _fail(error.problems)


@rules.command("lint")
@_argument("pack", required=False, metavar="[PACK]")
def rules_lint(pack: str | None) -> None:
    """Check PACK for mistakes: exit 1 if there are any, 0 if it is clean."""
    from .lint import lint

    findings = lint(_pack_folder(pack))
    _show("".join(f"{line}\n" for line in shown(findings))
          + f"{len(findings)} problem{'' if len(findings) == 1 else 's'} found\n")
    sys.exit(EXIT_FINDINGS if findings else EXIT_OK)


@rules.command("test")
@_argument("pack", required=False, metavar="[PACK]")
def rules_test(pack: str | None) -> None:
    """Run PACK's own test cases (tests/*.yaml): exit 1 if any fails."""
    from .packtests import load_cases, run_case
    from .runner import pack_for

    try:
        loaded = pack_for(str(_pack_folder(pack)))
        cases = load_cases(loaded)
    except InputError as error:
        _fail(error.problems)
    failed, lines = 0, []
    for case in cases:
        mismatches = run_case(loaded, case)
        if mismatches:
            failed += 1
            lines += [f"{case.location}: {case.name}: {mismatch}\n" for mismatch in mismatches]
    _show("".join(lines) + f"{len(cases) - failed} passed, {failed} failed\n")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def run() -> None:
    """Console entry point: no traceback unless --debug."""
    try:
        main.main(standalone_mode=True)
    except Exception as error:  # a bug: say so plainly, exit 2
        if "--debug" in sys.argv:
            raise
        click.echo(f"comply: internal error: {type(error).__name__}: {error} "
                   "(run with --debug for the traceback)", err=True)
        sys.exit(EXIT_ERROR)
