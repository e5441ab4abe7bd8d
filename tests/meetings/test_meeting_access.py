"""Who sees what of the joint meetings (meetings/access.py), over HTTP as the demo personas.

One meeting in each state is built through meetings.services; then every URL of the meetings
app is asked for as an outsider, as a unit invited for one item only (列席), as member units,
as the office and as the convenor. Pages that list rows keep a fixed number of queries."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

from audit.models import AuditEvent
from config.site import MeetingsApp
from documents.models import IssuedDocument
from meetings import services
from meetings.models import (
    Meeting,
    MeetingFile,
    MinutesComment,
    Resolution,
    ResolutionReport,
    Topic,
)
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user
from tests.meetings.test_round import body, meeting_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("body")

CASE_SUMMARY = "某医院涉嫌分解住院，已移送卫健部门核查（共享摘要）。"
NOTES = "召集人备注：会前与公安厅沟通（仅办公室与召集人可见）。"


# -- building the meetings through the services ----------------------------------------------


_uploads = iter(range(1, 10_000))


def pdf(name: str) -> SimpleUploadedFile:
    """A small PDF with content of its own (files are stored by their SHA-256)."""
    return SimpleUploadedFile(f"{name}.pdf", f"%PDF-1.7 {name} {next(_uploads)}".encode())


def open_full(world, title: str, note: str = "") -> Meeting:
    return services.meeting_open(
        user=world["yb_office"],
        kind="full",
        title=title,
        topics_due=timezone.now() + timedelta(days=2),
        note=note,
    )


def submit(world, meeting, username: str, title: str, *, material: bool = True, cases=()):
    """A topic whose title, background and material name can each be looked for on a page."""
    return services.topic_submit(
        user=world[username],
        meeting=meeting,
        title=title,
        background=f"{title}：背景情况",
        proposed_resolution=f"{title}：建议事项",
        files=[pdf(f"{title}材料")] if material else [],
        cases=cases,
    )


def screen(world, topic, action: str = "accept", **kwargs):
    note = "" if action == "accept" else "办公室意见"
    return services.topic_screen(
        user=world["yb_office"], topic=topic, action=action, note=note, **kwargs
    )


def notify(world, meeting, invited=None) -> Meeting:
    """The accepted topics onto the agenda, approved by the convenor: the notice (and any
    invitation letters) issued; the meeting is three days away."""
    office, convenor = world["yb_office"], world["yb_convenor"]
    agenda = list(meeting.topics.filter(status=Topic.Status.ACCEPTED).order_by("pk"))
    services.agenda_submit(
        user=office, meeting=meeting, items=[(t, n, 30) for n, t in enumerate(agenda, start=1)]
    )
    start = timezone.now() + timedelta(days=3)
    services.agenda_approve(
        user=convenor,
        meeting=meeting,
        approve=True,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="省医保局三楼会议室",
        form="on_site",
        rsvp_due=start - timedelta(days=1),
        chair=convenor,
        invited=invited or {},
    )
    meeting.refresh_from_db()
    return meeting


def hold(world, meeting) -> Meeting:
    """The meeting moved into the past and its attendance recorded."""
    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    meeting.refresh_from_db()
    services.attendance_record(
        user=world["yb_office"],
        meeting=meeting,
        attendance={
            p.pk: "observer" if p.items_only else "present" for p in meeting.participants.all()
        },
    )
    meeting.refresh_from_db()
    return meeting


def draft_minutes(world, meeting, resolutions) -> Meeting:
    """`resolutions`: (text, lead unit, cooperating units, topic or None)."""
    due = timezone.localdate() + timedelta(days=30)
    services.minutes_draft(
        user=world["yb_office"],
        meeting=meeting,
        text=f"{meeting.title}纪要正文。",
        resolutions=[
            {"text": text, "lead_agency": lead, "cooperating": coop, "due_on": due, "topic": topic}
            for text, lead, coop, topic in resolutions
        ],
    )
    meeting.refresh_from_db()
    return meeting


def issue_minutes(world, meeting) -> Meeting:
    services.minutes_submit(user=world["yb_office"], meeting=meeting)
    services.minutes_approve(user=world["yb_convenor"], meeting=meeting, approve=True)
    meeting.refresh_from_db()
    return meeting


def owned_documents(obj):
    return IssuedDocument.objects.filter(
        owner_type=ContentType.objects.get_for_model(type(obj)), owner_id=str(obj.pk)
    )


def minuted_meeting(world, agencies, title="2026年第二季度全体会议"):
    """A full meeting up to its issued minutes: 卫健's topic (药监局 invited for it only),
    市场监管's topic (长春市医保局 invited for it only), three resolutions, a comment on the
    draft and a completion report with its evidence.
    Returns (meeting, {name: topic}, {name: resolution})."""
    meeting = open_full(world, title, note=NOTES)
    topics = {
        "invited": submit(world, meeting, "wj_liaison", f"{title}·列席议题"),
        "other": submit(world, meeting, "scjg_liaison", f"{title}·其他议题"),
    }
    for topic in topics.values():
        screen(world, topic)
    notify(
        world,
        meeting,
        invited={
            topics["invited"]: [agencies["省药监局"]],
            topics["other"]: [agencies["长春市医保局"]],
        },
    )
    hold(world, meeting)
    resolutions = [
        (
            f"{title}·价格议定事项",
            agencies["省市场监管厅"],
            [agencies["省卫生健康委"]],
            topics["other"],
        ),
        (f"{title}·列席议定事项", agencies["省卫生健康委"], [], topics["invited"]),
        (f"{title}·检察议定事项", agencies["省检察院"], [], None),
    ]
    draft_minutes(world, meeting, resolutions)
    services.minutes_for_comments(
        user=world["yb_office"], meeting=meeting, comments_due=timezone.now() + timedelta(days=1)
    )
    services.minutes_comment(user=world["wj_liaison"], meeting=meeting, body="建议明确时间。")
    issue_minutes(world, meeting)
    by_name = dict(
        zip(
            ("price", "invited", "procuratorate"),
            meeting.resolutions.order_by("number"),
            strict=True,
        )
    )
    services.resolution_report(
        user=world["scjg_liaison"],
        resolution=by_name["price"],
        body="已起草共享机制方案。",
        completion=True,
        files=[pdf("价格议定事项证明")],
    )
    return meeting, topics, by_name


def every_state(world, agencies):
    """One meeting in each state worth a look, with topics, materials, a linked case, an
    invited unit, resolutions, a report with evidence, the notice, the minutes and a letter."""
    case = referred_case(world, agencies, ["省卫生健康委"])
    cancelled = open_full(world, "取消的全体会议")
    submit(world, cancelled, "jcy_liaison", "取消会议的议题")
    cancelled = services.meeting_cancel(
        user=world["yb_office"], meeting=cancelled, reason="召集人另有公务"
    )

    collecting = open_full(world, "征集议题中的全体会议", note=NOTES)
    screen(
        world,
        submit(world, collecting, "wj_liaison", "征集·卫健议题", cases=[(case, CASE_SUMMARY)]),
    )
    submit(world, collecting, "scjg_liaison", "征集·市场监管待筛选议题")
    screen(world, submit(world, collecting, "ga_liaison", "征集·公安暂缓议题"), "defer")
    services.topics_none(user=world["cz_liaison"], meeting=collecting)

    agenda = services.meeting_open(
        user=world["yb_office"],
        kind="partial",
        title="部分成员单位专题会议",
        agencies=[agencies["省公安厅"], agencies["省卫生健康委"]],
    )
    services.topic_submit(
        user=world["yb_office"],
        meeting=agenda,
        title="专题·公安议题",
        background="专题背景",
        files=[pdf("专题材料")],
        presenting=agencies["省公安厅"],
    )

    notified = open_full(world, "已发通知的全体会议")
    invited = submit(world, notified, "wj_liaison", "通知·卫健议题")
    screen(world, invited)
    screen(world, submit(world, notified, "jcy_liaison", "通知·检察议题"))
    screen(world, submit(world, notified, "sj_liaison", "通知·审计暂缓议题"), "defer")
    notify(world, notified, invited={invited: [agencies["省药监局"]]})

    minuted, _topics, _resolutions = minuted_meeting(world, agencies)
    return {
        "case": case,
        "meetings": [cancelled, collecting, agenda, notified, minuted],
    }


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# -- 1. an outsider gets 404 for everything --------------------------------------------------

# every URL name of MeetingsApp, by what its pk names; a new URL fails the sweep until listed
BY_MEETING = {
    "meeting",
    "topic_new",
    "no_topics",
    "agenda",
    "approve",
    "rsvp",
    "reschedule",
    "cancel",
    "ics",
    "attendance",
    "minutes",
    "comments",
    "minutes_approve",
}
BY_TOPIC = {"topic_edit", "screen"}
BY_FILE = {"file"}
BY_RESOLUTION = {"resolution"}
LISTS = {"index", "calendar", "resolutions"}
OFFICE_ONLY = {"open", "work_report"}
BODY_PAGES = {"body", "change_propose", "change"}  # the body, not a meeting: its own tests
UNIT_PAGES = {
    "unit_report"
}  # a unit's own report from its own figures: tests/stats/test_unit_report.py
POST_ONLY = {"no_topics", "screen", "agenda"}
SAFE_ONLY = {"meeting", "ics", "file", "index", "calendar", "resolutions"}


def meetings_url_names() -> set[str]:
    return {p.name for p in vars(MeetingsApp).values() if isinstance(p, URLPattern)}


def test_every_meetings_url_is_classified_for_the_sweep():
    classified = (
        BY_MEETING
        | BY_TOPIC
        | BY_FILE
        | BY_RESOLUTION
        | LISTS
        | OFFICE_ONLY
        | BODY_PAGES
        | UNIT_PAGES
    )
    assert meetings_url_names() == classified


def object_urls(meetings) -> list[tuple[str, str]]:
    """(name, url) of every meetings URL of every object of these meetings."""
    urls = []
    for meeting in meetings:
        urls += [(name, meeting_url(meeting, name)) for name in sorted(BY_MEETING)]
        for topic in meeting.topics.all():
            urls += [
                (name, meeting_url(meeting, name, topic_pk=topic.pk)) for name in sorted(BY_TOPIC)
            ]
        for item in MeetingFile.objects.filter(meeting=meeting):
            urls.append(("file", reverse("meetings:file", args=[item.pk])))
        for resolution in meeting.resolutions.all():
            urls.append(("resolution", reverse("meetings:resolution", args=[resolution.pk])))
    return urls


def meeting_papers(meetings):
    """The notices, minutes and invitation letters of these meetings."""
    papers = []
    for meeting in meetings:
        papers += owned_documents(meeting)
        for participant in meeting.participants.all():
            papers += owned_documents(participant)
    return papers


def secrets_of(meetings) -> list[str]:
    """What an outsider must never read: titles of meetings and topics, resolutions."""
    texts = [m.title for m in meetings]
    texts += [t.title for m in meetings for t in m.topics.all()]
    texts += [r.text for m in meetings for r in m.resolutions.all()]
    return texts


def test_an_outsider_gets_404_for_every_url_of_every_meeting(client, world, agencies):
    built = every_state(world, agencies)
    meetings = built["meetings"]
    assert {m.status for m in meetings} == {
        "cancelled",
        "collecting",
        "agenda",
        "notified",
        "minutes_issued",
    }
    urls = object_urls(meetings)
    assert {name for name, _url in urls} == BY_MEETING | BY_TOPIC | BY_FILE | BY_RESOLUTION
    papers = meeting_papers(meetings)
    assert {d.doc_type for d in papers} == {"notice", "minutes", "letter"}
    assert MeetingFile.objects.filter(report__isnull=False).exists()

    as_user(client, "jw_liaison")  # 纪委监委: not a member, never invited
    events, files = AuditEvent.objects.count(), MeetingFile.objects.count()
    for name, url in urls:
        if name not in POST_ONLY:
            assert client.get(url).status_code == 404, url
        if name not in SAFE_ONLY:
            assert client.post(url, {"body": "越权", "reason": "越权"}).status_code == 404, url
    for name in sorted(OFFICE_ONLY | UNIT_PAGES):  # a liaison drafts no report of the unit
        assert client.get(reverse(f"meetings:{name}")).status_code == 404, name
        assert client.post(reverse(f"meetings:{name}")).status_code == 404, name
    for document in papers:
        for name in ("documents:download", "documents:download_archive"):
            assert client.get(reverse(name, args=[document.pk])).status_code == 404, document
    # nothing was written on the way
    assert AuditEvent.objects.count() == events and MeetingFile.objects.count() == files
    assert not MinutesComment.objects.filter(agency=agencies["省纪委监委"]).exists()

    # the lists never name them, whatever the filter
    pages = [reverse(f"meetings:{name}") for name in sorted(LISTS)]
    pages += [f"{reverse('meetings:index')}?status={s}" for s in Meeting.Status.values]
    for page in pages:
        content = text_of(client.get(page))
        for secret in secrets_of(meetings):
            assert secret not in content, (page, secret)
    assert not client.get(reverse("meetings:index")).context["todos"]
    assert not list(client.get(reverse("meetings:resolutions")).context["resolutions"])
    # and the case linked to a topic stays the case's parties'
    assert client.get(reverse("cases:detail", args=[built["case"].pk])).status_code == 404


# -- 2. a unit invited for one item only (列席) ------------------------------------------------


def test_an_invited_unit_sees_its_item_and_its_letter_only(client, world, agencies):
    meeting, topics, resolutions = minuted_meeting(world, agencies)
    seat = meeting.participants.get(agency=agencies["省药监局"])
    assert seat.items_only
    mine, other = topics["invited"], topics["other"]
    as_user(client, "yj_liaison")

    page = client.get(meeting_url(meeting))
    content = text_of(page)
    assert page.context["items_only"] and [t.pk for t in page.context["topics"]] == [mine.pk]
    assert mine.title in content and mine.background in content
    for hidden in (other.title, other.background, other.proposed_resolution):
        assert hidden not in content, hidden
    assert other.materials.get().original_name not in content
    assert not page.context["timeline"]  # the meeting's history is not an invited unit's
    assert not page.context["comments"] and "建议明确时间。" not in content
    assert NOTES not in content
    # resolutions: only those of its item
    assert [r.pk for r in page.context["resolutions"]] == [resolutions["invited"].pk]
    assert resolutions["price"].text not in content
    assert resolutions["procuratorate"].text not in content

    # papers: not the notice, not the minutes; its own invitation letter
    notice = owned_documents(meeting).get(doc_type="notice")
    minutes = owned_documents(meeting).get(doc_type="minutes")
    letter = owned_documents(seat).get()
    assert list(page.context["letters"]) == [letter] and not page.context["documents"]
    for document in (notice, minutes):
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    response = client.get(reverse("documents:download", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # the other invited unit's letter is not its to read
    other_letter = owned_documents(meeting.participants.get(agency=agencies["长春市医保局"])).get()
    assert client.get(reverse("documents:download", args=[other_letter.pk])).status_code == 404

    # materials: its item's, not the other topic's, not another resolution's evidence
    assert client.get(reverse("meetings:file", args=[mine.materials.get().pk])).status_code == 200
    assert client.get(reverse("meetings:file", args=[other.materials.get().pk])).status_code == 404
    evidence = MeetingFile.objects.get(report__resolution=resolutions["price"])
    assert client.get(reverse("meetings:file", args=[evidence.pk])).status_code == 404
    # resolutions: its item's page opens, the others are 404; its 督办 list is only what it
    # leads or cooperates on: nothing
    invited_url = reverse("meetings:resolution", args=[resolutions["invited"].pk])
    assert client.get(invited_url).status_code == 200
    for name in ("price", "procuratorate"):
        url = reverse("meetings:resolution", args=[resolutions[name].pk])
        assert client.get(url).status_code == 404, name
    assert not list(client.get(reverse("meetings:resolutions")).context["resolutions"])
    # nor the page of the draft minutes and their comments
    assert client.get(meeting_url(meeting, "comments")).status_code == 404


def test_an_invited_unit_can_neither_submit_topics_nor_comment_on_the_minutes(
    client, world, agencies
):
    meeting = open_full(world, "列席单位测试会议")
    topic = submit(world, meeting, "wj_liaison", "列席测试·卫健议题")
    screen(world, topic)
    notify(world, meeting, invited={topic: [agencies["省药监局"]]})
    as_user(client, "yj_liaison")
    topics = Topic.objects.count()
    page = client.get(meeting_url(meeting))
    assert page.status_code == 200 and "submit_topic" not in page.context["actions"]
    response = client.post(
        meeting_url(meeting, "topic_new"), {"title": "列席单位的议题", "background": "背景"}
    )
    assert response.status_code == 404
    assert client.post(meeting_url(meeting, "no_topics")).status_code == 404
    assert Topic.objects.count() == topics
    assert meeting.participants.get(agency=agencies["省药监局"]).topics == "pending"

    # the draft minutes out for comments: not for an invited unit
    hold(world, meeting)
    draft_minutes(world, meeting, [("列席测试议定事项", agencies["省卫生健康委"], [], topic)])
    services.minutes_for_comments(
        user=world["yb_office"], meeting=meeting, comments_due=timezone.now() + timedelta(days=1)
    )
    assert client.get(meeting_url(meeting, "comments")).status_code == 404
    assert (
        client.post(meeting_url(meeting, "comments"), {"body": "列席单位意见"}).status_code == 404
    )
    assert not MinutesComment.objects.exists()
    # a member unit may
    as_user(client, "jcy_liaison")
    assert client.post(meeting_url(meeting, "comments"), {"body": "检察院意见"}).status_code == 302
    assert MinutesComment.objects.get().agency == agencies["省检察院"]


# -- 3. member units: the agenda and their own topics ----------------------------------------


def collecting_meeting(world, agencies, case=None):
    """卫健's topic on the agenda (with a linked case, if given), 市场监管's still submitted,
    公安's deferred, 财政 answered "none"."""
    meeting = open_full(world, "征集议题中的全体会议", note=NOTES)
    cases = [(case, CASE_SUMMARY)] if case else []
    topics = {
        "wj": submit(world, meeting, "wj_liaison", "征集·卫健已列入议程议题", cases=cases),
        "scjg": submit(world, meeting, "scjg_liaison", "征集·市场监管待筛选议题"),
        "ga": submit(world, meeting, "ga_liaison", "征集·公安暂缓议题"),
    }
    screen(world, topics["wj"])
    screen(world, topics["ga"], "defer")
    services.topics_none(user=world["cz_liaison"], meeting=meeting)
    return meeting, topics


