"""案件台账: the case ledger — one row per referral, and one per case handled without one.

Visibility is the case visibility (cases.selectors.visible_referrals_q / visible_cases_q): a
unit's ledger holds the referrals it is party to (the 纪委监委 compartment stays closed) and the
cases it registered; auditors read every row. A case whose referrals the user may not see
appears as its own in-house row only when the user's agency registered it and none of its
referrals is visible — never with the hidden referral's facts.

`ledger(user, filters)` returns the rows (LedgerRow) in the order asked, built in a fixed
number of queries: the referrals, the in-house cases, and per page of rows their subjects,
violation types, extensions and step deadlines (prefetched once each).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from cases.models import Case, Extension, Referral, Subject
from cases.selectors import visible_cases_q, visible_referrals_q
from workflow.models import CaseTask

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
        return self.referral.get_channel_display() if self.referral else _("Handled in-house")

    @property
    def status_label(self) -> str:
        return (self.referral or self.case).get_status_display()

    @property
    def outcome_labels(self) -> str:
        if self.referral is None:
            return ""
        labels = dict(Referral.Outcome.choices)
        return "、".join(str(labels.get(code, code)) for code in self.referral.outcomes or [])

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


SORTS = {
    "registered": lambda r: (r.case.registered_at, r.case.pk, r.referral.pk if r.referral else 0),
    "number": lambda r: (r.case.number, r.referral.pk if r.referral else 0),
    "amount": lambda r: (r.case.suspected_amount, r.case.pk),
    "sent": lambda r: (r.referral.sent_at if r.referral else r.case.registered_at, r.case.pk),
    "status": lambda r: (str(r.status_label), r.case.pk),
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
        q &= Q(**{f"{prefix}violation_types": filters.violation})
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


def referral_rows(user, filters, now):
    if filters.channel == IN_HOUSE:
        return []
    referrals = Referral.objects.filter(visible_referrals_q(user)).filter(
        _case_filters(filters, "case__")
    )
    start, end = _bounds(filters)
    if start or end:
        referral_field = DATE_BASES.get(filters.basis, DATE_BASES["registered"])[1]
        referrals = referrals.filter(_period(referral_field, start, end))
    if filters.agency is not None:
        referrals = referrals.filter(PARTIES.get(filters.party, PARTIES[""])(filters.agency))
    if filters.stage in STAGES:
        referrals = referrals.filter(STAGES[filters.stage])
    if filters.channel:
        referrals = referrals.filter(channel=filters.channel)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.overdue:
        referrals = referrals.filter(Exists(_open_overdue(now).filter(referral=OuterRef("pk"))))
    referrals = referrals.select_related(
        "case__agency__region", "from_agency", "to_agency", "copy_to"
    ).distinct()
    rows = list(referrals)
    if filters.outcome:  # a JSON list: matched here, the same on SQLite and PostgreSQL
        rows = [r for r in rows if filters.outcome in (r.outcomes or [])]
    return rows


def in_house_cases(user, filters, now):
    """Cases the user sees with no referral the user sees (handled by the registering unit)."""
    if filters.channel and filters.channel != IN_HOUSE:
        return []
    if filters.outcome:
        return []  # outcomes are a receiver's (处理结果反馈)
    if filters.stage or filters.party in ("sender", "receiver"):
        return []  # a referral's step, a referral's side: an in-house case has none
    visible_referrals = Referral.objects.filter(visible_referrals_q(user), case=OuterRef("pk"))
    cases = Case.objects.filter(visible_cases_q(user)).exclude(Exists(visible_referrals))
    cases = cases.filter(_case_filters(filters))
    start, end = _bounds(filters)
    if start or end:
        case_field = DATE_BASES.get(filters.basis, DATE_BASES["registered"])[0]
        if case_field is None:
            return []  # a referral step's date: an in-house case has none
        cases = cases.filter(_period(case_field, start, end))
    if filters.agency is not None:
        cases = cases.filter(agency=filters.agency)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.overdue:
        cases = cases.filter(
            Exists(_open_overdue(now).filter(case=OuterRef("pk"), referral__isnull=True))
        )
    return list(cases.select_related("agency__region").distinct())


def ledger(user, filters: LedgerFilters, *, now=None) -> list[LedgerRow]:
    now = now or timezone.now()
    referrals = referral_rows(user, filters, now)
    cases = in_house_cases(user, filters, now)
    rows = [LedgerRow(case=r.case, referral=r) for r in referrals]
    rows += [LedgerRow(case=c, referral=None) for c in cases]
    key = filters.sort.lstrip("-")
    order = SORTS.get(key, SORTS["registered"])
    rows.sort(key=order, reverse=filters.sort.startswith("-") or key not in SORTS)
    return rows


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
