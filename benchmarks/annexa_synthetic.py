"""A synthetic Annex A workbook with known rates planted in it, for tests and the benchmark.

    python benchmarks/annexa_synthetic.py OUT.xlsx [--size small|large] [--seed N] [--period 2024-25]

Eleven lists with Ofsted's headers (as in the template and the LIIA sample), sized like a small
or a large authority (large: 60,000 contacts, 15,000 referrals, 1,500 children looked after).
Every rate is planted as an exact count, not a probability: of the n rows a figure's
denominator holds, exactly round(rate * n) are in its numerator, and the rows that no
denominator should hold (referrals before the period, plans already ended, children in care
for less than 20 working days, care leavers of other ages...) are planted too. ``generate``
returns the planted figures, so a test can assert that ``comply import annex-a`` derives them.

The working-day arithmetic here is written apart from comply's (a day-by-day walk over the
``holidays`` package's English bank holidays, against polars' business-day count), so a test
that compares the two is not comparing a function with itself. Identifiers, names, dates of
birth and postcodes are made up, and distinctive enough for a test to search outputs for them.
"""

from __future__ import annotations

import argparse
import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Day = datetime.date
Planted = dict[str, Any]  # metric id -> (numerator, denominator), a count, or a mean

SIZES = {
    "small": dict(contacts=300, early_help=40, referrals=200, assessments=150, s47=60, cin=120, cp=60, cla=80,
                  care_leavers=60, adoption=10, adopters=8, bed_and_breakfast=1),
    "large": dict(contacts=60_000, early_help=5_000, referrals=15_000, assessments=14_000, s47=3_500, cin=4_500,
                  cp=500, cla=1_500, care_leavers=600, adoption=60, adopters=40, bed_and_breakfast=3),
}
#: The rates planted, each as an exact count of its denominator.
RATES = dict(
    re_referrals_pct=0.18, assessments_45wd_pct=0.82, assessments_child_seen_pct=0.96,
    icpc_within_15_days_pct=0.78, children_unallocated_pct=0.03, cp_visits_timely_pct=0.88,
    children_seen_alone_audit_pct=0.85, cp_reviews_timely_pct=0.92, cp_plans_2yrs_pct=0.03,
    cp_second_plan_pct=0.22, cla_reviews_timely_pct=0.93, cla_visits_timely_pct=0.90, cla_dental_pct=0.80,
    cla_health_assessment_pct=0.88, cla_3plus_placements_pct=0.10, cla_missing_pct=0.11,
    return_home_interviews_timely_pct=0.70, cla_return_interviews_accepted_pct=0.40,
    permanence_plan_by_second_review_pct=0.91, cla_out_of_area_pct=0.40, cl_eet_19_21_pct=0.54,
    cl_eet_17_18_pct=0.64, cl_suitable_accommodation_19_21_pct=0.89, cl_in_touch_19_21_pct=0.92,
    pathway_plans_reviewed_pct=0.87, pa_allocated_by_17_pct=0.95,
)

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
DISABILITY = "Does the Child have a Disability"
WORKER = ["Allocated Team", "Allocated Worker"]
HEADERS = {
    "List 1": [*COMMON, "Date of Contact", "Contact Source"],
    "List 2": [*COMMON, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    "List 3": [*COMMON, "Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
               *WORKER],
    "List 4": [*COMMON, DISABILITY, "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?", *WORKER],
    "List 5": [*COMMON, DISABILITY, "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
               *WORKER],
    "List 6": [*COMMON, DISABILITY, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
               "CIN Closure Date", "Reason for Closure", "Case Status", *WORKER],
    "List 7": [*COMMON, DISABILITY, "Child Protection Plan Start Date", "Initial Category of Abuse",
               "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
               "Date of latest review conference", "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
               "Number of Previous Child Protection Plans", *WORKER],
    "List 8": [*COMMON, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))", DISABILITY,
               "Date Started to be Looked After", "Child's Category of Need",
               "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
               "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
               "Date of Last Social Work Visit", "What is the permanence plan for this child?",
               "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
               "Date of Last Dental Check", "Number of Placements in the Last 12 months",
               "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
               "Start Date of Most Recent Placement", "Placement Type", "Placement Provider", "Placement postcode",
               "URN of Placement", "Placement Location", "LA of Placement",
               "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",
               "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months",
               "Was the child offered a Return Interview after their last missing episode (Y/N)?",
               "Did the child accept a Return Interview after their last missing episode (Y/N)?", *WORKER],
    "List 9": [*COMMON, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", DISABILITY,
               *WORKER, "Allocated Personal Advisor", "Eligibility Category", "Latest Pathway Plan Review Date",
               "LA in Touch", "Latest Date of Contact", "Type of Accommodation", "Suitability of Accommodation",
               "Activity Status"],
    "List 10": ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                DISABILITY, "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
                "Date of Placement Order", "Date of Matching Child and Prospective Adopters",
                "Date Placed for Adoption", "Date of Adoption Order",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
                "Reason Why Child No Longer Placed for Adoption",
                "Date the child was placed for fostering in FFA or concurrent planning placement"],
    "List 11": ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability",
                "Is the (prospective) adopter fostering for adoption?", "Date enquiry received",
                "Date Stage 1 started", "Date Stage 1 ended", "Date Stage 2 started", "Date Stage 2 ended",
                "Date application submitted", "Date application approved", "Date adopter matched with child(ren)",
                "Date child/children placed with adopter(s)", "No. of children placed", "Date of Adoption Order",
                "Date of leaving adoption process", "Reason for leaving adoption process"],
}