def assert_topic_hidden(client, content, topic):
    for text in (topic.title, topic.background, topic.proposed_resolution):
        assert text not in content, text
    material = topic.materials.get()
    assert material.original_name not in content
    assert client.get(reverse("meetings:file", args=[material.pk])).status_code == 404


def assert_topic_shown(client, content, topic):
    assert topic.title in content and topic.background in content
    material = topic.materials.get()
    assert material.original_name in content
    assert client.get(reverse("meetings:file", args=[material.pk])).status_code == 200


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("jcy_liaison", ["wj"], ["scjg", "ga"]),  # no topics of its own
        ("scjg_liaison", ["wj", "scjg"], ["ga"]),  # its own, still submitted
        ("ga_liaison", ["wj", "ga"], ["scjg"]),  # its own, deferred
        ("wj_liaison", ["wj"], ["scjg", "ga"]),
    ],
)
def test_a_member_unit_sees_the_agenda_and_its_own_topics_only(
    client, world, agencies, username, shown, hidden
):
    meeting, topics = collecting_meeting(world, agencies)
    as_user(client, username)
    page = client.get(meeting_url(meeting))
    content = text_of(page)
    assert {t.pk for t in page.context["topics"]} == {topics[n].pk for n in shown}
    for name in shown:
        assert_topic_shown(client, content, topics[name])
    for name in hidden:
        assert_topic_hidden(client, content, topics[name])
    # the timeline tells the meeting's story without the hidden topics
    timeline = " ".join(str(e.summary) for e in page.context["timeline"])
    assert timeline and topics["wj"].title in timeline
    for name in hidden:
        assert topics[name].title not in timeline
    # a hidden topic cannot be revised either
    for name in hidden:
        url = meeting_url(meeting, "topic_edit", topic_pk=topics[name].pk)
        assert client.get(url).status_code == 404


