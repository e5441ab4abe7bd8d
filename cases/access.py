"""Who may see a case, a referral, a task or an evidence file — one place per entity.

A user sees a case only if their agency originated it or is party to a referral on it
(sent, received or copied), or if they are an auditor (read-only; every read is logged).
Referrals to 纪委监委 are compartmented (see selectors.visible_referrals_q). Anything else is a
404: another agency's case by URL must not even confirm that it exists.
"""

from django.http import Http404
from viewflow.workflow.models import Task

from agencies.access import Ability, can
from audit.services import record_read
from cases.models import Case, Evidence, Referral
from cases.selectors import visible_cases_q, visible_referrals_q
from documents.access import register_owner


def access_case(user, pk: int) -> Case:
    case = (
        Case.objects.filter(visible_cases_q(user), pk=pk)
        .select_related("agency", "registered_by", "decided_by")
        .first()
    )
    if case is None:
        raise Http404
    record_read(user, family="case", what=case.number, obj=case)
    return case


def can_view_referral(user, referral: Referral) -> bool:
    return Referral.objects.filter(visible_referrals_q(user), pk=referral.pk).exists()


register_owner(Referral, can_view_referral)


def access_referral(user, pk: int) -> Referral:
    """A referral the user may see (404 otherwise)."""
    referral = (
        Referral.objects.filter(visible_referrals_q(user), pk=pk)
        .select_related("case", "from_agency", "to_agency", "copy_to")
        .first()
    )
    if referral is None:
        raise Http404
    record_read(
        user, family="case", what=str(referral), obj=referral.case, data={"referral": referral.pk}
    )
    return referral


def access_extension(user, pk: int):
    """An extension request: its referral must be visible and the user's agency a party."""
    from cases.models import Extension

    extension = (
        Extension.objects.select_related("referral__case", "referral__to_agency", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if extension is None:
        raise Http404
    if user.agency_id == extension.approver_agency_id:  # a superior agency sees the request
        return extension
    if user.agency_id not in (
        extension.referral.to_agency_id,
        extension.referral.from_agency_id,
    ) or not can_view_referral(user, extension.referral):
        raise Http404
    return extension


def access_evidence(user, pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("case", "referral").filter(pk=pk).first()
    if (
        evidence is None
        or not Case.objects.filter(visible_cases_q(user), pk=evidence.case_id).exists()
    ):
        raise Http404
    if evidence.referral_id and not can_view_referral(user, evidence.referral):
        raise Http404
    record_read(
        user,
        family="case",
        what=f"{evidence.case.number} · {evidence.original_name}",
        obj=evidence.case,
        data={"evidence": evidence.pk, "sha256": evidence.sha256},
    )
    return evidence


def access_task(user, pk: int) -> Task:
    """A case task the user's agency acts on (or an auditor may look at); otherwise 404."""
    task = (
        Task.objects.filter(pk=pk, flow_task_type="HUMAN")
        .select_related("process__caseprocess__case", "owner")
        .first()
    )
    if task is None:
        raise Http404
    if (task.data or {}).get("agency_id") != user.agency_id and not can(
        user, Ability.READ_ALL_CASES
    ):
        raise Http404
    case = task.process.caseprocess.case
    record_read(
        user,
        family="case",
        what=f"{case.number} · {task.flow_task.task_title}",
        obj=case,
        data={"task": task.pk, "referral": (task.data or {}).get("referral_id")},
    )
    return task
