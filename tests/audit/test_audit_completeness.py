"""Audit completeness, swept over every URL pattern of the site.

The resolver is walked recursively (the viewflow Site's applications, the accounts pages, the
admin) and every pattern must be in TABLE, saying for each of two questions:

* POST — who posts what to it in the demo world and which event that must write (`Post`);
  or that the URL answers only GET (`GetOnly`: a POST gets 405); or why it is exempt.
* the auditor — the read it must log (`Read`: a `*.read_by_auditor` event naming the object,
  or for a list its filters and count); or that the auditor is refused (`Refused`); or why it
  is not case material.

A URL the table does not mention fails `test_every_url_pattern_is_in_the_table`, so each new
page must say how its writes and the auditor's reads are audited. Forms are filled as a browser
would: the page is fetched as the acting person, the rendered <form> serialised (hidden inputs
and all) and only the fields a person would type are overlaid.

The demo world (manage.py seed_demo) is built once for the module inside a transaction rolled
back at the end; each test runs in a savepoint of it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from agencies.models import Agency, Region, Role, User
from audit.models import AuditEvent
from cases.models import Case, Evidence, Extension, Referral, ViolationType
from demo.directory import DEMO_PASSWORD
from documents.models import Dispatch, DispatchReview, DocumentSeries, IssuedDocument
from meetings.models import (
    Meeting,
    MeetingFile,
    Membership,
    Participant,
    Resolution,
    Topic,
)
from notifications.models import Notification
from tests.builders import team_of
from tests.factories import AgencyFactory, UserFactory
from tests.htmlforms import form_data, overlay
from workflow.models import CalendarDay, CaseTask, DeadlineRule

READ = ".read_by_auditor"
YB = "吉林省医疗保障局"  # the auditor's own agency

# -- the demo world, once per module ---------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """The demo's stored files (evidence, materials, issued PDFs) stay readable."""
    settings.MEDIA_ROOT = demo_media


# -- filling forms as a browser does -----------------------------------------------------------


# -- what a table entry says ------------------------------------------------------------------


@dataclass
class Post:
    """A successful POST by `user` (None: anonymous) to `url` writes an event `expect*`."""

    user: str | None
    url: str
    expect: str
    fill: dict = field(default_factory=dict)
    page: str | None = None  # where the form is rendered; default: the URL itself


@dataclass
class Read:
    """The auditor's GET of `url` logs `action` naming `obj` (None: a list, with its count)."""

    url: str
    action: str
    obj: object = None


@dataclass(frozen=True)
class GetOnly:
    """The URL answers GET only: a POST is refused with 405."""

    url: Callable[[], str]


@dataclass(frozen=True)
class Refused:
    """The person (default: the auditor) is refused: 403, 404 or sent to a login page."""

    url: Callable[[], str]
    user: str = "auditor"


@dataclass(frozen=True)
class Exempt:
    reason: str


@dataclass(frozen=True)
class Entry:
    post: object  # a callable returning Post, GetOnly, Refused or Exempt
    auditor: object  # a callable returning Read, Refused or Exempt


NOT_CASE_MATERIAL = Exempt("not case material: the directory, the home page or the site shell")


# -- the demo world's objects, found by their state ------------------------------------------


def person(username: str) -> User:
    return User.objects.get(username=username)


def people(agency, role: Role):
    return User.objects.filter(agency=agency, role_grants__role=role, is_active=True).order_by(
        "username"
    )


def open_human_tasks(name: str | None = None, status=(STATUS.NEW, STATUS.ASSIGNED)):
    tasks = Task.objects.filter(flow_task_type="HUMAN", status__in=status).order_by("pk")
    return [t for t in tasks if name is None or t.flow_task.name == name]


def foreign_case() -> Case:
    """A case another agency than the auditor's own registered."""
    return Case.objects.exclude(agency__name=YB).order_by("pk").first()


def evidence() -> Evidence:
    item = Evidence.objects.order_by("pk").first()
    if item is None:
        from cases.services import evidence_add

        case = foreign_case()
        item = evidence_add(
            case=case,
            user=case.registered_by,
            upload=SimpleUploadedFile("证据.pdf", b"%PDF-1.7\n..."),
        )
    return item


def referral_document() -> IssuedDocument:
    return (
        IssuedDocument.objects.filter(owner_type=ContentType.objects.get_for_model(Referral))
        .order_by("pk")
        .first()
    )


def meeting(status) -> Meeting:
    return Meeting.objects.filter(status=status).order_by("pk").first()


def liaison_of(agency) -> User:
    return people(agency, Role.LIAISON).first()


# -- POST entries: arrange the demo world, then say who posts what ----------------------------


def post_case_create():
    violation = ViolationType.objects.filter(is_active=True).order_by("pk").first()
    return Post(
        user="yb_officer",
        url=reverse("cases:create"),
        expect="case.registered",
        fill={
            "title": "审计完整性测试线索",
            "source": "flying_inspection",
            "violation_types": [str(violation.pk)],
            "suspected_amount": "1200.50",
            "description": "测试：登记一条线索。",
            "subjects-0-kind": "insured",
            "subjects-0-name": "王某",
            "subjects-0-id_number": "11010519491231002X",
        },
    )


def post_case_comment():
    case = Case.objects.filter(agency__name=YB).order_by("pk").first()
    return Post(
        user="yb_officer",
        url=reverse("cases:detail", args=[case.pk]),
        expect="case.commented",
        fill={"body": "审计完整性测试：补充说明。"},
    )


def post_task_step():
    task = open_human_tasks("receive")[0]
    referral = Referral.objects.get(pk=task.data["referral_id"])
    return Post(
        user=liaison_of(referral.to_agency).username,
        url=reverse("cases:task", args=[task.pk]),
        expect="referral.",
        fill={"action": "sign"},
    )


def post_batch_sign():
    """Two referrals waiting for the same liaison (the batch is offered from two on)."""
    from cases import services

    task = open_human_tasks("receive")[0]
    referral = Referral.objects.get(pk=task.data["referral_id"])
    case = services.case_register(
        user=person("yb_officer"),
        subjects=[],
        files=[],
        data={
            "title": "批量签收测试",
            "source": "routine",
            "violation_types": [],
            "suspected_amount": 1000,
            "description": "测试",
            "confidentiality": "internal",
            "informant": "",
        },
    )
    approve = next(t for t in open_human_tasks("approve") if t.process.caseprocess.case == case)
    services.case_decide(
        task=approve,
        user=person("yb_leader"),
        decision="refer",
        team=team_of(case),
        referrals=[{"to_agency": referral.to_agency, "channel": "administrative", "summary": "x"}],
    )
    return Post(
        user=liaison_of(referral.to_agency).username,
        url=reverse("cases:batch_sign"),
        page=reverse("cases:inbox"),
        expect="referral.",
        fill={"task": [str(task.pk)]},
    )