def test_the_office_and_the_convenor_see_every_topic(client, world, agencies):
    meeting, topics = collecting_meeting(world, agencies)
    for username in ("yb_office", "yb_convenor"):
        as_user(client, username)
        content = text_of(client.get(meeting_url(meeting)))
        for topic in topics.values():
            assert_topic_shown(client, content, topic)


def test_a_merged_topic_does_not_reveal_a_topic_taken_off_the_agenda(client, world, agencies):
    meeting = open_full(world, "并入测试会议")
    target = submit(world, meeting, "ga_liaison", "并入测试·公安议题", material=False)
    own = submit(world, meeting, "scjg_liaison", "并入测试·市场监管议题", material=False)
    as_user(client, "yb_office")
    screen_url = meeting_url(meeting, "screen", topic_pk=target.pk)
    assert client.post(screen_url, {"action": "accept", "note": ""}).status_code == 302
    merge = {"action": "merge", "note": "与公安议题合并", "merge_into": target.pk}
    assert client.post(meeting_url(meeting, "screen", topic_pk=own.pk), merge).status_code == 302
    assert client.post(screen_url, {"action": "defer", "note": "下次研究"}).status_code == 302
    own.refresh_from_db()
    target.refresh_from_db()
    assert own.merged_into == target and target.status == Topic.Status.DEFERRED
    as_user(client, "scjg_liaison")
    content = text_of(client.get(meeting_url(meeting)))
    assert own.title in content
    assert target.title not in content


