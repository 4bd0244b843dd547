"""The nouns of comply: packs, submitted metrics, findings and judgements.

Plain frozen dataclasses (records.py: dataclasses whose methods were written ahead) and enums.
This module imports nothing of ours but the shared error types (problems.py) and records.py,
so every other module can depend on it.
"""

from __future__ import annotations

import marshal
from dataclasses import field
from enum import StrEnum
from functools import cached_property
from types import CodeType
from typing import Any

from .problems import InputError, Location, Problem
from .records import record

__all__ = ["InputError", "Location", "Problem"]  # re-exported: most modules import them from here

#: Timescales of areas for improvement, in the order a report lists them.
TIMESCALES: tuple[str, ...] = ("immediately", "within three months", "within six months")

#: The names a benchmark may have, in the order they are shown, and how each is written for people.
BENCHMARK_WORDS: dict[str, str] = {"national": "England", "region": "region", "neighbours": "statistical neighbours",
                                   "previous": "previously", "target": "target"}
BENCHMARKS: tuple[str, ...] = tuple(BENCHMARK_WORDS)
#: The names a rule's conditions read besides metric ids, each rule's own: ``value`` and ``previous`` take the
#: type of the rule's metric, the others are numbers. No metric may take one of them as its id.
RULE_NAMES: tuple[str, ...] = ("value", "numerator", "denominator", "trend", *BENCHMARKS)

#: A judgement's limits, as pack.yaml names them; each says where it comes from in limits_rationale.
LIMIT_KEYS: tuple[str, ...] = ("limited_by", "cap_above_worst", "worst_grade_from")


class Status(StrEnum):
    GRADED = "graded"
    NOT_EVIDENCED = "not_evidenced"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    RATE = "rate"
    DAYS = "days"
    NUMBER = "number"
    BOOLEAN = "boolean"


