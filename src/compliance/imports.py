"""comply import: metrics files written to a folder, from published tables (importer.py, through one of a pack's
adapters) or from an authority's own Annex A workbook (annexa/, through a pack's derivations)."""

from __future__ import annotations

import datetime
from pathlib import Path

from .outputs import Outputs, overwritten_inputs
from .packs import date_of
from .problems import InputError, Location, Problem
from .runner import pack_for


def metrics_files(source: str, data: Path, period: str, authorities: tuple[str, ...], region: str | None,
                  output: Path, pack: str | None, as_of: datetime.date | None, children: Path | None,
                  files: Outputs) -> str:
    """comply import: from an Annex A workbook when ``data`` is a file (``source`` naming the derivations), else
    from a folder of published tables (``source`` naming the adapter); what was written, in a sentence."""
    if data.is_file():
        return annex_a(source, data, period, authorities, region, output, pack, as_of, children, files)
    if as_of or children:
        raise InputError([Problem(Location("--as-of" if as_of else "--children"),
                                  "only for an Annex A workbook (DATA a file)")])
    return published(source, data, period, authorities, region, output, pack, files)


def published(adapter: str, data: Path, period: str, authorities: tuple[str, ...], region: str | None,
              output: Path, pack: str | None, files: Outputs) -> str:
    """A metrics file for each authority asked for (every one by default) from a folder of published tables;
    what was written, in a sentence. InputError with what could not be read or written."""
    from .importer import Importer, file_name, read_adapter

    loaded = pack_for(pack, on=date_of(None, period))  # a family's version in force at the period's end
    importer = Importer(read_adapter(adapter, loaded), loaded, data, period)
    chosen = importer.authorities(list(authorities), region)
    _make(output)
    for authority in chosen:
        _written(files.write(output / file_name(authority), importer.metrics_file(authority)))
    return f"comply: wrote {len(chosen)} metrics file{'s' * (len(chosen) != 1)} to {output}"


def annex_a(derivations: str, workbook: Path, period: str, authorities: tuple[str, ...], region: str | None,
            output: Path, pack: str | None, as_of: datetime.date | None, children: Path | None,
            files: Outputs) -> str:
    """One metrics file from the authority's own Annex A workbook, and the children behind each shortfall to
    ``children`` when asked; what was written, in a sentence."""
    from .importer import dump_metrics

    if len(authorities) != 1 or region:
        raise InputError([Problem(Location("--authority"), "an Annex A workbook is one authority's: give its name "
                                                           "once, and no --region")])
    if children is not None and (children.suffix.lower() != ".csv" or children.resolve() == workbook.resolve()):
        raise InputError([Problem(Location(str(children)), "--children writes a new .csv file (never the workbook, "
                                                           "nor a file comply check would read)")])
    from .annexa import derive, file_name, read_derivations, shortfalls_csv

    loaded = pack_for(pack or "ofsted-ilacs", on=date_of(as_of.isoformat() if as_of else None, period))
    derived = derive(workbook, read_derivations(derivations, loaded), loaded, period, authorities[0], as_of,
                     str(workbook), children=children is not None)
    target = output / file_name(authorities[0], period)
    if target.resolve() == workbook.resolve():
        raise InputError([Problem(Location(str(target)), "would overwrite the workbook")])
    _make(output)
    text = "\n".join(derived.comments) + "\n" + dump_metrics(derived.content) \
        + "".join(line + "\n" for line in derived.trailer)
    refused = overwritten_inputs((target, *((children,) if children else ())), {workbook: "workbook"})
    if refused:
        raise InputError(refused)
    _written((files.write(children, shortfalls_csv(derived)) if children is not None else [])
             + files.write(target, text))
    return (f"comply: wrote {target}: {len(derived.content['metrics'])} figures from {len(derived.lists)} lists"
            + (f"; the children behind the shortfalls to {children} (yours to keep safe)" if children else ""))


def _make(output: Path) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError([Problem(Location(str(output)), f"cannot write: {error.strerror}")]) from None


def _written(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)
