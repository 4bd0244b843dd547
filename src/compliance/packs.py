"""Find packs and load them: bundled packs, families of dated versions and local folders.

A pack is built from its files by builder.py, once per process (load_pack) and from the pack
cache (cache.py) while its files are unchanged; build_pack builds it afresh.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from functools import cache, partial
from pathlib import Path

from . import cache as pack_cache
from . import periods
from .builder import PackBuilder
from .loader import Document, read_yaml
from .model import InputError, Location, Pack, Problem
from .schema import did_you_mean

DEFAULT_PACK = "ofsted-slac-2011"
MAX_EXTENDS = 20  # packs extending packs, in a chain: a real one is two or three deep


def bundled_root() -> Path:
    """The folder of bundled packs: inside the installed package, else the checkout's rules/."""
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    return installed if installed.is_dir() else here.parent.parent / "rules"


def bundled_packs() -> list[str]:
    """Bundled packs and pack families (folders of dated versions), by id."""
    root = bundled_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file() or _versions(p))


def _versions(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "pack.yaml").is_file()) if folder.is_dir() else []


def family_versions(reference: str | None) -> list[Path]:
    """Every version of the family ``reference`` names as a whole (a folder of versions, or a bundled family's
    id); empty when it names one pack."""
    if reference is None:
        return []
    for candidate in (Path(reference), bundled_root() / reference):
        if (candidate / "pack.yaml").is_file():
            return []
        if _versions(candidate):
            return _versions(candidate)
    return []


def bundled_family(version: Path) -> str | None:
    """The name of the bundled family a pack folder is a version of, if it is one."""
    family = version.resolve().parent
    return family.name if family.parent == bundled_root().resolve() and _versions(family) else None


def reference_for(pack: Pack) -> str:
    """How a metrics file names this pack so that comply check finds this very pack: FAMILY/VERSION
    for a version of a bundled family, the id of a bundled pack, else the pack's folder."""
    folder = Path(pack.path).resolve()
    family = bundled_family(folder)
    if family:
        return f"{family}/{folder.name}"
    if folder.parent == bundled_root().resolve():
        return folder.name
    return str(folder)


def find_pack(reference: str | None, relative_to: Path | None = None, on: datetime.date | None = None) -> Path:
    """A pack's folder from a path or a bundled id; None means the default pack.

    A family (a folder of dated versions, each with in_force) gives the version in force
    ``on`` that date (today by default); ``family/version`` names one outright.
    """
    reference = reference or DEFAULT_PACK
    candidates = [Path(reference)]
    if relative_to is not None and not Path(reference).is_absolute():
        candidates.insert(0, relative_to / reference)
    given = len(candidates)
    candidates.append(bundled_root() / reference)
    for index, candidate in enumerate(candidates):
        if (candidate / "pack.yaml").is_file():
            return candidate
        if _versions(candidate):
            return _version_in_force(candidate, reference, on or datetime.date.today())
        if candidate.is_dir() and index < given:
            return candidate  # a folder named as a pack that is not one: the loader says so
    known = ", ".join(bundled_packs()) or "none"
    raise InputError([Problem(Location(reference),
                              f"no pack {reference!r}: not a folder, nor a bundled pack ({known})")])


def _version_in_force(family: Path, reference: str, on: datetime.date) -> Path:
    spans = []
    for version in _versions(family):
        document = read_yaml(version / "pack.yaml")
        start, end = _in_force(document, reference)
        spans.append(f"{version.name} from {start}" + (f" until {end}" if end != datetime.date.max else ""))
        if start <= on <= end:
            return version
    raise InputError([Problem(Location(reference), f"no version of pack {reference!r} was in force on {on} "
                              f"({'; '.join(spans)})")])


def _in_force(document: Document, reference: str) -> tuple[datetime.date, datetime.date]:
    """A family version's in_force span, from and until (or for ever); InputError at the offending key."""
    span = document.data.get("in_force") if isinstance(document.data, dict) else None
    if not isinstance(span, dict) or "from" not in span:
        raise InputError([Problem(document.where(()), f"a version of pack family {reference!r} needs in_force "
                                  "(from, and until where it ended)")])
    days = {}
    for key in ("from", "until"):
        written = span.get(key)
        if written is None and key == "until":
            days[key] = datetime.date.max
            continue
        where = document.where(("in_force", key))
        if not isinstance(written, str):
            raise InputError([Problem(where, f"in_force {key} should be a date written YYYY-MM-DD, not "
                                             f"{written!r}")])
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", written):  # fromisoformat takes 20100401, 2010-W13-4
            raise InputError([Problem(where, f"in_force {key}: {written!r} is not a date written YYYY-MM-DD")])
        try:
            days[key] = datetime.date.fromisoformat(written)
        except ValueError:
            raise InputError([Problem(where, f"in_force {key}: {written!r} is not a real date")]) from None
    if days["until"] < days["from"]:
        raise InputError([Problem(document.where(("in_force", "until")), f"in_force ends ({days['until']}) before "
                                  f"it starts ({days['from']})")])
    return days["from"], days["until"]


