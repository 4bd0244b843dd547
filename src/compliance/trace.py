"""A pack's traceability: its source, paragraph by paragraph, and the rules that encode what each says.

``traceability.yaml`` in a pack lists, for every paragraph of a range, what the paragraph
says (short verbatim quotes) and, for each, the rules that encode it or why none can.
``comply rules trace`` renders it as a table; ``comply rules lint`` and the tests hold it to
the pack: every paragraph of the range present, every rule and judgement named known, every
rule of the pack traced, and a rule listed under a paragraph exactly when it cites it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .loader import Document, read_yaml
from .model import InputError, Location, Pack, Problem, Rule
from .report.escaping import markdown, markdown_code
from .schema import did_you_mean, shape_problems

FILE = "traceability.yaml"
#: What an item of the trace can be, with how the table shows it.
KINDS: dict[str, str] = {"verdict": "verdict", "strength": "strength", "weakness": "weakness",
                         "evidence": "evidence evaluated", "context": "context", "unencoded": "not encodable"}


@dataclass(frozen=True)
class Item:
    paragraph: int
    says: str
    kind: str  # one of KINDS
    rules: tuple[str, ...]  # strength, weakness, evidence: the rules that encode it
    detail: str  # verdict: the judgement; context, unencoded: why no rule
    location: Location


@dataclass(frozen=True)
class Traceability:
    path: str
    first: int
    last: int
    source: str | None
    headings: dict[int, str]
    items: tuple[Item, ...]


def read(folder: Path) -> Traceability | None:
    """The pack's traceability, or None when it has none; InputError when the file is malformed."""
    path = folder / FILE
    if not path.is_file():
        return None
    document = read_yaml(path)
    problems = shape_problems(document, "traceability")
    problems += [Problem(document.where_key(("trace", key)), f"trace: {key!r} is not a paragraph number")
                 for key in document.data.get("trace", {}) if not str(key).isdigit()]
    if problems:
        raise InputError(problems)
    return _build(document)


def _build(document: Document) -> Traceability:
    data = document.data
    items = []
    for paragraph, entries in data["trace"].items():
        for index, entry in enumerate(entries):
            kind = next(key for key in entry if key != "says")
            value = entry[kind]
            rules = tuple(value) if isinstance(value, list) else ()
            detail = "" if rules else " ".join(str(value).split())
            items.append(Item(int(paragraph), " ".join(entry["says"].split()), kind, rules, detail,
                              document.where(("trace", paragraph, index))))
    headings = {int(key): text for key, text in data.get("headings", {}).items()}
    return Traceability(document.path, data["paragraphs"]["from"], data["paragraphs"]["to"], data.get("source"),
                        headings, tuple(items))


def problems(pack: Pack, trace: Traceability) -> list[Problem]:
    """Where the traceability and the pack disagree, sorted by position."""
    found: list[Problem] = []
    where = Location(trace.path)
    source = next((s for s in pack.sources if s.id == trace.source), pack.source) if trace.source else pack.source
    if trace.source and source.id != trace.source:
        found.append(Problem(where, f"source: the pack has no source {trace.source!r}"))
    if not 1 <= trace.first <= trace.last <= source.paragraphs:
        found.append(Problem(where, f"paragraphs {trace.first}-{trace.last}: the source has paragraphs "
                                    f"1-{source.paragraphs}"))
    traced = {item.paragraph for item in trace.items}
    found += [Problem(where, f"paragraph {paragraph} is not traced") for paragraph in range(trace.first, trace.last + 1)
              if paragraph not in traced]
    found += [Problem(item.location, f"paragraph {item.paragraph} is not in the source (1-{source.paragraphs})")
              for item in trace.items if not 1 <= item.paragraph <= source.paragraphs]
    rules = {rule.id: rule for rule in pack.rules}
    judgements = {judgement.id for judgement in pack.judgements}
    listed: dict[str, set[int]] = {}
    for item in trace.items:
        if item.kind == "verdict" and item.detail not in judgements:
            found.append(Problem(item.location, f"verdict: no judgement {item.detail!r}"
                                 + did_you_mean(item.detail, judgements)))
        for rule_id in item.rules:
            if rule_id not in rules:
                found.append(Problem(item.location, f"no rule {rule_id!r} in pack {pack.id}"
                                     + did_you_mean(rule_id, rules)))
                continue
            listed.setdefault(rule_id, set()).add(item.paragraph)
            if item.paragraph not in _cited(rules[rule_id], traced | set(range(trace.first, trace.last + 1)),
                                            source.id):
                found.append(Problem(item.location, f"{rule_id} does not cite para {item.paragraph}: cite it, or "
                                                    "list the rule under the paragraph it rests on"))
    for rule in pack.rules:
        if rule.id not in listed:
            found.append(Problem(rule.location, f"{rule.id} is traced to no paragraph"))
        checked = traced | set(range(trace.first, trace.last + 1))
        for paragraph in sorted(_cited(rule, checked, source.id) - listed.get(rule.id, set())):
            found.append(Problem(rule.location, f"{rule.id} cites para {paragraph}, where the trace does not list it"))
    return sorted(found)


