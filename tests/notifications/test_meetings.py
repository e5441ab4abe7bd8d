"""The joint meetings tell their units in the app too: every mail the meetings send is also a
notification linking to the meeting's (or the resolution's) page, for the people of the units
taking part only — and the .ics and the PDFs still travel with the e-mail."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, User
from demo.joint_body import MEMBERS
from meetings import services
from meetings.models import Resolution
from meetings.reminders import escalate_resolutions
from notifications.models import Notification
from tests.builders import joint_body

K = Notification.Kind


def liaisons_of(agencies) -> set[str]:
    return set(
        User.objects.filter(
            agency__in=agencies, role_grants__role=Role.LIAISON, is_active=True
        ).values_list("username", flat=True)
    )


def told(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("recipient__username", flat=True))


def test_the_call_for_topics_reaches_the_member_liaisons_and_links_to_the_meeting(
    client, world, agencies
):
    joint_body()
    meeting = services.meeting_open(
        user=world["yb_office"],
        kind="full",
        title="2027年第一季度全体会议",
        topics_due=timezone.now() + timedelta(days=5),
    )
    members = [agencies[name] for name in MEMBERS]
    assert told(kind=K.MEETING_TOPICS) == liaisons_of(members)
    assert not told(meeting=meeting) & {"jw_liaison", "yj_liaison", "ccyb_liaison"}
    notification = Notification.objects.filter(kind=K.MEETING_TOPICS).first()
    assert notification.meeting == meeting
    assert notification.url == reverse("meetings:meeting", args=[meeting.pk])
    assert "征集议题" in notification.title and meeting.title in notification.title
    client.force_login(world["wj_liaison"])
    assert client.get(notification.url).status_code == 200


def test_the_notice_goes_to_the_units_and_the_invited_unit_gets_its_letter(
    world, agencies, mailoutbox, django_capture_on_commit_callbacks
):
    joint_body()
    office, convenor = world["yb_office"], world["yb_convenor"]
    meeting = services.meeting_open(
        user=office, kind="full", title="2027年第二季度全体会议", ad_hoc=True
    )
    topic = services.topic_submit(
        user=office, meeting=meeting, title="联合检查", background="背景", presenting=office.agency
    )
    if topic.status != topic.Status.ACCEPTED:
        services.topic_screen(user=office, topic=topic, action="accept")
    services.agenda_submit(user=office, meeting=meeting, items=[(topic, 1, 30)])
    start = timezone.now() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_approve(
            user=convenor,
            meeting=meeting,
            approve=True,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="省医保局会议室",
            form="on_site",
            rsvp_due=start - timedelta(days=2),
            chair=convenor,
            invited={topic: [agencies["省药监局"]]},
        )
    members = [agencies[name] for name in MEMBERS]
    assert told(kind=K.MEETING_NOTICE, meeting=meeting) == liaisons_of(members)
    assert told(kind=K.MEETING_INVITATION, meeting=meeting) == {"yj_liaison"}
    assert "jw_liaison" not in told(meeting=meeting)
    by_address = {m.to[0]: m for m in mailoutbox}
    guest = by_address["yj_liaison@xietong.example"]
    assert [a[0] for a in guest.attachments][0] == "meeting.ics"
    assert guest.attachments[1][2] == "application/pdf"
    link = f"https://xietong.example.gov.cn{reverse('meetings:meeting', args=[meeting.pk])}"
    assert all(link in m.body for m in mailoutbox)


def test_an_overdue_resolution_tells_the_lead_unit_then_its_leader_then_the_office(
    client, world, agencies, django_capture_on_commit_callbacks
):
    joint_body()
    meeting = services.meeting_open(
        user=world["yb_office"],
        kind="partial",
        title="专题会议",
        agencies=[agencies["省公安厅"], agencies["省医保局"]],
    )
    resolution = Resolution.objects.create(
        meeting=meeting,
        number=1,
        text="制定工作细则",
        lead_agency=agencies["省公安厅"],
        due_on=timezone.localdate() - timedelta(days=12),
        status="open",
    )
    escalate_resolutions()
    overdue = Notification.objects.filter(kind=K.RESOLUTION_OVERDUE)
    office = set(
        User.objects.filter(role_grants__role=Role.MEETING_OFFICE).values_list(
            "username", flat=True
        )
    )
    assert told(kind=K.RESOLUTION_OVERDUE) == {"ga_liaison", "ga_leader"} | office
    assert {n.url for n in overdue} == {reverse("meetings:resolution", args=[resolution.pk])}
    assert "制定工作细则" in overdue.first().body
    client.force_login(world["ga_liaison"])
    assert client.get(overdue.first().url).status_code == 200
    escalate_resolutions()
    assert Notification.objects.filter(kind=K.RESOLUTION_OVERDUE).count() == overdue.count()
