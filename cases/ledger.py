"""案件台账: the case ledger — one row per referral, and one per case handled without one.

Visibility is the case visibility (cases.selectors.visible_referrals_q / visible_cases_q): a
unit's ledger holds the referrals it is party to (the 纪委监委 compartment stays closed) and the
cases it registered; auditors read every row. A case whose referrals the user may not see
appears as its own in-house row only when the user's agency registered it and none of its
referrals is visible — never with the hidden referral's facts.

`ledger(user, filters)` returns a Ledger: the matching rows kept in the database (one ordered
union of referral and in-house keys; a page is one slice of it), built into LedgerRows in a fixed
number of queries: the referrals, the in-house cases, and per page of rows their subjects,
violation types, extensions and step deadlines (prefetched once each).
"""

import functools
import heapq
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can
from cases.models import Case, Extension, Referral, Subject
from cases.selectors import cases_without_visible_referral_q, visible_referrals_q
from workflow.models import CaseTask
from workflow.selectors import deadlined_steps_q, step_node, step_state_q

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


@dataclass
class LedgerFilters:
    date_from: date | None = None
    date_to: date | None = None
    basis: str = "registered"  # which date the period applies to: a key of DATE_BASES
    agency: object = None  # an Agency: the registering, sending or receiving unit
    party: str = ""  # how `agency` takes part: a key of PARTIES ("" any of them)
    level: str = ""  # province / city / county: the registering agency's level
    source: str = ""
    violation: object = None  # a ViolationType
    channel: str = ""  # a Referral.Channel, or IN_HOUSE
    outcome: str = ""  # a Referral.Outcome
    status: str = ""  # a Referral.Status or a Case.Status (in-house rows)
    overdue: bool = False
    stage: str = ""  # a referral that reached this step: a key of STAGES
    # rows with a deadlined step (CaseTask) in a state (workflow.selectors.STEP_STATES), of a
    # flow step (its name) and of an acting agency; with a state, the period is the step's
    deadline: str = ""
    step: str = ""
    step_agency: object = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    query: str = ""
    sort: str = "-registered"


IN_HOUSE = "in_house"

# the dates a period can be applied to: (case field, referral field)
DATE_BASES = {
    "registered": ("registered_at", "case__registered_at"),
    "sent": (None, "sent_at"),
    "signed": (None, "signed_at"),
    "decided": ("decided_at", "decided_at"),
    "filed": (None, "filed_at"),
    "handover": (None, "handover_at"),
    "result": ("closed_at", "finished_at"),
}


@functools.cache
def _choice_labels(model, field_name: str, language: str) -> dict:
    """A choice field's labels in one language (get_FOO_display builds them at every call,
    which an export of 100,000 rows feels)."""
    return {code: str(label) for code, label in model._meta.get_field(field_name).flatchoices}


@functools.cache
def _outcome_labels(language: str) -> dict:
    return {code: str(label) for code, label in Referral.Outcome.choices}


def label(obj, field_name: str) -> str:
    """The label of `obj`'s choice in the active language (the code if it has none)."""
    code = getattr(obj, field_name)
    labels = _choice_labels(type(obj), field_name, translation.get_language() or "")
    return labels.get(code, code)


# how the agency filter's agency takes part in a row (the statistics drill down by each)
PARTIES = {
    "": lambda a: Q(case__agency=a) | Q(from_agency=a) | Q(to_agency=a) | Q(copy_to=a),
    "registered": lambda a: Q(case__agency=a),
    "sender": lambda a: Q(from_agency=a),
    "receiver": lambda a: Q(to_agency=a),
}

# the steps a referral may have reached (the statistics' referral funnel)
STAGES = {
    "signed": Q(signed_at__isnull=False),
    "accepted": Q(filed_at__isnull=False)
    | Q(
        status__in=[
            Referral.Status.ACCEPTED,
            Referral.Status.NOTICE_TO_FILE,
            Referral.Status.RESULT_REPORTED,
        ]
    ),
    "result": Q(status=Referral.Status.RESULT_REPORTED),
}