FIRST = ["Ottoline", "Barnaby", "Perpetua", "Lysander", "Clementine", "Thaddeus", "Marigold", "Evander", "Philippa",
         "Cosmo", "Winifred", "Peregrine"]
LAST = ["Quillfeather", "Ashdown-Vale", "Pennywhistle", "Marchbanks", "Thistlewood", "Gorringe", "Wetherall",
        "Fairweather-Nash", "Blenkinsop", "Oddington"]
EET = ["F1: Full time in higher education", "F2: Full time in education other than higher",
       "F3: Full time in training or employment", "P2: Part time in education other than higher",
       "F4: Young person engaged full time in an apprenticeship"]
NEET = ["G4: Not in education, employment or training - illness or disability",
        "G5: Not in education, employment or training - other",
        "G6: Not in education, employment or training - pregnancy or parenting"]
ACCOMMODATION = ["D: Semi-independent, transitional accommodation and self-contained accommodation",
                 "U: Independent living", "Z: With former foster carers", "B: Parents/relatives"]
BED_AND_BREAKFAST = "W: Bed and breakfast"


def period_of(period: str) -> tuple[Day, Day]:
    """The first and last day of a financial year such as 2024-25."""
    year = int(period[:4])
    return Day(year, 4, 1), Day(year + 1, 3, 31)


class WorkingDays:
    """English working days, walked one day at a time (independently of comply's arithmetic)."""

    def __init__(self, first_year: int, last_year: int) -> None:
        import holidays

        self.bank = set(holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)))

    def is_working(self, day: Day) -> bool:
        return day.weekday() < 5 and day not in self.bank

    def step(self, day: Day, count: int) -> Day:
        """The working day ``count`` working days after ``day`` (before it, for a negative count)."""
        direction = 1 if count >= 0 else -1
        while not self.is_working(day):  # first to a working day, in the direction of travel
            day += datetime.timedelta(days=direction)
        for _ in range(abs(count)):
            day += datetime.timedelta(days=direction)
            while not self.is_working(day):
                day += datetime.timedelta(days=direction)
        return day


