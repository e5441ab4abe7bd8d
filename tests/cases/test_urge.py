"""催办: the joint-meeting office urges the holders of a task under 督办 and their leader, from
the 督办 list; it is told to exactly them, recorded on the case, and not repeated within the
interval — and nobody else can urge."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.access import URGE_INTERVAL_HOURS
from notifications.models import Notification
from tests.builders import as_user, open_task, referred
from workflow.models import CaseTask, TaskUrge


def supervised(world, agencies, to="省卫生健康委"):
    case = referred(world, agencies, to, "督办测试案件")
    task = open_task(case, "receive")
    CaseTask.objects.filter(task=task).update(
        escalation=CaseTask.Escalation.SUPERVISED,
        due_at=timezone.now() - timedelta(days=6),
        escalated_at=timezone.now() - timedelta(days=1),
    )
    return case, CaseTask.objects.get(task=task)


def told(kind=Notification.Kind.URGE):
    return {
        n.recipient.username: n.url
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


def told_body(username):
    return Notification.objects.get(kind=Notification.Kind.URGE, recipient__username=username).body


def test_the_office_urges_the_holders_and_their_leader(client, world, agencies):
    case, case_task = supervised(world, agencies)
    as_user(client, "yb_office")
    page = client.get(reverse("cases:supervision"))
    assert reverse("cases:urge", args=[case_task.pk]) in page.content.decode()
    response = client.post(
        reverse("cases:urge", args=[case_task.pk]), {"note": "请于本周五前签收"}, follow=True
    )
    assert response.status_code == 200
    assert told() == {
        "wj_liaison": reverse("cases:task", args=[case_task.task_id]),  # the holder acts
        "wj_leader": reverse("cases:detail", args=[case.pk]),  # the leader follows it up
    }
    assert "请于本周五前签收" in told_body("wj_liaison")
    urge = TaskUrge.objects.get()
    assert urge.urged_by == world["yb_office"] and urge.note == "请于本周五前签收"
    event = AuditEvent.objects.get(action="case.urged")
    assert event.object_id == str(case.pk) and event.data["task"] == case_task.task_id
    assert sorted(event.data["told"]) == sorted([world["wj_liaison"].pk, world["wj_leader"].pk])
    # urged once; the page says when and offers no second urge for now
    html = client.get(reverse("cases:supervision")).content.decode()
    assert reverse("cases:urge", args=[case_task.pk]) not in html
    assert "赵静" in html


def test_a_second_urge_within_the_interval_is_refused_with_the_reason(client, world, agencies):
    _case, case_task = supervised(world, agencies)
    services.task_urge(user=world["yb_office"], case_task=case_task)
    as_user(client, "yb_office2")
    response = client.post(reverse("cases:urge", args=[case_task.pk]), follow=True)
    assert f"{URGE_INTERVAL_HOURS}小时" in response.content.decode()
    assert TaskUrge.objects.count() == 1
    TaskUrge.objects.update(urged_at=timezone.now() - timedelta(hours=URGE_INTERVAL_HOURS + 1))
    client.post(reverse("cases:urge", args=[case_task.pk]))
    assert TaskUrge.objects.count() == 2


@pytest.mark.parametrize("username", ["wj_liaison", "wj_leader", "auditor", "yb_leader"])
def test_nobody_but_the_office_can_urge(client, world, agencies, username):
    _case, case_task = supervised(world, agencies)
    as_user(client, username)
    assert client.post(reverse("cases:urge", args=[case_task.pk])).status_code == 404
    assert not TaskUrge.objects.exists() and not told()


def test_a_discipline_branch_is_never_urged_by_the_office(client, world, agencies):
    _case, case_task = supervised(world, agencies, to="省纪委监委")
    as_user(client, "yb_office")
    assert client.post(reverse("cases:urge", args=[case_task.pk])).status_code == 404
    assert not TaskUrge.objects.exists()


def test_a_task_no_longer_supervised_is_not_urged(client, world, agencies):
    _case, case_task = supervised(world, agencies)
    CaseTask.objects.filter(pk=case_task.pk).update(escalation=CaseTask.Escalation.NONE)
    as_user(client, "yb_office")
    response = client.post(reverse("cases:urge", args=[case_task.pk]), follow=True)
    assert "不再处于督办" in response.content.decode()
    assert not TaskUrge.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_office_staff_urging_at_once_urge_once(transactional_db):
    from agencies.models import Agency, User
    from demo.directory import seed_directory

    seed_directory()
    world = {u.username: u for u in User.objects.all()}
    agencies = {a.short_name: a for a in Agency.objects.all()}
    _case, case_task = supervised(world, agencies)
    barrier = threading.Barrier(2)
    outcomes = []

    def urge(username):
        try:
            barrier.wait()
            services.task_urge(user=User.objects.get(username=username), case_task=case_task)
            outcomes.append("urged")
        except Exception as exc:  # the second is told it was urged a moment ago
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=urge, args=(u,)) for u in ("yb_office", "yb_office2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "urged"]
    assert TaskUrge.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.urged").count() == 1
