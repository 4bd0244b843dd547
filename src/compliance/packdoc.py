"""A pack as a Markdown catalogue: ``comply rules doc`` (whole), ``comply rules show`` (one rule or judgement) and
``comply rules list`` (its rules in a table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .model import LIMIT_KEYS, Judgement, Metric, Pack, Rule
from .problems import BadValue
from .report.escaping import markdown, markdown_code
from .schema import did_you_mean
from .units import UNITS

NO_SOURCE = "not given"  # a limit whose rationale is missing; lint reports it


class Writing(NamedTuple):
    """How a pack's own text is written: prose, and code (ids, conditions)."""

    text: Callable[[Any], str]
    code: Callable[[Any], str]


#: For a Markdown file (rules doc): the pack's text shown as text, never as markup (a local pack may come from
#: anyone); conditions as code spans, their < and > as written.
MARKDOWN = Writing(markdown, markdown_code)
#: For the terminal (rules show): as written, on one line (Outputs.show replaces what a terminal would obey).
TERMINAL = Writing(lambda value: " ".join(str(value).split()), lambda value: f"`{' '.join(str(value).split())}`")


def render(pack: Pack) -> str:
    w = MARKDOWN
    source = pack.source
    lines = [
        f"# {w.text(pack.title)}",
        "",
        f"Pack {w.code(pack.id)}, version {w.text(pack.version)}. Source: *{w.text(source.title)}*, "
        f"{w.text(source.publisher)}, published {w.text(source.published)}, {source.paragraphs} numbered paragraphs; "
        "citations are its paragraph numbers.",
        "",
        "Generated from the pack's files by `comply rules doc`; edit the pack, not this page.",
        "",
        "## Scale",
        "",
        "| score | grade |",
        "|---|---|",
        *[f"| {grade.score} | {w.text(grade.label)} |" for grade in pack.scale.grades],
        f"\nRules graded worse than {w.text(pack.scale[pack.recommend_below].label)} raise their recommendation.",
        "",
        "## Judgements",
        "",
        "| section | judgement | id | method | inputs | limited by | rules |",
        "|---|---|---|---|---|---|---|",
    ]
    for judgement in pack.judgements:
        rules = sum(1 for rule in pack.rules if rule.judgement == judgement.id)
        lines.append(f"| {w.text(judgement.section)} | {w.text(judgement.title)} | {w.code(judgement.id)} | "
                     f"{w.text(judgement.method)} | {_ids(judgement.inputs)} | {_ids(judgement.limited_by)} | "
                     f"{rules} |")
    lines += _limits(pack)
    lines += ["", f"## Rules ({len(pack.rules)})"]
    for judgement in pack.judgements:
        own = [rule for rule in pack.rules if rule.judgement == judgement.id]
        if own:
            lines += ["", f"### {w.text(judgement.section)}: {w.text(judgement.title)}"]
            for rule in own:
                lines += ["", rule_section(pack, rule, judgement)]
    if pack.queries:
        lines += ["", f"## Data queries ({len(pack.queries)})", "",
                  "Checks of the figures against each other; they never feed a grade.", "",
                  "| query | check | message | cites |", "|---|---|---|---|"]
        lines += [f"| {w.code(q.id)}: {w.text(q.title)} | {w.code(q.check.text)} | {w.text(q.message)} | "
                  f"{w.text(', '.join(q.cites))} |" for q in pack.queries]
    lines += ["", f"## Metric catalogue ({len(pack.metrics)})", "",
              "| metric | title | unit | polarity | code | default benchmarks | definition |",
              "|---|---|---|---|---|---|---|"]
    lines += [_metric_row(metric) for metric in pack.metrics.values()]
    return "\n".join(lines) + "\n"


def _limits(pack: Pack) -> list[str]:
    """Every limit of the pack (judgements' and limiting rules') with where it comes from."""
    w = MARKDOWN
    rows = [(w.text(f"{j.section}: {j.title}"), _limit_words(pack, j, key, w),
             w.text(j.limits_rationale.get(key, NO_SOURCE))) for j in pack.judgements for key in j.limits()]
    rows += [(w.text(f"{pack.judgement(r.judgement).section}: {pack.judgement(r.judgement).title}"),
              f"no better than rule {w.code(r.id)}", w.text(r.limiting_rationale or NO_SOURCE))
             for r in pack.rules if r.limiting]
    if not rows:
        return []
    return ["", "## Limits and where they come from", "",
            "Applied after each judgement's method; `comply rules lint` reports a limit that gives no source.", "",
            "| judgement | limit | where it comes from |", "|---|---|---|",
            *[f"| {name} | {limit} | {why} |" for name, limit, why in rows]]


