"""Who is told what when work arrives in the case flow — the one place that maps it.

The flow and the services call one function here at the moment the work appears:

* `task_created` — every human task of the case flow (workflow/nodes.py AgencyTask._create);
* `extension_requested` — an extension of the filing decision to approve
  (cases/services.py extension_request);
* `task_escalated` — an overdue task reaches the next level (workflow/escalation.py);
* `task_urged` — the joint-meeting office urges the holders of a task under 督办 (催办,
  cases/services.py task_urge);
* `dispatch_to_check`, `dispatch_to_sign`, `dispatch_returned` — an outgoing document's
  稿纸 moves on (documents/services.py: 送核稿, 核稿, 签发).

Who: only people of the agency that must act, never another agency. A task's people are the
active people of its acting agency who hold its ability (`people_who_can`), less the person
whose step just created it (they know) and, for the approval, less the registrant (who may
not decide on their own case). For a branch, only people who may see that referral are told:
a referral to 纪委监委 is compartmented (cases.access.can_view_referral), so on its sender's
side only the originating agency's leaders hear of it. The joint meetings tell their units
through meetings/mail.py, which calls `notify` directly with the meeting's own texts.

To add a kind: see CONTRIBUTING ("Adding a notification kind").
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.mail import local_time
from notifications.models import Notification
from notifications.services import notify

K = Notification.Kind


@dataclass(frozen=True)
class Step:
    kind: str
    title: str
    body: str


# The human steps of workflow/flows.py CaseFlow, by node name (a variant after a dot: the
# same step reached another way). Placeholders: number and title of the case, registrant,
# sender (from), receiver (to), copy (the procuratorate), channel, reason.
STEPS: dict[str, Step] = {
    "approve": Step(
        K.APPROVE,
        _("Case %(number)s awaits your decision"),
        _(
            "%(registrant)s registered the clue “%(title)s” (%(number)s). Decide whether to "
            "refer it to other agencies, handle it in-house or close it as unfounded."
        ),
    ),
    "handle_in_house": Step(
        K.HANDLE,
        _("Handle case %(number)s in-house"),
        _(
            "Case %(number)s “%(title)s” is to be handled by your agency: investigate it and "
            "close it, or refer it to further agencies."
        ),
    ),
    "receive": Step(
        K.RECEIVE,
        _("Referral to sign for: case %(number)s from %(from)s"),
        _(
            "%(from)s has referred case %(number)s “%(title)s” to your agency (%(channel)s). "
            "Sign for it, or return it for more material."
        ),
    ),
    "receive.resent": Step(
        K.RECEIVE,
        _("Referral to sign for: case %(number)s from %(from)s, supplemented"),
        _(
            "%(from)s has supplemented the material of case %(number)s “%(title)s” that your "
            "agency returned, and referred it again (%(channel)s). Sign for it, or return it "
            "for more material."
        ),
    ),
    "receive.handed_back": Step(
        K.RECEIVE,
        _("Case %(number)s handed back by %(from)s for administrative handling"),
        _(
            "%(from)s has handed case %(number)s “%(title)s” back to your agency for "
            "administrative handling. Sign for it, or return it for more material.\n"
            "Reasons: %(reason)s"
        ),
    ),
    "supplement": Step(
        K.SUPPLEMENT,
        _("Case %(number)s returned by %(to)s for more material"),
        _(
            "%(to)s has returned case %(number)s “%(title)s” for more material. Supplement it "
            "and send it again.\nWhat is missing: %(reason)s"
        ),
    ),
    "decide": Step(
        K.DECIDE,
        _("Accept or refuse: case %(number)s from %(from)s"),
        _(
            "Your agency has signed for case %(number)s “%(title)s” referred by %(from)s. "
            "Accept (file) it, or refuse it with written reasons."
        ),
    ),
    "respond": Step(
        K.RESPOND,
        _("%(to)s refused case %(number)s"),
        _(
            "%(to)s refused to accept case %(number)s “%(title)s”. Accept the refusal, "
            "request reconsideration within 3 days, or ask the procuratorate for filing "
            "supervision.\nReasons: %(reason)s"
        ),
    ),
    "respond.upheld": Step(
        K.RESPOND,
        _("%(to)s upheld its refusal of case %(number)s"),
        _(
            "On reconsideration, %(to)s upheld its refusal to accept case %(number)s "
            "“%(title)s”. Accept the refusal or ask the procuratorate for filing supervision.\n"
            "Reasons: %(reason)s"
        ),
    ),
    "reconsider": Step(
        K.RECONSIDER,
        _("Reconsideration requested by %(from)s: case %(number)s"),
        _(
            "%(from)s asks your agency to reconsider its refusal of case %(number)s "
            "“%(title)s”. Uphold the refusal or accept the case, within 3 days.\n"
            "Grounds: %(reason)s"
        ),
    ),
    "supervise": Step(
        K.SUPERVISE,
        _("Filing supervision requested: case %(number)s at %(to)s"),
        _(
            "%(from)s asks your procuratorate to supervise the filing of case %(number)s "
            "“%(title)s”, which %(to)s refused to file. Obtain the police's reasons and record "
            "the outcome.\nGrounds: %(reason)s"
        ),
    ),
    "file_on_notice": Step(
        K.FILE_ON_NOTICE,
        _("Notice to file: case %(number)s"),
        _(
            "%(copy)s has notified your agency to file case %(number)s “%(title)s” referred "
            "by %(from)s. File it within 15 days of the notice.\nThe procuratorate's "
            "assessment: %(reason)s"
        ),
    ),
    "handover": Step(
        K.HANDOVER,
        _("Hand over the evidence: case %(number)s to %(to)s"),
        _(
            "%(to)s has filed case %(number)s “%(title)s”. Hand over the items and material "
            "within 3 days of the filing."
        ),
    ),
    "investigate": Step(
        K.INVESTIGATE,
        _("Investigate case %(number)s from %(from)s"),
        _(
            "Your agency has accepted case %(number)s “%(title)s” referred by %(from)s. "
            "Investigate it, record progress at least every 30 days and report the result."
        ),
    ),
    "close": Step(
        K.CLOSE,
        _("Case %(number)s is ready to close"),
        _(
            "Every referral of case %(number)s “%(title)s” is finished: the agencies have "
            "reported their results. Close the case with the totals, or refer it further."
        ),
    ),
    "close.returned": Step(
        K.CLOSE,
        _("Closing report on case %(number)s returned"),
        _(
            "The leader returned the closing report on case %(number)s “%(title)s”. Revise "
            "it and send it again.\nOpinion: %(reason)s"
        ),
    ),
    "approve_close": Step(
        K.CLOSE_APPROVAL,
        _("Closing report on case %(number)s awaits your approval"),
        _(
            "%(reporter)s wrote the closing report on case %(number)s “%(title)s”. Approve "
            "the closing (结案审批) or return the report with your opinion."
        ),
    ),
}

DUE = _("Due: %(due)s.")

EXTENSION = Step(
    K.EXTENSION,
    _("Extension to decide: case %(number)s at %(agency)s"),
    _(
        "%(agency)s asks to extend its decision on filing case %(number)s “%(title)s”, "
        "referred by %(from)s, to %(due)s. Approve or refuse the request.\n"
        "Reasons: %(reason)s"
    ),
)

ESCALATION = {
    1: Step(
        K.OVERDUE,
        _("Overdue: %(step)s, case %(number)s"),
        _(
            "The step “%(step)s” of case %(number)s “%(title)s” was due on %(due)s. Please "
            "deal with it as soon as possible."
        ),
    ),
    2: Step(
        K.OVERDUE_LEADER,
        _("Overdue in your agency: %(step)s, case %(number)s"),
        _(
            "The step “%(step)s” of case %(number)s “%(title)s”, for your agency to do, was due "
            "on %(due)s and is still open. Please see that it is dealt with."
        ),
    ),
    3: Step(
        K.SUPERVISION,
        _("Supervision (督办): %(step)s at %(agency)s, case %(number)s"),
        _(
            "The step “%(step)s” of case %(number)s at %(agency)s was due on %(due)s and is "
            "still open after the assignee and the agency leader were reminded. It is now "
            "listed for supervision (督办)."
        ),
    ),
}


def _render(step: Step, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        return str(step.title) % context, str(step.body) % context


def _finisher(task) -> int | None:
    """Who finished the human step that led to `task` (back through gateways and splits)."""
    node = task.previous.order_by("-pk").first()
    for _hop in range(6):
        if node is None:
            return None
        if node.flow_task_type == "HUMAN":
            return node.owner_id
        node = node.previous.order_by("-pk").first()
    return None


def _may_see(people, referral):
    """Only those who may see the referral (the 纪委监委 compartment)."""
    if referral is None:
        return list(people)
    from cases.access import can_view_referral

    return [person for person in people if can_view_referral(person, referral)]


def _context(case, referral=None, **extra) -> dict:
    context = {
        "number": case.number,
        "title": case.title,
        "registrant": case.registered_by.get_full_name() if case.registered_by_id else "",
        "from": "",
        "to": "",
        "copy": "",
        "channel": "",
        "reason": "",
        "reporter": (
            case.closing_reported_by.get_full_name() if case.closing_reported_by_id else ""
        ),
    }
    if referral is not None:
        context.update(
            {
                "from": referral.from_agency.name,
                "to": referral.to_agency.name,
                "copy": referral.copy_to.name if referral.copy_to_id else "",
                "channel": referral.get_channel_display(),
            }
        )
    context.update(extra)
    return context


def _variant(name: str, referral, case_task) -> tuple[str, str]:
    """The step's entry in STEPS and the reason to quote."""
    if name == "close" and case_task.case.closing_opinion:
        return "close.returned", case_task.case.closing_opinion
    if referral is None:
        return name, ""
    if name == "receive":
        if referral.parent_id:
            return "receive.handed_back", referral.parent.decision_reason
        from workflow.models import CaseTask

        earlier = CaseTask.objects.filter(referral=referral, task__pk__lt=case_task.task_id)
        if earlier.exists():
            return "receive.resent", ""
        return name, ""
    if name == "respond" and referral.reconsideration_decided_at:
        return "respond.upheld", referral.reconsideration_decision
    reasons = {
        "supplement": referral.decision_reason,
        "respond": referral.decision_reason,
        "reconsider": referral.reconsideration_reason,
        "supervise": referral.supervision_reason,
        "file_on_notice": referral.supervision_note,
    }
    return name, reasons.get(name, "")


