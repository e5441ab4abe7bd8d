"""Meetings beyond the regular round, over HTTP as the demo personas: an ad-hoc full meeting
whose agenda the office drafts, a major-case consultation started from a case page,
resolutions that follow a case up on its timeline, the minutes mailed with their PDF, a
notified meeting moved (the invitation re-sent with a higher SEQUENCE), a returned topic
revised by its unit, and the to-dos each person sees."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import icalendar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from documents.models import IssuedDocument
from meetings import services
from meetings.models import Meeting, MeetingFile, Participant, Resolution, Topic
from tests.builders import mail_to
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user
from tests.meetings import test_round
from tests.meetings.test_round import (
    MEMBERS,
    events,
    local,
    meeting_url,
    notified_meeting,
    open_round,
)

body = test_round.body  # the joint-meeting body fixture

# the liaisons of the member units: who answers calls for topics and receives the papers
MEMBER_LIAISONS = [
    "yb_liaison",
    "jcy_liaison",
    "ga_liaison",
    "cz_liaison",
    "wj_liaison",
    "sj_liaison",
    "scjg_liaison",
]


def mail_of(*usernames):
    return sorted(f"{u}@xietong.example" for u in usernames)


def case_events(case):
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def todo_urls(client, username):
    as_user(client, username)
    return [t.url for t in client.get(reverse("meetings:index")).context["todos"]]


def future_start(days=10):
    return timezone.now().replace(second=0, microsecond=0) + timedelta(days=days)


def schedule(start, **extra):
    """The convenor's approval (or the office's reschedule) for a meeting starting at `start`."""
    return {
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=2)),
        "form": "on_site",
        "place": "省医保局三楼会议室",
        "rsvp_due": local(start - timedelta(days=2)),
        **extra,
    }


def case_of_health_commission(world):
    """A case 卫健 registered itself and referred nowhere: the office may not see it."""
    return case_services.case_register(
        user=world["wj_officer"],
        subjects=[],
        files=[],
        data={
            "title": "卫健自办案件",
            "source": "routine",
            "violation_types": [],
            "suspected_amount": Decimal("500.00"),
            "description": "卫健部门自行发现。",
            "confidentiality": "internal",
            "informant": "",
        },
    )


# -- 1. an ad-hoc full meeting -------------------------------------------------------------


def test_an_ad_hoc_full_meeting_skips_the_call_and_the_office_drafts_the_agenda(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    as_user(client, "yb_office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:open"),
            {"kind": "full", "ad_hoc": "on", "title": "医保基金专项整治临时全体会议"},
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.AGENDA and meeting.ad_hoc
    assert meeting.topics_due is None
    seats = meeting.participants.select_related("agency")
    assert sorted(p.agency.short_name for p in seats) == sorted(MEMBERS)
    assert {(p.role, p.items_only) for p in seats} == {(Participant.Role.MEMBER, False)}
    assert mailoutbox == []  # no call for topics

    # units do not submit topics to an ad-hoc agenda
    as_user(client, "wj_liaison")
    refused = client.post(
        meeting_url(meeting, "topic_new"), {"title": "卫健议题", "background": "背景"}
    )
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert not Topic.objects.exists()

    # the office adds a topic for a presenting unit taking part, never for an outsider
    as_user(client, "yb_office")
    topic_data = {
        "title": "关于联合打击欺诈骗保犯罪的议题",
        "background": "近期发现多起团伙骗保案件。",
        "proposed_resolution": "公安牵头开展专项打击。",
        "presenting": agencies["省纪委监委"].pk,
    }
    outsider = client.post(meeting_url(meeting, "topic_new"), topic_data)
    assert outsider.status_code == 200 and outsider.context["form"].errors["presenting"]
    topic_data["presenting"] = agencies["省公安厅"].pk
    assert client.post(meeting_url(meeting, "topic_new"), topic_data).status_code == 302
    topic = Topic.objects.get()
    assert topic.agency == agencies["省公安厅"] and topic.submitted_by == world["yb_office"]
    assert topic.status == Topic.Status.SUBMITTED

    # screened onto the agenda, sent to the convenor
    client.post(meeting_url(meeting, "screen", topic_pk=topic.pk), {"action": "accept"})
    client.post(
        meeting_url(meeting, "agenda"), {f"order-{topic.pk}": "1", f"minutes-{topic.pk}": "40"}
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_APPROVAL

    # the convenor approves: a deputy convenor chairs, 药监局 attends the item
    as_user(client, "yb_convenor")
    start = future_start()
    approval = schedule(
        start,
        approve="yes",
        chair=world["ga_deputy"].pk,
        note="",
        **{f"invited_{topic.pk}": [agencies["省药监局"].pk]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(meeting_url(meeting, "approve"), approval).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED
    assert meeting.chair == world["ga_deputy"] and meeting.starts_at == start
    notice = IssuedDocument.objects.get(doc_type="notice")
    assert notice.owner == meeting and notice.agency == agencies["省医保局"]
    guest = meeting.participants.get(agency=agencies["省药监局"])
    assert guest.items_only and IssuedDocument.objects.get(doc_type="letter").owner == guest
    # the member units get the notice, the invited unit its letter, both with the .ics
    assert len(mail_to(mailoutbox)) == len(MEMBER_LIAISONS) + 1  # one each, 药监局's too
    assert {m.attachments[0][0] for m in mailoutbox} == {"meeting.ics"}
    assert {m.attachments[1][2] for m in mailoutbox} == {"application/pdf"}
    assert events(meeting)[-1] == "meetings.agenda_approved"


# -- 2. the call for topics of a regular full meeting --------------------------------------


def test_opening_a_regular_full_meeting_mails_the_call_for_topics_to_member_liaisons(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = open_round(client)
    assert meeting.status == Meeting.Status.COLLECTING and not meeting.ad_hoc
    calls = mail_to(mailoutbox)
    assert sorted(calls) == mail_of(*MEMBER_LIAISONS)
    for call in calls.values():
        assert "征集议题" in call.subject and meeting.title in call.subject
        assert timezone.localtime(meeting.topics_due).strftime("%Y-%m-%d %H:%M") in call.body


# -- 3. a major-case consultation started from a case ---------------------------------------


def test_a_major_case_consultation_is_started_from_the_case_page(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    case = referred_case(world, agencies, ["省卫生健康委", "省公安厅"])
    case_page = reverse("cases:detail", args=[case.pk])
    open_url = f"{reverse('meetings:open')}?case={case.pk}"

    # the link is the office's only
    as_user(client, "yb_office")
    page = client.get(case_page)
    assert page.context["may_consult"] and open_url in page.content.decode()
    for username in ("yb_officer", "wj_liaison", "yb_convenor"):
        as_user(client, username)
        page = client.get(case_page)
        assert not page.context["may_consult"], username
        assert open_url not in page.content.decode(), username

    # the form comes pre-filled with the case's parties
    as_user(client, "yb_office")
    form = client.get(open_url).context["form"]
    assert form.initial["kind"] == Meeting.Kind.CONSULTATION
    parties = {agencies[n].pk for n in ("省医保局", "省卫生健康委", "省公安厅")}
    assert set(form.initial["agencies"]) == parties

    # opened with 医保局, 卫健 and 检察院 (consulted, not a party): 公安 is left out
    chosen = [agencies[n].pk for n in ("省医保局", "省卫生健康委", "省检察院")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            open_url,
            {"kind": "consultation", "title": f"{case.number}重大案件会商", "agencies": chosen},
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.case == case and meeting.kind == Meeting.Kind.CONSULTATION
    assert meeting.status == Meeting.Status.AGENDA and meeting.ad_hoc
    assert set(meeting.participants.values_list("agency_id", flat=True)) == set(chosen)
    assert mailoutbox == []
    opened = AuditEvent.objects.get(
        object_type="cases.case", object_id=str(case.pk), action="case.consultation_opened"
    )
    assert opened.data["meeting"] == meeting.pk and opened.actor == world["yb_office"]

    # the case page lists the consultation for whoever sees both the case and the meeting
    for username, listed in (("yb_office", True), ("wj_liaison", True), ("ga_liaison", False)):
        as_user(client, username)
        followups = client.get(case_page).context["meeting_followups"]
        assert (followups["meetings"] == [meeting]) is listed, username
    # the consulted 检察院 sees the meeting, never the case
    as_user(client, "jcy_liaison")
    page = client.get(meeting_url(meeting))
    assert page.status_code == 200 and case.title not in page.content.decode()
    assert client.get(case_page).status_code == 404

    # the office cannot open a consultation on a case its unit is not party to
    hidden = case_of_health_commission(world)
    as_user(client, "yb_office")
    hidden_url = f"{reverse('meetings:open')}?case={hidden.pk}"
    assert client.get(hidden_url).status_code == 404
    data = {"kind": "consultation", "title": "越权会商", "agencies": chosen}
    assert client.post(hidden_url, data).status_code == 404
    assert Meeting.objects.count() == 1
    assert "case.consultation_opened" not in case_events(hidden)


# -- 4. a resolution that follows a case up -------------------------------------------------


def held_meeting_on(world, agencies, case):
    """A full meeting held (attendance recorded) whose one agenda item, presented by 卫健,
    links `case`; 药监局 attended that item only."""
    office, convenor = world["yb_office"], world["yb_convenor"]
    meeting = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第二季度全体会议",
        topics_due=timezone.now() + timedelta(days=1),
    )
    topic = services.topic_submit(
        user=world["wj_liaison"],
        meeting=meeting,
        title="分解住院案件联合查处",
        background="某医院涉嫌分解住院。",
        cases=[(case, "某医院涉嫌分解住院，卫健部门核查中。")],
    )
    services.topic_screen(user=office, topic=topic, action="accept")
    services.agenda_submit(user=office, meeting=meeting, items=[(topic, 1, 30)])
    start = timezone.now() + timedelta(days=3)
    services.agenda_approve(
        user=convenor,
        meeting=meeting,
        approve=True,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="省医保局会议室",
        form="on_site",
        rsvp_due=start - timedelta(days=1),
        chair=convenor,
        invited={topic: [agencies["省药监局"]]},
    )
    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    meeting.refresh_from_db()
    services.attendance_record(
        user=office,
        meeting=meeting,
        attendance={
            p.pk: "observer" if p.items_only else "present" for p in meeting.participants.all()
        },
    )
    return meeting, topic


def test_a_resolution_on_a_case_is_followed_up_on_the_case(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    case = referred_case(world, agencies, ["省卫生健康委"])
    meeting, topic = held_meeting_on(world, agencies, case)

    # the office drafts the minutes with a resolution linked to the agenda item and the case
    as_user(client, "yb_office")
    draft = {
        "text": "会议研究了分解住院案件的联合查处。",
        "resolutions-TOTAL_FORMS": "1",
        "resolutions-INITIAL_FORMS": "0",
        "resolutions-MIN_NUM_FORMS": "0",
        "resolutions-MAX_NUM_FORMS": "50",
        "resolutions-0-text": "卫健委牵头完成对该医院的核查",
        "resolutions-0-lead_agency": agencies["省卫生健康委"].pk,
        "resolutions-0-cooperating": [agencies["省医保局"].pk],
        "resolutions-0-due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "resolutions-0-topic": topic.pk,
        "resolutions-0-case": case.pk,
        "then": "submit",
    }
    assert client.post(meeting_url(meeting, "minutes"), draft).status_code == 302
    resolution = Resolution.objects.get()
    assert (resolution.case, resolution.topic, resolution.status) == (case, topic, "draft")
    assert "case.meeting_resolution" not in case_events(case)  # not before the approval

    # the convenor approves: the resolution lands on the case, the minutes go out by mail
    as_user(client, "yb_convenor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(meeting_url(meeting, "minutes_approve"), {"approve": "yes"})
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.OPEN
    assert "case.meeting_resolution" in case_events(case)
    minutes = IssuedDocument.objects.get(doc_type="minutes")
    with_pdf = {a: m for a, m in mail_to(mailoutbox).items() if m.attachments}
    assert sorted(with_pdf) == mail_of(*MEMBER_LIAISONS)  # not 药监局: items only
    for message in with_pdf.values():
        name, content, mimetype = message.attachments[0]
        assert mimetype == "application/pdf" and name == f"{minutes.number}.pdf"
        assert content.startswith(b"%PDF")

    # the case party sees it on the case's timeline
    as_user(client, "wj_liaison")
    case_page = reverse("cases:detail", args=[case.pk])
    timeline = [e.action for e in client.get(case_page).context["timeline"]]
    assert "case.meeting_resolution" in timeline

    # the lead unit reports progress, then completion; the office checks it
    url = reverse("meetings:resolution", args=[resolution.pk])
    assert client.post(url, {"body": "已完成现场核查。"}).status_code == 302
    assert case_events(case).count("case.meeting_resolution_report") == 1
    evidence = SimpleUploadedFile("核查报告.pdf", b"%PDF-1.7 inspection report")
    client.post(url, {"body": "核查完毕。", "completion": "on", "files": evidence})
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.REPORTED
    assert case_events(case).count("case.meeting_resolution_report") == 2
    as_user(client, "yb_office")
    assert client.post(url, {"accept": "yes", "note": ""}).status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE
    assert case_events(case)[-1] == "case.meeting_resolution_done"

    # the case page lists the resolution with its status
    as_user(client, "wj_liaison")
    page = client.get(case_page)
    listed = page.context["meeting_followups"]["resolutions"]
    assert [(r.pk, r.status, r.readable) for r in listed] == [(resolution.pk, "done", True)]
    assert resolution.text in page.content.decode()
    assert url in page.content.decode()


# -- 5. moving a notified meeting ------------------------------------------------------------


def test_rescheduling_resends_the_invitation_with_a_higher_sequence(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = notified_meeting(world, agencies, body)
    assert meeting.sequence == 0
    before = meeting.starts_at
    url = meeting_url(meeting, "reschedule")
    start = future_start(days=12)
    good = schedule(start, form="video", place="视频会议", reason="召集人另有公务")

    # a unit's liaison may not move it
    as_user(client, "wj_liaison")
    assert client.get(url).status_code == 404
    assert client.post(url, good).status_code == 404

    # refused with a form message: no reason, the end before the start, a start in the past
    as_user(client, "yb_office")
    assert client.get(url).status_code == 200
    for bad in (
        {"reason": ""},
        {"ends_at": local(start - timedelta(hours=1))},
        {
            "starts_at": local(timezone.now() - timedelta(days=1)),
            "ends_at": local(timezone.now() - timedelta(days=1) + timedelta(hours=1)),
            "rsvp_due": local(timezone.now() - timedelta(days=2)),
        },
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**good, **bad})
        assert response.status_code == 200 and response.context["form"].errors, bad
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.starts_at == before
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, good).status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == start and meeting.form == "video"
    assert "meetings.rescheduled" in events(meeting)
    # the notice and the 列席 letter are corrected: new numbers naming what they replace and why
    from meetings.selectors import current_document, documents_of

    notices = list(documents_of(Meeting, [meeting.pk]).filter(doc_type="notice"))
    assert len(notices) == 2 and current_document(meeting, "notice") == notices[1]
    assert notices[1].replaces == notices[0] and notices[1].correction_reason == "召集人另有公务"
    assert "视频会议" in notices[1].content["body"]
    guest = meeting.participants.get(items_only=True)
    letter = current_document(guest, "letter")
    assert letter.replaces is not None
    # mailed again: the units with the corrected notice, the invited unit with its letter
    assert len(mail_to(mailoutbox)) == len(mailoutbox) > 2  # one message per liaison
    by_pdf = {m.attachments[1][0]: m for m in mailoutbox}
    assert set(by_pdf) == {f"{notices[1].number}.pdf", f"{letter.number}.pdf"}
    _name, ics, mimetype = mailoutbox[0].attachments[0]
    assert mimetype == "text/calendar; method=REQUEST"
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["METHOD"] == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["UID"]) == f"{meeting.uid}@xietong" and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == start
    assert str(event.decoded("DTSTART").tzinfo) == "Asia/Shanghai"


# -- 6. a returned topic revised -------------------------------------------------------------


def test_a_returned_topic_is_revised_by_its_unit_with_new_materials(client, world, agencies, body):
    meeting = open_round(client)
    as_user(client, "wj_liaison")
    client.post(
        meeting_url(meeting, "topic_new"),
        {"title": "分解住院联合整治", "background": "情况较多。"},
    )
    topic = Topic.objects.get()
    as_user(client, "yb_office")
    client.post(
        meeting_url(meeting, "screen", topic_pk=topic.pk),
        {"action": "return", "note": "请补充典型案例和数据。"},
    )
    topic.refresh_from_db()
    assert topic.status == Topic.Status.RETURNED and topic.office_note

    edit = meeting_url(meeting, "topic_edit", topic_pk=topic.pk)
    assert edit in todo_urls(client, "wj_liaison")
    page = client.get(edit)
    assert page.status_code == 200 and "请补充典型案例和数据。" in page.content.decode()

    # another unit may not touch it
    as_user(client, "ga_liaison")
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "x", "background": "y"}).status_code == 404

    # a file that is not what its name says is refused; nothing stored
    as_user(client, "wj_liaison")
    revised = {"title": "分解住院联合整治", "background": "2026年以来发现分解住院37起。"}
    fake = SimpleUploadedFile("数据.pdf", b"MZ\x90\x00 not a pdf")
    refused = client.post(edit, {**revised, "files": fake})
    assert refused.status_code == 200 and refused.context["form"].errors["files"]
    topic.refresh_from_db()
    assert topic.status == Topic.Status.RETURNED and topic.background == "情况较多。"
    assert not MeetingFile.objects.exists()

    content = b"%PDF-1.7 typical cases and figures"
    material = SimpleUploadedFile("典型案例.pdf", content)
    assert client.post(edit, {**revised, "files": material}).status_code == 302
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SUBMITTED
    assert topic.background == "2026年以来发现分解住院37起。"
    stored = MeetingFile.objects.get()
    assert stored.topic == topic and stored.original_name == "典型案例.pdf"
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    revision = AuditEvent.objects.get(
        object_type="meetings.meeting", object_id=str(meeting.pk), action="meetings.topic_revised"
    )
    assert revision.data["was"] == "returned"
    assert revision.data["files"][0]["sha256"] == stored.sha256
    assert edit not in todo_urls(client, "wj_liaison")


# -- 7. to-dos ---------------------------------------------------------------------------------


def test_to_dos_follow_the_round(client, world, agencies, body):
    meeting = open_round(client)
    call = meeting_url(meeting)

    # every member liaison is asked for topics, with the deadline
    for username in MEMBER_LIAISONS:
        as_user(client, username)
        todos = client.get(reverse("meetings:index")).context["todos"]
        assert [t.due for t in todos if t.url == call] == [meeting.topics_due], username
    assert call not in todo_urls(client, "jw_liaison")  # not a member

    # answered "no topics": gone for that unit only
    as_user(client, "ga_liaison")
    assert client.post(meeting_url(meeting, "no_topics")).status_code == 302
    assert call not in todo_urls(client, "ga_liaison")
    assert call in todo_urls(client, "wj_liaison")

    # the convenor is asked to approve once the agenda is submitted
    as_user(client, "wj_liaison")
    client.post(meeting_url(meeting, "topic_new"), {"title": "联合检查", "background": "背景"})
    topic = Topic.objects.get()
    approve = meeting_url(meeting, "approve")
    assert approve not in todo_urls(client, "yb_convenor")
    as_user(client, "yb_office")
    client.post(meeting_url(meeting, "screen", topic_pk=topic.pk), {"action": "accept"})
    client.post(
        meeting_url(meeting, "agenda"), {f"order-{topic.pk}": "1", f"minutes-{topic.pk}": "30"}
    )
    assert approve in todo_urls(client, "yb_convenor")
    assert approve not in todo_urls(client, "yb_office")


def test_the_office_is_asked_to_record_attendance_once_the_meeting_has_started(
    client, world, agencies, body
):
    meeting = notified_meeting(world, agencies, body)  # its start has passed
    attendance = meeting_url(meeting, "attendance")
    as_user(client, "yb_office")
    todos = client.get(reverse("meetings:index")).context["todos"]
    assert [t.due for t in todos if t.url == attendance] == [meeting.starts_at]
    assert attendance not in todo_urls(client, "wj_liaison")
    start = timezone.now() + timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(1))
    assert attendance not in todo_urls(client, "yb_office")