class Polarity(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    BAND = "band"
    CONTEXT = "context"


@record(frozen=True)
class Grade:
    id: str
    label: str
    score: int  # position on the scale, 1 = best


@record(frozen=True)
class Scale:
    grades: tuple[Grade, ...]

    def __getitem__(self, grade_id: str) -> Grade:
        for grade in self.grades:
            if grade.id == grade_id:
                return grade
        raise KeyError(grade_id)

    def __contains__(self, grade_id: object) -> bool:
        return any(grade.id == grade_id for grade in self.grades)

    def by_score(self, score: int) -> Grade:
        return self.grades[score - 1]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(grade.id for grade in self.grades)


@record(frozen=True)
class Source:
    """The document a pack encodes; citations are its paragraph numbers."""

    id: str
    title: str
    publisher: str
    published: str
    paragraphs: int


@record(frozen=True)
class Metric:
    id: str
    title: str
    unit: Unit
    polarity: Polarity
    definition: str
    minimum: float | None = None
    maximum: float | None = None
    code: str | None = None
    defaults: dict[str, float] = field(default_factory=dict)
    defaults_source: str | None = None
    defaults_period: str | None = None  # the year of the default national, region and neighbour figures
    location: Location | None = None

    @cached_property
    def is_boolean(self) -> bool:
        return self.unit is Unit.BOOLEAN


@record(frozen=True)
class Condition:
    """A parsed and checked condition: its text, the names it reads, where it is written, and its code."""

    text: str
    names: frozenset[str]
    location: Location
    code: CodeType  # the checked syntax tree, compiled (expressions.parse)
    template: str = ""  # the condition as text with each name as \x00name\x00, for describing it

    def __reduce__(self) -> tuple[Any, ...]:
        # code objects do not pickle; marshal keeps them (the pack cache's key names the Python that wrote them)
        return _condition, (self.text, self.names, self.location, marshal.dumps(self.code), self.template)


def _condition(text: str, names: frozenset[str], location: Location, code: bytes, template: str) -> Condition:
    return Condition(text, names, location, marshal.loads(code), template)


@record(frozen=True)
class Band:
    grade: str
    condition: Condition


@record(frozen=True)
class Rule:
    id: str
    title: str
    judgement: str
    metric: str
    bands: tuple[Band, ...]
    otherwise: str  # the grade when no band holds (the schema requires it)
    cites: tuple[str, ...]
    location: Location
    recommendation: str | None = None
    timescale: str | None = None
    limiting: bool = False
    applies_when: Condition | None = None
    rationale: str | None = None
    limiting_rationale: str | None = None  # where the limit comes from


@record(frozen=True)
class Query:
    """A data-quality query: a check the figures should pass against each other."""

    id: str
    title: str
    check: Condition
    message: str
    cites: tuple[str, ...]
    location: Location
    metric: str | None = None


class Signal(StrEnum):
    """What a published indicator says in an estimate: it counts for, against, or neither."""

    STRENGTH = "strength"
    NEUTRAL = "neutral"
    CONCERN = "concern"


@record(frozen=True)
class Indicator:
    """A published figure read as a strength, a neutral or a concern for an estimate (never graded)."""

    id: str
    title: str
    metric: str
    strength: Condition
    concern: Condition
    cites: tuple[str, ...]
    location: Location
    rationale: str | None = None


@record(frozen=True)
class Estimate:
    """How a judgement is estimated from published figures when the authority's own evidence is not
    there: its method, indicators and cut-points, and how the estimate fared on the validation."""

    judgement: str
    method: str
    indicators: tuple[tuple[str, float], ...]  # (indicator id, what its signal counts for)
    cut_points: tuple[tuple[str, float], ...]  # (grade id, highest score at that grade), best first
    location: Location
    rationale: str | None = None
    estimable: bool = True  # False: withdrawn, as it did not beat its baselines on the validation
    agreement: str = ""  # the validation in a sentence: "within one grade of Ofsted's in 95 of 103 ..."
    why_not: str = ""  # when withdrawn: what the validation found
    prompts: tuple[str, ...] = ()  # the published metrics that bear on the judgement
    validation: dict[str, Any] = field(default_factory=dict)


@record(frozen=True)
class Judgement:
    id: str
    section: str
    title: str
    method: str
    location: Location
    inputs: tuple[str, ...] = ()
    limited_by: tuple[str, ...] = ()
    min_evidence: float = 0.0
    description: str | None = None
    cap_above_worst: int | None = None  # no more than this many grades better than the worst graded input
    worst_grade_from: tuple[str, ...] = ()  # at the scale's worst grade when any of these judgements is
    #: limit key (LIMIT_KEYS) -> where that limit comes from: the framework, or the source's reasoning
    limits_rationale: dict[str, str] = field(default_factory=dict)

    def limits(self) -> tuple[str, ...]:
        """The limit keys this judgement sets, in LIMIT_KEYS' order."""
        return tuple(key for key in LIMIT_KEYS if getattr(self, key) not in (None, ()))


@record(frozen=True)
class Pack:
    id: str
    title: str
    version: str
    path: str
    source: Source
    scale: Scale
    recommend_below: str
    small_cohort: int
    judgements: tuple[Judgement, ...]  # in the record of main findings' order
    metrics: dict[str, Metric]
    rules: tuple[Rule, ...]
    sources: tuple[Source, ...] = ()  # every document the pack cites; source is the first
    queries: tuple[Query, ...] = ()
    selection: tuple[str, ...] = ()  # --only: the judgements and rules this run was narrowed to
    #: (id, version) of each pack this one adapts, nearest first
    extends: tuple[tuple[str, str], ...] = ()
    #: (rule id, reason) for each rule a local pack switched off
    disabled: tuple[tuple[str, str], ...] = ()
    #: each rule a pack extending another changed: (rule id, the pack that changed it, the keys it changed,
    #: its rationale for the change or "", where the change is written)
    overridden: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = ()
    #: sha256 of the pack's own files, as they were when it was built (cache.files_digest)
    digest: str = ""
    #: the folders of the packs this one extends, nearest first
    parent_paths: tuple[str, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    estimates: dict[str, Estimate] = field(default_factory=dict)  # by judgement id
    calibration: str = ""  # how the estimates were calibrated, in a sentence
    follows: str = ""  # the family it extends, whose version in force on a file's date it takes
    #: limits set in the pack's own files with no rationale, and rationales for limits not set: the pack
    #: loads (older packs have them), and lint reports them
    unsourced: tuple[Problem, ...] = ()

    def judgement(self, judgement_id: str) -> Judgement:
        return self._judgements_by_id[judgement_id]

    @cached_property
    def _judgements_by_id(self) -> dict[str, Judgement]:
        return {judgement.id: judgement for judgement in self.judgements}

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(j.section for j in self.judgements))


@record(frozen=True)
class MetricValue:
    """One submitted figure with the comparators that travel with it."""

    metric: str
    value: float | bool | None
    location: Location
    numerator: float | None = None
    denominator: float | None = None
    benchmarks: dict[str, float] = field(default_factory=dict)
    history: dict[str, float] = field(default_factory=dict)
    note: str | None = None
    estimated: frozenset[str] = frozenset()  # the fields that are estimates: "value", "national", ...
    #: where the figure ranks: "neighbours" or "england" -> (position, of), 1 the best by polarity
    rank: dict[str, tuple[int, int]] = field(default_factory=dict)


@record(frozen=True)
class LastInspection:
    """The authority's last inspection, shown beside comply's grades as context; never graded."""

    date: str  # YYYY-MM-DD
    grades: dict[str, str]  # judgement id -> scale id
    source: str | None = None


@record(frozen=True)
class Waiver:
    """An agreed exception: a rule not applied to an authority, until a date."""

    rule: str
    reason: str
    agreed_by: str
    expires: str  # YYYY-MM-DD; the waiver applies up to and including this day
    location: Location
    authority: str | None = None  # in a shared waivers file; None means every authority


@record(frozen=True)
class Submission:
    """A metrics file: one authority's figures for one period."""

    path: str
    authority: str
    period: str
    values: dict[str, MetricValue]
    code: str | None = None
    as_of: str | None = None
    pack: str | None = None
    waivers: tuple[Waiver, ...] = ()
    sha256: str = ""  # of the metrics file
    last_inspection: LastInspection | None = None


@record(frozen=True)
class Finding:
    rule: Rule
    status: Status
    evidence: str
    grade: Grade | None = None
    value: float | bool | None = None
    benchmarks: dict[str, float] = field(default_factory=dict)
    queried: tuple[str, ...] = ()  # the raised data queries that read a figure it graded on


class JudgementKind(StrEnum):
    JUDGED = "judged"  # from the authority's own evidence, as an inspector would
    ESTIMATED = "estimated"  # from published figures, by the pack's calibrated estimate
    NOT_ESTIMABLE = "not_estimable"  # published figures cannot tell it, and the own evidence is missing
    NOT_JUDGED = "not_judged"


@record(frozen=True)
class JudgementResult:
    judgement: Judgement
    grade: Grade | None  # None: not judged
    basis: str  # a sentence: the method, the inputs, how many were graded, the limits applied
    method_grade: Grade | None = None  # the grade before limits
    limits: tuple[str, ...] = ()  # the judgements and rules that lowered the grade
    kind: JudgementKind = JudgementKind.JUDGED
    score: float | None = None  # an estimate's points: concerns less strengths
    estimate: Estimate | None = None  # what the judgement was (or could not be) estimated by


@record(frozen=True)
class IndicatorResult:
    """A published indicator's reading: its signal, or None when the figure is not there (neutral)."""

    indicator: Indicator
    signal: Signal | None
    evidence: str
    value: float | bool | None = None
    benchmarks: dict[str, float] = field(default_factory=dict)
    queried: tuple[str, ...] = ()  # the raised data queries that read its figure


@record(frozen=True)
class Improvement:
    """A recommendation raised by a rule that fell short."""

    rule: Rule
    judgement: Judgement
    timescale: str | None  # None: a further shortfall, not an area for improvement


@record(frozen=True)
class Earlier:
    """What a history database holds for an authority and pack before this period."""

    judgements: dict[str, dict[str, str | None]]  # judgement id -> period -> grade label
    values: dict[str, dict[str, float | bool]]  # metric id -> period -> figure


class QueryStatus(StrEnum):
    PASSED = "passed"
    RAISED = "raised"
    NOT_CHECKED = "not_checked"  # a figure the check needs was not supplied


@record(frozen=True)
class QueryResult:
    query: Query
    status: QueryStatus
    text: str  # the message when raised, with the figures; what was missing when not checked


@record(frozen=True)
class Result:
    submission: Submission
    pack: Pack
    findings: tuple[Finding, ...]
    judgements: tuple[JudgementResult, ...]
    areas_for_improvement: tuple[Improvement, ...]
    further_shortfalls: tuple[Improvement, ...]
    queries: tuple[QueryResult, ...] = ()
    indicators: tuple[IndicatorResult, ...] = ()
    #: every waiver that named a rule of this run, and whether it applied or had expired
    waivers: tuple[tuple[Waiver, bool], ...] = ()
    earlier: Earlier | None = None  # from a history database, when the run had one
    warnings: tuple[str, ...] = ()  # what looks wrong with the figures but is not an error