def task_created(case_task) -> list[Notification]:
    """A human task of the case flow was created: tell the people who must act on it."""
    from agencies.access import people_who_can
    from cases.access import may_act_on_task
    from cases.models import Referral

    task = case_task.task
    name = task.flow_task.name
    if name not in STEPS:
        return []
    case = case_task.case
    referral = None
    if case_task.referral_id:
        referral = Referral.objects.select_related(
            "from_agency", "to_agency", "copy_to", "parent"
        ).get(pk=case_task.referral_id)
    # who may act is the case rule itself (cases.access.may_act_on_task: the role in the
    # agency, never the registrant on their own case); the person who just finished the
    # step before is not told of the next one
    finisher = _finisher(task)
    people = [
        p
        for p in people_who_can(case_task.ability, case_task.agency)
        if p.pk != finisher and may_act_on_task(p, task)
    ]
    people = _may_see(people, referral)
    if not people:
        return []
    variant, reason = _variant(name, referral, case_task)
    title, body = _render(STEPS[variant], _context(case, referral, reason=reason))
    if case_task.due_at:
        with translation.override(settings.LANGUAGE_CODE):
            body = f"{body}\n{DUE % {'due': local_time(case_task.due_at)}}"
    return notify(
        recipients=people,
        kind=STEPS[variant].kind,
        title=title,
        body=body,
        url=reverse("cases:task", args=[task.pk]),
        case=case,
        case_task=case_task,
    )