def _limit_words(pack: Pack, judgement: Judgement, key: str, w: Writing) -> str:
    """A judgement's limit ``key`` in words, as Markdown."""
    if key == "cap_above_worst":
        return f"no more than {judgement.cap_above_worst} grade(s) above its worst graded input"
    names = w.text(", ".join(pack.judgement(other).title for other in getattr(judgement, key)))
    if key == "limited_by":
        return f"no better than {names}"
    return f"{w.text(pack.scale.grades[-1].label)} when any of these is: {names}"


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
        return judgement_section(pack, judgements[item_id], TERMINAL) + \
            f"\n\ndefined at {judgements[item_id].location}\n"
    rule = find_rule(pack, item_id)
    return rule_section(pack, rule, None, TERMINAL) + f"\n\ndefined at {rule.location}\n"


def find_rule(pack: Pack, rule_id: str) -> Rule:
    """The pack's rule of that id; BadValue when there is none."""
    for rule in pack.rules:
        if rule.id == rule_id:
            return rule
    raise BadValue("rule_id", "RULE_ID", f"no rule {rule_id!r} in pack {pack.id}"
                   + did_you_mean(rule_id, [r.id for r in pack.rules]))


def judgement_section(pack: Pack, judgement: Judgement, w: Writing = MARKDOWN) -> str:
    """One judgement as a Markdown block: method, inputs, rules, limits with their sources."""
    rules = [rule.id for rule in pack.rules if rule.judgement == judgement.id]
    rows = [("section", w.text(judgement.section)), ("method", w.text(judgement.method)),
            ("inputs", _ids(judgement.inputs, w) or "none"), ("rules", _ids(tuple(rules), w) or "none")]
    if judgement.description:
        rows.insert(0, ("description", w.text(judgement.description)))
    rows += [(f"limit: {_limit_words(pack, judgement, key, w)}", w.text(judgement.limits_rationale.get(key, NO_SOURCE)))
             for key in LIMIT_KEYS if key in judgement.limits()]
    rows += [(f"limit: no better than rule {w.code(rule.id)}", w.text(rule.limiting_rationale or NO_SOURCE))
             for rule in pack.rules if rule.judgement == judgement.id and rule.limiting]
    table = "\n".join(f"| {name} | {text} |" for name, text in rows)
    return f"#### {w.text(judgement.id)}: {w.text(judgement.title)}\n\n| | |\n|---|---|\n{table}"


def rule_section(pack: Pack, rule: Rule, judgement: Judgement | None = None, w: Writing = MARKDOWN) -> str:
    """One rule as a Markdown block: heading, bands, metric, recommendation, citation."""
    judgement = judgement or pack.judgement(rule.judgement)
    metric = pack.metrics[rule.metric]
    bands = "<br>".join(f"{w.text(pack.scale[band.grade].label)}: {w.code(band.condition.text)}" for band in rule.bands)
    bands += f"<br>otherwise: {w.text(pack.scale[rule.otherwise].label)}"
    rows = [
        ("judgement", f"{w.text(judgement.section)}: {w.text(judgement.title)} ({w.code(judgement.id)})"),
        ("metric", f"{w.code(metric.id)}: {w.text(metric.title)} ({UNITS[metric.unit].label})"),
        ("bands", bands),
    ]
    if rule.applies_when:
        rows.append(("applies when", w.code(rule.applies_when.text)))
    if rule.limiting:
        rows.append(("limiting", f"yes: {w.text(judgement.title)} can be no better than this rule's grade; "
                                 f"source: {w.text(rule.limiting_rationale or NO_SOURCE)}"))
    rows += [
        ("timescale", w.text(rule.timescale or "none (a further shortfall, not an area for improvement)")),
        ("recommendation", w.text(rule.recommendation or "none")),
    ]
    if rule.rationale:
        rows.append(("rationale", w.text(rule.rationale)))
    word = "para" if len(rule.cites) == 1 else "paras"
    rows.append(("cites", f"{word} {w.text(', '.join(rule.cites))}"))
    table = "\n".join(f"| {name} | {text} |" for name, text in rows)
    return f"#### {w.text(rule.id)}: {w.text(rule.title)}\n\n| | |\n|---|---|\n{table}"


def _metric_row(metric: Metric) -> str:
    w = MARKDOWN
    defaults = ", ".join(f"{name} {value:g}" for name, value in metric.defaults.items())
    if metric.defaults_source:
        defaults += f" ({metric.defaults_source})"
    if metric.defaults_period:
        defaults += f", for {metric.defaults_period}"
    return (f"| {w.code(metric.id)} | {w.text(metric.title)} | {UNITS[metric.unit].label} | "
            f"{metric.polarity.value.replace('_', ' ')} | {w.text(metric.code or '')} | {w.text(defaults)} | "
            f"{w.text(metric.definition)} |")


def _ids(ids: tuple[str, ...], w: Writing = MARKDOWN) -> str:
    return ", ".join(w.code(item) for item in ids)
