"""Who may see a case, a referral, a task or an evidence file — one place per entity.

A user sees a case only if their agency originated it or is party to a referral on it
(sent, received or copied), or if they are an auditor (read-only; every read is logged).
Referrals to 纪委监委 are compartmented (see selectors.visible_referrals_q). Anything else is a
404: another agency's case by URL must not even confirm that it exists.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can, roles_with
from agencies.models import Agency
from audit.services import record_read
from cases.models import Case, Evidence, Referral
from cases.selectors import visible_cases_q, visible_referrals_q
from documents.access import register_owner


def access_case(user, pk: int) -> Case:
    case = (
        Case.objects.filter(visible_cases_q(user), pk=pk)
        .select_related(
            "agency", "registered_by", "decided_by", "closing_reported_by", "closing_approved_by"
        )
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


TEAM_MINIMUM = 2  # 医保发〔2021〕49号: a case is investigated by at least two officers
TEAM_MESSAGE = _("Name at least two officers of your agency as the case team (办案人员).")


def team_candidates(case: Case):
    """Who may be on a case's team (办案人员): the active officers of its agency who handle
    cases (HANDLE_CASE: its case officers and leaders; never an auditor)."""
    from agencies.access import people_who_can

    return people_who_can(Ability.HANDLE_CASE, case.agency)


def team_refusal(case: Case, team) -> str | None:
    """Why `team` cannot be the case's team, or None: at least two officers of the case's
    agency who handle cases (医保发〔2021〕49号)."""
    members = {getattr(member, "pk", member) for member in team or []}
    allowed = set(team_candidates(case).filter(pk__in=members).values_list("pk", flat=True))
    if len(members) < TEAM_MINIMUM or members - allowed:
        return TEAM_MESSAGE
    return None


def access_referral_package(user, pk: int) -> Referral:
    """A referral whose package (移送书, its attachments and the evidence, as one zip) the user
    may download: whoever may open the referral's documents (documents.access: its owner
    rule, can_view_referral) — the sender, the receiver, the procuratorate copied on it and
    an auditor; anyone else gets a 404. The download view logs it for everyone."""
    referral = (
        Referral.objects.filter(visible_referrals_q(user), pk=pk)
        .select_related("case", "from_agency", "to_agency", "copy_to")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def access_extension(user, pk: int):
    """An extension request: whoever sees its referral (the parties, the procuratorate copied
    on it, an auditor) — the case page lists it for them — and the approving agency."""
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
    if not can_view_referral(user, extension.referral):
        raise Http404
    record_read(
        user,
        family="case",
        what=f"{extension.referral} · {extension.rule}",
        obj=extension.referral.case,
        data={"referral": extension.referral_id, "extension": extension.pk},
    )
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
    return evidence  # the download view logs it for everyone (audit.services.record_download)


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


# -- what a user may do now: the one home of each rule -------------------------------------
#
# Services enforce these, views and templates ask them, lists filter by their query form:
# no button, link or to-do is shown for an action the user could not complete.


def _open(task) -> bool:
    return task.status in (STATUS.NEW, STATUS.ASSIGNED)


def task_refusal(user, task) -> str | None:
    """Why `user` may not complete this human task of the case flow now (None: they may).

    A task belongs to a role in an agency (stamped into task.data when it is created,
    workflow.nodes.AgencyTask): anyone of that agency holding that ability may act on it —
    there is no claiming. An auditor never acts. The registrant never decides on their own
    case (审批 by a leader other than the person who registered it), nor approves their own
    closing report (结案审批). `actionable_tasks_q` is
    the same rule for lists.
    """
    data = task.data or {}
    if not _open(task):
        return str(_("This task has already been handled."))
    if can(user, Ability.READ_ALL_CASES):
        return str(_("Auditors read cases; they do not act on them."))
    if not getattr(user, "agency_id", None) or user.agency_id != data.get("agency_id"):
        return str(_("This task belongs to another agency."))
    if not data.get("ability") or not can(user, Ability(data["ability"])):
        holders = "、".join(str(role.label) for role in roles_with(Ability(data["ability"])))
        return str(_("In your agency this task is for: %(roles)s.") % {"roles": holders})
    if task.flow_task.name == "approve" and (
        task.process.caseprocess.case.registered_by_id == user.pk
    ):
        return str(_("The person who registered a case cannot also approve it."))
    if task.flow_task.name == "approve_close" and (
        task.process.caseprocess.case.closing_reported_by_id == user.pk
    ):
        return str(_("The author of a closing report cannot also approve it."))
    return None


def may_act_on_task(user, task) -> bool:
    return task_refusal(user, task) is None


def actionable_tasks_q(user) -> Q:
    """The open case tasks `user` may act on, as a filter on viewflow's Task (see
    may_act_on_task: the same rule, for lists)."""
    from workflow.flows import CaseFlow  # the flow imports the case pages

    abilities = [str(a) for a in Ability if can(user, a)]
    if not getattr(user, "agency_id", None) or can(user, Ability.READ_ALL_CASES) or not abilities:
        return Q(pk__in=[])
    own_registration = Q(flow_task=CaseFlow.approve, process__caseprocess__case__registered_by=user)
    own_closing_report = Q(
        flow_task=CaseFlow.approve_close, process__caseprocess__case__closing_reported_by=user
    )
    return (
        Q(status__in=[STATUS.NEW, STATUS.ASSIGNED])
        & Q(case_task__agency_id=user.agency_id, case_task__ability__in=abilities)
        & ~own_registration
        & ~own_closing_report
    )


def may_see_id_numbers(user, case: Case, referrals) -> bool:
    """Personal ID numbers are shown in full to those whose work needs the person's identity:
    the originating agency (it registered the party) and an agency investigating a referral
    it accepted (公安 and the others must identify whom they investigate). The procuratorate
    copied on a referral, a receiver before it accepts, and auditors see them masked;
    institutions' credit codes are public and shown to every reader."""
    agency = getattr(user, "agency_id", None)
    if agency is None or can(user, Ability.READ_ALL_CASES):
        return False
    if case.agency_id == agency:
        return True
    investigating = {
        Referral.Status.ACCEPTED,
        Referral.Status.NOTICE_TO_FILE,
        Referral.Status.RESULT_REPORTED,
    }
    return any(r.to_agency_id == agency and r.status in investigating for r in referrals)