def extension_requested(extension) -> list[Notification]:
    """The police ask for more time to decide on filing: the approving agency's leaders (of
    the superior agency for the last extension), never the one who asked."""
    from agencies.access import Ability, people_who_can
    from cases.access import can_decide_extension

    referral = extension.referral
    case = referral.case
    people = [
        p
        for p in people_who_can(Ability.APPROVE_CASE, extension.approver_agency)
        if can_decide_extension(p, extension)  # the one rule: never the one who asked
    ]
    title, body = _render(
        EXTENSION,
        _context(
            case,
            referral,
            agency=referral.to_agency.name,
            due=local_time(extension.new_due_at),
            reason=extension.reason,
        ),
    )
    return notify(
        recipients=people,
        kind=EXTENSION.kind,
        title=title,
        body=body,
        url=reverse("cases:extension", args=[extension.pk]),
        case=case,
    )


def task_escalated(case_task, level: int, people) -> list[Notification]:
    """An overdue task reached `level`: 1 the people who may act on it, 2 their agency's
    leaders, 3 the joint-meeting office (督办, linked to its supervision list). `people` are
    workflow.escalation.recipients (the office is never told of a 纪委监委 branch)."""
    step = ESCALATION[level]
    task = case_task.task
    if level < 3:
        people = _may_see(people, case_task.referral if case_task.referral_id else None)
        # the holders are sent to the task; their leaders, who follow it up rather than do
        # it, to the case
        url = (
            reverse("cases:task", args=[task.pk])
            if level == 1
            else reverse("cases:detail", args=[case_task.case_id])
        )
        case = case_task.case
    else:
        url = reverse("cases:supervision")
        case = None  # the office follows the task up; the case stays with its parties
    with translation.override(settings.LANGUAGE_CODE):
        step_title = str(task.flow_task.task_title)
    title, body = _render(
        step,
        _context(
            case_task.case,
            step=step_title,
            agency=case_task.agency.name,
            due=local_time(case_task.due_at) if case_task.due_at else "",
        ),
    )
    return notify(
        recipients=people,
        kind=step.kind,
        title=title,
        body=body,
        url=url,
        case=case,
        case_task=case_task,
    )


