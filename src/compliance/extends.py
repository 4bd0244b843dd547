"""A local pack that extends another (``extends:``): what it takes from its parent, and what it changes.

It keeps the parent's source, scale and judgement tree, with its own removals, retitlings,
changes and additions to the tree; and the parent's rules, with its overrides applied and its
disabled rules left out. Everything here is checked against the parent, at the local pack's lines.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .catalogue import condition_types
from .judgements import READS, check_limit_sources, judgement, rationales
from .loader import Document, PathKey, one_line
from .model import Judgement, Metric, Pack, Rule
from .rulefiles import check_limiting_source

if TYPE_CHECKING:
    from .builder import PackBuilder

#: What a local pack takes from its parent and may not give itself.
INHERITED = ("source", "sources", "scale", "sections")


def check_header(builder: PackBuilder, header: Document) -> None:
    """Note each key of pack.yaml that comes from the parent instead."""
    for key in INHERITED:
        if key in header.data:
            builder.problem(header.where_key((key,)), f"{key} comes from the pack this one extends "
                                                      f"({header.data['extends']}); remove it", "pack")


def judgements(builder: PackBuilder, header: Document, parent: Pack) -> dict[str, Judgement]:
    """The parent's judgement tree, with this pack's evidence share and its changes to the tree."""
    share = header.data.get("min_evidence")
    tree = {j.id: j if share is None else replace(j, min_evidence=share) for j in parent.judgements}
    return _changed_tree(builder, tree, header, parent) if "judgements" in header.data else tree


def _changed_tree(builder: PackBuilder, judgements: dict[str, Judgement], header: Document,
                  parent: Pack) -> dict[str, Judgement]:
    """The parent's judgement tree with this pack's removals, retitlings, changes and additions."""
    changes = header.data["judgements"]
    base = ("judgements",)
    result = dict(judgements)
    disabled = header.data.get("disable", {})
    for index, judgement_id in enumerate(changes.get("remove", [])):
        where = header.where(base + ("remove", index))
        if judgement_id not in result:
            builder.problem(where, f"no judgement {judgement_id!r} in pack {parent.id}"
                            + builder.suggest(judgement_id, result), judgement_id)
            continue
        del result[judgement_id]
        moved = header.data.get("override", {})
        for rule in parent.rules:
            stays = "judgement" not in moved.get(rule.id, {})
            if rule.judgement == judgement_id and rule.id not in disabled and stays:
                builder.problem(where, f"rule {rule.id} feeds it: disable the rule or move it (override its "
                                "judgement)", judgement_id)
    for key in ("retitle", "change"):
        for judgement_id, value in changes.get(key, {}).items():
            if judgement_id not in result:
                builder.problem(header.where_key(base + (key, judgement_id)), f"no judgement {judgement_id!r} "
                                "(after removals)" + builder.suggest(judgement_id, result), judgement_id)
            elif key == "retitle":
                result[judgement_id] = replace(result[judgement_id], title=value)
            else:
                result[judgement_id] = _changed(builder, result[judgement_id], value, header,
                                                base + (key, judgement_id))
    for index, item in enumerate(changes.get("add", [])):
        path = base + ("add", index)
        where = header.where(path)
        if item["id"] in result:
            builder.problem(where, f"judgement {item['id']!r} is already in the tree", item["id"])
            continue
        new = judgement(builder, item, item["section"], where, header, path, header.data.get("min_evidence", 0.0))
        ordered = list(result.values())
        after = item.get("after")
        if after is not None and after not in result:
            builder.problem(where, f"after: no judgement {after!r}" + builder.suggest(after, result), item["id"])
            after = None
        if after is None:  # at the end of its section, or a new section at the end
            same = [i for i, j in enumerate(ordered) if j.section == new.section]
            position = same[-1] + 1 if same else len(ordered)
        else:
            position = next(i for i, j in enumerate(ordered) if j.id == after) + 1
        ordered.insert(position, new)
        result = {j.id: j for j in ordered}
    for each in result.values():
        for key in READS:
            for other in getattr(each, key):
                if other not in result:
                    builder.problem(header.where(base), f"{each.id}: {key} names {other!r}, which is not in "
                                    "the tree (removed?); change it", each.id)
    return result


def _changed(builder: PackBuilder, judgement: Judgement, value: dict[str, Any], header: Document,
             path: PathKey) -> Judgement:
    """A parent's judgement with a ``change`` applied.

    A limit the change sets again loses the parent's rationale: it needs its own.
    """
    fields: dict[str, Any] = {name: tuple(item) if isinstance(item, list) else item
                              for name, item in value.items() if name != "limits_rationale"}
    sources = {key: text for key, text in judgement.limits_rationale.items() if key not in value}
    sources.update(rationales(value.get("limits_rationale")))
    changed = replace(judgement, **fields, limits_rationale=sources)
    check_limit_sources(builder, changed, header, path, value, value.get("limits_rationale", {}))
    return changed


def rules(builder: PackBuilder, parent: Pack, header: Document, metrics: dict[str, Metric],
          judgements: dict[str, Judgement]) -> list[Rule]:
    """The parent's rules with this pack's overrides applied and its disabled rules left out."""
    overrides, disabled = header.data.get("override", {}), header.data.get("disable", {})
    known = [rule.id for rule in parent.rules]
    for key, named in (("override", overrides), ("disable", disabled)):
        for rule_id in named:
            if rule_id not in known:
                builder.problem(header.where_key((key, rule_id)), f"no rule {rule_id!r} in pack {parent.id}"
                                + builder.suggest(rule_id, known), rule_id)
            elif key == "disable" and rule_id in overrides:
                builder.problem(header.where_key((key, rule_id)), "is both overridden and disabled", rule_id)
    kept = []
    for rule in parent.rules:
        if rule.id in overrides:
            rule = _override(builder, rule, overrides[rule.id], header, metrics, parent, judgements)
        if rule.id not in disabled:
            kept.append(rule)
    return kept


def _override(builder: PackBuilder, rule: Rule, changes: dict[str, Any], header: Document,
              metrics: dict[str, Metric], parent: Pack, judgements: dict[str, Judgement]) -> Rule:
    path = ("override", rule.id)
    types = condition_types(metrics[rule.metric], metrics)
    replaced: dict[str, Any] = {key: changes[key] for key in ("title", "timescale", "limiting", "judgement")
                                if key in changes}
    if "judgement" in changes and changes["judgement"] not in judgements:
        builder.problem(header.where(path + ("judgement",)), f"unknown judgement {changes['judgement']!r}"
                        + builder.suggest(changes["judgement"], judgements), rule.id)
    for key in ("recommendation", "rationale", "limiting_rationale"):
        if key in changes:
            replaced[key] = one_line(changes[key])
    if "bands" in changes:
        replaced["bands"] = tuple(builder.bands(changes["bands"], types, header, path, rule.id, parent.scale))
    if "otherwise" in changes:
        builder.check_grade(changes["otherwise"], header.where(path + ("otherwise",)), rule.id, parent.scale,
                            "otherwise ")
        replaced["otherwise"] = changes["otherwise"]
    if "applies_when" in changes:
        replaced["applies_when"] = builder.condition(changes["applies_when"], types, header,
                                                     path + ("applies_when",), rule.id)
    if "cites" in changes:
        replaced["cites"] = builder.cites(changes["cites"], header, path + ("cites",), rule.id, parent.sources)
    result = replace(rule, **replaced)
    if result.timescale and not result.recommendation:
        builder.problem(header.where(path), "a timescale needs a recommendation", rule.id)
    check_limiting_source(builder, result, header, path, changes)
    return result