@dataclass
class LedgerRow:
    case: Case
    referral: Referral | None
    subjects: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    extensions: int = 0
    steps_due: int = 0
    steps_late: int = 0
    overdue: bool = False
    holder: str = ""

    @property
    def pk(self) -> int:
        """The case the row is about (an auditor's logged read names the cases shown)."""
        return self.case.pk

    @property
    def channel_label(self) -> str:
        return label(self.referral, "channel") if self.referral else _("Handled in-house")

    @property
    def status_label(self) -> str:
        return label(self.referral or self.case, "status")

    @property
    def outcome_labels(self) -> str:
        if self.referral is None:
            return ""
        labels = _outcome_labels(translation.get_language() or "")
        return "、".join(labels.get(code, code) for code in self.referral.outcomes or [])

    @property
    def recovered(self) -> Decimal:
        value = self.referral.recovered if self.referral else self.case.recovered_total
        return value or Decimal("0")

    @property
    def fines(self) -> Decimal:
        value = self.referral.fines if self.referral else self.case.fines_total
        return value or Decimal("0")

    @property
    def review(self) -> str:
        """Reconsideration and filing supervision, in words."""
        referral = self.referral
        if referral is None:
            return ""
        parts = []
        if referral.reconsideration_requested_at:
            parts.append(_("Reconsideration"))
        if referral.supervision_requested_at:
            parts.append(referral.get_supervision_outcome_display() or _("Filing supervision"))
        return "、".join(str(p) for p in parts)

    def date(self, name):
        """The date of a step of this row (None when it has not happened)."""
        referral = self.referral
        case = self.case
        value = {
            "registered": case.registered_at,
            "sent": referral.sent_at if referral else None,
            "signed": referral.signed_at if referral else None,
            "decided": (referral.decided_at if referral else case.decided_at),
            "filed": referral.filed_at if referral else None,
            "handover": referral.handover_at if referral else None,
            "result": (referral.finished_at if referral else case.closed_at),
            "due": referral.due_at if referral else None,
        }[name]
        return timezone.localtime(value).date() if value else None


# The order of the rows, in the database: for each sort, the key of a referral row and of an
# in-house case row (the same columns, so the two union into one ordered list); ties are broken
# by the case and then the referral (0 for an in-house row), so pages never overlap.
_ZERO = Value(0, output_field=IntegerField())
SORTS = {
    "registered": (F("case__registered_at"), F("registered_at")),
    "number": (F("case__number"), F("number")),
    "amount": (
        Coalesce("case__suspected_amount", Value(Decimal("0"))),
        Coalesce("suspected_amount", Value(Decimal("0"))),
    ),
    "sent": (Coalesce("sent_at", "case__registered_at"), F("registered_at")),
    "status": (F("status"), F("status")),
}


def _bounds(filters):
    tz = timezone.get_current_timezone()
    start = datetime.combine(filters.date_from, time.min, tzinfo=tz) if filters.date_from else None
    end = (
        datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        if filters.date_to
        else None
    )
    return start, end


def _period(field_name, start, end) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field_name}__gte": start})
    if end:
        q &= Q(**{f"{field_name}__lt": end})
    return q


def _case_filters(filters, prefix="") -> Q:
    q = Q()
    if filters.level:
        q &= Q(**{f"{prefix}agency__region__level": filters.level})
    if filters.source:
        q &= Q(**{f"{prefix}source": filters.source})
    if filters.violation is not None:
        links = Case.violation_types.through.objects.filter(
            case_id=OuterRef(f"{prefix}pk" if prefix else "pk"), violationtype=filters.violation
        )
        q &= Q(Exists(links))
    if filters.amount_min is not None:
        q &= Q(**{f"{prefix}suspected_amount__gte": filters.amount_min})
    if filters.amount_max is not None:
        q &= Q(**{f"{prefix}suspected_amount__lte": filters.amount_max})
    if filters.query:
        q &= Q(**{f"{prefix}number__icontains": filters.query}) | Q(
            **{f"{prefix}title__icontains": filters.query}
        )
    return q


def _open_overdue(now):
    return CaseTask.objects.filter(task__status__in=OPEN, due_at__lt=now)


def _steps_q(filters, start, end, now) -> Q | None:
    """The deadlined steps a row must have (None: no step filter): the statistics' deadline
    tables count these steps, and a number opens the rows that hold them."""
    if not (filters.deadline or filters.step or filters.step_agency is not None):
        return None
    q = deadlined_steps_q()
    if filters.deadline:
        q &= step_state_q(filters.deadline, start=start, end=end, now=now)
    if filters.step:
        q &= Q(task__flow_task=step_node(filters.step))
    if filters.step_agency is not None:
        q &= Q(agency=filters.step_agency)
    return q


def _row_period(filters) -> bool:
    """Whether the period applies to the row's dates (not when it is a step's: `deadline`)."""
    return not filters.deadline


