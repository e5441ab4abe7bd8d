"""`meeting_reminders`: reply reminders a day before the deadline, and overdue resolutions
escalating to the lead unit, its leader and the office's 督办 — each once."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from meetings.models import Meeting, Resolution
from tests.meetings.test_round import body, notified_meeting  # noqa: F401 (fixture)


def run(on_commit):
    """The command, and the mail it queued sent after its commits (as in cron)."""
    with on_commit(execute=True):
        call_command("meeting_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_units_that_have_not_replied_are_reminded_once(
    world,
    agencies,
    body,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    meeting = notified_meeting(world, agencies, body)
    # back before the meeting: replies due in 12 hours
    soon = timezone.now() + timedelta(hours=12)
    Meeting.objects.filter(pk=meeting.pk).update(
        rsvp_due=soon, starts_at=soon + timedelta(days=1), ends_at=soon + timedelta(days=1, hours=1)
    )
    run(django_capture_on_commit_callbacks)
    reminded = {p.agency.short_name for p in meeting.participants.filter(reminded_at__isnull=False)}
    assert "省公安厅" not in reminded  # it replied (on leave)
    assert "省卫生健康委" in reminded and "省药监局" in reminded
    addresses = {a for m in mailoutbox for a in m.to}
    assert "wj_liaison@xietong.example" in addresses
    assert "ga_liaison@xietong.example" not in addresses
    count = len(mailoutbox)
    run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == count
    assert AuditEvent.objects.filter(action="meetings.reply_reminded").count() == len(reminded)


def test_overdue_resolutions_escalate_step_by_step(
    world,
    agencies,
    body,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    meeting = notified_meeting(world, agencies, body)
    late = Resolution.objects.create(
        meeting=meeting,
        number=1,
        text="制定工作细则",
        lead_agency=agencies["省公安厅"],
        due_on=timezone.localdate() - timedelta(days=12),
        status="open",
    )
    on_time = Resolution.objects.create(
        meeting=meeting,
        number=2,
        text="开展检查",
        lead_agency=agencies["省医保局"],
        due_on=timezone.localdate() + timedelta(days=5),
        status="open",
    )
    done = Resolution.objects.create(
        meeting=meeting,
        number=3,
        text="已完成事项",
        lead_agency=agencies["省卫生健康委"],
        due_on=timezone.localdate() - timedelta(days=12),
        status="done",
    )
    run(django_capture_on_commit_callbacks)
    late.refresh_from_db()
    on_time.refresh_from_db()
    done.refresh_from_db()
    assert (late.escalation, on_time.escalation, done.escalation) == (3, 0, 0)
    events = AuditEvent.objects.filter(action__startswith="meetings.resolution_escalated")
    assert list(events.order_by("seq").values_list("action", flat=True)) == [
        "meetings.resolution_escalated.1",
        "meetings.resolution_escalated.2",
        "meetings.resolution_escalated.3",
    ]
    to = {a for m in mailoutbox if "议定事项逾期" in m.subject for a in m.to}
    assert {"ga_liaison@xietong.example", "ga_leader@xietong.example"} <= to
    run(django_capture_on_commit_callbacks)
    assert events.count() == 3
