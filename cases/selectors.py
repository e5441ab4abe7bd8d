"""Reads of cases and their tasks, always through what the user's agency may see."""

from django.db.models import Exists, OuterRef, Q
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can
from agencies.models import Agency
from cases.models import Case, Referral


# The flow's gateways read the database, not the process's cached case object: the service
# that completed the previous task saved a fresh copy.
def case_is_referred(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=Case.Status.REFERRED).exists()


def case_is_in_house(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=Case.Status.IN_HOUSE).exists()


def referral_is_returned(referral_id: int) -> bool:
    return Referral.objects.filter(pk=referral_id, status=Referral.Status.RETURNED).exists()


def referral_is_accepted(referral_id: int) -> bool:
    return Referral.objects.filter(pk=referral_id, status=Referral.Status.ACCEPTED).exists()


def visible_referrals_q(user) -> Q:
    """Referrals a user may see: their agency sent, received or was copied on it."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    agency_id = user.agency_id
    party = Q(from_agency_id=agency_id) | Q(to_agency_id=agency_id) | Q(copy_to_id=agency_id)
    party |= Q(case__agency_id=agency_id)
    compartment = Q(to_agency__kind=Agency.Kind.DISCIPLINE) & ~Q(to_agency_id=agency_id)
    if can(user, Ability.APPROVE_CASE):
        compartment &= ~Q(case__agency_id=agency_id)  # the originating agency's leader sees it
    return party & ~compartment


def visible_cases_q(user) -> Q:
    """Cases a user may see: their agency originated it or is party to a visible referral."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    if user.agency_id is None:
        return Q(pk__in=[])
    referrals = Referral.objects.filter(visible_referrals_q(user), case=OuterRef("pk"))
    return Q(agency_id=user.agency_id) | Q(Exists(referrals))


def case_list(*, user, status: str = "", query: str = ""):
    cases = Case.objects.filter(visible_cases_q(user))
    if status:
        cases = cases.filter(status=status)
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return cases.select_related("agency").order_by("-registered_at")


def case_referrals(*, user, case: Case):
    return (
        Referral.objects.filter(visible_referrals_q(user), case=case)
        .select_related("to_agency", "from_agency", "copy_to")
        .order_by("sent_at", "pk")
    )


def _case_human_tasks():
    return Task.objects.filter(flow_task_type="HUMAN").select_related(
        "process__caseprocess__case__agency"
    )


def inbox(*, user):
    """Tasks assigned to me."""
    return _case_human_tasks().filter(owner=user, status=STATUS.ASSIGNED).order_by("created")


def queue(*, user):
    """Unclaimed tasks of my agency that my roles let me take."""
    abilities = [ability for ability in Ability if can(user, ability)]
    return (
        _case_human_tasks()
        .filter(status=STATUS.NEW, data__agency_id=user.agency_id, data__ability__in=abilities)
        .order_by("created")
    )


def archive(*, user):
    """Tasks I completed."""
    return _case_human_tasks().filter(owner=user, status=STATUS.DONE).order_by("-finished")


def referral_documents(referrals) -> dict[int, list]:
    """The issued documents of several referrals in one query: referral pk -> documents."""
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IssuedDocument

    by_referral: dict[int, list] = {}
    documents = IssuedDocument.objects.filter(
        owner_type=ContentType.objects.get_for_model(Referral),
        owner_id__in=[str(r.pk) for r in referrals],
    ).order_by("issued_at")
    for document in documents:
        by_referral.setdefault(int(document.owner_id), []).append(document)
    return by_referral
