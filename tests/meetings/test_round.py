"""A regular meeting round over HTTP as the demo personas: the office opens it and calls for
topics, units submit topics or answer "none", the office screens them and drafts the agenda,
the convenor approves it and sets the meeting, the notice is issued with its invitation, units
reply by the deadline; a cancelled meeting sends METHOD:CANCEL. Bad input gets messages."""

from datetime import timedelta

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from audit.models import AuditEvent
from demo.joint_body import MEMBERS
from meetings.models import JointBody, Meeting, Membership, Participant, Topic
from tests.builders import mail_to
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user
from tests.documents.pdfmeasure import open_pdf, page_text


@pytest.fixture
def body(world, agencies):
    body = JointBody.objects.create(
        name="吉林省医疗保障基金监管部门联席会议",
        lead_agency=agencies["省医保局"],
        convenor=world["yb_convenor"],
    )
    for order, name in enumerate(MEMBERS):
        agency = agencies[name]
        Membership.objects.create(
            body=body,
            agency=agency,
            sort_order=order,
            deputy_convenor=agency.people.filter(role_grants__role=Role.DEPUTY_CONVENOR).first(),
            liaison=agency.people.filter(role_grants__role=Role.LIAISON).first(),
        )
    return body


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def meeting_url(meeting, name="meeting", **kwargs):
    return reverse(f"meetings:{name}", kwargs={"pk": meeting.pk, **kwargs})