def _cited(rule: Rule, paragraphs: set[int], source_id: str) -> set[int]:
    """The paragraphs among ``paragraphs`` that the rule cites from its source."""
    cited = set()
    for cite in rule.cites:
        prefix, _, number = cite.rpartition(":")
        if (not prefix or prefix == source_id) and int(number) in paragraphs:
            cited.add(int(number))
    return cited


def check(folder: Path, pack: Pack) -> list[Problem]:
    """Everything wrong with the pack's traceability, if it has one (for lint)."""
    try:
        trace = read(folder)
    except InputError as error:
        return error.problems
    return problems(pack, trace) if trace else []


def document(pack: Pack) -> str:
    """comply rules trace: the pack's source paragraph by paragraph; InputError when it has no trace, or its
    trace and its rules disagree."""
    traced = read(Path(pack.path))
    if traced is None:
        raise InputError([Problem(Location(pack.path), f"pack {pack.id} has no {FILE}")])
    found = problems(pack, traced)
    if found:
        raise InputError(found)
    return render(pack, traced)


def render(pack: Pack, trace: Traceability) -> str:
    """The traceability as a Markdown document: a table per heading of the source."""
    counts = {kind: sum(item.kind == kind for item in trace.items) for kind in KINDS}
    encoded = {rule_id for item in trace.items for rule_id in item.rules}
    lines = [
        f"# {markdown(pack.title)}: the report, paragraph by paragraph",
        "",
        f"Generated from the pack's `{FILE}` by `comply rules trace`; edit that file, not this page.",
        "",
        f"Every paragraph from {trace.first} to {trace.last} of *{markdown(pack.source.title)}* (and any other a "
        "rule rests "
        "on): what it says, in short "
        "quotations, and the rules that encode each expectation, or why none can. A verdict is the report's own "
        "grade, which the pack never reads; it reaches its grades from the rules.",
        "",
        f"{len(trace.items)} statements: {counts['verdict']} verdicts, {counts['strength']} strengths and "
        f"{counts['weakness']} weaknesses (each encoded by a rule), {counts['evidence']} on the evidence the "
        f"inspectors evaluated, {counts['context']} that describe and set no "
        f"expectation, {counts['unencoded']} that no authority could evidence. {len(encoded)} of the pack's "
        f"{len(pack.rules)} rules are traced here, each under every paragraph it cites.",
    ]
    shown: object = object()  # the heading of the table being written; none yet
    for item in sorted(trace.items, key=lambda item: item.paragraph):
        heading = max((first for first in trace.headings if first <= item.paragraph), default=None)
        if heading != shown:
            shown = heading
            title = trace.headings[heading] if heading is not None else "Paragraphs"
            lines += ["", f"## {markdown(title)}", "", "| para | the report says | kind | encoded by, or why not |",
                      "|---|---|---|---|"]
        lines.append(f"| {item.paragraph} | {markdown(item.says)} | {KINDS[item.kind]} | {_encoded(item)} |")
    return "\n".join(lines) + "\n"


def _encoded(item: Item) -> str:
    """The rules that encode an item, or why none does, as Markdown (the file's text shown as text)."""
    if item.rules:
        return ", ".join(markdown_code(rule_id) for rule_id in item.rules)
    if item.kind == "verdict":
        return f"the grade of {markdown_code(item.detail)}: never read by the pack"
    return markdown(item.detail)