def date_of(as_of: str | None, period: str | None) -> datetime.date | None:
    """The date a metrics file speaks for: its as_of, else the last day of its period (periods.end)."""
    try:
        if as_of:
            return datetime.date.fromisoformat(as_of)
        if period:
            return periods.end(period)
    except (ValueError, KeyError):
        return None
    return None


@cache
def load_pack(folder: str, on: datetime.date | None = None) -> Pack:
    """Load and check the pack in ``folder``; raise InputError with every problem.

    A pack that extends a family (``extends: ofsted-ilacs``) extends the version in force ``on``
    the date (today when None), as the family itself would be chosen. Once per process, and from
    the pack cache (cache.py) while the pack's files are unchanged.
    """
    return _load(Path(folder), on, ())


def _load(path: Path, on: datetime.date | None, loading: tuple[str, ...]) -> Pack:
    def parents(pack: Pack) -> list[Path]:
        return [Path(parent) for parent in pack.parent_paths]

    pack = pack_cache.load(path, partial(build_pack, path, None, loading), parents)
    if pack.follows and on is not None:
        wanted = str(find_pack(pack.follows, path, on).resolve())
        if pack.parent_paths[:1] != (wanted,):
            pack = pack_cache.load(path, partial(build_pack, path, on, loading), parents, variant=wanted)
    return pack


def build_pack(folder: str | Path, on: datetime.date | None = None, loading: tuple[str, ...] = ()) -> Pack:
    """The pack in ``folder`` built from its files as they are now, with no cache (lint reads it so); InputError
    with every problem. ``on`` chooses the version of a family it extends; ``loading`` holds the folders of the
    packs that extend this one and wait on its build, to catch packs that extend each other."""
    folder = Path(folder)
    builder = PackBuilder(folder)
    header = builder.header()
    if "in_force" in header.data:  # read only when the pack is a family's version, but wrong wherever it is
        _in_force(header, str(header.data.get("id", folder.name)))
    if "extends" not in header.data:
        return builder.build(header, None)
    reference = header.data["extends"]
    parent = _parent(builder, header, on, (*loading, str(folder.resolve())))
    return builder.build(header, parent, reference if _family(reference, folder) else "")


def _parent(builder: PackBuilder, header: Document, on: datetime.date | None, loading: tuple[str, ...]) -> Pack:
    """The pack this one extends, loaded (and checked) in its own right; InputError at the extends line when
    it cannot be found, or when it is one of the packs waiting on this one (``loading``, this one last)."""
    where = header.where(("extends",))
    try:
        folder = str(find_pack(header.data["extends"], builder.folder, on).resolve())
    except InputError as error:  # said at the extends line, not at the name alone
        raise InputError([*builder.problems, *(Problem(where, f"extends: {p.message}", "pack")
                                               for p in error.problems)]) from None
    if folder in loading:
        chain = [*loading, folder]
        raise InputError([*builder.problems, Problem(where, "packs extend each other in a cycle: "
                                                     + " -> ".join(chain[chain.index(folder):]), "pack")])
    if len(loading) >= MAX_EXTENDS:
        raise InputError([*builder.problems, Problem(where, f"packs extend packs more than {MAX_EXTENDS} deep; "
                                                     "a local pack extends a framework's pack, or one of its own",
                                                     "pack")])
    return _load(Path(folder), on, loading)


def _family(reference: str, relative_to: Path) -> bool:
    """Whether an extends reference names a family of dated versions (rather than one pack)."""
    candidates = [relative_to / reference, Path(reference), bundled_root() / reference]
    return any(not (c / "pack.yaml").is_file() and _versions(c) for c in candidates)


def select(pack: Pack, ids: tuple[str, ...]) -> Pack:
    """The pack narrowed to ``ids`` for a focused run (``--only``).

    A judgement id brings its subtree: the judgements it reads (inputs and limits) and
    all their rules. A rule id brings that rule alone, with its judgement graded by it.
    Data queries run only when named.
    """
    if not ids:
        return pack
    judgement_ids = {j.id for j in pack.judgements}
    rule_ids = {r.id for r in pack.rules}
    rule_ids |= {q.id for q in pack.queries}
    unknown = [item for item in ids if item not in judgement_ids | rule_ids]
    if unknown:
        raise InputError([Problem(Location("--only"), f"{item!r} is neither a judgement nor a rule of pack "
                                  f"{pack.id}" + did_you_mean(item, sorted(judgement_ids | rule_ids)))
                          for item in unknown])
    whole: set[str] = set()
    pending = [item for item in ids if item in judgement_ids]
    while pending:
        judgement = pack.judgement(pending.pop())
        if judgement.id not in whole:
            whole.add(judgement.id)
            pending += [*judgement.inputs, *judgement.limited_by]
    rules = tuple(r for r in pack.rules if r.judgement in whole or r.id in ids)
    kept = whole | {r.judgement for r in rules}
    judgements = tuple(
        replace(j, inputs=tuple(i for i in j.inputs if i in kept),
                limited_by=tuple(i for i in j.limited_by if i in kept))
        for j in pack.judgements if j.id in kept)
    queries = tuple(q for q in pack.queries if q.id in ids)
    kept_estimates = {key: value for key, value in pack.estimates.items() if key in kept}
    return replace(pack, judgements=judgements, rules=rules, queries=queries, selection=ids, estimates=kept_estimates)