def can_supervise(user) -> bool:
    """The joint-meeting office follows up overdue tasks of every agency (督办): it sees the
    督办 list and urges the holders (催办)."""
    return can(user, Ability.RUN_MEETINGS)


URGE_INTERVAL_HOURS = 4  # one 催办 of a task by the office per half working day


def urge_refusal(user, case_task) -> tuple[bool, str | None]:
    """(is it theirs, why not now) for 催办: the joint-meeting office urges the holders of a
    task under 督办 — open, escalated to the office, not in the 纪委监委 compartment — at
    most once every URGE_INTERVAL_HOURS."""
    from datetime import timedelta

    from django.utils import timezone

    from workflow.models import CaseTask

    if not can_supervise(user) or can(user, Ability.READ_ALL_CASES):
        return False, None
    referral = case_task.referral if case_task.referral_id else None
    if referral is not None and referral.to_agency.kind == Agency.Kind.DISCIPLINE:
        return False, None
    if case_task.escalation != CaseTask.Escalation.SUPERVISED or not _open(case_task.task):
        return True, str(_("This task is no longer under supervision."))
    last = next(iter(case_task.urges.all()), None)  # newest first (Meta); may be prefetched
    if last and timezone.now() - last.urged_at < timedelta(hours=URGE_INTERVAL_HOURS):
        return True, str(
            _("Urged at %(when)s; urge again after %(hours)d hours.")
            % {
                "when": timezone.localtime(last.urged_at).strftime("%Y-%m-%d %H:%M"),
                "hours": URGE_INTERVAL_HOURS,
            }
        )
    return True, None


