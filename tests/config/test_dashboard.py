"""The home page is a work dashboard: my tasks counted by urgency (overdue, due today, due
within 3 working days, 督办) in red, the most urgent with their deadlines, what waits for a
leader's approval, the office's open 督办 — each count computed here from the due times
themselves, and the page's queries constant however many tasks there are."""

from datetime import datetime, time, timedelta

import chinese_calendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import as_user, open_task, referred, registered_case
from workflow.models import CaseTask

# A process-wide cache (the working calendar, the holiday years) that the growth of the world
# invalidates is filled again by the next page: one query, whatever the number of rows. Twenty
# rows instead of two would still cost far more if a query ran per row.
CACHE_REFILL = 1


def working_day(day) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package lacks: Monday–Friday, as the product does
        return day.weekday() < 5


def third_working_day(today):
    day, count = today, 0
    while count < 3:
        day += timedelta(days=1)
        count += working_day(day)
    return day


def expected(dues, escalations) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    end_today = timezone.make_aware(datetime.combine(today, time(23, 59, 59)))
    end_soon = timezone.make_aware(datetime.combine(third_working_day(today), time(23, 59, 59)))
    return {
        "overdue": sum(d < now for d in dues),
        "today": sum(now <= d <= end_today for d in dues),
        "soon": sum(end_today < d <= end_soon for d in dues),
        "supervised": sum(e == CaseTask.Escalation.SUPERVISED for e in escalations),
        "total": len(dues),
    }


def tasks_due(world, agencies, offsets, escalations=None):
    """Receive tasks at 卫健 due at now + each offset; returns the due times."""
    now = timezone.now()
    dues = []
    for i, offset in enumerate(offsets):
        task = open_task(referred(world, agencies, "省卫生健康委", title=f"案件{i}"), "receive")
        due = now + offset
        level = (escalations or [0] * len(offsets))[i]
        CaseTask.objects.filter(task=task).update(due_at=due, escalation=level)
        dues.append(due)
    return dues


def test_the_counts_are_my_tasks_by_urgency(client, world, agencies):
    offsets = [
        timedelta(days=-2),
        timedelta(days=-3),
        timedelta(seconds=45),
        timedelta(days=2),
        timedelta(days=40),
    ]
    levels = [1, 3, 0, 0, 0]
    dues = tasks_due(world, agencies, offsets, levels)
    as_user(client, "wj_liaison")
    response = client.get("/")
    assert response.context["counts"] == expected(dues, levels)
    urgent = response.context["urgent"]
    assert [t.case_task.due_at for t in urgent] == sorted(dues)  # the most urgent first
    html = response.content.decode()
    assert html.count("xt-counter--red") >= 2  # overdue and 督办 at least
    as_user(client, "wj_officer")  # the same unit, not their step
    counts = client.get("/").context["counts"]
    assert counts["total"] == 0 and not client.get("/").context["urgent"]


def test_a_leader_sees_what_waits_for_approval_and_not_their_own_registration(
    client, world, agencies
):
    registered_case(world["yb_officer"], "待审批的线索")
    as_user(client, "yb_leader")
    approvals = client.get("/").context["approvals"]
    assert [t.process.caseprocess.case.title for t in approvals] == ["待审批的线索"]
    as_user(client, "yb_officer")  # the registrant: no approval offered
    assert client.get("/").context["approvals"] == []


def test_the_office_sees_the_open_supervision(client, world, agencies):
    tasks_due(world, agencies, [timedelta(days=-5), timedelta(days=-1)], [3, 1])
    as_user(client, "yb_office")
    response = client.get("/")
    assert response.context["supervised"] == 1
    assert "/cases/supervision/" in response.content.decode()
    as_user(client, "wj_liaison")
    assert client.get("/").context["supervised"] is None


@pytest.mark.parametrize("username", ["wj_liaison", "yb_leader", "yb_office"])
def test_the_dashboard_keeps_a_fixed_number_of_queries(
    client, world, agencies, username, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tasks_due(world, agencies, [timedelta(days=-1), timedelta(days=3)], [3, 0])
    registered_case(world["yb_officer"])
    as_user(client, username)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    tasks_due(world, agencies, [timedelta(days=d) for d in range(-10, 10)], [3, 1] * 10)
    for _ in range(5):
        registered_case(world["yb_officer"])
    with django_assert_max_num_queries(len(few.captured_queries) + CACHE_REFILL):
        response = client.get("/")
    assert response.status_code == 200


def test_the_supervision_list_keeps_a_fixed_number_of_queries(
    client, world, agencies, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import services

    tasks_due(world, agencies, [timedelta(days=-5)] * 2, [3, 3])
    supervised = CaseTask.objects.filter(escalation=CaseTask.Escalation.SUPERVISED)
    services.task_urge(user=world["yb_office"], case_task=supervised.first())
    as_user(client, "yb_office")
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("cases:supervision")).status_code == 200
    tasks_due(world, agencies, [timedelta(days=-d) for d in range(2, 20)], [3] * 18)
    for case_task in supervised.filter(urges=None)[:5]:  # who urged and when, on the page
        services.task_urge(user=world["yb_office"], case_task=case_task)
    with django_assert_max_num_queries(len(few.captured_queries) + CACHE_REFILL):
        response = client.get(reverse("cases:supervision"))
    assert len(response.context["page"]) == 20
