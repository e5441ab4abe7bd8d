"""Overdue tasks escalate through viewflow's database timers fired by `workflow_timers`:
the assignee (or the agency's queue) is reminded at the due time, the agency leader one
working day later, and after three working days the task is listed for the joint-meeting
office (督办). Finishing the task cancels the timers that have not fired."""

from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from notifications.models import Notification
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user, open_task, post_task
from workflow.models import CaseTask
from workflow.nodes import escalation_at


def fire_timers_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("workflow_timers", stdout=open("/dev/null", "w"))  # noqa: SIM115


OVERDUE = [
    Notification.Kind.OVERDUE,
    Notification.Kind.OVERDUE_LEADER,
    Notification.Kind.SUPERVISION,
]


def told(kind) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_an_overdue_task_escalates_step_by_step_and_stops_when_done(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    receive = open_task(case, "receive")
    case_task = CaseTask.objects.get(task=receive)
    assert case_task.agency == agencies["省卫生健康委"] and case_task.due_at
    timers = Task.objects.filter(previous=receive, flow_task_type="TIMER")
    assert sorted(t.scheduled for t in timers) == [
        escalation_at(case_task.due_at, level) for level in (1, 2, 3)
    ]

    # before the due time nothing happens
    fire_timers_at(case_task.due_at - timedelta(minutes=1))
    case_task.refresh_from_db()
    assert case_task.escalation == 0 and not Notification.objects.filter(kind__in=OVERDUE).exists()

    # at the due time: everyone who could take the unclaimed task is reminded
    fire_timers_at(case_task.due_at + timedelta(minutes=1))
    case_task.refresh_from_db()
    assert case_task.escalation == CaseTask.Escalation.OVERDUE
    assert told(Notification.Kind.OVERDUE) == {"wj_liaison"}
    reminder = Notification.objects.get(kind=Notification.Kind.OVERDUE)
    assert reminder.case_task == case_task
    assert reminder.url == reverse("cases:task", args=[receive.pk])  # the holder acts on it

    # a working day later: the agency's leader
    fire_timers_at(escalation_at(case_task.due_at, 2) + timedelta(minutes=1))
    case_task.refresh_from_db()
    assert case_task.escalation == CaseTask.Escalation.LEADER
    assert told(Notification.Kind.OVERDUE_LEADER) == {"wj_leader"}
    leader = Notification.objects.get(kind=Notification.Kind.OVERDUE_LEADER)
    assert leader.url == reverse("cases:detail", args=[case.pk])  # a leader follows it up

    # three working days on: 督办, listed for the joint-meeting office only
    as_user(client, "yb_office")
    assert not client.get(reverse("cases:supervision")).context["page"].object_list
    fire_timers_at(escalation_at(case_task.due_at, 3) + timedelta(minutes=1))
    case_task.refresh_from_db()
    assert case_task.escalation == CaseTask.Escalation.SUPERVISED
    listed = client.get(reverse("cases:supervision")).context["page"].object_list
    assert [ct.task_id for ct in listed] == [receive.pk]
    as_user(client, "wj_liaison")
    assert client.get(reverse("cases:supervision")).status_code == 403
    levels = AuditEvent.objects.filter(action__startswith="task.escalated").values_list(
        "action", flat=True
    )
    assert sorted(levels) == ["task.escalated.1", "task.escalated.2", "task.escalated.3"]
    # firing again changes nothing
    fire_timers_at(escalation_at(case_task.due_at, 3) + timedelta(days=5))
    assert Notification.objects.filter(kind=Notification.Kind.OVERDUE).count() == 1
    assert AuditEvent.objects.filter(action__startswith="task.escalated").count() == 3

    # the task is done: it leaves the list, and the next task starts on time
    post_task(client, receive, {"action": "sign", "reason": ""})
    as_user(client, "yb_office")
    assert not client.get(reverse("cases:supervision")).context["page"].object_list
    decide = open_task(case, "decide")
    assert CaseTask.objects.get(task=decide).escalation == 0


def test_finishing_a_task_cancels_its_timers(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    receive = open_task(case, "receive")
    as_user(client, "wj_liaison")
    post_task(client, receive, {"action": "sign", "reason": ""})
    statuses = set(
        Task.objects.filter(previous=receive, flow_task_type="TIMER").values_list(
            "status", flat=True
        )
    )
    assert statuses == {STATUS.CANCELED}
    fire_timers_at(timezone.now() + timedelta(days=60))
    assert not Notification.objects.filter(case_task__task=receive, kind__in=OVERDUE).exists()


def test_discipline_branches_are_not_listed_for_the_office(client, world, agencies):
    case = referred_case(world, agencies, ["省纪委监委"])
    receive = open_task(case, "receive")
    due = CaseTask.objects.get(task=receive).due_at
    fire_timers_at(escalation_at(due, 3) + timedelta(minutes=1))
    assert CaseTask.objects.get(task=receive).escalation == CaseTask.Escalation.SUPERVISED
    as_user(client, "yb_office")
    assert not client.get(reverse("cases:supervision")).context["page"].object_list
    assert not Notification.objects.filter(kind=Notification.Kind.SUPERVISION).exists()
