"""A pack as a Markdown catalogue: ``comply rules doc`` (whole), ``comply rules show`` (one rule or judgement) and
``comply rules list`` (its rules in a table)."""

from __future__ import annotations

from .model import LIMIT_KEYS, Judgement, Metric, Pack, Rule
from .problems import BadValue
from .schema import did_you_mean
from .units import UNITS

NO_SOURCE = "not given"  # a limit whose rationale is missing; lint reports it


def render(pack: Pack) -> str:
    source = pack.source
    lines = [
        f"# {pack.title}",
        "",
        f"Pack `{pack.id}`, version {pack.version}. Source: *{source.title}*, {source.publisher}, "
        f"published {source.published}, {source.paragraphs} numbered paragraphs; citations are its "
        "paragraph numbers.",
        "",
        "Generated from the pack's files by `comply rules doc`; edit the pack, not this page.",
        "",
        "## Scale",
        "",
        "| score | grade |",
        "|---|---|",
        *[f"| {grade.score} | {grade.label} |" for grade in pack.scale.grades],
        f"\nRules graded worse than {pack.scale[pack.recommend_below].label} raise their recommendation.",
        "",
        "## Judgements",
        "",
        "| section | judgement | id | method | inputs | limited by | rules |",
        "|---|---|---|---|---|---|---|",
    ]
    for judgement in pack.judgements:
        rules = sum(1 for rule in pack.rules if rule.judgement == judgement.id)
        lines.append(f"| {judgement.section} | {judgement.title} | `{judgement.id}` | {judgement.method} | "
                     f"{_ids(judgement.inputs)} | {_ids(judgement.limited_by)} | {rules} |")
    lines += _limits(pack)
    lines += ["", f"## Rules ({len(pack.rules)})"]
    for judgement in pack.judgements:
        own = [rule for rule in pack.rules if rule.judgement == judgement.id]
        if own:
            lines += ["", f"### {judgement.section}: {judgement.title}"]
            for rule in own:
                lines += ["", rule_section(pack, rule, judgement)]
    if pack.queries:
        lines += ["", f"## Data queries ({len(pack.queries)})", "",
                  "Checks of the figures against each other; they never feed a grade.", "",
                  "| query | check | message | cites |", "|---|---|---|---|"]
        lines += [f"| `{q.id}`: {_cell(q.title)} | `{_cell(' '.join(q.check.text.split()))}` | {_cell(q.message)} | "
                  f"{', '.join(q.cites)} |" for q in pack.queries]
    lines += ["", f"## Metric catalogue ({len(pack.metrics)})", "",
              "| metric | title | unit | polarity | code | default benchmarks | definition |",
              "|---|---|---|---|---|---|---|"]
    lines += [_metric_row(metric) for metric in pack.metrics.values()]
    return "\n".join(lines) + "\n"


def _limits(pack: Pack) -> list[str]:
    """Every limit of the pack (judgements' and limiting rules') with where it comes from."""
    rows = [(f"{j.section}: {j.title}", _limit_words(pack, j, key), j.limits_rationale.get(key, NO_SOURCE))
            for j in pack.judgements for key in j.limits()]
    rows += [(f"{pack.judgement(r.judgement).section}: {pack.judgement(r.judgement).title}",
              f"no better than rule `{r.id}`", r.limiting_rationale or NO_SOURCE) for r in pack.rules if r.limiting]
    if not rows:
        return []
    return ["", "## Limits and where they come from", "",
            "Applied after each judgement's method; `comply rules lint` reports a limit that gives no source.", "",
            "| judgement | limit | where it comes from |", "|---|---|---|",
            *[f"| {_cell(name)} | {_cell(limit)} | {_cell(why)} |" for name, limit, why in rows]]


def _limit_words(pack: Pack, judgement: Judgement, key: str) -> str:
    """A judgement's limit ``key`` in words."""
    if key == "cap_above_worst":
        return f"no more than {judgement.cap_above_worst} grade(s) above its worst graded input"
    names = ", ".join(pack.judgement(other).title for other in getattr(judgement, key))
    if key == "limited_by":
        return f"no better than {names}"
    return f"{pack.scale.grades[-1].label} when any of these is: {names}"


