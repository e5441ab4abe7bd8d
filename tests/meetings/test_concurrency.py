"""Concurrency on PostgreSQL: a meeting step taken by several people at once happens once.

Every meeting service locks the meeting's row first, so the second person sees the first
one's result and is refused with a message: one notice, one set of minutes, one audit event.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Role
from audit.models import AuditEvent
from documents.models import IssuedDocument
from meetings import services
from meetings.models import Meeting, Resolution
from tests.cases.test_concurrency import run_at_once
from tests.factories import UserFactory
from tests.meetings.test_round import body  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _agenda_awaiting_approval(world):
    office = world["yb_office"]
    meeting = services.meeting_open(
        user=office, kind="full", title="并发审定议程", topics_due=timezone.now() + timedelta(1)
    )
    topic = services.topic_submit(
        user=world["wj_liaison"], meeting=meeting, title="联合检查", background="背景"
    )
    services.topic_screen(user=office, topic=topic, action="accept")
    services.agenda_submit(user=office, meeting=meeting, items=[(topic, 1, 30)])
    return meeting


def _outcomes(results):
    return sorted(kind if kind == "ok" else type(value).__name__ for kind, value in results)


def test_twenty_convenors_approving_one_agenda_issue_one_notice(world, agencies, body):  # noqa: F811
    meeting = _agenda_awaiting_approval(world)
    convenors = [UserFactory(agency=agencies["省医保局"], roles=[Role.CONVENOR]) for _ in range(19)]
    convenors.append(world["yb_convenor"])
    start = timezone.now() + timedelta(days=7)

    def approve(person):
        return services.agenda_approve(
            user=person,
            meeting=Meeting.objects.get(pk=meeting.pk),
            approve=True,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="省医保局会议室",
            form="on_site",
            rsvp_due=start - timedelta(days=1),
            chair=world["yb_convenor"],
        )

    results = run_at_once([lambda p=p: approve(p) for p in convenors])
    assert _outcomes(results) == ["ValidationError"] * 19 + ["ok"]
    refused = [value for kind, value in results if kind == "error"]
    assert all(isinstance(exc, ValidationError) for exc in refused)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED
    assert IssuedDocument.objects.filter(doc_type="notice").count() == 1
    assert AuditEvent.objects.filter(action="meetings.agenda_approved").count() == 1


def test_two_office_staff_verifying_one_completion_record_it_once(world, agencies, body):  # noqa: F811
    from tests.meetings.test_round import notified_meeting

    office = world["yb_office"]
    meeting = notified_meeting(world, agencies, body)
    services.attendance_record(
        user=office,
        meeting=meeting,
        attendance={p.pk: "present" for p in meeting.participants.all()},
    )
    services.minutes_draft(
        user=office,
        meeting=meeting,
        text="会议纪要。",
        resolutions=[
            {
                "text": "开展联合检查",
                "lead_agency": agencies["省卫生健康委"],
                "due_on": timezone.localdate() + timedelta(days=30),
            }
        ],
    )
    services.minutes_submit(user=office, meeting=meeting)
    services.minutes_approve(user=world["yb_convenor"], meeting=meeting, approve=True)
    resolution = Resolution.objects.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.resolution_report(
        user=world["wj_liaison"],
        resolution=resolution,
        body="已完成",
        completion=True,
        files=[SimpleUploadedFile("报告.pdf", b"%PDF-1.7 done")],
    )
    lead = agencies["省医保局"]
    staff = [UserFactory(agency=lead, roles=[Role.MEETING_OFFICE]) for _ in range(9)] + [office]
    results = run_at_once(
        [
            (
                lambda p=p: services.resolution_verify(
                    user=p, resolution=Resolution.objects.get(pk=resolution.pk), accept=True
                )
            )
            for p in staff
        ]
    )
    assert _outcomes(results) == ["ValidationError"] * 9 + ["ok"]
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE
    assert resolution.reports.get().verified_by_id is not None
    assert AuditEvent.objects.filter(action="meetings.resolution_done").count() == 1