URGE = Step(
    K.URGE,
    _("Urged (催办): %(step)s, case %(number)s"),
    _(
        "The joint-meeting office urges your agency to deal with the step “%(step)s” of case "
        "%(number)s “%(title)s”, due on %(due)s and under supervision (督办).%(note)s"
    ),
)


def task_urged(case_task, people, *, note: str = "") -> list[Notification]:
    """催办: the holders (sent to the task) and their agency's leaders (sent to the case)."""
    from agencies.access import Ability, can
    from cases.access import may_act_on_task

    task = case_task.task
    with translation.override(settings.LANGUAGE_CODE):
        step_title = str(task.flow_task.task_title)
        extra = str(_(" The office adds: %(note)s") % {"note": note}) if note else ""
    title, body = _render(
        URGE,
        _context(
            case_task.case,
            step=step_title,
            due=local_time(case_task.due_at) if case_task.due_at else "",
            note=extra,
        ),
    )
    people = _may_see(people, case_task.referral if case_task.referral_id else None)
    holders = [p for p in people if may_act_on_task(p, task)]
    leaders = [p for p in people if p not in holders and can(p, Ability.APPROVE_CASE)]
    common = {"kind": K.URGE, "title": title, "body": body, "case": case_task.case}
    return notify(
        recipients=holders,
        url=reverse("cases:task", args=[task.pk]),
        case_task=case_task,
        **common,
    ) + notify(
        recipients=leaders,
        url=reverse("cases:detail", args=[case_task.case_id]),
        case_task=case_task,
        **common,
    )


# --- outgoing documents (发文): the 稿纸 ---------------------------------------------------

DISPATCH_CHECK = Step(
    K.DOCUMENT_CHECK,
    _("Draft to check (核稿): “%(title)s”"),
    _("%(from)s sent the draft “%(title)s” of %(agency)s to be checked (核稿)."),
)
DISPATCH_SIGN = Step(
    K.DOCUMENT_SIGN,
    _("Draft to sign (签发): “%(title)s”"),
    _("%(from)s checked the draft “%(title)s” of %(agency)s; it awaits your signature (签发)."),
)
DISPATCH_RETURNED = Step(
    K.DOCUMENT_RETURNED,
    _("Draft returned: “%(title)s”"),
    _("%(from)s returned the draft “%(title)s” for changes.\nOpinion: %(reason)s"),
)


def _dispatch_notify(step: Step, dispatch, people, **extra) -> list[Notification]:
    context = {"title": dispatch.title, "agency": dispatch.agency.name, "from": "", "reason": ""}
    title, body = _render(step, context | extra)
    return notify(
        recipients=people,
        kind=step.kind,
        title=title,
        body=body,
        url=reverse("documents:dispatch", args=[dispatch.pk]),
    )


def dispatch_to_check(dispatch, *, by) -> list[Notification]:
    """送核稿: the checkers of the issuing agency who may check it (never the drafter)."""
    from agencies.access import Ability, people_who_can
    from documents.access import may_check

    people = [
        p
        for p in people_who_can(Ability.CHECK_DOCUMENTS, dispatch.agency)
        if may_check(p, dispatch)
    ]
    return _dispatch_notify(DISPATCH_CHECK, dispatch, people, **{"from": by.get_full_name()})


def dispatch_to_sign(dispatch, *, by) -> list[Notification]:
    """核稿 passed: the issuing agency's leaders (the convenor for a joint-meeting paper) who
    may sign it — never its drafter or its checker."""
    from agencies.access import Ability, people_who_can
    from documents.access import may_sign

    if dispatch.joint_meeting:
        candidates = people_who_can(Ability.SIGN_JOINT_DOCUMENTS)
    else:
        candidates = people_who_can(Ability.SIGN_DOCUMENTS, dispatch.agency)
    people = [p for p in candidates if may_sign(p, dispatch)]
    return _dispatch_notify(DISPATCH_SIGN, dispatch, people, **{"from": by.get_full_name()})


def dispatch_returned(dispatch, review) -> list[Notification]:
    """Returned at 核稿 or 签发: the drafter, with the opinion."""
    return _dispatch_notify(
        DISPATCH_RETURNED,
        dispatch,
        [dispatch.created_by],
        reason=review.opinion,
        **{"from": review.user.get_full_name()},
    )
