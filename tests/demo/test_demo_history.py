"""The demo world looks like eighteen months of real work: cases spread over the months, steps on
the days they would happen, deadlines kept (or missed where the demo shows escalation), meetings
on working days, and a work report with figures. Each property is checked from the stored rows
with its own arithmetic (chinese_calendar asked directly), not by the demo's helpers."""

from datetime import date, datetime, timedelta

import chinese_calendar
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases.models import Case, Referral
from documents.models import IssuedDocument
from meetings.models import Meeting, Resolution
from workflow.models import CaseTask

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _months_back(today: date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def _is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know (2027): Monday to Friday
        return day.weekday() < 5


def test_registrations_span_the_last_eighteen_months(demo):
    today = timezone.localdate()
    last_18 = {_months_back(today, back) for back in range(18)}
    months = {
        (_local(r).year, _local(r).month)
        for r in Case.objects.values_list("registered_at", flat=True)
    }
    assert len(months & last_18) >= 15
    assert months <= last_18  # nothing older, nothing in the future
    registered_today = Case.objects.filter(registered_at__date=today).count()
    assert Case.objects.count() >= 200 and registered_today < 5
    # the campaign months (April to June) hold more than the quietest months (January, February)
    per_month = {}
    for moment in Case.objects.values_list("registered_at", flat=True):
        per_month.setdefault(_local(moment).month, 0)
        per_month[_local(moment).month] += 1
    spring = sum(per_month.get(m, 0) for m in (4, 5, 6))
    winter = sum(per_month.get(m, 0) for m in (1, 2, 3))
    assert spring > winter


def test_cases_come_from_every_source_and_several_agencies_with_real_amounts(demo):
    sources = set(Case.objects.values_list("source", flat=True))
    assert sources >= {
        "flying_inspection",
        "special_rectification",
        "smart_monitoring",
        "complaint",
        "audit_finding",
        "police_notice",
        "cross_region",
        "routine",
        "random",
    }
    registering = set(Case.objects.values_list("agency__short_name", flat=True))
    assert registering >= {"省医保局", "长春市医保局", "省市场监管厅", "省审计厅", "省卫生健康委"}
    amounts = list(Case.objects.values_list("suspected_amount", flat=True))
    assert min(amounts) < 10_000 and max(amounts) > 1_000_000
    closed = Case.objects.filter(status="closed")
    assert closed.filter(recovered_total__gt=0).count() >= 30
    assert closed.filter(fines_total__gt=0).count() >= 30


def test_every_task_was_created_before_it_fell_due_and_on_its_case_day(demo):
    now = timezone.now()
    checked = 0
    for case_task in CaseTask.objects.select_related("task", "case").exclude(due_at=None):
        task = case_task.task
        assert task.created < case_task.due_at, (case_task.case.number, task.flow_task.name)
        assert task.created >= case_task.case.registered_at
        assert task.created <= now
        checked += 1
    assert checked > 400
    # not all today: the tasks were created across the months, like the cases
    assert Task.objects.filter(created__date=timezone.localdate()).count() < checked / 10


def test_finished_steps_kept_their_deadlines(demo):
    """Old cases ran to time: every finished task was done by its due time (the demo's overdue
    cases are the ones still open)."""
    late = [
        (ct.case.number, ct.task.flow_task.name)
        for ct in CaseTask.objects.select_related("task", "case")
        .filter(task__status=STATUS.DONE)
        .exclude(due_at=None)
        if ct.task.finished > ct.due_at
    ]
    assert late == []


def test_cases_are_closed_overdue_and_escalated_each_at_its_step(demo):
    now = timezone.now()
    assert Case.objects.filter(status="closed").count() >= 60
    assert Case.objects.filter(status__in=["referred", "in_house", "awaiting_approval"]).count()
    open_tasks = CaseTask.objects.filter(task__status__in=OPEN)
    overdue = open_tasks.filter(due_at__lt=now)
    assert overdue.exists()
    supervised = overdue.filter(escalation=CaseTask.Escalation.SUPERVISED)
    assert {ct.task.flow_task.name for ct in supervised} == {"receive"}  # 卫健 never signed
    leader = overdue.filter(escalation=CaseTask.Escalation.LEADER)
    assert {ct.task.flow_task.name for ct in leader} == {"decide"}  # 公安 has not decided
    # each escalation is dated after the due time it is about, and no open task on time is
    # marked overdue
    for ct in open_tasks.exclude(escalation=0):
        assert ct.escalated_at > ct.due_at
    assert not open_tasks.filter(due_at__gte=now).exclude(escalation=0).exists()


def test_steps_follow_each_other_in_date_order(demo):
    for case in Case.objects.exclude(decided_at=None):
        # decided within its three days (next working day when they end on a rest day)
        assert case.registered_at < case.decided_at <= case.registered_at + timedelta(days=10)
        if case.closed_at:
            assert case.closed_at >= case.decided_at
        for referral in case.referrals.all():
            assert referral.sent_at >= case.decided_at
            if referral.signed_at:
                assert referral.sent_at < referral.signed_at
            if referral.decided_at and referral.signed_at:
                assert referral.signed_at < referral.decided_at
            if referral.finished_at:
                assert referral.finished_at > referral.sent_at
                if case.closed_at:
                    assert referral.finished_at < case.closed_at
    # results came weeks or months after the referral, not the same day
    reported = Referral.objects.filter(status="result_reported")
    assert reported.count() >= 40
    spans = sorted((r.finished_at - r.sent_at).days for r in reported)
    assert spans[len(spans) // 2] >= 14


def test_the_audit_log_and_the_timelines_are_in_date_order(demo):
    times = list(AuditEvent.objects.order_by("seq").values_list("time", flat=True))
    assert times == sorted(times)
    assert times[-1] <= timezone.now()
    # an event carries the date of what it records
    for case in Case.objects.order_by("pk")[:40]:
        event = AuditEvent.objects.get(
            action="case.registered", object_type="cases.case", object_id=str(case.pk)
        )
        assert abs(event.time - case.registered_at) < timedelta(minutes=5)


def test_resolutions_are_due_on_working_days(demo):
    resolutions = list(Resolution.objects.select_related("meeting"))
    assert len(resolutions) >= 10
    for resolution in resolutions:
        assert _is_working_day(resolution.due_on), (resolution.meeting.title, resolution.due_on)
        assert resolution.due_on > _local(resolution.meeting.starts_at)
    for meeting in Meeting.objects.exclude(starts_at=None):
        assert _is_working_day(_local(meeting.starts_at)), meeting.title


def test_past_meetings_are_minuted_and_their_resolutions_in_every_state(demo):
    today = timezone.localdate()
    held = Meeting.objects.filter(status="minutes_issued", kind="full").order_by("starts_at")
    assert held.count() >= 3
    assert (held.last().starts_at - held.first().starts_at).days > 300  # spring and autumn
    assert Resolution.objects.filter(status="done").count() >= 6
    assert Resolution.objects.filter(status="open", due_on__gte=today).exists()
    overdue = Resolution.objects.filter(status="open", due_on__lt=today)
    assert overdue.filter(escalation=3).exists()
    assert Meeting.objects.filter(status="notified", starts_at__gt=timezone.now()).exists()


def test_the_work_reports_cover_periods_with_referrals(demo):
    issued = AuditEvent.objects.filter(action="meetings.work_report_drafted")
    assert issued.exists()
    # each went 核稿 and 签发 and was issued
    signed = IssuedDocument.objects.filter(
        doc_type="report", title__contains="医保基金监管协同工作情况的通报"
    )
    assert signed.count() == issued.count()
    for event in issued:
        start, end = date.fromisoformat(event.data["start"]), date.fromisoformat(event.data["end"])
        assert end < _local(event.time)
        sent = Referral.objects.filter(sent_at__date__range=(start, end)).exclude(
            Q(to_agency__kind="discipline")
        )
        assert sent.exists(), (start, end)


def test_people_have_read_what_they_dealt_with_and_the_last_week_waits(demo):
    from notifications.models import Notification

    now = timezone.now()
    # a task done leaves no unread notification about it, for anyone told of it
    done = Notification.objects.filter(case_task__task__finished__isnull=False)
    assert done.exists() and not done.filter(read_at__isnull=True).exists()
    for notification in done.select_related("case_task__task")[:200]:
        assert notification.read_at >= notification.created_at
    # what is older than three weeks has been read; some of the last week waits in the bells
    assert not Notification.objects.filter(
        read_at__isnull=True, created_at__lt=now - timedelta(days=21)
    ).exists()
    waiting = Notification.objects.filter(read_at__isnull=True)
    assert waiting.filter(created_at__gte=now - timedelta(days=7)).exists()
    assert waiting.values("recipient").distinct().count() >= 5
    # each reading is audited at the time it was read (the log is in date order, above)
    read = AuditEvent.objects.filter(action="notifications.read")
    assert read.count() >= Notification.objects.filter(read_at__isnull=False).count() - done.count()


def test_monitor_alerts_are_in_several_states(demo):
    """The 应移未移 monitor ran a few weeks ago: its alerts are in at least five states, every
    state's history is in date order, the referred one's follow-up case is with 公安, and the
    overdue explanation was urged after its due time."""
    from monitor.models import Alert

    states = set(Alert.objects.values_list("status", flat=True))
    assert len(states) >= 5, states
    for alert in Alert.objects.exclude(status="open").prefetch_related("steps"):
        moments = [step.at for step in alert.steps.all()]
        assert moments == sorted(moments) and len(moments) >= 2
        assert all(moment <= timezone.now() for moment in moments)
    referred = Alert.objects.get(status="referred")
    assert referred.referral.to_agency.kind == "public_security"
    assert referred.referral.copy_to.kind == "procuratorate"
    assert referred.follow_up_case.status == Case.Status.REFERRED
    urged = Alert.objects.filter(escalation__gt=0)
    assert urged.exists()
    for alert in urged:
        step = alert.steps.filter(stage="urged").order_by("at").first()
        assert step.at > alert.due_at
