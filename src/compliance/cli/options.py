"""The options and arguments commands share, and how every one of them refuses an empty value."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import click


class RefusesEmpty(click.Parameter):
    """A parameter that refuses an empty or blank value, which names no file, pack, grade or id (an empty path is
    the current folder to Python, and an empty pack the default one)."""

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        values = value if isinstance(value, (tuple, list)) else (value,)
        if any(isinstance(item, str) and not item.strip() for item in values):
            raise click.BadParameter("the value is empty", ctx=ctx, param=self)
        return super().process_value(ctx, value)


class Option(RefusesEmpty, click.Option):
    pass


class Argument(RefusesEmpty, click.Argument):
    pass


option = partial(click.option, cls=Option)
argument = partial(click.argument, cls=Argument)

pack_option = option("--pack", "pack", metavar="PATH|ID", help="A pack folder or a bundled pack's id. Default: "
                     "the pack the metrics file names, else ofsted-slac-2011.")


def output_options(function: Any) -> Any:
    """--format, -o, --table-format and --quiet, shared by check and report."""
    from ..report import FORMATS

    options = [
        option("--format", "output_format", type=click.Choice(list(FORMATS)), default="table",
               show_default=True, help="Format of standard output, and of -o files when given."),
        option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
               help="Also write to FILE (atomically), in the format its extension names (.md .html .csv "
                    ".json .xml .xlsx .txt) unless --format is given; repeatable."),
        option("--table-format", default="simple", show_default=True, metavar="STYLE",
               help="tabulate's table style for --format table: simple, github, rst, latex, ..."),
        option("-q", "--quiet", is_flag=True, help="Print nothing on standard output."),
    ]
    for each in reversed(options):
        function = each(function)
    return function