# -- 4. the convenor's notes ----------------------------------------------------------------


def test_the_convenors_notes_are_for_the_office_and_the_convenor(client, world, agencies):
    meeting = open_full(world, "备注测试会议", note=NOTES)
    assert meeting.convenor_notes == NOTES
    topic = submit(world, meeting, "wj_liaison", "备注测试·卫健议题", material=False)
    screen(world, topic)
    notify(world, meeting, invited={topic: [agencies["省药监局"]]})
    for username in ("yb_office", "yb_convenor"):
        as_user(client, username)
        assert NOTES in text_of(client.get(meeting_url(meeting))), username
    for username in ("wj_liaison", "ga_liaison", "jcy_liaison", "yj_liaison", "auditor"):
        as_user(client, username)
        page = client.get(meeting_url(meeting))
        assert NOTES not in text_of(page), username
        assert not page.context["sees_notes"]
        assert NOTES not in client.get(meeting_url(meeting, "ics")).content.decode()
    as_user(client, "jw_liaison")
    assert client.get(meeting_url(meeting)).status_code == 404


# -- 5. a linked case: the shared summary, never the case -------------------------------------


@pytest.mark.parametrize(
    ("username", "reads_case"),
    [
        ("yb_office", True),  # the case's own agency
        ("yb_convenor", True),
        ("wj_liaison", True),  # the case was referred to it; it presents the topic
        ("scjg_liaison", False),
        ("jcy_liaison", False),
        ("ga_liaison", False),
    ],
)
def test_a_linked_case_shows_participants_only_its_shared_summary(
    client, world, agencies, username, reads_case
):
    case = referred_case(world, agencies, ["省卫生健康委"])
    meeting, _topics = collecting_meeting(world, agencies, case=case)
    case_url = reverse("cases:detail", args=[case.pk])
    as_user(client, username)
    page = client.get(meeting_url(meeting))
    content = text_of(page)
    assert CASE_SUMMARY in content
    assert (case_url in content) is reads_case
    assert (case.number in content) is reads_case
    assert (case.pk in page.context["readable_cases"]) is reads_case
    assert client.get(case_url).status_code == (200 if reads_case else 404)
    if not reads_case:
        assert case.title not in content