def referral_rows(user, filters, now):
    """The referrals of the ledger (a queryset), or None when the filters exclude them all."""
    if filters.channel == IN_HOUSE:
        return None
    referrals = Referral.objects.filter(visible_referrals_q(user)).filter(
        _case_filters(filters, "case__")
    )
    start, end = _bounds(filters)
    if (start or end) and _row_period(filters):
        referral_field = DATE_BASES.get(filters.basis, DATE_BASES["registered"])[1]
        referrals = referrals.filter(_period(referral_field, start, end))
    steps = _steps_q(filters, start, end, now)
    if steps is not None:
        # the referral's own steps, and the case's (approval, closing) unless a channel is
        # asked for (a case's own step has none) — those of the user's own agency's cases, as
        # the statistics count them (stats.access.StatsScope.tasks)
        link = Q(referral=OuterRef("pk"))
        if not filters.channel:
            own = Q() if can(user, Ability.READ_ALL_CASES) else Q(case__agency_id=user.agency_id)
            link |= Q(referral__isnull=True, case=OuterRef("case_id")) & own
        referrals = referrals.filter(Exists(CaseTask.objects.filter(steps).filter(link)))
    if filters.agency is not None:
        referrals = referrals.filter(PARTIES.get(filters.party, PARTIES[""])(filters.agency))
    if filters.stage in STAGES:
        referrals = referrals.filter(STAGES[filters.stage])
    if filters.channel:
        referrals = referrals.filter(channel=filters.channel)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.outcome:
        # a JSON list of codes: its text holds the quoted code (the same on SQLite and
        # PostgreSQL; no code is part of another)
        referrals = referrals.annotate(outcomes_text=Cast("outcomes", TextField())).filter(
            outcomes_text__contains=f'"{filters.outcome}"'
        )
    if filters.overdue:
        referrals = referrals.filter(Exists(_open_overdue(now).filter(referral=OuterRef("pk"))))
    return referrals


def in_house_cases(user, filters, now):
    """Cases the user sees with no referral the user sees (handled by the registering unit),
    as a queryset, or None when the filters exclude them all."""
    if filters.channel and filters.channel != IN_HOUSE:
        return None
    if filters.outcome:
        return None  # outcomes are a receiver's (处理结果反馈)
    if filters.stage or filters.party in ("sender", "receiver"):
        return None  # a referral's step, a referral's side: an in-house case has none
    start, end = _bounds(filters)
    case_field = DATE_BASES.get(filters.basis, DATE_BASES["registered"])[0]
    if (start or end) and case_field is None and _row_period(filters):
        return None  # a referral step's date: an in-house case has none
    cases = Case.objects.filter(cases_without_visible_referral_q(user))
    cases = cases.filter(_case_filters(filters))
    if (start or end) and _row_period(filters):
        cases = cases.filter(_period(case_field, start, end))
    steps = _steps_q(filters, start, end, now)
    if steps is not None:
        cases = cases.filter(
            Exists(CaseTask.objects.filter(steps, case=OuterRef("pk"), referral__isnull=True))
        )
    if filters.agency is not None:
        cases = cases.filter(agency=filters.agency)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.overdue:
        cases = cases.filter(
            Exists(_open_overdue(now).filter(case=OuterRef("pk"), referral__isnull=True))
        )
    return cases


