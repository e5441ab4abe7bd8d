"""Reads of cases and their tasks, always through what the user's agency may see."""

from datetime import datetime

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can
from agencies.models import Agency
from cases.models import Case, Referral
from workflow.models import CaseTask

OPEN = [STATUS.NEW, STATUS.ASSIGNED]  # an open human task


# The flow's gateways read the database, not the process's cached case object: the service
# that completed the previous task saved a fresh copy.
def case_is_referred(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=Case.Status.REFERRED).exists()


def case_is_in_house(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=Case.Status.IN_HOUSE).exists()


def case_is_closed(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=Case.Status.CLOSED).exists()


def referral_status(referral_id: int) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral_id)


def referral_awaits_handover(referral_id: int) -> bool:
    """A criminal referral just filed: the sender hands over the evidence next."""
    return Referral.objects.filter(
        pk=referral_id,
        status=Referral.Status.ACCEPTED,
        channel=Referral.Channel.CRIMINAL,
        handover_at__isnull=True,
    ).exists()


def visible_referrals_q(user) -> Q:
    """Referrals a user may see: their agency sent, received or was copied on it.

    Written without joins (the case's agency and the receiver's kind as subqueries), so the
    database can answer "sent, received or copied" from the referral's own indexes."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    agency_id = user.agency_id
    own_cases = Case.objects.filter(agency_id=agency_id).values("pk")
    party = Q(from_agency_id=agency_id) | Q(to_agency_id=agency_id) | Q(copy_to_id=agency_id)
    party |= Q(case_id__in=own_cases)
    discipline = Agency.objects.filter(kind=Agency.Kind.DISCIPLINE).values("pk")
    compartment = Q(to_agency_id__in=discipline) & ~Q(to_agency_id=agency_id)
    if can(user, Ability.APPROVE_CASE):
        compartment &= ~Q(case_id__in=own_cases)  # the originating agency's leader sees it
    return party & ~compartment


def visible_cases_q(user) -> Q:
    """Cases a user may see: their agency originated it or is party to a visible referral."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    if user.agency_id is None:
        return Q(pk__in=[])
    referrals = Referral.objects.filter(visible_referrals_q(user), case=OuterRef("pk"))
    return Q(agency_id=user.agency_id) | Q(Exists(referrals))


def cases_without_visible_referral_q(user) -> Q:
    """Cases a user sees through none of their referrals (the ledger's in-house rows): the
    visible cases less those with a visible referral — which leaves the user's own agency's
    cases (every case for a user who reads all) none of whose referrals the user sees."""
    referrals = Referral.objects.filter(visible_referrals_q(user), case=OuterRef("pk"))
    if can(user, Ability.READ_ALL_CASES):
        own = Q()
    elif user.agency_id is None:
        return Q(pk__in=[])
    else:
        own = Q(agency_id=user.agency_id)
    return own & ~Q(Exists(referrals))


CASE_ORDER = {
    "registered": ("registered_at", "pk"),
    "number": ("number",),
    "title": ("title", "pk"),
    "status": ("status", "pk"),
    "due": ("next_due", "pk"),
    "holder": ("next_agency", "pk"),
}


def _current_steps(user):
    """The open steps of a case that `user` may know of: the case's own, and those of the
    referrals they see (a 纪委监委 branch stays in its compartment)."""
    return CaseTask.objects.filter(case=OuterRef("pk"), task__status__in=OPEN).filter(
        Q(referral__isnull=True)
        | Q(referral__in=Referral.objects.filter(visible_referrals_q(user)).values("pk"))
    )