# -- 6. resolutions (督办) --------------------------------------------------------------------


def report(client, resolution, text="进展情况", **data):
    return client.post(reverse("meetings:resolution", args=[resolution.pk]), {"body": text, **data})


def test_only_the_lead_unit_reports_and_only_the_office_verifies(client, world, agencies):
    meeting, _topics, resolutions = minuted_meeting(world, agencies)
    procuratorate = resolutions["procuratorate"]  # lead 检察院, nobody cooperating
    url = reverse("meetings:resolution", args=[procuratorate.pk])
    # the lead unit reports progress, then completion with its evidence
    as_user(client, "jcy_liaison")
    page = client.get(url)
    assert page.status_code == 200 and page.context["report_form"] is not None
    assert report(client, procuratorate, "已召开协调会").status_code == 302
    assert procuratorate.reports.count() == 1

    # whoever else sees it reads it but cannot report; an outsider gets 404
    price = resolutions["price"]  # lead 市场监管, cooperating 卫健
    for username in ("wj_liaison", "cz_liaison", "yb_convenor"):
        as_user(client, username)
        for resolution in (procuratorate, price):
            page = client.get(reverse("meetings:resolution", args=[resolution.pk]))
            assert page.status_code == 200, username
            assert page.context["report_form"] is None and page.context["verify_form"] is None
            assert report(client, resolution, "越权报告").status_code == 404, username
            assert report(client, resolution, "越权", completion="on").status_code == 404
    as_user(client, "jw_liaison")
    for resolution in resolutions.values():
        assert client.get(reverse("meetings:resolution", args=[resolution.pk])).status_code == 404
        assert report(client, resolution, "越权报告").status_code == 404
    assert not ResolutionReport.objects.filter(body__startswith="越权").exists()
    # the evidence is read by whoever reads the resolution
    evidence = MeetingFile.objects.get(report__resolution=price)
    evidence_url = reverse("meetings:file", args=[evidence.pk])
    assert client.get(evidence_url).status_code == 404
    for username in ("wj_liaison", "cz_liaison", "yb_office"):
        as_user(client, username)
        assert client.get(evidence_url).status_code == 200, username

    # the lead unit and the others cannot verify; the office does
    as_user(client, "scjg_liaison")
    price_url = reverse("meetings:resolution", args=[price.pk])
    assert client.post(price_url, {"accept": "yes", "note": ""}).status_code == 200
    price.refresh_from_db()
    assert price.status == Resolution.Status.REPORTED
    as_user(client, "wj_liaison")
    assert client.post(price_url, {"accept": "yes", "note": ""}).status_code == 404
    as_user(client, "yb_office")
    page = client.get(price_url)
    assert page.context["verify_form"] is not None and page.context["report_form"] is None
    assert client.post(price_url, {"accept": "yes", "note": ""}).status_code == 302
    price.refresh_from_db()
    assert price.status == Resolution.Status.DONE and price.done_at
    assert meeting.status == Meeting.Status.MINUTES_ISSUED


