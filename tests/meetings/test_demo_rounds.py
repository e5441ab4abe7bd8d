"""The demo meetings build through the services, in the states the demo promises."""

from django.utils import timezone

from documents.models import IssuedDocument
from meetings.models import Meeting, MeetingFile, Resolution, Topic


def test_the_demo_meetings_are_in_every_state(world, agencies):
    from demo.cases import seed_cases
    from demo.joint_body import seed_joint_body
    from demo.meeting_rounds import seed_meetings

    seed_cases()
    seed_joint_body()
    seed_meetings()
    counts = (Meeting.objects.count(), Topic.objects.count(), IssuedDocument.objects.count())
    seed_meetings()  # idempotent
    assert counts == (
        Meeting.objects.count(),
        Topic.objects.count(),
        IssuedDocument.objects.count(),
    )
    states = set(Meeting.objects.values_list("status", flat=True))
    assert states == {"minutes_issued", "notified", "collecting", "agenda_approval"}
    assert set(Meeting.objects.values_list("kind", flat=True)) == {"full", "consultation"}
    # the held meeting: notice, minutes and a 列席 letter; every unit replied; chaired
    past = Meeting.objects.get(status="minutes_issued")
    assert past.starts_at < timezone.now() and past.chair.username == "yb_convenor"
    assert not past.participants.filter(reply="pending").exists()
    assert past.participants.get(items_only=True).agency.short_name == "省药监局"
    assert set(IssuedDocument.objects.values_list("doc_type", flat=True)) >= {
        "notice",
        "minutes",
        "letter",
    }
    # resolutions in progress, overdue and escalated, done with evidence, following a case
    assert set(Resolution.objects.values_list("status", flat=True)) == {"open", "done"}
    today = timezone.localdate()
    assert Resolution.objects.filter(status="open", due_on__lt=today, escalation=3).exists()
    assert MeetingFile.objects.filter(report__resolution__status="done").exists()
    assert MeetingFile.objects.filter(topic__isnull=False).exists()
    assert Resolution.objects.filter(case__isnull=False, reports__isnull=False).exists()
    # the next meeting carries the open resolutions over; the new round has a returned topic
    upcoming = Meeting.objects.get(status="notified")
    open_before = Resolution.objects.filter(meeting=past).exclude(status="done").count()
    assert upcoming.topics.filter(carried_over=True).count() == open_before == 3
    collecting = Meeting.objects.get(status="collecting")
    assert not collecting.topics.filter(carried_over=True).exists()
    assert collecting.topics.filter(status="returned").exists()
    assert Meeting.objects.get(kind="consultation").case is not None