def case_list(*, user, status: str = "", query: str = "", sort: str = "-registered"):
    """The cases a user sees, with the next step due: when (next_due) and at which agency
    (next_agency) — sortable by number, title, status, registration, due time and holder."""
    cases = Case.objects.filter(visible_cases_q(user))
    if status:
        cases = cases.filter(status=status)
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(title__icontains=query))
    steps = _current_steps(user).order_by("due_at", "pk")
    cases = cases.annotate(
        next_due=Subquery(steps.values("due_at")[:1]),
        next_agency=Subquery(steps.values("agency__short_name")[:1]),
    )
    key = sort.lstrip("-")
    fields = CASE_ORDER.get(key, CASE_ORDER["registered"])
    descending = sort.startswith("-") if key in CASE_ORDER else True
    order = [
        (F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
        for name in fields
    ]
    return cases.select_related("agency").order_by(*order)


def case_status_counts(*, user, query: str = "") -> dict:
    """How many visible cases are in each status (the list's tabs), one grouped query."""
    cases = Case.objects.filter(visible_cases_q(user))
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(title__icontains=query))
    rows = cases.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def current_steps(*, user, cases) -> dict:
    """The open steps of the cases shown (one query): case id → [CaseTask, …], due first."""
    steps = (
        CaseTask.objects.filter(case__in=[c.pk for c in cases], task__status__in=OPEN)
        .filter(
            Q(referral__isnull=True)
            | Exists(Referral.objects.filter(visible_referrals_q(user), pk=OuterRef("referral_id")))
        )
        .select_related("task", "agency")
        .order_by("due_at", "pk")
    )
    found: dict = {}
    for step in steps:
        found.setdefault(step.case_id, []).append(step)
    return found


def case_referrals(*, user, case: Case):
    return (
        Referral.objects.filter(visible_referrals_q(user), case=case)
        .select_related("to_agency", "from_agency", "copy_to")
        .order_by("sent_at", "pk")
    )


def _case_human_tasks():
    return Task.objects.filter(flow_task_type="HUMAN").select_related(
        "process__caseprocess__case__agency",
        "case_task__referral__from_agency",
        "case_task__referral__to_agency",
        "owner",
    )


# how the inbox may be ordered: ?sort=<key>, or -<key> for the other way round
TASK_ORDER = {
    "due": ("case_task__due_at", "pk"),
    "since": ("created", "pk"),
    "case": ("process__caseprocess__case__number", "pk"),
}