class Ledger:
    """The rows matching a user's filters, kept in the database: `len()` counts them, slicing
    gives LedgerRow pages in the order asked, `totals()` sums the money columns, `chunks()`
    walks every row for an export.

    The referral rows and the in-house rows are two queries of the same key columns (sort
    key, case, referral or 0). A page asks each for its first rows in the order asked and
    merges them, so the database can walk an index and stop (an ordered union could not);
    the count and the sums are one aggregate per part."""

    KEYS = ("k_sort", "k_case", "k_referral")

    def __init__(self, user, filters: LedgerFilters, *, now=None):
        self.filters = filters
        self.now = now or timezone.now()
        self.referrals = referral_rows(user, filters, self.now)
        self.cases = in_house_cases(user, filters, self.now)
        key = filters.sort.lstrip("-")
        self.descending = filters.sort.startswith("-") or key not in SORTS
        self.sort = SORTS.get(key, SORTS["registered"])
        self._summary = None

    def _parts(self):
        """Each part's keys, ordered as asked."""
        sign = "-" if self.descending else ""
        order = [f"{sign}{name}" for name in self.KEYS]
        parts = []
        if self.referrals is not None:
            parts.append(
                self.referrals.annotate(
                    k_sort=self.sort[0], k_case=F("case_id"), k_referral=F("pk")
                )
                .values_list(*self.KEYS)
                .order_by(*order)
            )
        if self.cases is not None:
            parts.append(
                self.cases.annotate(k_sort=self.sort[1], k_case=F("pk"), k_referral=_ZERO)
                .values_list(*self.KEYS)
                .order_by(*order)
            )
        return parts

    def keys(self, stop=None) -> list:
        """(sort key, case id, referral id or 0) of the first `stop` rows (all when None), in
        order: the parts' first rows merged."""
        parts = [list(part[:stop] if stop is not None else part) for part in self._parts()]
        merged = heapq.merge(*parts, reverse=self.descending)
        return list(itertools.islice(merged, stop))

    def _summarise(self) -> dict:
        if self._summary is None:
            zero = Decimal("0")
            summary = {"count": 0, "suspected": zero, "recovered": zero, "fines": zero}
            for part, amounts in (
                (self.referrals, ("case__suspected_amount", "recovered", "fines")),
                (self.cases, ("suspected_amount", "recovered_total", "fines_total")),
            ):
                if part is None:
                    continue
                got = part.order_by().aggregate(
                    count=Count("pk"),
                    suspected=Sum(amounts[0]),
                    recovered=Sum(amounts[1]),
                    fines=Sum(amounts[2]),
                )
                for name in summary:
                    summary[name] += got[name] or 0
            self._summary = summary
        return self._summary

    def count(self) -> int:
        return self._summarise()["count"]

    __len__ = count

    def totals(self) -> dict:
        """The money columns summed over every matching row (as on screen: a case's suspected
        amount once per row), in Decimal yuan."""
        summary = self._summarise()
        return {name: Decimal(summary[name]) for name in ("suspected", "recovered", "fines")}

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        return self.rows(self.keys(stop)[start:])

    def rows(self, keys) -> list[LedgerRow]:
        """LedgerRows for (sort, case id, referral id) keys, in their order (two queries)."""
        referral_ids = [k[2] for k in keys if k[2]]
        case_ids = [k[1] for k in keys if not k[2]]
        referrals = Referral.objects.filter(pk__in=referral_ids).select_related(
            "case__agency__region", "from_agency", "to_agency", "copy_to"
        )
        referrals = {r.pk: r for r in referrals} if referral_ids else {}
        cases = Case.objects.filter(pk__in=case_ids).select_related("agency__region")
        cases = {c.pk: c for c in cases} if case_ids else {}
        return [
            LedgerRow(case=referrals[k[2]].case, referral=referrals[k[2]])
            if k[2]
            else LedgerRow(case=cases[k[1]], referral=None)
            for k in keys
        ]

    def chunks(self, size=2000, *, full_id_numbers=False):
        """Every row, filled, `size` at a time (an export: memory stays that of a chunk)."""
        keys = self.keys()
        for start in range(0, len(keys), size):
            yield fill(
                self.rows(keys[start : start + size]), full_id_numbers=full_id_numbers, now=self.now
            )


def ledger(user, filters: LedgerFilters, *, now=None) -> Ledger:
    return Ledger(user, filters, now=now)


def fill(rows, *, full_id_numbers=False, now=None) -> list[LedgerRow]:
    """Give a page of rows their subjects, violation types, extensions and step deadlines."""
    now = now or timezone.now()
    case_ids = {row.case.pk for row in rows}
    referral_ids = {row.referral.pk for row in rows if row.referral}
    subjects: dict[int, list] = {}
    for subject in Subject.objects.filter(case_id__in=case_ids).order_by("pk"):
        subjects.setdefault(subject.case_id, []).append(subject)
    violations: dict[int, list] = {}
    through = Case.violation_types.through
    for link in through.objects.filter(case_id__in=case_ids).select_related("violationtype"):
        violations.setdefault(link.case_id, []).append(link.violationtype.name)
    extensions: dict[int, int] = {}
    for extension in Extension.objects.filter(
        referral_id__in=referral_ids, status=Extension.Status.APPROVED
    ):
        extensions[extension.referral_id] = extensions.get(extension.referral_id, 0) + 1
    steps: dict[tuple, list] = {}
    for step in CaseTask.objects.filter(case_id__in=case_ids, due_at__isnull=False).select_related(
        "task", "agency"
    ):
        steps.setdefault((step.case_id, step.referral_id), []).append(step)
    for row in rows:
        row.subjects = [
            f"{s.name}（{identifier}）" if identifier else s.name
            for s in subjects.get(row.case.pk, [])
            for identifier in [s.identifier_for(full_id_numbers=full_id_numbers)]
        ]
        row.violations = violations.get(row.case.pk, [])
        row.extensions = extensions.get(row.referral.pk, 0) if row.referral else 0
        mine = steps.get((row.case.pk, row.referral.pk if row.referral else None), [])
        row.steps_due = len(mine)
        row.steps_late = 0
        row.holder = ""
        for step in mine:
            finished = step.task.finished
            open_ = step.task.status in OPEN
            if (finished and finished > step.due_at) or (open_ and now > step.due_at):
                row.steps_late += 1
            if open_:
                row.holder = step.agency.short_name or step.agency.name
                row.overdue = row.overdue or now > step.due_at
    return rows