def months_before(day: Day, months: int) -> Day:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return Day(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class _Book:
    """What the generator builds: each list's rows, and the planted figures."""

    rng: random.Random
    start: Day
    end: Day
    days: WorkingDays
    lists: dict[str, list[list[Any]]] = field(default_factory=dict)
    planted: Planted = field(default_factory=dict)
    identifiers: set[str] = field(default_factory=set)
    workers: set[str] = field(default_factory=set)
    births: set[Day] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    _next: int = 1_000_003

    def flags(self, metric: str, rows: list[int]) -> dict[int, bool]:
        """Exactly round(rate * n) of ``rows`` flagged True, the rest False; planted as (k, n)."""
        n = len(rows)
        k = int(RATES[metric] * n + 0.5)
        chosen = set(self.rng.sample(rows, k))
        self.planted[metric] = (k, n)
        return {row: row in chosen for row in rows}

    def child(self) -> str:
        self._next += self.rng.randint(1, 97)
        identifier = f"Z{self._next:08d}"
        self.identifiers.add(identifier)
        return identifier

    def worker(self) -> str:
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        self.workers.add(name)
        return name

    def born(self, age: int) -> Day:
        """A date of birth giving this age in whole years at the end of the period."""
        birthday = months_before(self.end, 12 * age) - datetime.timedelta(days=self.rng.randint(1, 360))
        self.births.add(birthday)
        return birthday

    def postcode(self) -> str:
        code = f"ZQ{self.rng.randint(10, 99)} {self.rng.randint(1, 9)}X{self.rng.choice('ABDEFGHJ')}"
        self.postcodes.add(code)
        return code

    def common(self, age: int) -> list[Any]:
        birth = self.born(age)
        return [self.child(), self.rng.choice(["a) Male", "b) Female"]), self.rng.choice(["a) WBRI", "k) APKN",
                "o) BAFR", "s) NOBT"]), birth, round((self.end - birth).days / 365.25, 2)]

    def in_period(self, margin: int = 0) -> Day:
        return self.start + datetime.timedelta(days=self.rng.randint(margin, (self.end - self.start).days))

    def working_in_period(self) -> Day:
        day = self.days.step(self.in_period(), 0)
        return day if day <= self.end else self.days.step(self.end, -1)

    def days_before_end(self, low: int, high: int) -> Day:
        return self.end - datetime.timedelta(days=self.rng.randint(low, high))


def _contacts(book: _Book, n: int) -> None:
    book.lists["List 1"] = [[*book.common(book.rng.randint(0, 17)), book.in_period(), "q) 6: Police"]
                            for _ in range(n)]


def _early_help(book: _Book, n: int) -> None:
    rows = []
    for _ in range(n):
        started = book.in_period()
        rows.append([*book.common(book.rng.randint(0, 17)), started, None, "Early Help Locality 2"])
    book.lists["List 2"] = rows


def _referrals(book: _Book, n: int) -> None:
    before = max(1, n * 3 // 100)  # dated before the period: no denominator holds them
    inside = list(range(n - before))
    again = book.flags("re_referrals_pct", inside)
    rows = []
    for index in range(n):
        dated = book.in_period() if index in again else book.start - datetime.timedelta(days=book.rng.randint(1, 60))
        previous = book.rng.randint(1, 4) if again.get(index) else 0
        rows.append([*book.common(book.rng.randint(0, 17)), dated, "s) 8: Other", "No", previous,
                     "Locality 4 Duty Team", book.worker()])
    book.lists["List 3"] = rows


def _assessments(book: _Book, n: int) -> None:
    open_ = max(1, n * 5 // 100)   # not yet authorised
    earlier = max(1, n * 3 // 100)  # authorised before the period
    counted = list(range(n - open_ - earlier))
    timely = book.flags("assessments_45wd_pct", counted)
    seen = book.flags("assessments_child_seen_pct", counted)
    rows = []
    for index in range(n):
        if index in timely:
            authorised = book.working_in_period()
            started = book.days.step(authorised, -(book.rng.randint(5, 45) if timely[index] else
                                                    book.rng.randint(47, 90)))
            seen_text = "a) Yes" if seen[index] else "b) No"
        elif index < n - open_:
            authorised = book.start - datetime.timedelta(days=book.rng.randint(3, 60))
            started, seen_text = book.days.step(authorised, -20), "a) Yes"
        else:
            authorised, started, seen_text = None, book.days_before_end(1, 40), "a) Yes"
        rows.append([*book.common(book.rng.randint(0, 17)), "b) No", started, seen_text, authorised,
                     "CS Assessment Updated", "Assessment Team 1", book.worker()])
    book.lists["List 4"] = rows


def _section_47(book: _Book, n: int) -> None:
    no_conference = n * 20 // 100
    held = list(range(n - no_conference))
    timely = book.flags("icpc_within_15_days_pct", held)
    rows = []
    for index in range(n):
        if index in timely:
            conference: Day | None = book.working_in_period()
            strategy = book.days.step(conference, -(book.rng.randint(3, 15) if timely[index] else
                                                    book.rng.randint(17, 40)))
            unnecessary = "No"
        else:
            conference, strategy, unnecessary = None, book.in_period(), "Yes"
        rows.append([*book.common(book.rng.randint(0, 17)), "b) No", strategy, unnecessary, conference,
                     "Yes" if conference else None, 1, 1 if conference else 0, "Safeguarding Team", book.worker()])
    book.lists["List 5"] = rows


def _children_in_need(book: _Book, n: int) -> None:
    closed = n * 10 // 100
    open_ = list(range(n - closed))
    unallocated = book.flags("children_unallocated_pct", open_)
    rows = []
    for index in range(n):
        started = book.days_before_end(30, 900)
        closure = None if index in unallocated else book.days_before_end(1, 25)
        worker = None if unallocated.get(index) else book.worker()
        rows.append([*book.common(book.rng.randint(0, 17)), "b) No", started, "N1 - Abuse or Neglect",
                     book.days_before_end(0, 20), closure, "RC7 - Services ceased" if closure else None,
                     "e) Closed episode" if closure else "c) Child in need plan", "Locality Team 3", worker])
    book.lists["List 6"] = rows


def _child_protection(book: _Book, n: int) -> None:
    """Plans: ended in the period; new (under 10 working days, no visit yet); open."""
    ended = n * 10 // 100
    new = max(1, n * 4 // 100)
    open_ = list(range(ended + new, n))
    long_ = set(open_[: int(RATES["cp_plans_2yrs_pct"] * len(range(ended, n)) + 0.5)])
    book.planted["cp_plans_2yrs_pct"] = (len(long_), n - ended)
    starts: dict[int, Day] = {}
    for index in range(n):
        if index < ended:
            starts[index] = book.start + datetime.timedelta(days=book.rng.randint(0, (book.end - book.start).days - 10))
        elif index < ended + new:
            starts[index] = book.days.step(book.end, -book.rng.randint(0, 5))
        elif index in long_:
            starts[index] = months_before(book.end, 24) - datetime.timedelta(days=book.rng.randint(5, 300))
        else:  # open between about a month and 23 months; a plan under 3 months is due no review yet
            starts[index] = book.days_before_end(35, 690)
    visited = book.flags("cp_visits_timely_pct", open_)
    alone = book.flags("children_seen_alone_audit_pct", open_)
    reviewable = [i for i in open_ if starts[i] < months_before(book.end, 3)]
    reviewed = book.flags("cp_reviews_timely_pct", reviewable)
    started_in_period = [i for i in range(n) if starts[i] >= book.start]
    second = book.flags("cp_second_plan_pct", started_in_period)
    rows = []
    for index in range(n):
        start = starts[index]
        if index < ended:
            end_date: Day | None = start + datetime.timedelta(days=book.rng.randint(1, max(1, (book.end - start).days)))
            visit, review = start + datetime.timedelta(days=1), None
        elif index < ended + new:
            end_date, visit, review = None, None, None
        else:
            end_date = None
            visit = book.days.step(book.end, -(book.rng.randint(0, 10) if visited[index] else book.rng.randint(12, 30)))
            if index in reviewed:
                if reviewed[index]:
                    review = max(start + datetime.timedelta(days=80), book.days_before_end(0, 170))
                else:  # late: the last review over six months ago, or none since the plan began
                    first = start + datetime.timedelta(days=85)
                    review = first if first < months_before(book.end, 6) - datetime.timedelta(days=5) else None
            else:
                review = None
        rows.append([*book.common(book.rng.randint(0, 16)), "b) No", start, "a) Neglect", "a) Neglect", visit,
                     None if visit is None else ("a) Yes" if alone.get(index) else "b) No"), review, end_date,
                     "b) No", book.rng.randint(1, 3) if second.get(index) else 0, "Locality 4 Unit 1", book.worker()])
    book.lists["List 7"] = rows


def _looked_after(book: _Book, n: int) -> None:
    """Children looked after: ceased in the period; new (under 20 working days); mid (5-11 months); long."""
    ceased = n * 8 // 100
    new = max(1, n * 3 // 100)
    mid = n * 25 // 100
    groups = {i: "ceased" if i < ceased else "new" if i < ceased + new else "mid" if i < ceased + new + mid
              else "long" for i in range(n)}
    starts = {i: (book.days_before_end(400, 2500) if g in ("ceased", "long") else book.days.step(book.end, -15)
                  if g == "new" else book.days_before_end(150, 330)) for i, g in groups.items()}
    open_ = [i for i, g in groups.items() if g != "ceased"]
    settled = [i for i in open_ if groups[i] != "new"]
    long_ = [i for i in open_ if groups[i] == "long"]
    reviewed = book.flags("cla_reviews_timely_pct", settled)
    late_reviews = [i for i in settled if not reviewed[i]]
    # late reviews fall on long-term children, whose care began before the review was due
    movable = [i for i in late_reviews if groups[i] == "mid"]
    for index in movable:
        swap = next(i for i in long_ if reviewed[i])
        reviewed[index], reviewed[swap] = True, False
    visited = book.flags("cla_visits_timely_pct", settled)
    dental = book.flags("cla_dental_pct", long_)
    health = book.flags("cla_health_assessment_pct", long_)
    moves = book.flags("cla_3plus_placements_pct", open_)
    missing = book.flags("cla_missing_pct", list(range(n)))
    went_missing = [i for i in range(n) if missing[i]]
    offered = book.flags("return_home_interviews_timely_pct", went_missing)
    accepted = book.flags("cla_return_interviews_accepted_pct", [i for i in went_missing if offered[i]])
    permanence = book.flags("permanence_plan_by_second_review_pct", settled)
    away = book.flags("cla_out_of_area_pct", open_)
    rows = []
    for index in range(n):
        group, start = groups[index], starts[index]
        review = (book.days_before_end(1, 170) if reviewed.get(index) else
                  book.days_before_end(200, 320) if index in reviewed else None)
        visit = (book.days_before_end(0, 42) if visited.get(index) else
                 book.days_before_end(50, 120) if index in visited else book.end - datetime.timedelta(days=3))
        dental_day = (book.days_before_end(10, 330) if dental.get(index) else
                      book.days_before_end(400, 700) if index in dental else None)
        health_day = (book.days_before_end(10, 330) if health.get(index) else
                      book.days_before_end(400, 700) if index in health else None)
        episodes = book.rng.randint(1, 6) if missing[index] else 0
        rows.append([
            *book.common(book.rng.randint(1, 17)), "b) No", "b) No", start, "N1 - Abuse or Neglect", "b) No", start,
            "C2: FCO", review, visit, "f) Long-term fostering" if permanence.get(index, group == "long") else None,
            visit, health_day, dental_day, book.rng.randint(3, 5) if moves.get(index) else book.rng.randint(1, 2),
            book.days_before_end(1, 200) if group == "ceased" else None,
            "e) E4A: Returned home" if group == "ceased" else None, start, "f) U6: Foster placement - not FFA",
            "b) PR1: Own provision", book.postcode(), None, "b) Out" if away.get(index) else "a) In",
            "Home Town", episodes, 0,
            None if not episodes else ("a) Yes" if offered[index] else "b) No"),
            None if not episodes or not offered[index] else ("a) Yes" if accepted[index] else "b) No"),
            "Children in Care Team 1", book.worker()])
    book.lists["List 8"] = rows


def _care_leavers(book: _Book, n: int, bed_and_breakfast: int) -> None:
    """Eligible children aged 17; others aged 17-18; aged 19-21; aged 22-24 (in no age's figures)."""
    eligible = n * 15 // 100
    young = n * 20 // 100
    older = n * 10 // 100
    group = {i: "eligible" if i < eligible else "young" if i < eligible + young else
             "older" if i >= n - older else "adult" for i in range(n)}
    ages = {i: 17 if g == "eligible" else book.rng.randint(17, 18) if g == "young" else
            book.rng.randint(22, 24) if g == "older" else book.rng.randint(19, 21) for i, g in group.items()}
    adults = [i for i in range(n) if group[i] == "adult"]
    teens = [i for i in range(n) if group[i] in ("eligible", "young")]
    eet_adult = book.flags("cl_eet_19_21_pct", adults)
    eet_young = book.flags("cl_eet_17_18_pct", teens)
    suitable = book.flags("cl_suitable_accommodation_19_21_pct", adults)
    in_touch = book.flags("cl_in_touch_19_21_pct", adults)
    pathway = book.flags("pathway_plans_reviewed_pct", list(range(n)))
    advised = book.flags("pa_allocated_by_17_pct", [i for i in range(n) if group[i] == "eligible"])
    bed = set(book.rng.sample([i for i in range(n) if group[i] == "young"], bed_and_breakfast))
    book.planted["care_leavers_in_bb"] = bed_and_breakfast
    category = {"eligible": "d) Eligible child", "young": "a) Relevant child"}
    rows = []
    for index in range(n):
        eet = eet_adult.get(index, eet_young.get(index, True))
        rows.append([
            *book.common(ages[index]), "b) No", "b) No", "Care Leavers Team", book.worker(),
            (book.worker() if advised.get(index, True) else None),
            category.get(group[index], "b) Former relevant child"),
            (book.days_before_end(5, 175) if pathway[index] else book.days_before_end(200, 400)),
            "a) Yes" if in_touch.get(index, True) else "b) No", book.days_before_end(1, 60),
            BED_AND_BREAKFAST if index in bed else book.rng.choice(ACCOMMODATION),
            "a) Suitable" if suitable.get(index, index not in bed) else "b) Unsuitable",
            book.rng.choice(EET) if eet else book.rng.choice(NEET)])
    book.lists["List 9"] = rows


def _adoption(book: _Book, n: int) -> None:
    waiting = max(1, n // 5)
    waits = [book.rng.randint(250, 700) for _ in range(n - waiting)]
    book.planted["adoption_days_to_placement"] = round(sum(waits) / len(waits), 1)
    rows = []
    for index in range(n):
        placed = book.in_period() if index < n - waiting else None
        entered = (placed - datetime.timedelta(days=waits[index]) if placed else book.days_before_end(100, 600))
        birth = book.born(book.rng.randint(1, 6))
        book.identifiers.add(f"F{index:05d}")
        rows.append([book.child(), f"F{index:05d}", "a) Male", "a) WBRI", birth, (book.end - birth).days // 365,
                     "b) No", entered, entered + datetime.timedelta(days=60), entered + datetime.timedelta(days=120),
                     placed and placed - datetime.timedelta(days=20), placed, None, None, None, None])
    book.lists["List 10"] = rows


def _adopters(book: _Book, n: int) -> None:
    book.identifiers.update(f"A{index:06d}" for index in range(n))
    book.lists["List 11"] = [[f"A{index:06d}", f"F{index:05d}", "b) Female", "a) WBRI", "b) No", "No",
                              book.in_period(), None, None, None, None, None, None, None, None, None, None, None,
                              None] for index in range(n)]


@dataclass
class Synthetic:
    """A generated workbook: where it is, what was planted, and the personal values it holds."""

    path: Path
    period: str
    planted: Planted
    identifiers: set[str]
    workers: set[str]
    births: set[Day]
    postcodes: set[str]
    rows: dict[str, int]


def generate(path: Path, size: str = "small", seed: int = 18, period: str = "2024-25") -> Synthetic:
    """Write a synthetic Annex A workbook to ``path`` and return what was planted in it."""
    counts = SIZES[size]
    start, end = period_of(period)
    book = _Book(random.Random(seed), start, end, WorkingDays(start.year - 9, end.year))
    _contacts(book, counts["contacts"])
    _early_help(book, counts["early_help"])
    _referrals(book, counts["referrals"])
    _assessments(book, counts["assessments"])
    _section_47(book, counts["s47"])
    _children_in_need(book, counts["cin"])
    _child_protection(book, counts["cp"])
    _looked_after(book, counts["cla"])
    _care_leavers(book, counts["care_leavers"], counts["bed_and_breakfast"])
    _adoption(book, counts["adoption"])
    _adopters(book, counts["adopters"])
    write_workbook(path, {name: (HEADERS[name], book.lists[name]) for name in HEADERS})
    return Synthetic(path, period, book.planted, book.identifiers, book.workers, book.births, book.postcodes,
                     {name: len(rows) for name, rows in book.lists.items()})


Cell = Any
Sheet = tuple[list[str], "list[list[Cell]] | Iterator[list[Cell]]"]


def write_workbook(path: Path, sheets: dict[str, Sheet], formulas: dict[str, dict[tuple[int, int], str]] | None = None,
                   ) -> None:
    """An xlsx of the sheets (headers in row 1, then rows), dates as Excel dates as authorities' exports
    hold them. ``formulas`` puts a formula (with its cached value) at (row, column), 0-based, of a sheet."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dated = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, (headers, rows) in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        placed = (formulas or {}).get(name, {})
        write: Callable[..., Any] = sheet.write
        write_date = sheet.write_datetime
        for number, row in enumerate(rows, 1):
            for column, value in enumerate(row):
                if (number, column) in placed:
                    sheet.write_formula(number, column, placed[(number, column)], None, value)
                elif isinstance(value, Day):
                    write_date(number, column, value, dated)
                elif value is not None:
                    write(number, column, value)
    workbook.close()


def write_text_workbook(path: Path, sheets: dict[str, Sheet]) -> None:
    """A minimal xlsx of text cells only (dates as ISO text), written as XML directly: fast enough
    for a sheet of Excel's full 1,048,576 rows, which xlsxwriter takes a quarter of a minute to write."""
    import zipfile
    from xml.sax.saxutils import escape

    def sheet_xml(headers: list[str], rows: Any) -> Iterator[str]:
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        for number, row in enumerate([headers, *rows], 1):
            cells = "".join(f'<c r="{_letters(column)}{number}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
                            for column, value in enumerate(row) if value is not None)
            yield f'<row r="{number}">{cells}</row>'
        yield "</sheetData></worksheet>"

    names = list(sheets)
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{package}/'
                         'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                         'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                         'spreadsheetml.sheet.main+xml"/>' + "".join(
                             f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                             'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                             for i in range(1, len(names) + 1)) + "</Types>")
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/'
                         f'relationships"><Relationship Id="rId1" Type="{relations}/officeDocument" '
                         'Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main_ns}" '
                         f'xmlns:r="{relations}"><sheets>' + "".join(
                             f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, name in enumerate(names, 1)) + "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         f'xmlns="{package}/relationships">' + "".join(
                             f'<Relationship Id="rId{i}" Type="{relations}/worksheet" '
                             f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
                         + "</Relationships>")
        for i, name in enumerate(names, 1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as stream:
                chunk: list[str] = []
                for part in sheet_xml(*sheets[name]):
                    chunk.append(part)
                    if len(chunk) >= 10_000:
                        stream.write("".join(chunk).encode())
                        chunk.clear()
                stream.write("".join(chunk).encode())


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(65 + remainder) + text
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--period", default="2024-25")
    arguments = parser.parse_args()
    made = generate(arguments.output, arguments.size, arguments.seed, arguments.period)
    print(f"wrote {made.path}: " + ", ".join(f"{name} {count:,}" for name, count in made.rows.items()))
    for metric, figure in sorted(made.planted.items()):
        print(f"  {metric}: {figure}")


if __name__ == "__main__":
    main()