def inbox(*, user, scope: str = "all", sort: str = "due"):
    """My unit's open case tasks: the ones I may act on ("mine") and my colleagues' ("unit"),
    together, the most urgent first — a task belongs to its role in the agency, not to a
    person. Each row carries `mine` (cases.access.actionable_tasks_q: the one rule)."""
    from cases.access import actionable_tasks_q  # access reads through these selectors

    if not getattr(user, "agency_id", None) or can(user, Ability.READ_ALL_CASES):
        return Task.objects.none()
    mine = actionable_tasks_q(user)
    unit = Q(status__in=OPEN, case_task__agency_id=user.agency_id)
    tasks = _case_human_tasks().filter({"mine": mine, "unit": unit & ~mine}.get(scope, unit | mine))
    tasks = tasks.annotate(
        mine=CaseWhen(
            When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    key = sort.lstrip("-")
    fields = TASK_ORDER.get(key, TASK_ORDER["due"])
    if sort.startswith("-") and key in TASK_ORDER:
        fields = tuple(f"-{name}" for name in fields)
    # ascending by due time lets the (agency, due_at) index deliver the list already sorted
    return tasks.order_by(*fields)


def archive(*, user):
    """Tasks I completed."""
    return _case_human_tasks().filter(owner=user, status=STATUS.DONE).order_by("-finished")


def due_windows(now=None) -> dict:
    """The moments the lists and the dashboard count against: now, the end of today, and the
    end of the third working day from today (Chinese working days, workflow.calendar)."""
    from workflow.calendar import END_OF_DAY, WorkingCalendar

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    third = WorkingCalendar().add_working_days(today, 3)
    return {
        "now": now,
        "end_of_today": timezone.make_aware(datetime.combine(today, END_OF_DAY)),
        "end_of_soon": timezone.make_aware(datetime.combine(third, END_OF_DAY)),
    }


def due_q(due: str, windows: dict) -> Q:
    """Overdue, due today, or due within 3 working days (after today); 督办 by escalation."""
    return {
        "overdue": Q(case_task__due_at__lt=windows["now"]),
        "today": Q(
            case_task__due_at__gte=windows["now"], case_task__due_at__lte=windows["end_of_today"]
        ),
        "soon": Q(
            case_task__due_at__gt=windows["end_of_today"],
            case_task__due_at__lte=windows["end_of_soon"],
        ),
        "supervised": Q(case_task__escalation=CaseTask.Escalation.SUPERVISED),
    }.get(due, Q())


def filter_tasks(tasks, *, due="", channel="", source="", agency=None):
    """The inbox/archive filters: overdue, due today or within 3 working days, 督办, referral
    type, source, agency."""
    if due:
        tasks = tasks.filter(due_q(due, due_windows()))
    if channel:
        tasks = tasks.filter(case_task__referral__channel=channel)
    if source:
        tasks = tasks.filter(case_task__case__source=source)
    if agency is not None:
        tasks = tasks.filter(
            Q(case_task__case__agency=agency)
            | Q(case_task__referral__from_agency=agency)
            | Q(case_task__referral__to_agency=agency)
        )
    return tasks


def pending_extensions(*, user):
    """Extension requests a leader of my agency may decide."""
    from cases.models import Extension

    if not can(user, Ability.APPROVE_CASE):
        return Extension.objects.none()
    return (
        Extension.objects.filter(status="pending", approver_agency_id=user.agency_id)
        .exclude(requested_by=user)
        .select_related("referral__case", "referral__to_agency", "requested_by")
    )


def supervised_tasks():
    """督办: open tasks escalated to the joint-meeting office (not the 纪委监委 compartment)."""
    return (
        CaseTask.objects.filter(
            escalation=CaseTask.Escalation.SUPERVISED,
            task__status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .exclude(referral__to_agency__kind=Agency.Kind.DISCIPLINE)
        .select_related("task", "case", "agency", "referral__to_agency")
        .order_by("due_at")
    )


def referral_extensions(referrals) -> dict[int, list]:
    from cases.models import Extension

    by_referral: dict[int, list] = {}
    for extension in Extension.objects.filter(referral__in=referrals).select_related(
        "requested_by", "decided_by"
    ):
        by_referral.setdefault(extension.referral_id, []).append(extension)
    return by_referral


def case_comments(*, case, referrals):
    """Comments the user may see: case-wide ones and those on referrals visible to them."""
    from cases.models import Comment

    return (
        Comment.objects.filter(case=case)
        .filter(Q(referral__isnull=True) | Q(referral__in=[r.pk for r in referrals]))
        .select_related("author", "agency", "referral__to_agency")
    )


def referral_documents(referrals) -> dict[int, list]:
    """The issued documents of several referrals in one query: referral pk -> documents."""
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IssuedDocument

    by_referral: dict[int, list] = {}
    documents = (
        IssuedDocument.objects.filter(
            owner_type=ContentType.objects.get_for_model(Referral),
            owner_id__in=[str(r.pk) for r in referrals],
        )
        .select_related("issued_by")
        .order_by("issued_at")
    )
    for document in documents:
        by_referral.setdefault(int(document.owner_id), []).append(document)
    return by_referral


EXTENSION_STEPS = (
    "police_filing_extension_10",
    "police_filing_extension_30",
    "police_filing_extension_plus30",
)


def next_extension(referral: Referral) -> str | None:
    """Which extension the police may ask for next (3 → 10 → 30 → +30 days), if any."""
    if referral.channel != Referral.Channel.CRIMINAL or referral.status != Referral.Status.SIGNED:
        return None
    approved = referral.extensions.filter(status="approved").count()
    return EXTENSION_STEPS[approved] if approved < len(EXTENSION_STEPS) else None


def task_counts(*, user) -> dict:
    """The dashboard's counts of my tasks (those I may act on): overdue, due today, due within
    3 working days, under 督办, and all — one aggregate query."""
    from cases.access import actionable_tasks_q

    windows = due_windows()
    tasks = Task.objects.filter(flow_task_type="HUMAN").filter(actionable_tasks_q(user))
    return tasks.aggregate(
        overdue=Count("pk", filter=due_q("overdue", windows)),
        today=Count("pk", filter=due_q("today", windows)),
        soon=Count("pk", filter=due_q("soon", windows)),
        supervised=Count("pk", filter=due_q("supervised", windows)),
        total=Count("pk"),
    )