def post_urge():
    case_task = (
        CaseTask.objects.filter(
            escalation=CaseTask.Escalation.SUPERVISED,
            task__status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .exclude(referral__to_agency__kind="discipline")
        .order_by("pk")
        .first()
    )
    return Post(
        user="yb_office",
        url=reverse("cases:urge", args=[case_task.pk]),
        page=reverse("cases:supervision"),
        expect="case.urged",
    )


def post_withdraw():
    referral = (
        Referral.objects.filter(status=Referral.Status.SENT, case__agency__name=YB)
        .order_by("pk")
        .first()
    )
    return Post(
        user="yb_leader",
        url=reverse("cases:withdraw", args=[referral.pk]),
        expect="referral.withdrawn",
        fill={"reason": "审计完整性测试：撤回。"},
    )


def post_extension_request():
    referral = (
        Referral.objects.filter(
            channel=Referral.Channel.CRIMINAL, status=Referral.Status.SIGNED, extensions=None
        )
        .order_by("pk")
        .first()
    )
    return Post(
        user=liaison_of(referral.to_agency).username,
        url=reverse("cases:extend", args=[referral.pk]),
        expect="referral.extension_requested",
        fill={"reason": "审计完整性测试：需调取外省证据。"},
    )


def post_extension_decide():
    extension = Extension.objects.filter(status="pending").order_by("pk").first()
    leader = (
        people(extension.approver_agency, Role.AGENCY_LEADER)
        .exclude(pk=extension.requested_by_id)
        .first()
    )
    return Post(
        user=leader.username,
        url=reverse("cases:extension", args=[extension.pk]),
        expect="referral.extension_approved",
        fill={"approve": "yes"},
    )


def post_meeting_open():
    agencies = Agency.objects.filter(short_name__in=["省公安厅", "省卫生健康委"])
    return Post(
        user="yb_office",
        url=reverse("meetings:open"),
        expect="meetings.opened",
        fill={
            "kind": "partial",
            "ad_hoc": "on",
            "title": "审计完整性测试专题会议",
            "agencies": [str(a.pk) for a in agencies],
        },
    )


def _collecting():
    return meeting(Meeting.Status.COLLECTING)


def _unanswered_seat(m):
    return (
        m.participants.filter(topics=Participant.Topics.PENDING, items_only=False)
        .exclude(agency__name=YB)
        .order_by("pk")
        .first()
    )


def post_topic_new():
    m = _collecting()
    seat = _unanswered_seat(m)
    return Post(
        user=liaison_of(seat.agency).username,
        url=reverse("meetings:topic_new", args=[m.pk]),
        expect="meetings.topic_submitted",
        fill={
            "title": "审计完整性测试议题",
            "background": "测试背景。",
            "proposed_resolution": "测试建议。",
        },
    )


def post_no_topics():
    m = _collecting()
    seat = _unanswered_seat(m)
    return Post(
        user=liaison_of(seat.agency).username,
        url=reverse("meetings:no_topics", args=[m.pk]),
        page=reverse("meetings:meeting", args=[m.pk]),
        expect="meetings.no_topics",
    )


def post_topic_edit():
    topic = Topic.objects.filter(status=Topic.Status.RETURNED).order_by("pk").first()
    return Post(
        user=liaison_of(topic.agency).username,
        url=reverse("meetings:topic_edit", args=[topic.meeting_id, topic.pk]),
        expect="meetings.topic_revised",
        fill={"background": "按办公室意见修改后的背景。"},
    )


def _submitted_topic():
    return (
        Topic.objects.filter(status=Topic.Status.SUBMITTED, meeting__status="collecting")
        .order_by("pk")
        .first()
    )


def post_screen():
    topic = _submitted_topic()
    return Post(
        user="yb_office",
        url=reverse("meetings:screen", args=[topic.meeting_id, topic.pk]),
        page=reverse("meetings:meeting", args=[topic.meeting_id]),
        expect="meetings.topic_accept",
        fill={"action": "accept"},
    )


def post_agenda():
    from meetings import services

    topic = _submitted_topic()
    services.topic_screen(user=person("yb_office"), topic=topic, action="accept")
    accepted = topic.meeting.topics.filter(status=Topic.Status.ACCEPTED)
    fill = {}
    for order, t in enumerate(accepted, start=1):
        fill[f"order-{t.pk}"] = str(order)
        fill[f"minutes-{t.pk}"] = "20"
    return Post(
        user="yb_office",
        url=reverse("meetings:agenda", args=[topic.meeting_id]),
        page=reverse("meetings:meeting", args=[topic.meeting_id]),
        expect="meetings.agenda_submitted",
        fill=fill,
    )


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _schedule(days=20):
    start = timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return {
        "starts_at": _local(start),
        "ends_at": _local(start + timedelta(hours=2)),
        "rsvp_due": _local(start - timedelta(days=3)),
        "form": "on_site",
        "place": "省医保局三楼会议室",
    }


def post_agenda_approve():
    m = meeting(Meeting.Status.AGENDA_APPROVAL)
    return Post(
        user="yb_convenor",
        url=reverse("meetings:approve", args=[m.pk]),
        expect="meetings.agenda_approved",
        fill={"approve": "yes", **_schedule()},
    )


def _notified():
    return meeting(Meeting.Status.NOTIFIED)


def post_rsvp():
    m = _notified()
    seat = m.participants.filter(reply="pending").exclude(agency__name=YB).order_by("pk").first()
    return Post(
        user=liaison_of(seat.agency).username,
        url=reverse("meetings:rsvp", args=[m.pk]),
        expect="meetings.replied",
        fill={"reply": "attending", "attendees": "测试人员"},
    )


def post_reschedule():
    m = _notified()
    return Post(
        user="yb_office",
        url=reverse("meetings:reschedule", args=[m.pk]),
        expect="meetings.rescheduled",
        fill={**_schedule(days=30), "reason": "审计完整性测试：改期。"},
    )


def post_cancel():
    m = _notified()
    return Post(
        user="yb_office",
        url=reverse("meetings:cancel", args=[m.pk]),
        expect="meetings.cancelled",
        fill={"reason": "审计完整性测试：取消。"},
    )


def _held_meeting():
    """The notified meeting, its time moved into the past."""
    m = _notified()
    now = timezone.now()
    Meeting.objects.filter(pk=m.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    return Meeting.objects.get(pk=m.pk)


def post_attendance():
    m = _held_meeting()
    return Post(
        user="yb_office",
        url=reverse("meetings:attendance", args=[m.pk]),
        expect="meetings.attendance_recorded",
    )


def _record_attendance(m):
    from meetings import services

    marks = {p.pk: "present" for p in m.participants.all()}
    services.attendance_record(user=person("yb_office"), meeting=m, attendance=marks)
    return Meeting.objects.get(pk=m.pk)


def _draft_minutes(m):
    from meetings import services

    services.minutes_draft(
        user=person("yb_office"), meeting=m, text="会议纪要正文。", resolutions=[]
    )
    return Meeting.objects.get(pk=m.pk)


def post_minutes():
    m = _record_attendance(_held_meeting())
    return Post(
        user="yb_office",
        url=reverse("meetings:minutes", args=[m.pk]),
        expect="meetings.minutes_drafted",
        fill={"text": "会议纪要正文（草稿）。"},
    )


def post_minutes_comments():
    m = _draft_minutes(_record_attendance(_held_meeting()))
    return Post(
        user="yb_office",
        url=reverse("meetings:comments", args=[m.pk]),
        expect="meetings.minutes_for_comments",
        fill={"comments_due": _local(timezone.now() + timedelta(days=3))},
    )


def post_minutes_approve():
    from meetings import services

    m = _draft_minutes(_record_attendance(_held_meeting()))
    services.minutes_submit(user=person("yb_office"), meeting=m)
    return Post(
        user="yb_convenor",
        url=reverse("meetings:minutes_approve", args=[m.pk]),
        expect="meetings.minutes_issued",
        fill={"approve": "yes"},
    )


def post_resolution_report():
    resolution = Resolution.objects.filter(status=Resolution.Status.OPEN).order_by("pk").first()
    return Post(
        user=liaison_of(resolution.lead_agency).username,
        url=reverse("meetings:resolution", args=[resolution.pk]),
        expect="meetings.resolution_",
        fill={"body": "审计完整性测试：进展情况。"},
    )


def post_work_report():
    today = timezone.localdate()
    return Post(
        user="yb_office",
        url=reverse("meetings:work_report"),
        expect="meetings.work_report_drafted",
        fill={"start": str(today - timedelta(days=90)), "end": str(today)},
    )


def post_unit_report():
    today = timezone.localdate()
    return Post(
        user="ga_officer",
        url=reverse("meetings:unit_report"),
        expect="meetings.unit_report_drafted",
        fill={"start": str(today - timedelta(days=90)), "end": str(today)},
    )


def _member_unit():
    return Agency.objects.get(short_name="省公安厅")


def post_change_propose():
    unit = _member_unit()
    proposed = people(unit, Role.CASE_OFFICER).first()
    return Post(
        user=liaison_of(unit).username,
        url=reverse("meetings:change_propose"),
        expect="meetings.personnel_proposed",
        fill={"position": "liaison", "proposed": str(proposed.pk), "reason": "工作调整。"},
    )


def post_change_decide():
    from meetings import body

    unit = _member_unit()
    membership = Membership.objects.get(agency=unit)
    change = body.change_propose(
        user=liaison_of(unit),
        membership=membership,
        position="liaison",
        proposed=people(unit, Role.CASE_OFFICER).first(),
        reason="工作调整。",
    )
    return Post(
        user="yb_office",
        url=reverse("meetings:change", args=[change.pk]),
        expect="meetings.personnel_recorded",
        fill={"record": "yes"},
    )


def _draft_dispatch():
    return Dispatch.objects.filter(status=Dispatch.Status.DRAFT).order_by("pk").first()


def post_dispatch_create():
    return Post(
        user="yb_officer",
        url=reverse("documents:create"),
        expect="document.drafted",
        fill={
            "title": "关于审计完整性测试的通知",
            "to_agencies": [str(Agency.objects.get(short_name="省公安厅").pk)],
            "body": "测试正文。",
        },
    )


def _author(dispatch) -> str:
    return dispatch.created_by.username


def post_dispatch_edit():
    d = _draft_dispatch()
    return Post(
        user=_author(d),
        url=reverse("documents:edit", args=[d.pk]),
        expect="document.draft_changed",
        fill={"title": f"{d.title}（修改）"},
    )


def _dispatch_in(status):
    return Dispatch.objects.filter(status=status).order_by("pk").first()


def post_dispatch_submit():
    d = _draft_dispatch()
    return Post(
        user=_author(d),
        url=reverse("documents:submit", args=[d.pk]),
        page=reverse("documents:dispatch", args=[d.pk]),
        expect="document.submitted",
    )


def post_dispatch_check():
    d = _dispatch_in(Dispatch.Status.SUBMITTED)
    return Post(
        user="yb_liaison",
        url=reverse("documents:check", args=[d.pk]),
        page=reverse("documents:dispatch", args=[d.pk]),
        expect="document.checked",
        fill={"approve": "yes", "opinion": "已核。"},
    )


def post_dispatch_sign():
    d = _dispatch_in(Dispatch.Status.CHECKED)
    return Post(
        user="yb_leader",
        url=reverse("documents:sign", args=[d.pk]),
        page=reverse("documents:dispatch", args=[d.pk]),
        expect="document.signed",
        fill={"approve": "yes", "opinion": "同意。"},
    )


def read_dispatch_sheet():
    d = _dispatch_in(Dispatch.Status.ISSUED)
    return Read(reverse("documents:sheet", args=[d.pk]), f"document{READ}", d)


def post_dispatch_correct():
    d = (
        Dispatch.objects.filter(status=Dispatch.Status.ISSUED, document__replaced_by__isnull=True)
        .order_by("pk")
        .first()
    )
    return Post(
        user=_author(d),
        url=reverse("documents:correct", args=[d.pk]),
        expect="document.drafted",
        fill={"reason": "审计完整性测试：更正。"},
    )


def post_audit_verify():
    return Post(
        user="auditor",
        url=reverse("audit:verify"),
        page=reverse("audit:index"),
        expect="audit.verified",
    )


def post_notifications_read():
    unread = Notification.objects.filter(read_at__isnull=True).order_by("pk").first()
    return Post(
        user=unread.recipient.username,
        url=reverse("notifications:read_all"),
        page=reverse("notifications:index"),
        expect="notifications.read",
    )


def post_mail_preference():
    return Post(
        user="yb_officer",
        url=reverse("notifications:preference"),
        page=reverse("notifications:index"),
        expect="notifications.preference_changed",
        fill={"mode": "digest"},
    )


def post_login():
    return Post(
        user=None,
        url=reverse("login"),
        expect="auth.login",
        fill={"username": "yb_officer", "password": DEMO_PASSWORD},
    )


def post_logout():
    return Post(
        user="yb_officer", url=reverse("logout"), page=reverse("index"), expect="auth.logout"
    )


def post_password_change():
    return Post(
        user="yb_officer",
        url=reverse("password_change"),
        expect="auth.password_changed",
        fill={
            "old_password": DEMO_PASSWORD,
            "new_password1": "Another-Horse-88",
            "new_password2": "Another-Horse-88",
        },
    )


# -- auditor reads ------------------------------------------------------------------------------


def read_list(name, family, **query):
    def build():
        url = reverse(name)
        if query:
            from urllib.parse import urlencode

            url = f"{url}?{urlencode(query)}"
        return Read(url=url, action=f"{family}{READ}")

    return build


def read_case():
    case = foreign_case()
    return Read(reverse("cases:detail", args=[case.pk]), f"case{READ}", case)


def read_task():
    task = open_human_tasks()[0]
    return Read(reverse("cases:task", args=[task.pk]), f"case{READ}", task.process.caseprocess.case)


def read_extension():
    extension = Extension.objects.select_related("referral__case").order_by("pk").first()
    return Read(
        reverse("cases:extension", args=[extension.pk]), f"case{READ}", extension.referral.case
    )


def read_evidence():
    item = evidence()
    return Read(reverse("cases:evidence", args=[item.pk]), "case.evidence_downloaded", item.case)


def read_package():
    referral = Referral.objects.select_related("case").order_by("pk").first()
    return Read(
        reverse("cases:package", args=[referral.pk]), "referral.package_downloaded", referral.case
    )


def read_meeting():
    """A meeting of two other units: the auditor's own agency takes no part in it."""
    from meetings import services

    m = services.meeting_open(
        user=person("yb_office"),
        kind="partial",
        title="公安与卫健专题会议",
        agencies=list(Agency.objects.filter(short_name__in=["省公安厅", "省卫生健康委"])),
    )
    assert not m.participants.filter(agency__name=YB).exists()
    return Read(reverse("meetings:meeting", args=[m.pk]), f"meetings{READ}", m)


def read_meeting_file():
    """Material of another unit's topic that the office has not yet put on the agenda."""
    from meetings import services

    m = _collecting()
    seat = _unanswered_seat(m)
    topic = services.topic_submit(
        user=liaison_of(seat.agency),
        meeting=m,
        title="附材料的议题",
        background="背景。",
        proposed_resolution="",
        cases=[],
        files=[SimpleUploadedFile("材料.pdf", b"%PDF-1.7\n...")],
    )
    item = MeetingFile.objects.get(topic=topic)
    return Read(reverse("meetings:file", args=[item.pk]), "meetings.file_downloaded", item.meeting)


def read_ics():
    m = _notified()
    return Read(reverse("meetings:ics", args=[m.pk]), f"meetings{READ}", m)


def read_resolution():
    r = Resolution.objects.exclude(status=Resolution.Status.DRAFT).order_by("pk").first()
    return Read(reverse("meetings:resolution", args=[r.pk]), f"meetings{READ}", r)


def read_dispatch():
    d = (
        Dispatch.objects.exclude(agency__name=YB).order_by("pk").first()
        or Dispatch.objects.filter(status=Dispatch.Status.ISSUED).order_by("pk").first()
    )
    return Read(reverse("documents:dispatch", args=[d.pk]), f"document{READ}", d)


def read_draft_pdf():
    d = _draft_dispatch()
    assert d.agency.name == YB  # the only drafts an auditor may open: its own agency's
    return Read(reverse("documents:draft_pdf", args=[d.pk]), f"document{READ}", d)


def read_download(archive=False):
    def build():
        doc = referral_document()
        name = "documents:download_archive" if archive else "documents:download"
        return Read(reverse(name, args=[doc.pk]), "document.downloaded", doc)

    return build


def read_audit_event():
    event = AuditEvent.objects.order_by("seq").first()
    return Read(reverse("audit:event", args=[event.seq]), f"audit{READ}", event)


def _alert(status="open"):
    from monitor.models import Alert

    return (
        Alert.objects.filter(status=status, to_agency__short_name="省检察院")
        .select_related("case", "to_agency")
        .order_by("pk")
        .first()
    )


def post_alert_close():
    alert = _alert()
    return Post(
        user="jcy_liaison",
        url=reverse("monitor:act", args=[alert.pk, "close"]),
        page=reverse("monitor:alert", args=[alert.pk]),
        expect="monitor.closed",
        fill={"close-text": "经审查，处理适当，结束监督。"},
    )


def read_alert():
    alert = _alert()
    return Read(reverse("monitor:alert", args=[alert.pk]), f"monitor{READ}", alert.case)


def url(name, *args):
    return lambda: reverse(name, args=[a() if callable(a) else a for a in args])


def first_pk(queryset_fn):
    return lambda: queryset_fn().order_by("pk").first().pk


# -- the table ----------------------------------------------------------------------------------

TABLE: dict[str, Entry] = {
    # the site shell and the accounts pages
    "index": Entry(GetOnly(url("index")), NOT_CASE_MATERIAL),
    "login": Entry(post_login, Exempt("the sign-in page")),
    "logout": Entry(post_logout, Exempt("signing out")),
    "password_change": Entry(post_password_change, Exempt("one's own password")),
    "password_change_done": Entry(GetOnly(url("password_change_done")), NOT_CASE_MATERIAL),
    "set_language": Entry(
        # the language switch sets a cookie for this browser and changes nothing stored: it is
        # not a state change of the system, so it writes no event
        Exempt("sets the language cookie only; nothing stored changes"),
        Exempt("no content"),
    ),
    "javascript-catalog": Entry(GetOnly(url("javascript-catalog")), Exempt("translations only")),
    # cases
    "cases:index": Entry(
        GetOnly(url("cases:index")), read_list("cases:index", "case", q="案", status="referred")
    ),
    "cases:inbox": Entry(GetOnly(url("cases:inbox")), read_list("cases:inbox", "case")),
    "cases:ledger": Entry(
        GetOnly(url("cases:ledger")), read_list("cases:ledger", "case", channel="criminal")
    ),
    "cases:ledger_export": Entry(
        GetOnly(url("cases:ledger_export", "xlsx")),
        lambda: Read(
            f"{reverse('cases:ledger_export', args=['csv'])}?channel=criminal",
            "case.ledger_exported",
        ),
    ),
    "cases:archive": Entry(
        GetOnly(url("cases:archive")), read_list("cases:archive", "case", due="overdue")
    ),
    "cases:create": Entry(post_case_create, Refused(url("cases:create"))),
    "cases:detail": Entry(post_case_comment, read_case),
    "cases:evidence": Entry(GetOnly(url("cases:evidence", lambda: evidence().pk)), read_evidence),
    "cases:task": Entry(post_task_step, read_task),
    "cases:package": Entry(
        GetOnly(url("cases:package", first_pk(Referral.objects.all))), read_package
    ),
    "cases:supervision": Entry(
        GetOnly(url("cases:supervision")), Refused(url("cases:supervision"))
    ),
    "cases:batch_sign": Entry(post_batch_sign, Exempt("POST only; the auditor signs nothing")),
    "cases:urge": Entry(post_urge, Exempt("POST only; the auditor's POST is refused")),
    "cases:withdraw": Entry(
        post_withdraw, Refused(url("cases:withdraw", first_pk(Referral.objects.all)))
    ),
    "cases:extend": Entry(
        post_extension_request, Refused(url("cases:extend", first_pk(Referral.objects.all)))
    ),
    "cases:extension": Entry(post_extension_decide, read_extension),
    # the referral monitor (应移未移)
    "monitor:index": Entry(
        GetOnly(url("monitor:index")), read_list("monitor:index", "monitor", status="open")
    ),
    "monitor:alert": Entry(GetOnly(url("monitor:alert", lambda: _alert().pk)), read_alert),
    "monitor:act": Entry(post_alert_close, Exempt("POST only; the auditor is refused each step")),
    "monitor:rules": Entry(
        GetOnly(url("monitor:rules")), Exempt("the thresholds and rules: law, not case material")
    ),
    # meetings
    "meetings:index": Entry(
        GetOnly(url("meetings:index")), read_list("meetings:index", "meetings", status="notified")
    ),
    "meetings:open": Entry(post_meeting_open, Refused(url("meetings:open"))),
    "meetings:meeting": Entry(
        GetOnly(url("meetings:meeting", first_pk(Meeting.objects.all))), read_meeting
    ),
    "meetings:topic_new": Entry(
        post_topic_new, Refused(url("meetings:topic_new", lambda: _collecting().pk))
    ),
    "meetings:no_topics": Entry(post_no_topics, Exempt("POST only")),
    "meetings:topic_edit": Entry(
        post_topic_edit,
        Refused(
            lambda: reverse(
                "meetings:topic_edit",
                args=[
                    (t := Topic.objects.order_by("pk").first()).meeting_id,
                    t.pk,
                ],
            )
        ),
    ),
    "meetings:screen": Entry(post_screen, Exempt("POST only")),
    "meetings:agenda": Entry(post_agenda, Exempt("POST only")),
    "meetings:approve": Entry(
        post_agenda_approve,
        Refused(url("meetings:approve", lambda: meeting(Meeting.Status.AGENDA_APPROVAL).pk)),
    ),
    "meetings:rsvp": Entry(post_rsvp, Refused(url("meetings:rsvp", lambda: _notified().pk))),
    "meetings:reschedule": Entry(
        post_reschedule, Refused(url("meetings:reschedule", lambda: _notified().pk))
    ),
    "meetings:cancel": Entry(post_cancel, Refused(url("meetings:cancel", lambda: _notified().pk))),
    "meetings:file": Entry(
        GetOnly(url("meetings:file", first_pk(MeetingFile.objects.all))), read_meeting_file
    ),
    "meetings:ics": Entry(GetOnly(url("meetings:ics", lambda: _notified().pk)), read_ics),
    "meetings:attendance": Entry(
        post_attendance, Refused(url("meetings:attendance", lambda: _notified().pk))
    ),
    "meetings:minutes": Entry(
        post_minutes, Refused(url("meetings:minutes", lambda: _notified().pk))
    ),
    "meetings:comments": Entry(
        post_minutes_comments, Refused(url("meetings:comments", lambda: _notified().pk))
    ),
    "meetings:minutes_approve": Entry(
        post_minutes_approve, Refused(url("meetings:minutes_approve", lambda: _notified().pk))
    ),
    "meetings:resolutions": Entry(
        GetOnly(url("meetings:resolutions")),
        read_list("meetings:resolutions", "meetings", status="open", overdue="1"),
    ),
    "meetings:calendar": Entry(
        GetOnly(url("meetings:calendar")), read_list("meetings:calendar", "meetings")
    ),
    "meetings:work_report": Entry(post_work_report, Refused(url("meetings:work_report"))),
    "meetings:unit_report": Entry(post_unit_report, Refused(url("meetings:unit_report"))),
    "meetings:resolution": Entry(post_resolution_report, read_resolution),
    "meetings:body": Entry(GetOnly(url("meetings:body")), NOT_CASE_MATERIAL),
    "meetings:change_propose": Entry(post_change_propose, Refused(url("meetings:change_propose"))),
    "meetings:change": Entry(
        post_change_decide,
        Exempt("a personnel change of the joint-meeting body: directory data, not case material"),
    ),
    # documents
    "documents:index": Entry(
        GetOnly(url("documents:index")), read_list("documents:index", "document", box="received")
    ),
    "documents:create": Entry(post_dispatch_create, Refused(url("documents:create"))),
    "documents:dispatch": Entry(
        GetOnly(url("documents:dispatch", first_pk(Dispatch.objects.all))), read_dispatch
    ),
    "documents:edit": Entry(
        post_dispatch_edit, Refused(url("documents:edit", lambda: _draft_dispatch().pk))
    ),
    "documents:draft_pdf": Entry(
        GetOnly(url("documents:draft_pdf", lambda: _draft_dispatch().pk)), read_draft_pdf
    ),
    "documents:submit": Entry(post_dispatch_submit, Exempt("POST only")),
    "documents:check": Entry(post_dispatch_check, Exempt("POST only")),
    "documents:sign": Entry(post_dispatch_sign, Exempt("POST only")),
    "documents:sheet": Entry(
        GetOnly(url("documents:sheet", first_pk(lambda: Dispatch.objects.filter(status="issued")))),
        read_dispatch_sheet,
    ),
    "documents:correct": Entry(
        post_dispatch_correct,
        Refused(
            url("documents:correct", first_pk(lambda: Dispatch.objects.filter(status="issued")))
        ),
    ),
    "documents:download": Entry(
        GetOnly(url("documents:download", lambda: referral_document().pk)), read_download()
    ),
    "documents:download_archive": Entry(
        GetOnly(url("documents:download_archive", lambda: referral_document().pk)),
        read_download(archive=True),
    ),
    "documents:samples": Entry(
        GetOnly(url("documents:samples")),
        Exempt("layout samples with made-up content, not case material"),
    ),
    "documents:sample_pdf": Entry(
        GetOnly(url("documents:sample_pdf", "notice")),
        Exempt("layout samples with made-up content, not case material"),
    ),
    # the directory and the audit log
    "directory:index": Entry(GetOnly(url("directory:index")), NOT_CASE_MATERIAL),
    "directory:agency": Entry(
        GetOnly(url("directory:agency", first_pk(Agency.objects.all))), NOT_CASE_MATERIAL
    ),
    "audit:index": Entry(
        GetOnly(url("audit:index")), read_list("audit:index", "audit", action="case", q="案")
    ),
    "audit:event": Entry(
        GetOnly(url("audit:event", lambda: AuditEvent.objects.order_by("seq").first().seq)),
        read_audit_event,
    ),
    "audit:verify": Entry(post_audit_verify, Exempt("POST only")),
    "audit:export": Entry(
        GetOnly(url("audit:export", "xlsx")),
        lambda: Read(f"{reverse('audit:export', args=['csv'])}?action=case", "audit.exported"),
    ),
    "audit:case_record": Entry(
        GetOnly(url("audit:case_record", lambda: foreign_case().pk)),
        lambda: Read(
            reverse("audit:case_record", args=[foreign_case().pk]),
            "audit.case_record_downloaded",
            foreign_case(),
        ),
    ),
    # statistics (统计分析): aggregates, never a case; each number drills down to the ledger,
    # whose reads are logged (cases:ledger above)
    "stats:index": Entry(
        GetOnly(url("stats:index")),
        Exempt("aggregate figures, not case material: the drill-down is the ledger's logged read"),
    ),
    "stats:chart": Entry(
        GetOnly(url("stats:chart", "breakdown")),
        Exempt("a chart of aggregate figures, not case material"),
    ),
    # the notification centre: each person's own notifications
    "notifications:index": Entry(
        GetOnly(url("notifications:index")), Exempt("one's own notifications, not case material")
    ),
    "notifications:open": Entry(
        # following a notification marks it read (notifications.read, tests/notifications)
        GetOnly(url("notifications:open", first_pk(Notification.objects.all))),
        Refused(url("notifications:open", first_pk(Notification.objects.all))),  # not theirs
    ),
    "notifications:read_all": Entry(post_notifications_read, Exempt("POST only")),
    "notifications:preference": Entry(post_mail_preference, Exempt("POST only")),
}


# -- the admin: one rule per kind of admin URL -----------------------------------------------

# What the system administrator may write in the admin, model by model — stated here, not read
# from the ModelAdmins, so an admin that becomes writable by mistake fails the sweep.
ADMIN_WRITES = {
    "auth.group": {"add", "change", "delete"},
    "viewflow.process": {"change", "delete"},
    "viewflow.task": {"change", "delete"},
    "agencies.region": {"add", "change", "delete"},
    "agencies.agency": {"add", "change", "delete"},
    "agencies.user": {"add", "change", "delete"},
    "audit.auditevent": set(),
    "workflow.deadlinerule": {"change"},
    "workflow.calendarday": {"add", "change", "delete"},
    "documents.issueddocument": set(),
    "documents.documentseries": set(),
    "documents.dispatch": set(),
    "documents.dispatchreview": set(),
    "agencies.signinattempt": set(),  # unlocked only by its audited actions (below)
    "workflow.holidayyear": set(),  # written only by manage.py load_holidays
    "monitor.fraudthreshold": {"add", "change"},  # a period is closed, never deleted
    "monitor.monitorrule": {"add", "change"},  # switched off, never deleted: alerts cite it
}

# Admin actions, model by model, and the audit event each writes for every row it touches. The
# changelist's POST runs them; anything not listed here must not be offered.
ADMIN_ACTIONS = {
    "agencies.user": {
        "unlock_signin": "auth.unlocked",
        "require_password_change": "auth.password_change_required",
    },
    "agencies.signinattempt": {
        "unlock_accounts": "auth.unlocked",
        "unlock_addresses": "auth.unlocked",
    },
}


def _failed_signin():
    from agencies.models import SignInAttempt

    return SignInAttempt.objects.create(
        username="yb_officer",
        ip_address="10.1.2.3",
        user_agent="sweep",
        failures_since_start=7,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )


def _holiday_year():
    from workflow.models import HolidayYear

    return HolidayYear.objects.create(
        year=2031,
        notice="国办发明电〔2030〕1号",
        title="国务院办公厅关于2031年部分节假日安排的通知",
        source_name="2031.toml",
        source_sha256="0" * 64,
        days_off=0,
        adjusted_working_days=0,
        working_days=0,
        loaded_at=timezone.now(),
    )


ADMIN_OBJECTS: dict[str, Callable] = {  # an existing row to change
    "auth.group": lambda: Group.objects.create(name="测试组"),
    "viewflow.process": lambda: Process.objects.order_by("pk").first(),
    "viewflow.task": lambda: Task.objects.filter(flow_task_type="HUMAN").order_by("pk").first(),
    "agencies.region": lambda: Region.objects.order_by("pk").first(),
    "agencies.agency": lambda: Agency.objects.get(name=YB),
    "agencies.user": lambda: person("yb_officer"),
    "audit.auditevent": lambda: AuditEvent.objects.order_by("seq").first(),
    "workflow.deadlinerule": lambda: DeadlineRule.objects.order_by("pk").first(),
    "workflow.calendarday": lambda: CalendarDay.objects.create(
        date=timezone.localdate() + timedelta(days=400), is_working_day=False, name="测试假日"
    ),
    "documents.issueddocument": lambda: IssuedDocument.objects.order_by("pk").first(),
    "documents.documentseries": lambda: DocumentSeries.objects.order_by("pk").first(),
    "documents.dispatch": lambda: Dispatch.objects.order_by("pk").first(),
    "documents.dispatchreview": lambda: DispatchReview.objects.order_by("pk").first(),
    "agencies.signinattempt": _failed_signin,
    "workflow.holidayyear": _holiday_year,
    "monitor.fraudthreshold": lambda: _threshold().objects.order_by("pk").first(),
    "monitor.monitorrule": lambda: _rule().objects.order_by("pk").first(),
}

ADMIN_FRESH: dict[str, Callable] = {  # a row nothing depends on, to delete
    "auth.group": lambda: Group.objects.create(name="待删除组"),
    "viewflow.process": lambda: Process.objects.order_by("pk").first(),
    "viewflow.task": lambda: Task.objects.filter(flow_task_type="HUMAN").order_by("pk").first(),
    "agencies.region": lambda: Region.objects.create(code="229901", name="测试区", level="county"),
    "agencies.agency": lambda: AgencyFactory(name="待删除机构"),
    "agencies.user": lambda: UserFactory(username="to_delete", agency=None),
    "workflow.calendarday": ADMIN_OBJECTS["workflow.calendarday"],
}


def _threshold():
    from monitor.models import FraudThreshold

    return FraudThreshold


def _rule():
    from monitor.models import MonitorRule

    return MonitorRule


def _new_threshold() -> dict:
    province, _created = Region.objects.get_or_create(
        code="230000", defaults={"name": "黑龙江省", "level": "province"}
    )
    return {
        "province": str(province.pk),
        "effective_from": "2020-01-01",
        "large": "5000",
        "huge": "50000",
        "especially_huge": "500000",
        "legal_basis": "法释〔2011〕7号第一条",
        "source_note": "测试：省高级人民法院、省人民检察院通知",
    }


ADMIN_NEW: dict[str, Callable[[], dict]] = {  # what the add form is filled with
    "auth.group": lambda: {"name": "新建测试组"},
    "agencies.region": lambda: {"code": "229902", "name": "新建测试区", "level": "province"},
    "agencies.agency": lambda: {
        "name": "新建测试机构",
        "short_name": "新测",
        "kind": "medical_insurance",
        "region": str(Region.objects.order_by("pk").first().pk),
        "doc_prefix": "吉新",
    },
    "agencies.user": lambda: {
        "username": "new_person",
        "full_name": "新同志",
        "agency": str(Agency.objects.get(name=YB).pk),
        "email": "new_person@example.org",
        "password1": "Correct-Horse-77",
        "password2": "Correct-Horse-77",
    },
    "monitor.fraudthreshold": _new_threshold,
    "monitor.monitorrule": lambda: {
        "code": "fraud_pharmacy_cashing",
        "name": "药店套现但未移送公安",
        "kind": "fraud_violation",
        "target": "procuratorate",
        "parameters": '{"violation_types": ["pharmacy_cashing"]}',
        "active": "on",
        "description": "测试规则",
    },
    "workflow.calendarday": lambda: {
        "date": str(timezone.localdate() + timedelta(days=401)),
        "name": "测试调休",
        "is_working_day": "on",
    },
}

ADMIN_NOT_AUDITOR = Exempt("the admin is for system administrators only (config.admin)")


def _latest_version(obj):
    """The object's latest historical version; rows seeded by migrations have none yet."""
    if not obj.history.exists():
        type(obj).objects.get(pk=obj.pk).save()
    return obj.history.order_by("-history_id").first()


def _admin_change_post(label, kind):
    def build():
        app, model = label.split(".")
        if kind == "add":
            return Post(
                user="admin",
                url=reverse(f"admin:{app}_{model}_add"),
                expect="admin.added",
                fill=ADMIN_NEW[label](),
            )
        if kind == "delete":
            obj = ADMIN_FRESH[label]()
            return Post(
                user="admin",
                url=reverse(f"admin:{app}_{model}_delete", args=[obj.pk]),
                expect="admin.deleted",
            )
        obj = ADMIN_OBJECTS[label]()
        if kind == "change":
            return Post(
                user="admin",
                url=reverse(f"admin:{app}_{model}_change", args=[obj.pk]),
                expect="admin.changed",
            )
        version = _latest_version(obj)  # kind == "revert"
        return Post(
            user="admin",
            url=reverse(f"admin:{app}_{model}_simple_history", args=[obj.pk, version.history_id]),
            expect="admin.changed",
        )

    return build


def _admin_refused(label, kind):
    app, model = label.split(".")

    def build():
        if kind == "add":
            return reverse(f"admin:{app}_{model}_add")
        obj = ADMIN_OBJECTS[label]()
        if kind == "revert":
            version = _latest_version(obj)
            return reverse(f"admin:{app}_{model}_simple_history", args=[obj.pk, version.history_id])
        return reverse(f"admin:{app}_{model}_{kind}", args=[obj.pk])

    return Refused(build, user="admin")


def admin_table() -> dict[str, Entry]:
    reads = Exempt("an admin page to read; a POST there changes nothing")
    table = {
        "admin:index": Entry(reads, ADMIN_NOT_AUDITOR),
        "admin:app_list": Entry(reads, ADMIN_NOT_AUDITOR),
        "admin:autocomplete": Entry(reads, ADMIN_NOT_AUDITOR),
        "admin:jsi18n": Entry(reads, ADMIN_NOT_AUDITOR),
        "admin:view_on_site": Entry(Exempt("a redirect"), ADMIN_NOT_AUDITOR),
        "admin:password_change_done": Entry(reads, ADMIN_NOT_AUDITOR),
        "/admin/(?P<url>.*)$": Entry(
            Exempt("the admin's catch-all: a redirect or 404"), ADMIN_NOT_AUDITOR
        ),
        "admin:login": Entry(
            lambda: Post(
                user=None,
                url=reverse("admin:login"),
                expect="auth.login",
                fill={"username": "admin", "password": DEMO_PASSWORD},
            ),
            ADMIN_NOT_AUDITOR,
        ),
        "admin:logout": Entry(
            lambda: Post(
                user="admin",
                url=reverse("admin:logout"),
                page=reverse("admin:index"),
                expect="auth.logout",
            ),
            ADMIN_NOT_AUDITOR,
        ),
        "admin:password_change": Entry(
            lambda: Post(
                user="admin",
                url=reverse("admin:password_change"),
                # the directory's history of the person (agencies.signals), without the hash
                expect="directory.person.changed",
                fill={
                    "old_password": DEMO_PASSWORD,
                    "new_password1": "Another-Horse-88",
                    "new_password2": "Another-Horse-88",
                },
            ),
            ADMIN_NOT_AUDITOR,
        ),
        "admin:auth_user_password_change": Entry(
            lambda: Post(
                user="admin",
                url=reverse("admin:auth_user_password_change", args=[person("yb_officer").pk]),
                expect="admin.changed",
                fill={"password1": "Another-Horse-88", "password2": "Another-Horse-88"},
            ),
            ADMIN_NOT_AUDITOR,
        ),
    }
    for model, model_admin in django_admin.site._registry.items():
        label = model._meta.label_lower
        app, name = label.split(".")
        writes = ADMIN_WRITES.get(label)
        if writes is None:
            continue  # fails test_every_admin_model_says_what_may_be_written
        prefix = f"admin:{app}_{name}"
        table[f"{prefix}_changelist"] = Entry(
            Exempt("the list; a POST would run an action (test_no_admin_action_writes_in_bulk)"),
            ADMIN_NOT_AUDITOR,
        )
        table[f"{prefix}_history"] = Entry(reads, ADMIN_NOT_AUDITOR)
        table[f"/admin/{app}/{name}/<path:object_id>/"] = Entry(
            Exempt("a redirect to the change page"), ADMIN_NOT_AUDITOR
        )
        kinds = ["add", "change", "delete"]
        if isinstance(model_admin, SimpleHistoryAdmin):
            kinds.append("revert")
        for kind in kinds:
            allowed = (kind if kind != "revert" else "change") in writes
            key = f"{prefix}_{kind}" if kind != "revert" else f"{prefix}_simple_history"
            post = _admin_change_post(label, kind) if allowed else _admin_refused(label, kind)
            table[key] = Entry(post, ADMIN_NOT_AUDITOR)
    return table


TABLE.update(admin_table())


# -- the sweep -----------------------------------------------------------------------------------


def url_patterns(resolver=None, namespace="", route=""):
    """Every URL pattern: its name within its namespaces, or its full route if it has none."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name and f"{namespace}{pattern.name}" or f"/{route}{pattern.pattern}"


def test_every_url_pattern_is_in_the_table():
    found = set(url_patterns())
    assert found - set(TABLE) == set(), "URL patterns the audit table does not mention"
    assert set(TABLE) - found == set(), "table entries for URL patterns that no longer exist"


def test_every_admin_model_says_what_may_be_written():
    registered = {model._meta.label_lower for model in django_admin.site._registry}
    assert registered == set(ADMIN_WRITES)


def test_no_admin_action_writes_in_bulk(rf, demo_world):
    """The changelist's POST runs actions and list_editable saves. No list is editable, and
    the only actions are those in ADMIN_ACTIONS, each audited (the next test), so the admin's
    other writes are the add, change, delete and revert pages swept here."""
    request = rf.get("/admin/")
    request.user = person("admin")
    for model, model_admin in django_admin.site._registry.items():
        offered = set(model_admin.get_actions(request))
        assert offered == set(ADMIN_ACTIONS.get(model._meta.label_lower, {})), model
        assert not model_admin.list_editable, type(model_admin).__name__


@pytest.mark.parametrize(
    ("label", "action"),
    [(label, action) for label, actions in ADMIN_ACTIONS.items() for action in actions],
)
def test_every_admin_action_writes_its_event(client, demo_world, label, action):
    app, name = label.split(".")
    if label == "agencies.signinattempt":
        selected = _failed_signin()
    else:
        _failed_signin()  # something for the unlock to lift
        selected = person("yb_officer")
    login(client, "admin")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse(f"admin:{app}_{name}_changelist"),
        {"action": action, "_selected_action": [str(selected.pk)], "index": "0"},
    )
    assert response.status_code == 302
    written = AuditEvent.objects.filter(seq__gt=before)
    assert written.filter(action=ADMIN_ACTIONS[label][action], actor=person("admin")).exists()


def login(client, username):
    client.logout()
    if username is not None:
        client.force_login(person(username))


def build_post(client, probe: Post) -> dict:
    page = probe.page or probe.url
    login(client, probe.user)
    response = client.get(page)
    assert response.status_code == 200, f"{probe.user} cannot open {page}"
    return overlay(form_data(response.content.decode(), page, urlsplit(probe.url).path), probe.fill)


def form_errors(response) -> list:
    """The errors of the forms a re-rendered page shows, to say why a POST failed."""
    from django.forms import BaseForm, BaseFormSet

    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            form = getattr(value, "form", value)  # the admin wraps its form
            if isinstance(form, BaseForm | BaseFormSet) and form.is_bound and form.errors:
                found.append(form.errors)
    return found


def new_events(before: int):
    return list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


POSTS = [pytest.param(name, id=name) for name, e in TABLE.items() if callable(e.post)]


@pytest.mark.parametrize("name", POSTS)
def test_a_successful_post_writes_an_event(client, demo_world, name):
    probe = TABLE[name].post()
    data = build_post(client, probe)
    before = last_seq()
    response = client.post(probe.url, data)
    # every page here redirects after a successful POST; a 200 is the form again, with errors
    assert response.status_code == 302, (response.status_code, form_errors(response))
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert errors == []
    actions = [e.action for e in new_events(before)]
    assert any(a.startswith(probe.expect) for a in actions), actions


# the auditor's own verification of the chain, signing in and out of its own session, and its
# own password (read-only concerns the cases, not one's account)
AUDITORS_OWN = {
    "audit:verify",
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "password_change",
    "notifications:preference",  # how one is told by e-mail
}


@pytest.mark.parametrize("name", [p for p in POSTS if p.values[0] not in AUDITORS_OWN])
def test_the_auditor_changes_nothing(client, demo_world, name):
    probe = TABLE[name].post()
    data = build_post(client, probe)
    login(client, "auditor")
    before = last_seq()
    client.post(probe.url, data)
    written = [e.action for e in new_events(before) if not e.action.endswith(READ)]
    assert written == []


@pytest.mark.parametrize(
    "name", [pytest.param(n, id=n) for n, e in TABLE.items() if isinstance(e.post, GetOnly)]
)
def test_a_get_only_url_refuses_post(client, demo_world, name):
    target = TABLE[name].post.url()
    login(client, "auditor")
    before = last_seq()
    assert client.post(target).status_code == 405
    assert new_events(before) == []


@pytest.mark.parametrize(
    "name", [pytest.param(n, id=n) for n, e in TABLE.items() if isinstance(e.post, Refused)]
)
def test_a_read_only_admin_refuses_writes(client, demo_world, name):
    refused = TABLE[name].post
    target = refused.url()
    login(client, refused.user)
    before = last_seq()
    response = client.post(target, {"post": "yes"})
    assert response.status_code == 403
    assert new_events(before) == []


READS = [pytest.param(name, id=name) for name, e in TABLE.items() if callable(e.auditor)]


@pytest.mark.parametrize("name", READS)
def test_an_auditor_read_of_case_material_is_logged(client, demo_world, name):
    probe = TABLE[name].auditor()
    login(client, "auditor")
    auditor = person("auditor")
    before = last_seq()
    response = client.get(probe.url)
    assert response.status_code == 200
    events = [e for e in new_events(before) if e.action == probe.action]
    assert len(events) == 1, [e.action for e in new_events(before)]
    event = events[0]
    assert event.actor_id == auditor.pk
    if probe.obj is None:
        assert (event.object_type, event.object_id) == ("", "")
        assert isinstance(event.data["count"], int)
    else:
        expected = (probe.obj._meta.label_lower, str(probe.obj.pk))
        assert (event.object_type, event.object_id) == expected


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, id=n) for n, e in TABLE.items() if isinstance(e.auditor, Refused)],
)
def test_the_auditor_is_refused_pages_to_act_on(client, demo_world, name):
    target = TABLE[name].auditor.url()
    login(client, "auditor")
    before = last_seq()
    response = client.get(target)
    assert response.status_code in (403, 404)
    assert [e.action for e in new_events(before) if not e.action.endswith(READ)] == []


def test_the_auditor_cannot_enter_the_admin(client, demo_world):
    login(client, "auditor")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