def can_withdraw(user, referral: Referral) -> bool:
    """The leader of the agency that sent a referral (or that originated the case) may
    withdraw it while it is open — never the receiver."""
    return (
        not referral.is_finished
        and can(user, Ability.APPROVE_CASE)
        and not can(user, Ability.READ_ALL_CASES)
        and user.agency_id in (referral.from_agency_id, referral.case.agency_id)
        and user.agency_id != referral.to_agency_id
    )


def extension_refusal(user, referral: Referral, *, pending: bool | None = None) -> str | None:
    """Why the receiving liaison may not ask for more time to decide on filing now (None:
    they may). Only the receiver's liaison of a signed criminal referral, one request at a
    time, 3 → 10 → 30 → +30 days (selectors.next_extension)."""
    from cases.selectors import next_extension

    if referral.to_agency_id != getattr(user, "agency_id", None) or not can(
        user, Ability.RECEIVE_REFERRAL
    ):
        return str(_("Only the receiving agency's liaison asks for an extension."))
    if next_extension(referral) is None:
        return str(_("This referral's decision period cannot be extended further."))
    if pending is None:
        pending = referral.extensions.filter(status="pending").exists()
    if pending:
        return str(_("An extension request is already awaiting approval."))
    return None


def can_request_extension(user, referral: Referral, *, pending: bool | None = None) -> bool:
    return extension_refusal(user, referral, pending=pending) is None


def extension_decision_refusal(user, extension) -> str | None:
    """Why `user` may not decide on an extension request (None: they may): a leader of the
    approving agency (the superior for the last +30 days), never the one who asked."""
    if extension.status != "pending":
        return str(_("This request has already been decided."))
    if user.agency_id != extension.approver_agency_id or not can(user, Ability.APPROVE_CASE):
        return str(_("Only a leader of the approving agency decides on this request."))
    if user.pk == extension.requested_by_id:
        return str(_("The person who asked cannot approve their own extension."))
    return None


def can_decide_extension(user, extension) -> bool:
    return extension_decision_refusal(user, extension) is None


def commentable_referrals(user, referrals) -> list[Referral]:
    """The referrals (of those the user sees) a comment may be about: their agency sent or
    received it."""
    return [r for r in referrals if user.agency_id in (r.from_agency_id, r.to_agency_id)]


def can_comment(user, case: Case, referrals) -> bool:
    """Parties comment (the originating agency on the case, the others on their referral);
    an auditor reads only."""
    if can(user, Ability.READ_ALL_CASES) or not getattr(user, "agency_id", None):
        return False
    return case.agency_id == user.agency_id or bool(commentable_referrals(user, referrals))


@dataclass
class CaseActions:
    """What the user may do on a case page now (case_actions)."""

    tasks: list = field(default_factory=list)  # open tasks they may act on
    waiting: list = field(default_factory=list)  # open tasks of others (who holds the step)
    withdraw: set = field(default_factory=set)  # referral ids
    extend: set = field(default_factory=set)  # referral ids
    comment: bool = False
    consult: bool = False


def case_actions(user, case: Case, referrals, open_tasks, pending_extensions=()) -> CaseActions:
    """Everything the case page offers `user`, each by its one rule above. `referrals` are
    the ones the user sees, `open_tasks` the case's open human tasks, `pending_extensions`
    the referral ids with a request awaiting approval (already read by the page)."""
    from meetings.access import is_office  # meetings build on cases, not the other way

    actions = CaseActions(
        comment=can_comment(user, case, referrals),
        consult=is_office(user) and not can(user, Ability.READ_ALL_CASES),
    )
    visible = {r.pk for r in referrals}
    for task in open_tasks:
        referral_id = (task.data or {}).get("referral_id")
        if referral_id is not None and referral_id not in visible:
            continue  # a compartmented branch (纪委监委) is not even mentioned
        (actions.tasks if may_act_on_task(user, task) else actions.waiting).append(task)
    for referral in referrals:
        if can_withdraw(user, referral):
            actions.withdraw.add(referral.pk)
        if can_request_extension(user, referral, pending=referral.pk in pending_extensions):
            actions.extend.add(referral.pk)
    return actions