def events(meeting):
    return list(
        AuditEvent.objects.filter(object_type="meetings.meeting", object_id=str(meeting.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def open_round(client):
    as_user(client, "yb_office")
    response = client.post(
        reverse("meetings:open"),
        {
            "kind": "full",
            "title": "2026年第四季度全体会议",
            "topics_due": local(timezone.now() + timedelta(days=5)),
            "note": "重点研究一案多查案件进展",
        },
    )
    assert response.status_code == 302
    return Meeting.objects.get(title="2026年第四季度全体会议")


def test_a_regular_round_from_topics_to_replies(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    # the office opens the round: past deadlines are refused
    as_user(client, "yb_office")
    past = client.post(
        reverse("meetings:open"),
        {"kind": "full", "title": "x", "topics_due": local(timezone.now() - timedelta(hours=1))},
    )
    assert past.status_code == 200 and past.context["form"].non_field_errors()
    assert not Meeting.objects.exists()
    meeting = open_round(client)
    assert meeting.status == Meeting.Status.COLLECTING
    assert set(meeting.participants.values_list("agency__short_name", flat=True)) == set(MEMBERS)

    # only participants, the office and the convenor see it
    as_user(client, "jw_liaison")
    assert client.get(meeting_url(meeting)).status_code == 404
    assert client.get(meeting_url(meeting, "topic_new")).status_code == 404

    # 卫健 submits a topic linking a case it may see, with the summary it chooses to share
    case = referred_case(world, agencies, ["省卫生健康委"])
    as_user(client, "wj_liaison")
    topic = {
        "title": "关于联合整治分解住院问题的议题",
        "background": "近期多家医院存在分解住院问题。",
        "proposed_resolution": "开展联合专项检查。",
        "case": case.pk,
        "case_summary": "",
    }
    no_summary = client.post(meeting_url(meeting, "topic_new"), topic)
    assert no_summary.status_code == 200 and no_summary.context["form"].errors["case_summary"]
    topic["case_summary"] = "某医院涉嫌分解住院，已移送卫健部门核查。"
    assert client.post(meeting_url(meeting, "topic_new"), topic).status_code == 302
    health_topic = Topic.objects.get()
    assert health_topic.linked_cases.get().case == case
    # 公安 has nothing this time; 市场监管 cannot link a case it is not party to
    as_user(client, "ga_liaison")
    client.post(meeting_url(meeting, "no_topics"))
    as_user(client, "scjg_liaison")
    foreign = dict(topic, title="x")
    assert client.post(meeting_url(meeting, "topic_new"), foreign).status_code == 200
    client.post(
        meeting_url(meeting, "topic_new"),
        {"title": "药品价格监测信息共享", "background": "建议共享价格监测数据。"},
    )
    states = dict(meeting.participants.values_list("agency__short_name", "topics"))
    assert states["省公安厅"] == "none" and states["省卫生健康委"] == "submitted"
    # others read only the shared summary, never the case
    as_user(client, "scjg_liaison")
    page = client.get(meeting_url(meeting))
    assert "关于联合整治分解住院问题的议题" not in page.content.decode()  # not yet on the agenda
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404

    # the office screens: returning needs a note; then one accepted, one deferred
    as_user(client, "yb_office")
    price_topic = Topic.objects.get(title="药品价格监测信息共享")
    screen = meeting_url(meeting, "screen", topic_pk=price_topic.pk)
    client.post(screen, {"action": "return", "note": ""})
    price_topic.refresh_from_db()
    assert price_topic.status == Topic.Status.SUBMITTED
    client.post(screen, {"action": "defer", "note": "下次会议研究"})
    client.post(meeting_url(meeting, "screen", topic_pk=health_topic.pk), {"action": "accept"})
    # the agenda: a duration of 0 is refused
    agenda = meeting_url(meeting, "agenda")
    client.post(agenda, {f"order-{health_topic.pk}": "1", f"minutes-{health_topic.pk}": "0"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.COLLECTING
    client.post(agenda, {f"order-{health_topic.pk}": "1", f"minutes-{health_topic.pk}": "30"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_APPROVAL

    # the convenor approves and sets the meeting; bad schedules are refused
    as_user(client, "yb_convenor")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=10)
    invited = f"invited_{health_topic.pk}"
    good = {
        "approve": "yes",
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=2)),
        "form": "on_site",
        "place": "省医保局三楼会议室",
        "rsvp_due": local(start - timedelta(days=3)),
        "chair": world["wj_deputy"].pk,
        invited: [agencies["省药监局"].pk],
        "note": "",
    }
    for bad in (
        {"starts_at": local(timezone.now() - timedelta(days=1))},
        {"ends_at": local(start - timedelta(hours=1))},
        {invited: [agencies["省公安厅"].pk]},  # already a participant: invited twice
        {"form": "on_site", "place": ""},
        {"chair": world["wj_liaison"].pk},  # neither the convenor nor a deputy
    ):
        response = client.post(meeting_url(meeting, "approve"), {**good, **bad})
        assert response.status_code == 200 and response.context["form"].errors, bad
    twice = client.post(
        meeting_url(meeting, "approve"), {**good, invited: [agencies["省公安厅"].pk]}
    )
    assert "已是参会单位" in str(twice.context["form"].errors[invited])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(meeting_url(meeting, "approve"), good).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED
    invited = meeting.participants.get(agency__short_name="省药监局")
    assert invited.role == Participant.Role.INVITED

    # the notice: a numbered document under the lead agency, with the agenda and the units
    from meetings.views import meeting_documents

    notice = meeting_documents(meeting).get()
    assert notice.doc_type == "notice" and notice.agency == agencies["省医保局"]
    text = "".join(page_text(p) for p in open_pdf(notice.pdf.read()).pages).replace("\n", "")
    assert "关于联合整治分解住院问题的议题" in text and "吉林省药品监督管理局" in text
    assert "药品价格监测信息共享" not in text

    # the invitation: the units taking part get the notice and an .ics in Asia/Shanghai; the
    # unit invited for one item gets its 列席 letter instead of the notice
    from meetings.selectors import documents_of

    letter = documents_of(Participant, [invited.pk]).get()
    sent = mail_to(mailoutbox)  # one message per liaison
    to_guest = sent.pop("yj_liaison@xietong.example")
    assert sent and "wj_liaison@xietong.example" in sent
    for to_units in sent.values():
        assert [a[0] for a in to_units.attachments] == ["meeting.ics", f"{notice.number}.pdf"]
        assert to_units.attachments[1][1] == notice.pdf.open().read()
    assert [a[0] for a in to_guest.attachments] == ["meeting.ics", f"{letter.number}.pdf"]
    letter_text = "".join(page_text(p) for p in open_pdf(letter.pdf.read()).pages)
    assert "关于联合整治分解住院问题的议题" in letter_text.replace("\n", "")
    ics_name, ics_data, ics_type = mailoutbox[0].attachments[0]
    assert ics_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics_data)
    assert calendar["METHOD"] == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["UID"]) == f"{meeting.uid}@xietong" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == start
    assert str(event.decoded("DTSTART").tzinfo) == "Asia/Shanghai"

    # replies: who attends is required; a reply after the deadline is refused
    as_user(client, "wj_liaison")
    rsvp = meeting_url(meeting, "rsvp")
    empty = client.post(rsvp, {"reply": "attending", "attendees": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors["attendees"] == ["请填写参会人员（姓名及职务）。"]
    client.post(rsvp, {"reply": "attending", "attendees": "吕晓红 综合监督局副局长"})
    as_user(client, "ga_liaison")
    client.post(rsvp, {"reply": "leave", "leave_reason": "同期有专案工作"})
    replies = dict(meeting.participants.values_list("agency__short_name", "reply"))
    assert replies["省卫生健康委"] == "attending" and replies["省公安厅"] == "leave"
    Meeting.objects.filter(pk=meeting.pk).update(rsvp_due=timezone.now() - timedelta(minutes=1))
    as_user(client, "sj_liaison")
    late = client.post(rsvp, {"reply": "attending", "attendees": "曹丽"})
    assert late.status_code == 200 and late.context["form"].non_field_errors()
    assert events(meeting)[:2] == ["meetings.opened", "meetings.topic_submitted"]
    assert "meetings.agenda_approved" in events(meeting)


def test_a_cancelled_meeting_sends_method_cancel_with_a_higher_sequence(
    client, world, agencies, body, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = open_round(client)
    start = timezone.now() + timedelta(days=7)
    Meeting.objects.filter(pk=meeting.pk).update(
        status="notified",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rsvp_due=start - timedelta(days=1),
        place="视频会议",
        form="video",
    )
    cancel = meeting_url(meeting, "cancel")
    assert client.post(cancel, {"reason": ""}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(cancel, {"reason": "召集人另有公务"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.sequence == 1
    calendar = icalendar.Calendar.from_ical(mailoutbox[-1].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL"
    event = next(iter(calendar.walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CANCELLED"
    # the calendar file on the page says the same
    response = client.get(meeting_url(meeting, "ics"))
    assert b"METHOD:CANCEL" in response.content


def notified_meeting(world, agencies, body):
    """A full meeting through the services up to its notice, then moved into the past."""
    from meetings import services

    office, convenor = world["yb_office"], world["yb_convenor"]
    meeting = services.meeting_open(
        user=office,
        kind="full",
        title="2026年第三季度全体会议",
        topics_due=timezone.now() + timedelta(days=1),
    )
    topic = services.topic_submit(
        user=world["wj_liaison"], meeting=meeting, title="联合检查", background="背景"
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
    services.rsvp(user=world["ga_liaison"], meeting=meeting, reply="leave", leave_reason="出差")
    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


def test_minutes_with_resolutions_followed_up_until_done(client, world, agencies, body):
    from meetings.models import Resolution
    from meetings.views import meeting_documents

    meeting = notified_meeting(world, agencies, body)
    # attendance on the day: every unit must be marked
    as_user(client, "yb_office")
    marks = {
        f"attendance-{p.pk}": (
            "absent"
            if p.agency.short_name == "省公安厅"
            else "observer"
            if p.role == "invited"
            else "present"
        )
        for p in meeting.participants.select_related("agency")
    }
    incomplete = dict(list(marks.items())[1:])
    assert client.post(meeting_url(meeting, "attendance"), incomplete).context["error"]
    assert client.post(meeting_url(meeting, "attendance"), marks).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    # minutes: a resolution without a lead unit is refused
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    draft = {
        "text": "会议听取了联合检查工作汇报。",
        "resolutions-TOTAL_FORMS": "2",
        "resolutions-INITIAL_FORMS": "0",
        "resolutions-MIN_NUM_FORMS": "0",
        "resolutions-MAX_NUM_FORMS": "50",
        "resolutions-0-text": "开展定点医疗机构联合专项检查",
        "resolutions-0-lead_agency": agencies["省医保局"].pk,
        "resolutions-0-cooperating": [agencies["省卫生健康委"].pk],
        "resolutions-0-due_on": due,
        "resolutions-1-text": "建立价格监测信息共享机制",
        "resolutions-1-lead_agency": "",
        "resolutions-1-due_on": due,
        "then": "save",
    }
    refused = client.post(meeting_url(meeting, "minutes"), draft)
    assert refused.status_code == 200 and refused.context["resolutions"].forms[1].errors
    assert not Resolution.objects.exists()
    draft["resolutions-1-lead_agency"] = agencies["省市场监管厅"].pk
    assert client.post(meeting_url(meeting, "minutes"), draft).status_code == 302
    assert Resolution.objects.filter(status="draft").count() == 2

    # comments from the participants, then the convenor
    comments_due = local(timezone.now() + timedelta(days=2))
    client.post(meeting_url(meeting, "comments"), {"comments_due": comments_due})
    as_user(client, "wj_liaison")
    client.post(meeting_url(meeting, "comments"), {"body": "建议明确检查时间安排。"})
    assert meeting.comments.get().agency == agencies["省卫生健康委"]
    as_user(client, "yb_office")
    client.post(meeting_url(meeting, "minutes"), dict(draft, then="submit"))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_APPROVAL
    assert meeting.resolutions.count() == 2
    as_user(client, "yb_convenor")
    client.post(meeting_url(meeting, "minutes_approve"), {"approve": "yes", "note": ""})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_ISSUED
    minutes = meeting_documents(meeting).get(doc_type="minutes")
    text = "".join(page_text(p) for p in open_pdf(minutes.pdf.read()).pages).replace("\n", "")
    for expected in ("开展定点医疗机构联合专项检查", "吉林省市场监督管理厅", "吉林省公安厅"):
        assert expected in text, expected
    assert minutes.sha256

    # the lead unit reports; the office checks; not-yet needs a note
    resolution = Resolution.objects.get(number=2)
    assert resolution.status == Resolution.Status.OPEN
    as_user(client, "scjg_liaison")
    assert [r.pk for r in client.get(reverse("meetings:resolutions")).context["resolutions"]] == [
        resolution.pk
    ]
    url = reverse("meetings:resolution", args=[resolution.pk])
    client.post(url, {"body": "已起草共享机制方案。"})
    # completion needs its evidence; a file that is not what it claims is refused
    bare = client.post(url, {"body": "共享机制已印发执行。", "completion": "on"})
    assert bare.status_code == 200 and bare.context["report_form"].errors["files"]
    fake = SimpleUploadedFile("印发文件.pdf", b"MZ\x90\x00 not a pdf")
    forged = client.post(url, {"body": "共享机制已印发执行。", "completion": "on", "files": fake})
    assert forged.status_code == 200 and forged.context["report_form"].errors["files"]
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.OPEN and resolution.reports.count() == 1
    evidence = SimpleUploadedFile("共享机制印发文件.pdf", b"%PDF-1.7 shared data agreement")
    client.post(url, {"body": "共享机制已印发执行。", "completion": "on", "files": evidence})
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.REPORTED
    # a unit that took part reads it (the minutes went to it) but cannot report on it
    as_user(client, "wj_liaison")
    page = client.get(url)
    assert page.status_code == 200 and page.context["report_form"] is None
    assert client.post(url, {"body": "越权报告"}).status_code == 404
    as_user(client, "jw_liaison")  # took no part
    assert client.get(url).status_code == 404
    as_user(client, "yb_office")
    assert client.post(url, {"accept": "no", "note": ""}).status_code == 200
    client.post(url, {"accept": "no", "note": "请补充印发文件。"})
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.OPEN
    as_user(client, "scjg_liaison")
    signed = SimpleUploadedFile("印发文件.pdf", b"%PDF-1.7 signed")
    client.post(url, {"body": "补充：印发文件见附件。", "completion": "on", "files": signed})
    as_user(client, "yb_office")
    client.post(url, {"accept": "yes", "note": ""})
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE and resolution.done_at

    # the next full round carries the open resolution over onto its agenda
    from meetings import services

    nxt = services.meeting_open(
        user=world["yb_office"],
        kind="full",
        title="2027年第一季度全体会议",
        topics_due=timezone.now() + timedelta(days=3),
    )
    carried = nxt.topics.get(carried_over=True)
    assert carried.status == Topic.Status.ACCEPTED and "联合专项检查" in carried.title
    assert "meetings.minutes_issued" in events(meeting)


def test_the_work_report_is_drafted_with_the_periods_figures_and_signed(
    client, world, agencies, body
):
    from documents.models import Dispatch, IssuedDocument
    from tests.documents.signoff import issue

    case = referred_case(world, agencies, ["省卫生健康委", "省纪委监委"])
    assert case.referrals.count() == 2
    as_user(client, "yb_office")
    url = reverse("meetings:work_report")
    today = timezone.localdate()
    backwards = client.post(
        url, {"start": today.isoformat(), "end": (today - timedelta(1)).isoformat()}
    )
    assert backwards.status_code == 200 and backwards.context["form"].non_field_errors()
    future = client.post(
        url, {"start": today.isoformat(), "end": (today + timedelta(1)).isoformat()}
    )
    # a period cannot end after today: the date field itself says so
    assert future.status_code == 200 and "end" in future.context["form"].errors
    start = (today - timedelta(days=30)).isoformat()
    drafted = client.post(url, {"start": start, "end": today.isoformat()})
    assert drafted.status_code == 302
    # a draft of the office: edited, previewed, then 核稿 and the convenor's 签发
    dispatch = Dispatch.objects.get(doc_type="report")
    assert drafted["Location"] == reverse("documents:dispatch", args=[dispatch.pk])
    assert dispatch.joint_meeting and dispatch.status == Dispatch.Status.DRAFT
    assert not IssuedDocument.objects.filter(doc_type="report").exists()
    assert "共移送医保基金监管案件线索1件" in dispatch.body
    report = issue(dispatch)
    assert report.issued_by.username == "yb_convenor"
    text = "".join(page_text(p) for p in open_pdf(report.pdf.read()).pages).replace("\n", "")
    assert "共移送医保基金监管案件线索1件" in text  # the 纪委监委 referral is not counted here
    assert "吉林省卫生健康委员会：接收1件" in text and "纪委" not in text
    # every member unit may read it; an agency outside the body may not
    as_user(client, "wj_liaison")
    assert client.get(reverse("documents:download", args=[report.pk])).status_code == 200
    assert client.get(reverse("meetings:index")).context["reports"][0] == report
    as_user(client, "jw_liaison")
    assert client.get(reverse("documents:download", args=[report.pk])).status_code == 404
    assert client.get(url).status_code == 404


def test_outsiders_get_404_for_every_meeting_url(client, world, agencies, body):
    meeting = notified_meeting(world, agencies, body)
    topic = meeting.topics.get()
    as_user(client, "jw_liaison")  # 纪委监委 is not a member and not invited
    urls = [
        meeting_url(meeting, name)
        for name in (
            "meeting",
            "topic_new",
            "approve",
            "rsvp",
            "cancel",
            "ics",
            "attendance",
            "minutes",
            "comments",
            "minutes_approve",
        )
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("no_topics", "agenda"):
        assert client.post(meeting_url(meeting, name)).status_code == 404
    assert client.post(meeting_url(meeting, "screen", topic_pk=topic.pk)).status_code == 404
    from meetings.views import meeting_documents

    notice = meeting_documents(meeting).get()
    assert client.get(reverse("documents:download", args=[notice.pk])).status_code == 404
    assert meeting.title not in client.get(reverse("meetings:index")).content.decode()
    assert meeting.title not in client.get(reverse("meetings:calendar")).content.decode()
    # a participant sees it on the calendar; the convenor's notes stay hidden from units
    as_user(client, "wj_liaison")
    assert meeting.title in client.get(reverse("meetings:calendar")).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(convenor_notes="仅召集人可见的备注")
    assert "仅召集人可见的备注" not in client.get(meeting_url(meeting)).content.decode()
    as_user(client, "yb_convenor")
    assert "仅召集人可见的备注" in client.get(meeting_url(meeting)).content.decode()
