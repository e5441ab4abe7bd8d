"""The daily run: idempotent, told through notifications, the command's summary; the 7
working days of 要求说明理由 and the 催办 of an overdue answer."""

import datetime as dt
from io import StringIO
from unittest import mock

import chinese_calendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from monitor.models import Alert, AlertStep
from monitor.services import alert_request_explanation, monitor_run
from notifications.models import Notification
from workflow.nodes import escalation_at

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_a_second_run_raises_nothing_new(closed_case):
    closed_case(amount="50000.00", violation_types=["card_misuse"])
    first = monitor_run()
    counts = (Alert.objects.count(), AlertStep.objects.count(), Notification.objects.count())
    second = monitor_run()
    assert first["raised"] == 2 and second["raised"] == 0 and second["existing"] == 2
    assert (Alert.objects.count(), AlertStep.objects.count(), Notification.objects.count()) == (
        counts
    )
    assert AuditEvent.objects.filter(action="monitor.alert_raised").count() == 2


def test_the_command_prints_its_summary(closed_case):
    closed_case(amount="50000.00")
    out = StringIO()
    call_command("referral_monitor", stdout=out)
    assert "1 new alert(s)" in out.getvalue()
    out = StringIO()
    call_command("referral_monitor", "--now", "2026-12-01T09:00", stdout=out)
    assert "0 new alert(s), 1 finding(s) already alerted" in out.getvalue()


def test_the_command_refuses_a_bad_moment():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("referral_monitor", "--now", "yesterday")


def test_the_recipient_is_told_with_a_link_and_the_case_agency_is_not(closed_case, world):
    case = closed_case(amount="50000.00")
    monitor_run()
    alert = Alert.objects.get(case=case)
    told = Notification.objects.filter(kind="monitor_alert")
    assert {n.recipient.agency.short_name for n in told} == {"省检察院"}
    assert {n.recipient.username for n in told} >= {"jcy_leader", "jcy_liaison", "jcy_officer"}
    assert all(n.url == f"/monitor/{alert.pk}/" for n in told)


def seventh_working_day(start: dt.date) -> dt.date:
    day, counted = start, 0
    while counted < 7:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI),  # across National Day
        dt.datetime(2026, 6, 12, 16, 30, tzinfo=SHANGHAI),  # a Friday
    ],
)
def test_an_explanation_is_due_in_seven_working_days(closed_case, world, moment):
    case = closed_case(amount="50000.00")
    monitor_run()
    alert = Alert.objects.get(case=case)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        alert_request_explanation(alert=alert, user=world["jcy_liaison"], text="请说明。")
    alert.refresh_from_db()
    expected = dt.datetime.combine(
        seventh_working_day(moment.date()), dt.time(23, 59, 59), tzinfo=SHANGHAI
    )
    assert timezone.localtime(alert.due_at) == expected


def test_an_overdue_answer_is_urged_once_per_level(closed_case, world):
    case = closed_case(amount="50000.00")
    monitor_run()
    alert = Alert.objects.get(case=case)
    alert_request_explanation(alert=alert, user=world["jcy_liaison"], text="请说明。")
    alert.refresh_from_db()
    just_after = alert.due_at + dt.timedelta(minutes=1)
    assert monitor_run(now=alert.due_at - dt.timedelta(minutes=1))["urged"] == 0
    assert monitor_run(now=just_after)["urged"] == 1
    assert monitor_run(now=just_after)["urged"] == 0
    urged = Notification.objects.filter(kind="monitor_urge")
    assert {n.recipient.username for n in urged} == {"yb_officer", "yb_officer2", "yb_leader"}
    alert.refresh_from_db()
    assert alert.escalation == Alert.Escalation.OVERDUE
    assert monitor_run(now=escalation_at(alert.due_at, 3) + dt.timedelta(minutes=1))["urged"] == 1
    alert.refresh_from_db()
    assert alert.escalation == Alert.Escalation.RECIPIENT
    latest = Notification.objects.filter(kind="monitor_urge").order_by("-pk").first()
    assert latest.recipient.agency.short_name == "省检察院"
    assert alert.steps.filter(stage="urged").count() == 2
    assert AuditEvent.objects.filter(action="monitor.urged").count() == 2