def rule_list(pack: Pack) -> str:
    """comply rules list: the pack's rules, a row each."""
    from .outputs import tabulate

    rows = [[rule.id, rule.judgement, rule.metric, rule.timescale or "", ", ".join(rule.cites)] for rule in pack.rules]
    return (f"{pack.title} ({pack.id} {pack.version}): {len(rows)} rules\n"
            + tabulate().tabulate(rows, headers=["Rule", "Judgement", "Metric", "Timescale", "Cites"]) + "\n")


def shown(pack: Pack, item_id: str) -> str:
    """comply rules show: a judgement, else a rule, and where it is defined; BadValue when it is neither."""
    judgements = {judgement.id: judgement for judgement in pack.judgements}
    if item_id in judgements:
        return judgement_section(pack, judgements[item_id]) + f"\n\ndefined at {judgements[item_id].location}\n"
    rule = find_rule(pack, item_id)
    return rule_section(pack, rule) + f"\n\ndefined at {rule.location}\n"


def find_rule(pack: Pack, rule_id: str) -> Rule:
    """The pack's rule of that id; BadValue when there is none."""
    for rule in pack.rules:
        if rule.id == rule_id:
            return rule
    raise BadValue("rule_id", "RULE_ID", f"no rule {rule_id!r} in pack {pack.id}"
                   + did_you_mean(rule_id, [r.id for r in pack.rules]))


def judgement_section(pack: Pack, judgement: Judgement) -> str:
    """One judgement as a Markdown block: method, inputs, rules, limits with their sources."""
    rules = [rule.id for rule in pack.rules if rule.judgement == judgement.id]
    rows = [("section", judgement.section), ("method", judgement.method),
            ("inputs", _ids(judgement.inputs) or "none"), ("rules", _ids(tuple(rules)) or "none")]
    if judgement.description:
        rows.insert(0, ("description", judgement.description))
    rows += [(f"limit: {_limit_words(pack, judgement, key)}", judgement.limits_rationale.get(key, NO_SOURCE))
             for key in LIMIT_KEYS if key in judgement.limits()]
    rows += [(f"limit: no better than rule `{rule.id}`", rule.limiting_rationale or NO_SOURCE)
             for rule in pack.rules if rule.judgement == judgement.id and rule.limiting]
    table = "\n".join(f"| {name} | {_cell(' '.join(text.split()))} |" for name, text in rows)
    return f"#### {judgement.id}: {judgement.title}\n\n| | |\n|---|---|\n{table}"


def rule_section(pack: Pack, rule: Rule, judgement: Judgement | None = None) -> str:
    """One rule as a Markdown block: heading, bands, metric, recommendation, citation."""
    judgement = judgement or pack.judgement(rule.judgement)
    metric = pack.metrics[rule.metric]
    bands = "<br>".join(f"{pack.scale[band.grade].label}: `{band.condition.text}`" for band in rule.bands)
    bands += f"<br>otherwise: {pack.scale[rule.otherwise].label}"
    rows = [
        ("judgement", f"{judgement.section}: {judgement.title} (`{judgement.id}`)"),
        ("metric", f"`{metric.id}`: {metric.title} ({UNITS[metric.unit].label})"),
        ("bands", bands),
    ]
    if rule.applies_when:
        rows.append(("applies when", f"`{rule.applies_when.text}`"))
    if rule.limiting:
        rows.append(("limiting", f"yes: {judgement.title} can be no better than this rule's grade; "
                                 f"source: {rule.limiting_rationale or NO_SOURCE}"))
    rows += [
        ("timescale", rule.timescale or "none (a further shortfall, not an area for improvement)"),
        ("recommendation", rule.recommendation or "none"),
    ]
    if rule.rationale:
        rows.append(("rationale", rule.rationale))
    word = "para" if len(rule.cites) == 1 else "paras"
    rows.append(("cites", f"{word} {', '.join(rule.cites)}"))
    table = "\n".join(f"| {name} | {_cell(text)} |" for name, text in rows)
    return f"#### {rule.id}: {rule.title}\n\n| | |\n|---|---|\n{table}"


def _metric_row(metric: Metric) -> str:
    defaults = ", ".join(f"{name} {value:g}" for name, value in metric.defaults.items())
    if metric.defaults_source:
        defaults += f" ({metric.defaults_source})"
    return (f"| `{metric.id}` | {_cell(metric.title)} | {UNITS[metric.unit].label} | "
            f"{metric.polarity.value.replace('_', ' ')} | {metric.code or ''} | {_cell(defaults)} | "
            f"{_cell(metric.definition)} |")


def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(f"`{item}`" for item in ids)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