@pytest.mark.parametrize(
    ("username", "listed"),
    [
        ("scjg_liaison", {"price"}),  # leads it
        ("wj_liaison", {"price", "invited"}),  # cooperates on one, leads the other
        ("jcy_liaison", {"procuratorate"}),
        ("cz_liaison", set()),  # took part, leads and cooperates on nothing
        ("yj_liaison", set()),
        ("jw_liaison", set()),
        ("yb_office", {"price", "invited", "procuratorate"}),
        ("yb_convenor", {"price", "invited", "procuratorate"}),
    ],
)
def test_the_resolutions_list_shows_a_unit_what_it_leads_or_cooperates_on(
    client, world, agencies, username, listed
):
    _meeting, _topics, resolutions = minuted_meeting(world, agencies)
    names = {r.pk: name for name, r in resolutions.items()}
    as_user(client, username)
    response = client.get(reverse("meetings:resolutions"))
    assert {names[r.pk] for r in response.context["resolutions"]} == listed
    content = text_of(response)
    for name, resolution in resolutions.items():
        assert (resolution.text in content) is (name in listed), name
    calendar = text_of(client.get(reverse("meetings:calendar")))
    for name, resolution in resolutions.items():
        assert (resolution.text[:40] in calendar) is (name in listed), name


def test_a_resolution_of_a_meeting_of_some_units_stays_with_them(client, world, agencies):
    partial = services.meeting_open(
        user=world["yb_office"],
        kind="partial",
        title="公安卫健专题会议",
        agencies=[agencies["省公安厅"], agencies["省卫生健康委"]],
    )
    topic = services.topic_submit(
        user=world["yb_office"],
        meeting=partial,
        title="专题议题",
        background="专题背景",
        presenting=agencies["省公安厅"],
    )
    screen(world, topic)
    notify(world, partial)
    hold(world, partial)
    draft_minutes(world, partial, [("专题·对某医院立案侦查", agencies["省公安厅"], [], topic)])
    issue_minutes(world, partial)
    resolution = partial.resolutions.get()
    full = open_full(world, "下一次全体会议")
    as_user(client, "cz_liaison")  # a member unit that took no part in the meeting of some units
    assert client.get(reverse("meetings:resolution", args=[resolution.pk])).status_code == 404
    assert client.get(meeting_url(partial)).status_code == 404
    content = text_of(client.get(meeting_url(full)))
    assert resolution.text not in content
    assert partial.title not in content


