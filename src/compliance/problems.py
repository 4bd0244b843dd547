"""Where something is and what is wrong with it: the errors every module shares, and the exit statuses.

Kept apart from the model so that the command line can name them without importing the
model's many dataclasses (printing --help stays quick). The model re-exports them.
"""

from __future__ import annotations

from .records import record

#: Exit statuses: every input checked and nothing at or worse than --fail-on; checked, and something is;
#: an input could not be used, or the command was misused.
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: Problems shown for one file: past this, a line says how many more there are. A file with
#: 100,000 unknown keys is one mistake made many times; the first hundred say what it is.
MAX_SHOWN = 100


@record(frozen=True, order=True)
class Location:
    """Where something is: a file and, when known, a 1-based line and column; in a spreadsheet,
    its row and column, shown as a spreadsheet user reads them (``figures.xlsx:Metrics!B12``)."""

    path: str
    line: int = 0
    column: int = 0
    sheet: str = ""
    spreadsheet: bool = False

    def __str__(self) -> str:
        if self.spreadsheet and self.line:
            from openpyxl.utils import get_column_letter  # only a spreadsheet's problems need it

            cell = f"{get_column_letter(self.column)}{self.line}" if self.column else f"row {self.line}"
            return f"{self.path}:{self.sheet + '!' if self.sheet else ''}{cell}"
        if self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:  # a row of a table has a line, not a column
            return f"{self.path}:{self.line}"
        return self.path


@record(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, and where it is."""

    location: Location
    message: str
    subject: str = ""  # the rule, judgement or metric the problem is about, when there is one

    def __str__(self) -> str:
        if self.subject:
            return f"{self.location}: {self.subject}: {self.message}"
        return f"{self.location}: {self.message}"


class InputError(Exception):
    """An input could not be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BadValue(Exception):
    """An option's value that cannot be used, found only once the command ran (a grade the pack lacks).

    The command line blames comply.yaml's line when the value came from there, else the option.
    """

    def __init__(self, parameter: str, option: str, message: str) -> None:
        super().__init__(message)
        self.parameter, self.option, self.message = parameter, option, message


def shown(problems: list[Problem]) -> list[str]:
    """The lines to print: each file's first MAX_SHOWN problems, then how many more it has."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.location.path, []).append(problem)
    lines = []
    for path, found in by_file.items():
        lines += [str(problem) for problem in found[:MAX_SHOWN]]
        if len(found) > MAX_SHOWN:
            lines.append(f"{path}: {len(found) - MAX_SHOWN} more problems not shown (the first {MAX_SHOWN} are above)")
    return lines
