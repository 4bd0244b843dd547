"""A pack's judgement tree (pack.yaml's sections): each judgement built and checked, and the tree walked for cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .loader import Document, PathKey
from .model import LIMIT_KEYS, Judgement, Location, Problem

if TYPE_CHECKING:
    from .builder import PackBuilder

#: The longest chain of judgements reading judgements (a record of findings has three or four levels);
#: grading walks it recursively.
MAX_JUDGEMENT_DEPTH = 50
#: What a judgement reads of other judgements, as pack.yaml names it.
READS = ("inputs", "limited_by", "worst_grade_from")


def judgement(builder: PackBuilder, item: dict[str, Any], section: str, location: Location, document: Document,
              path: PathKey, default_share: float) -> Judgement:
    """A judgement as pack.yaml (or a local pack's ``add``) writes it at ``path``; a limit set there with no
    rationale, or a rationale for a limit not set, is noted with ``builder``."""
    built = Judgement(
        id=item["id"],
        section=section,
        title=item["title"],
        method=item.get("method", "best_fit"),
        location=location,
        inputs=tuple(item.get("inputs", ())),
        limited_by=tuple(item.get("limited_by", ())),
        min_evidence=item.get("min_evidence", default_share),
        description=item.get("description"),
        cap_above_worst=item.get("cap_above_worst"),
        worst_grade_from=tuple(item.get("worst_grade_from", ())),
        limits_rationale=rationales(item.get("limits_rationale")),
    )
    check_limit_sources(builder, built, document, path, item, item.get("limits_rationale", {}))
    return built


def tree(builder: PackBuilder, header: Document) -> dict[str, Judgement]:
    """The judgements of pack.yaml's sections, by id in the record's order; every judgement each reads is one."""
    default_share = header.data.get("min_evidence", 0.0)
    judgements: dict[str, Judgement] = {}
    for s, section in enumerate(header.data["sections"]):
        for j, item in enumerate(section["judgements"]):
            path = ("sections", s, "judgements", j)
            location = header.where(path + ("id",))
            if item["id"] in judgements:
                builder.problem(location, f"duplicate judgement id {item['id']!r}")
                continue
            judgements[item["id"]] = judgement(builder, item, section["title"], location, header, path, default_share)
    for s, section in enumerate(header.data["sections"]):
        for j, item in enumerate(section["judgements"]):
            for key in READS:
                for k, other in enumerate(item.get(key, ())):
                    if other not in judgements:
                        builder.problem(header.where(("sections", s, "judgements", j, key, k)),
                                        f"{key}: unknown judgement {other!r}" + builder.suggest(other, judgements))
    return judgements


def check_cycles(builder: PackBuilder, judgements: dict[str, Judgement]) -> None:
    """Note each cycle of inputs and limits among the judgements, and chains too deep to grade.

    Walked with a stack of our own, not recursion: a chain of hundreds of judgements is
    what it must report, not what may overflow Python's stack.
    """
    def read(judgement_id: str) -> list[str]:
        judgement = judgements[judgement_id]
        return [other for other in judgement.inputs + judgement.limited_by + judgement.worst_grade_from
                if other in judgements]

    depth: dict[str, int] = {}  # judgements done: the longest chain of judgements from each, itself included
    for start in judgements:
        if start in depth:
            continue
        trail, stack = [start], [iter(read(start))]
        while stack:
            other = next(stack[-1], None)
            if other is None:
                done = trail.pop()
                stack.pop()
                depth[done] = 1 + max((depth.get(item, 0) for item in read(done)), default=0)
            elif other in trail:
                cycle = trail[trail.index(other):] + [other]
                builder.problem(judgements[other].location, "judgements form a cycle: " + " -> ".join(cycle))
            elif other not in depth:
                trail.append(other)
                stack.append(iter(read(other)))
    read_by_others = {other for judgement_id in judgements for other in read(judgement_id)}
    for judgement_id, deepest in depth.items():
        if deepest > MAX_JUDGEMENT_DEPTH and judgement_id not in read_by_others:
            builder.problem(judgements[judgement_id].location, f"judgements read each other {deepest} deep, more "
                            f"than the {MAX_JUDGEMENT_DEPTH} a pack may chain", judgement_id)


def check_limit_sources(builder: PackBuilder, judgement: Judgement, document: Document, path: PathKey,
                        set_here: dict[str, Any], given_here: dict[str, Any]) -> None:
    """Note each limit set here with no rationale, and each rationale given here for a limit not set."""
    for key in judgement.limits():
        if key in set_here and key not in judgement.limits_rationale:
            builder.unsourced.append(Problem(
                document.where_key(path + (key,)), f"{key} has no rationale: say where the limit comes from "
                f"(the framework, or the source's reasoning with its paragraph) in limits_rationale.{key}",
                judgement.id))
    for key in given_here:
        if key not in judgement.limits():
            builder.unsourced.append(Problem(document.where_key(path + ("limits_rationale", key)),
                                             f"limits_rationale.{key}: the judgement sets no {key}", judgement.id))


def rationales(items: dict[str, str] | None) -> dict[str, str]:
    """A judgement's limits_rationale, each on one line, in LIMIT_KEYS' order."""
    items = items or {}
    return {key: " ".join(items[key].split()) for key in LIMIT_KEYS if key in items}