# -- 7. wrong methods -------------------------------------------------------------------------


def test_post_only_steps_refuse_get_and_downloads_refuse_post(client, world, agencies):
    meeting, topics, _resolutions = minuted_meeting(world, agencies)
    topic = topics["other"]
    for username in ("yb_office", "wj_liaison"):
        as_user(client, username)
        for url in (
            meeting_url(meeting, "no_topics"),
            meeting_url(meeting, "screen", topic_pk=topic.pk),
            meeting_url(meeting, "agenda"),
        ):
            assert client.get(url).status_code == 405, url
        downloads = [
            reverse("meetings:file", args=[topic.materials.get().pk]),
            meeting_url(meeting, "ics"),
        ]
        downloads += [
            reverse(name, args=[d.pk])
            for d in owned_documents(meeting)
            for name in ("documents:download", "documents:download_archive")
        ]
        for url in downloads:
            assert client.post(url).status_code == 405, url
            assert client.get(url).status_code == 200, url


# -- 8. query budgets -------------------------------------------------------------------------

MARGIN = 3


def grow(world, agencies):
    """Several more meetings, topics (with materials, linked cases, invited units) and
    resolutions, in several states."""
    case = referred_case(world, agencies, ["省卫生健康委"])
    for n in range(4):
        meeting = open_full(world, f"扩充会议{n}")
        for username in ("wj_liaison", "scjg_liaison", "ga_liaison"):
            topic = submit(world, meeting, username, f"扩充会议{n}·{username}议题")
        services.topic_submit(
            user=world["wj_liaison"],
            meeting=meeting,
            title=f"扩充会议{n}·关联案件议题",
            background="背景",
            cases=[(case, CASE_SUMMARY)],
            files=[pdf(f"扩充{n}甲"), pdf(f"扩充{n}乙")],
        )
        screen(world, topic, "defer")
    big = open_full(world, "扩充·纪要已印发会议")
    topics = [
        submit(world, big, username, f"扩充纪要·{username}议题")
        for username in ("wj_liaison", "scjg_liaison", "ga_liaison", "jcy_liaison", "sj_liaison")
    ]
    for topic in topics:
        screen(world, topic)
    notify(
        world, big, invited={topics[0]: [agencies["省药监局"]], topics[1]: [agencies["省药监局"]]}
    )
    hold(world, big)
    leads = ["省卫生健康委", "省市场监管厅", "省公安厅", "省检察院", "省审计厅", "省医保局"]
    draft_minutes(
        world,
        big,
        [
            (
                f"扩充议定事项{n}",
                agencies[lead],
                [agencies["省卫生健康委"], agencies["省财政厅"]]
                if lead != "省卫生健康委"
                else [agencies["省财政厅"]],
                topics[n % len(topics)],
            )
            for n, lead in enumerate(leads * 2)
        ],
    )
    issue_minutes(world, big)
    for resolution in big.resolutions.filter(lead_agency=agencies["省卫生健康委"]):
        services.resolution_report(
            user=world["wj_liaison"], resolution=resolution, body="进展", completion=False
        )
    return big


