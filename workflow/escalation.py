"""Overdue tasks: reminders to the assignee, then the agency leader, then 督办.

Each human task with a due time carries three non-interrupting timers (workflow/nodes.py);
`manage.py workflow_timers` (cron, every few minutes) fires them, and the flow calls
`escalate` with the fired timer task. Moving a due time (an approved extension, a progress
report) re-schedules the timers that have not fired yet.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

import notifications.events
from agencies.access import Ability, people_who_can
from agencies.models import Agency
from audit.services import lazy_summary, record_event
from workflow.models import CaseTask
from workflow.nodes import escalation_at

LEVEL = CaseTask.Escalation


def recipients(case_task: CaseTask, level: int):
    """Who is reminded at `level`: the assignee (or, unclaimed, everyone who could take
    it), then the agency's leaders, then the joint-meeting office."""
    if level == LEVEL.OVERDUE:
        task = case_task.task
        if task.owner_id:
            return [task.owner]
        return list(people_who_can(case_task.ability, case_task.agency))
    if level == LEVEL.LEADER:
        return list(people_who_can(Ability.APPROVE_CASE, case_task.agency))
    if case_task.referral_id and case_task.referral.to_agency.kind == Agency.Kind.DISCIPLINE:
        return []  # the 纪委监委 compartment: the office does not see that branch
    return list(people_who_can(Ability.RUN_MEETINGS))


def escalate(timer_task: Task) -> None:
    """A timer fired: raise the host task's escalation to the timer's level."""
    level = int(timer_task.data["level"])
    case_task = CaseTask.objects.select_related("task__owner", "agency", "referral", "case").get(
        task_id=timer_task.data["host"]
    )
    if case_task.task.status in (STATUS.DONE, STATUS.CANCELED) or case_task.escalation >= level:
        return
    now = timezone.now()
    with transaction.atomic():
        case_task.escalation, case_task.escalated_at = level, now
        case_task.save(update_fields=["escalation", "escalated_at"])
        people = recipients(case_task, level)
        notifications.events.task_escalated(case_task, level, people)  # in-app and by mail
        record_event(
            action=f"task.escalated.{level}",
            agency=case_task.agency,
            obj=case_task.case,
            summary=lazy_summary(
                _("Overdue: %(step)s at %(agency)s — %(level)s"),
                step=case_task.task.flow_task.task_title,
                agency=case_task.agency.name,
                level=LEVEL(level).label,
            ),
            data={
                "task": case_task.task_id,
                "referral": case_task.referral_id,
                "level": level,
                "due_at": case_task.due_at,
                "reminded": [p.pk for p in people],
            },
        )


def reschedule(case_task: CaseTask, due_at) -> None:
    """Move a task's due time; timers not yet fired follow it, and it is on time again."""
    case_task.due_at = due_at
    if due_at > timezone.now():
        case_task.escalation = LEVEL.NONE
    case_task.save(update_fields=["due_at", "escalation"])
    timers = Task.objects.filter(
        flow_task_type="TIMER", previous=case_task.task, status=STATUS.SCHEDULED
    )
    for timer in timers:
        level = int((timer.data or {}).get("level", 1))
        timer.scheduled = escalation_at(due_at, level)
        timer.save(update_fields=["scheduled"])