def more_topics(world, meeting, case=None, n=6):
    """Accepted topics with materials and a linked case, and some left as submitted."""
    for k in range(n):
        linked = case is not None and k % 2 == 0  # 卫健 may link the case referred to it
        topic = submit(
            world,
            meeting,
            "wj_liaison" if linked else ("jcy_liaison", "sj_liaison")[k % 2],
            f"{meeting.title}·追加议题{k}",
            cases=[(case, CASE_SUMMARY)] if linked else (),
        )
        if k % 3:
            screen(world, topic)


def measure(client, people, urls) -> dict:
    budgets = {}
    for username in people:
        as_user(client, username)
        for name, url in urls.items():
            client.get(url)  # warm: the first request also fills per-process caches
            budgets[username, name] = count_queries(client, url) + MARGIN
    return budgets


def assert_within(client, budgets, urls, django_assert_max_num_queries, same_as=None):
    """Every (person, page) within the budget measured before the world grew; `same_as` maps
    a page to the page whose budget it shares."""
    for username in sorted({u for u, _name in budgets}):
        as_user(client, username)
        for name, url in urls.items():
            budget = budgets[username, (same_as or {}).get(name, name)]
            with django_assert_max_num_queries(budget, info=f"{username} {name}"):
                assert client.get(url).status_code == 200


LIST_PEOPLE = [
    "yb_office",
    "yb_convenor",
    "wj_liaison",
    "cz_liaison",
    "yj_liaison",
    "jw_liaison",
    "auditor",
]


def test_the_list_pages_keep_a_fixed_number_of_queries(
    client, world, agencies, django_assert_max_num_queries
):
    minuted_meeting(world, agencies)
    collecting_meeting(world, agencies)
    urls = {name: reverse(f"meetings:{name}") for name in ("index", "calendar", "resolutions")}
    budgets = measure(client, LIST_PEOPLE, urls)
    grow(world, agencies)
    assert Meeting.objects.count() >= 7 and Resolution.objects.count() >= 15
    assert_within(client, budgets, urls, django_assert_max_num_queries)


def test_a_meeting_page_keeps_a_fixed_number_of_queries(
    client, world, agencies, django_assert_max_num_queries
):
    minuted, _topics, _resolutions = minuted_meeting(world, agencies)
    collecting, _topics = collecting_meeting(world, agencies)
    people = ["yb_office", "yb_convenor", "wj_liaison", "cz_liaison", "yj_liaison"]
    budgets = measure(client, people, {"minuted": meeting_url(minuted)})
    # the collecting meeting is measured for the units; the office's: the next test
    budgets |= measure(client, people[1:4], {"collecting": meeting_url(collecting)})
    big = grow(world, agencies)
    more_topics(world, collecting, case=referred_case(world, agencies, ["省卫生健康委"]))
    assert big.topics.count() > 2 * minuted.topics.count()
    assert big.resolutions.count() > 3 * minuted.resolutions.count()
    urls = {"minuted": meeting_url(minuted), "big": meeting_url(big)}
    assert_within(client, budgets, urls, django_assert_max_num_queries, {"big": "minuted"})
    budgets = {key: value for key, value in budgets.items() if key[1] == "collecting"}
    assert_within(
        client, budgets, {"collecting": meeting_url(collecting)}, django_assert_max_num_queries
    )


def test_the_offices_screening_page_keeps_a_fixed_number_of_queries(
    client, world, agencies, django_assert_max_num_queries
):
    collecting, _topics = collecting_meeting(world, agencies)
    urls = {"collecting": meeting_url(collecting)}
    budgets = measure(client, ["yb_office"], urls)
    more_topics(world, collecting)
    assert_within(client, budgets, urls, django_assert_max_num_queries)
