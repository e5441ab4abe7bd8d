"""A meeting round: call for topics, topics, screening, agenda, the convenor's approval, the
notice with its calendar invitation, and the units' replies. The only writers of meetings,
participants and topics (the body and its people: meetings/personnel.py).

Who does what (agencies.access): the office (RUN_MEETINGS, in the lead agency) opens rounds,
screens topics and drafts the agenda; the convenor (APPROVE_AGENDA) approves it and sets time,
place, form and invited units; each participating unit's liaison submits topics
(SUBMIT_TOPIC) and replies to the notice (RSVP_MEETING).
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, can, people_who_can
from audit.services import lazy_summary, record_event
from cases.selectors import visible_cases_q
from documents.content import DocumentContent, chinese_date
from documents.services import document_issue
from meetings.ics import meeting_ics
from meetings.models import Meeting, Participant, Topic, TopicCase
from meetings.selectors import joint_body

logger = logging.getLogger("xietong.meetings")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def is_office(user, body=None) -> bool:
    body = body or joint_body()
    return bool(body and can(user, Ability.RUN_MEETINGS) and user.agency_id == body.lead_agency_id)


def _require_office(user, body):
    if not is_office(user, body):
        raise PermissionDenied


def _audit(*, user, meeting, action, summary, data=None):
    record_event(action=action, actor=user, obj=meeting, summary=summary, data=data or {})


# -- opening a round ----------------------------------------------------------------------


def meeting_open(
    *, user, kind: str, title: str, topics_due=None, agencies=(), case=None, note: str = ""
) -> Meeting:
    """Open a meeting. A full meeting calls every member unit for topics by `topics_due`;
    a meeting of some units, or a major-case consultation (重大案件会商) started from a case,
    skips the call: the office drafts its agenda at once."""
    body = joint_body()
    if body is None:
        raise ValidationError(_("The joint-meeting body has not been set up."))
    _require_office(user, body)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the meeting a title."))
    now = timezone.now()
    members = {m.agency_id: m.agency for m in body.memberships.select_related("agency")}
    if kind == Meeting.Kind.FULL:
        if topics_due is None or topics_due <= now:
            raise ValidationError(_("The deadline for topics must be in the future."))
        units = list(members.values())
        status = Meeting.Status.COLLECTING
    elif kind in (Meeting.Kind.PARTIAL, Meeting.Kind.CONSULTATION):
        units = list(agencies)
        if kind == Meeting.Kind.CONSULTATION:
            if case is None:
                raise ValidationError(_("A major-case consultation is about a case."))
            from cases.models import Case

            if not Case.objects.filter(visible_cases_q(user), pk=case.pk).exists():
                raise PermissionDenied
        if len({a.pk for a in units}) != len(units):
            raise ValidationError(_("A unit is chosen twice."))
        if not units:
            raise ValidationError(_("Choose the units taking part."))
        topics_due = None
        status = Meeting.Status.AGENDA
    else:
        raise ValidationError(_("Unknown kind of meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            body=body,
            kind=kind,
            title=title,
            status=status,
            topics_due=topics_due,
            case=case,
            convenor_notes=note.strip(),
            created_by=user,
            created_at=now,
        )
        for agency in units:
            role = Participant.Role.MEMBER if agency.pk in members else Participant.Role.INVITED
            Participant.objects.create(meeting=meeting, agency=agency, role=role)
        carried = carry_over(meeting, user) if kind == Meeting.Kind.FULL else 0
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.opened",
            summary=lazy_summary(_("Opened meeting %(title)s"), title=meeting.title),
            data={
                "kind": kind,
                "units": [a.pk for a in units],
                "topics_due": topics_due,
                "carried_over": carried,
            },
        )
    return meeting


# -- topics -------------------------------------------------------------------------------


def _participant(user, meeting) -> Participant | None:
    """The unit's seat; the office drafting an ad-hoc meeting adds topics without one."""
    participant = meeting.participants.filter(agency_id=user.agency_id).first()
    if meeting.status == Meeting.Status.AGENDA and is_office(user, meeting.body):
        return participant
    if participant is None or not can(user, Ability.SUBMIT_TOPIC):
        raise PermissionDenied
    return participant


def _check_topics_open(meeting):
    if meeting.status == Meeting.Status.AGENDA:
        return  # an ad-hoc meeting: the office adds its topics while drafting the agenda
    if meeting.status != Meeting.Status.COLLECTING:
        raise ValidationError(_("This meeting is not collecting topics."))
    if meeting.topics_due and timezone.now() > meeting.topics_due:
        raise ValidationError(
            _("The call for topics closed on %(due)s.") % {"due": _local(meeting.topics_due)}
        )


def topic_submit(
    *,
    user,
    meeting: Meeting,
    title: str,
    background: str,
    proposed_resolution: str = "",
    cases=(),
) -> Topic:
    """A unit's liaison submits a topic, optionally linking cases with a summary to share."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        participant = _participant(user, meeting)
        _check_topics_open(meeting)
        if not title.strip() or not background.strip():
            raise ValidationError(_("A topic needs a title and its background."))
        from cases.models import Case

        for case, summary in cases:
            if not Case.objects.filter(visible_cases_q(user), pk=case.pk).exists():
                raise PermissionDenied
            if not summary.strip():
                raise ValidationError(_("Write the summary of the case the participants may read."))
        topic = Topic.objects.create(
            meeting=meeting,
            agency=user.agency,
            title=title.strip(),
            background=background.strip(),
            proposed_resolution=proposed_resolution.strip(),
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        for case, summary in cases:
            TopicCase.objects.create(topic=topic, case=case, shared_summary=summary.strip())
        if participant is not None:
            participant.topics = Participant.Topics.SUBMITTED
            participant.save(update_fields=["topics"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.topic_submitted",
            summary=lazy_summary(
                _("%(agency)s submitted the topic %(title)s"),
                agency=user.agency.name,
                title=topic.title,
            ),
            data={"topic": topic.pk, "cases": [c.pk for c, _s in cases]},
        )
    return topic


def topics_none(*, user, meeting: Meeting) -> Participant:
    """A unit answers the call: no topics this time."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        participant = _participant(user, meeting)
        if participant is None or meeting.status != Meeting.Status.COLLECTING:
            raise ValidationError(_("This meeting is not collecting topics."))
        _check_topics_open(meeting)
        if meeting.topics.filter(agency_id=user.agency_id).exclude(status="merged").exists():
            raise ValidationError(_("Your unit has already submitted topics."))
        participant.topics = Participant.Topics.NONE
        participant.save(update_fields=["topics"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.no_topics",
            summary=lazy_summary(_("%(agency)s has no topics"), agency=user.agency.name),
        )
    return participant


SCREENING = {
    "accept": Topic.Status.ACCEPTED,
    "return": Topic.Status.RETURNED,
    "defer": Topic.Status.DEFERRED,
    "merge": Topic.Status.MERGED,
}


def topic_screen(*, user, topic: Topic, action: str, note: str = "", merge_into=None) -> Topic:
    """The office screens a topic: onto the agenda, back for revision, deferred, or merged."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=topic.meeting_id)
        _require_office(user, meeting.body)
        if meeting.status not in (Meeting.Status.COLLECTING, Meeting.Status.AGENDA):
            raise ValidationError(_("The agenda of this meeting is no longer being drafted."))
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if action not in SCREENING:
            raise ValidationError(_("Unknown action."))
        if action in ("return", "defer", "merge") and not note.strip():
            raise ValidationError(_("Say why, for the presenting unit."))
        if action == "merge":
            if merge_into is None or merge_into.meeting_id != meeting.pk or merge_into == topic:
                raise ValidationError(_("Choose another topic of this meeting to merge into."))
            topic.merged_into = merge_into
        topic.status = SCREENING[action]
        topic.office_note = note.strip()
        topic.save()
        _audit(
            user=user,
            meeting=meeting,
            action=f"meetings.topic_{action}",
            summary=lazy_summary(
                _("Topic %(title)s: %(status)s"),
                title=topic.title,
                status=Topic.Status(topic.status).label,
            ),
            data={"topic": topic.pk, "note": note.strip()},
        )
    return topic


def agenda_submit(*, user, meeting: Meeting, items: list[tuple[Topic, int, int]]) -> Meeting:
    """The office orders the accepted topics, gives each a duration and sends the agenda to
    the convenor."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status not in (Meeting.Status.COLLECTING, Meeting.Status.AGENDA):
            raise ValidationError(_("The agenda of this meeting is no longer being drafted."))
        accepted = set(
            meeting.topics.filter(status=Topic.Status.ACCEPTED).values_list("pk", flat=True)
        )
        if not accepted:
            raise ValidationError(_("Put at least one topic on the agenda."))
        if {t.pk for t, _o, _m in items} != accepted:
            raise ValidationError(_("Give every topic on the agenda its place and duration."))
        orders = [order for _t, order, _m in items]
        if len(set(orders)) != len(orders):
            raise ValidationError(_("Two topics have the same place on the agenda."))
        for topic, order, minutes in items:
            if not 1 <= minutes <= 480:
                raise ValidationError(_("A topic takes between 1 and 480 minutes."))
            Topic.objects.filter(pk=topic.pk).update(order=order, minutes=minutes)
        meeting.status = Meeting.Status.AGENDA_APPROVAL
        meeting.save(update_fields=["status"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.agenda_submitted",
            summary=lazy_summary(
                _("Agenda of %(title)s sent to the convenor"), title=meeting.title
            ),
            data={"items": [(t.pk, o, m) for t, o, m in items]},
        )
    return meeting


# -- approval, notice, invitation ---------------------------------------------------------


def _check_schedule(starts_at, ends_at, rsvp_due):
    now = timezone.now()
    if starts_at is None or starts_at <= now:
        raise ValidationError(_("The meeting must start in the future."))
    if ends_at is None or ends_at <= starts_at:
        raise ValidationError(_("The meeting must end after it starts."))
    if ends_at - starts_at > timedelta(hours=12):
        raise ValidationError(_("A meeting lasts at most 12 hours."))
    if rsvp_due is None or not now < rsvp_due <= starts_at:
        raise ValidationError(_("Replies must be due between now and the start of the meeting."))


def agenda_approve(
    *,
    user,
    meeting: Meeting,
    approve: bool,
    note: str = "",
    starts_at=None,
    ends_at=None,
    place: str = "",
    form: str = "",
    rsvp_due=None,
    invited=(),
) -> Meeting:
    """The convenor approves the agenda and sets the meeting — the notice is issued and the
    invitations go out — or returns it to the office with a note."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not can(user, Ability.APPROVE_AGENDA):
            raise PermissionDenied
        if meeting.status != Meeting.Status.AGENDA_APPROVAL:
            raise ValidationError(_("This agenda is not awaiting approval."))
        if not approve:
            if not note.strip():
                raise ValidationError(_("Say what the office should change."))
            meeting.status = Meeting.Status.AGENDA
            meeting.save(update_fields=["status"])
            _audit(
                user=user,
                meeting=meeting,
                action="meetings.agenda_returned",
                summary=lazy_summary(_("Agenda of %(title)s returned"), title=meeting.title),
                data={"note": note.strip()},
            )
            return meeting
        _check_schedule(starts_at, ends_at, rsvp_due)
        if form not in Meeting.Form.values:
            raise ValidationError(_("Choose on site or video conference."))
        if form == Meeting.Form.ON_SITE and not place.strip():
            raise ValidationError(_("Give the place of the meeting."))
        seated = set(meeting.participants.values_list("agency_id", flat=True))
        invited = list(invited)
        if len({a.pk for a in invited}) != len(invited) or seated & {a.pk for a in invited}:
            raise ValidationError(_("A unit is invited twice."))
        for agency in invited:
            Participant.objects.create(
                meeting=meeting, agency=agency, role=Participant.Role.INVITED
            )
        meeting.starts_at, meeting.ends_at, meeting.rsvp_due = starts_at, ends_at, rsvp_due
        meeting.place, meeting.form = place.strip(), form
        meeting.status = Meeting.Status.NOTIFIED
        meeting.save()
        notice = document_issue(
            doc_type="notice",
            agency=meeting.body.lead_agency,
            content=_notice(meeting),
            owner=meeting,
            issued_by=user,
        )
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.agenda_approved",
            summary=lazy_summary(
                _("Agenda approved; notice %(number)s issued"), number=notice.number
            ),
            data={"notice": notice.pk, "invited": [a.pk for a in invited]},
        )
        transaction.on_commit(lambda: send_invitations(meeting.pk))
    return meeting


def agenda_text(meeting: Meeting) -> str:
    lines = []
    for index, topic in enumerate(
        meeting.topics.filter(status=Topic.Status.ACCEPTED).order_by("order", "pk"), start=1
    ):
        lines.append(f"{index}. {topic.title}（{topic.agency.name}汇报，{topic.minutes or 0}分钟）")
    return "\n".join(lines)


def _notice(meeting: Meeting) -> DocumentContent:
    body = meeting.body
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    units = "、".join(p.agency.name for p in meeting.participants.select_related("agency"))
    place = meeting.place or meeting.get_form_display()
    text = (
        f"经联席会议召集人同意，定于{chinese_date(start.date())}{start:%H:%M}至{end:%H:%M}"
        f"召开{meeting.title}。现将有关事项通知如下：\n"
        f"一、会议时间：{chinese_date(start.date())}{start:%H:%M}—{end:%H:%M}\n"
        f"二、会议地点：{place}（{meeting.get_form_display()}）\n"
        f"三、参会单位：{units}\n"
        f"四、会议议题：\n{agenda_text(meeting)}\n"
        f"五、请各单位于{chinese_date(timezone.localtime(meeting.rsvp_due).date())}"
        f"{timezone.localtime(meeting.rsvp_due):%H:%M}前通过协同平台报送参会回执（参会人员、"
        f"代为参会人员或请假事由）。"
    )
    return DocumentContent(
        layout="standard",
        issuer_mark=f"{body.lead_agency.name}文件",
        number="",
        title=f"关于召开{meeting.title}的通知",
        body=text,
        issued_on=timezone.localdate(),
        recipients="联席会议各成员单位",
        signature=f"{body.name}办公室（代章）",
        seal_text=body.lead_agency.name,
        printed_by=f"{body.name}办公室",
    )


def send_invitations(meeting_id: int, *, cancel: bool = False) -> int:
    """E-mail every participating unit's liaison the invitation (.ics); failures are logged,
    never lost silently, and never undo the meeting."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    recipients = []
    for participant in meeting.participants.select_related("agency"):
        recipients += [
            p.email for p in people_who_can(Ability.RSVP_MEETING, participant.agency) if p.email
        ]
    if not recipients:
        return 0
    subject = ("【取消】" if cancel else "【会议通知】") + meeting.title
    message = EmailMessage(
        subject=subject,
        body=f"{meeting.body.name}：{meeting.title}，请登录协同平台查看通知并报送参会回执。",
        to=sorted(set(recipients)),
    )
    message.attach(
        "meeting.ics",
        meeting_ics(meeting, cancel=cancel),
        "text/calendar; method=CANCEL" if cancel else "text/calendar; method=REQUEST",
    )
    try:
        return message.send()
    except OSError:
        logger.exception("meeting %s: the invitation could not be sent", meeting.pk)
        return 0


def meeting_reschedule(
    *, user, meeting: Meeting, starts_at, ends_at, place: str, form: str, rsvp_due, reason: str
) -> Meeting:
    """The office moves a notified meeting: the invitation is re-sent with a higher SEQUENCE."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status != Meeting.Status.NOTIFIED:
            raise ValidationError(_("Only a notified meeting that has not been held can be moved."))
        if not reason.strip():
            raise ValidationError(_("Say why the meeting is changed."))
        _check_schedule(starts_at, ends_at, rsvp_due)
        if form not in Meeting.Form.values:
            raise ValidationError(_("Choose on site or video conference."))
        meeting.starts_at, meeting.ends_at, meeting.rsvp_due = starts_at, ends_at, rsvp_due
        meeting.place, meeting.form = place.strip(), form
        meeting.sequence += 1
        meeting.save()
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.rescheduled",
            summary=lazy_summary(
                _("%(title)s moved to %(start)s"), title=meeting.title, start=_local(starts_at)
            ),
            data={"reason": reason.strip(), "sequence": meeting.sequence},
        )
        transaction.on_commit(lambda: send_invitations(meeting.pk))
    return meeting


def meeting_cancel(*, user, meeting: Meeting, reason: str) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status in (Meeting.Status.MINUTES_ISSUED, Meeting.Status.CANCELLED):
            raise ValidationError(_("This meeting can no longer be cancelled."))
        if not reason.strip():
            raise ValidationError(_("Say why the meeting is cancelled."))
        notified = meeting.starts_at is not None
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save()
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.cancelled",
            summary=lazy_summary(_("%(title)s cancelled"), title=meeting.title),
            data={"reason": reason.strip()},
        )
        if notified:
            transaction.on_commit(lambda: send_invitations(meeting.pk, cancel=True))
    return meeting


# -- replies ------------------------------------------------------------------------------


def rsvp(*, user, meeting: Meeting, reply: str, attendees: str = "", leave_reason: str = ""):
    """A unit's reply to the notice (参会回执), by the deadline."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        participant = meeting.participants.filter(agency_id=user.agency_id).first()
        if participant is None or not can(user, Ability.RSVP_MEETING):
            raise PermissionDenied
        if meeting.status != Meeting.Status.NOTIFIED:
            raise ValidationError(_("This meeting is not collecting replies."))
        if timezone.now() > meeting.rsvp_due:
            raise ValidationError(
                _("Replies were due by %(due)s; call the office.")
                % {"due": _local(meeting.rsvp_due)}
            )
        if reply in (Participant.Reply.ATTENDING, Participant.Reply.SUBSTITUTE):
            if not attendees.strip():
                raise ValidationError(_("Say who attends (name and position)."))
        elif reply == Participant.Reply.LEAVE:
            if not leave_reason.strip():
                raise ValidationError(_("Give the reason for leave."))
        else:
            raise ValidationError(_("Unknown reply."))
        participant.reply = reply
        participant.attendees = attendees.strip()
        participant.leave_reason = leave_reason.strip()
        participant.replied_by, participant.replied_at = user, timezone.now()
        participant.save()
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.replied",
            summary=lazy_summary(
                _("%(agency)s replied: %(reply)s"),
                agency=user.agency.name,
                reply=Participant.Reply(reply).label,
            ),
            data={"reply": reply, "attendees": attendees.strip()},
        )
    return participant


# -- the day, the minutes ------------------------------------------------------------------


def attendance_record(*, user, meeting: Meeting, attendance: dict[int, str]) -> Meeting:
    """On the day the office records who was present, on leave or observing (出席/请假/列席)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status not in (Meeting.Status.NOTIFIED, Meeting.Status.HELD):
            raise ValidationError(_("Attendance is recorded for a notified meeting."))
        if meeting.starts_at > timezone.now():
            raise ValidationError(_("The meeting has not started yet."))
        participants = {p.pk: p for p in meeting.participants.all()}
        if set(attendance) != set(participants):
            raise ValidationError(_("Record every unit's attendance."))
        for pk, value in attendance.items():
            if value not in ("present", "absent", "observer"):
                raise ValidationError(_("Record every unit's attendance."))
            Participant.objects.filter(pk=pk).update(attendance=value)
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.attendance_recorded",
            summary=lazy_summary(_("Attendance of %(title)s recorded"), title=meeting.title),
            data={"attendance": {str(k): v for k, v in attendance.items()}},
        )
    return meeting


def minutes_draft(*, user, meeting: Meeting, text: str, resolutions: list[dict]) -> Meeting:
    """The office drafts the minutes and their resolutions (text, lead unit, cooperating
    units, due date). Replaces the earlier draft's resolutions."""
    from meetings.models import Resolution

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status not in (Meeting.Status.HELD, Meeting.Status.MINUTES_COMMENTS):
            raise ValidationError(_("Minutes are drafted after the meeting is held."))
        if not text.strip():
            raise ValidationError(_("Write the minutes."))
        held_on = timezone.localtime(meeting.starts_at).date()
        for number, item in enumerate(resolutions, start=1):
            if not (item.get("text") or "").strip():
                raise ValidationError(_("Resolution %(n)d has no text.") % {"n": number})
            if item.get("lead_agency") is None:
                raise ValidationError(_("Resolution %(n)d has no lead unit.") % {"n": number})
            if item.get("due_on") is None or item["due_on"] <= held_on:
                raise ValidationError(
                    _("Resolution %(n)d must be due after the meeting.") % {"n": number}
                )
            if item["lead_agency"] in item.get("cooperating", []):
                raise ValidationError(
                    _("Resolution %(n)d names its lead unit as cooperating too.") % {"n": number}
                )
        meeting.minutes_text = text.strip()
        meeting.save(update_fields=["minutes_text"])
        meeting.resolutions.all().delete()
        for number, item in enumerate(resolutions, start=1):
            resolution = Resolution.objects.create(
                meeting=meeting,
                number=number,
                text=item["text"].strip(),
                lead_agency=item["lead_agency"],
                due_on=item["due_on"],
                case=item.get("case"),
                topic=item.get("topic"),
            )
            resolution.cooperating.set(item.get("cooperating", []))
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.minutes_drafted",
            summary=lazy_summary(_("Minutes of %(title)s drafted"), title=meeting.title),
            data={"resolutions": len(resolutions)},
        )
    return meeting


def minutes_for_comments(*, user, meeting: Meeting, comments_due) -> Meeting:
    """Optional: the draft goes to the participating units for comments by a deadline."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status != Meeting.Status.HELD or not meeting.minutes_text:
            raise ValidationError(_("Draft the minutes first."))
        if comments_due is None or comments_due <= timezone.now():
            raise ValidationError(_("The deadline for comments must be in the future."))
        meeting.status, meeting.comments_due = Meeting.Status.MINUTES_COMMENTS, comments_due
        meeting.save(update_fields=["status", "comments_due"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.minutes_for_comments",
            summary=lazy_summary(
                _("Draft minutes of %(title)s sent for comments"), title=meeting.title
            ),
        )
    return meeting


def minutes_comment(*, user, meeting: Meeting, body: str):
    from meetings.models import MinutesComment

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.participants.filter(agency_id=user.agency_id).exists() or not can(
            user, Ability.SUBMIT_TOPIC
        ):
            raise PermissionDenied
        if meeting.status != Meeting.Status.MINUTES_COMMENTS:
            raise ValidationError(_("The minutes are not out for comments."))
        if timezone.now() > meeting.comments_due:
            raise ValidationError(
                _("Comments were due by %(due)s.") % {"due": _local(meeting.comments_due)}
            )
        if not body.strip():
            raise ValidationError(_("Write something first."))
        comment = MinutesComment.objects.create(
            meeting=meeting,
            agency=user.agency,
            author=user,
            body=body.strip(),
            created_at=timezone.now(),
        )
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.minutes_commented",
            summary=lazy_summary(_("%(agency)s commented on the minutes"), agency=user.agency.name),
            data={"comment": comment.pk},
        )
    return comment


def minutes_submit(*, user, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_office(user, meeting.body)
        if meeting.status not in (Meeting.Status.HELD, Meeting.Status.MINUTES_COMMENTS):
            raise ValidationError(_("Draft the minutes first."))
        if not meeting.minutes_text:
            raise ValidationError(_("Draft the minutes first."))
        meeting.status = Meeting.Status.MINUTES_APPROVAL
        meeting.save(update_fields=["status"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.minutes_submitted",
            summary=lazy_summary(
                _("Minutes of %(title)s sent to the convenor"), title=meeting.title
            ),
        )
    return meeting


def minutes_approve(*, user, meeting: Meeting, approve: bool, note: str = "") -> Meeting:
    """The convenor approves the minutes: they are issued as a numbered 纪要 and the
    resolutions go to their lead units; or returns them to the office."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not can(user, Ability.APPROVE_MINUTES):
            raise PermissionDenied
        if meeting.status != Meeting.Status.MINUTES_APPROVAL:
            raise ValidationError(_("These minutes are not awaiting approval."))
        if not approve:
            if not note.strip():
                raise ValidationError(_("Say what the office should change."))
            meeting.status = Meeting.Status.HELD
            meeting.save(update_fields=["status"])
            _audit(
                user=user,
                meeting=meeting,
                action="meetings.minutes_returned",
                summary=lazy_summary(_("Minutes of %(title)s returned"), title=meeting.title),
                data={"note": note.strip()},
            )
            return meeting
        minutes = document_issue(
            doc_type="minutes",
            agency=meeting.body.lead_agency,
            content=_minutes(meeting),
            owner=meeting,
            issued_by=user,
        )
        meeting.resolutions.update(status="open")
        meeting.status = Meeting.Status.MINUTES_ISSUED
        meeting.save(update_fields=["status"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.minutes_issued",
            summary=lazy_summary(_("Minutes %(number)s issued"), number=minutes.number),
            data={"minutes": minutes.pk, "resolutions": meeting.resolutions.count()},
        )
    return meeting


def _names(participants, value) -> str:
    return "、".join(p.agency.name for p in participants if p.attendance == value)


def _minutes(meeting: Meeting) -> DocumentContent:
    participants = list(meeting.participants.select_related("agency"))
    lines = [meeting.minutes_text, "会议议定以下事项："]
    for resolution in meeting.resolutions.select_related("lead_agency").prefetch_related(
        "cooperating"
    ):
        cooperating = "、".join(a.name for a in resolution.cooperating.all())
        lines.append(
            f"{resolution.number}. {resolution.text}（牵头单位：{resolution.lead_agency.name}"
            + (f"；配合单位：{cooperating}" if cooperating else "")
            + f"；完成时限：{chinese_date(resolution.due_on)}）"
        )
    start = timezone.localtime(meeting.starts_at)
    return DocumentContent(
        layout="minutes",
        issuer_mark=f"{meeting.body.name}纪要",
        number="",
        title=f"{meeting.title}纪要",
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        sealed=False,
        attendees=_names(participants, "present"),
        absentees=_names(participants, "absent"),
        observers=_names(participants, "observer"),
        printed_by=f"{meeting.body.name}办公室",
        note=(
            f"会议时间：{chinese_date(start.date())}；"
            f"地点：{meeting.place or meeting.get_form_display()}"
        ),
    )


# -- resolutions (督办) --------------------------------------------------------------------


def resolution_report(*, user, resolution, body: str, completion: bool):
    """The lead unit reports progress, or completion with its evidence."""
    from meetings.models import Resolution, ResolutionReport

    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if user.agency_id != resolution.lead_agency_id or not can(user, Ability.REPORT_RESOLUTION):
            raise PermissionDenied
        if resolution.status != Resolution.Status.OPEN:
            raise ValidationError(_("This resolution is not open for reports."))
        if not body.strip():
            raise ValidationError(_("Describe the progress or what was done."))
        report = ResolutionReport.objects.create(
            resolution=resolution,
            agency=user.agency,
            author=user,
            body=body.strip(),
            is_completion=completion,
            created_at=timezone.now(),
        )
        if completion:
            resolution.status = Resolution.Status.REPORTED
            resolution.save(update_fields=["status"])
        _audit(
            user=user,
            meeting=resolution.meeting,
            action="meetings.resolution_completed"
            if completion
            else "meetings.resolution_progress",
            summary=lazy_summary(
                _("Resolution %(n)s: %(agency)s reported %(what)s"),
                n=resolution.number,
                agency=user.agency.name,
                what=_("completion") if completion else _("progress"),
            ),
            data={"resolution": resolution.pk, "report": report.pk},
        )
    return report


def resolution_verify(*, user, resolution, accept: bool, note: str = ""):
    """The office checks a reported completion: done, or back to the lead unit with a note."""
    from meetings.models import Resolution

    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        _require_office(user, resolution.meeting.body)
        if resolution.status != Resolution.Status.REPORTED:
            raise ValidationError(_("No completion is awaiting your check."))
        if not accept and not note.strip():
            raise ValidationError(_("Say what is still missing."))
        report = resolution.reports.filter(is_completion=True, verified_at__isnull=True).last()
        now = timezone.now()
        if report:
            report.verified_by, report.verified_at = user, now
            report.accepted, report.verify_note = accept, note.strip()
            report.save()
        resolution.status = Resolution.Status.DONE if accept else Resolution.Status.OPEN
        resolution.done_at = now if accept else None
        resolution.save(update_fields=["status", "done_at"])
        _audit(
            user=user,
            meeting=resolution.meeting,
            action="meetings.resolution_" + ("done" if accept else "reopened"),
            summary=lazy_summary(
                _("Resolution %(n)s: %(status)s"),
                n=resolution.number,
                status=Resolution.Status(resolution.status).label,
            ),
            data={"resolution": resolution.pk, "note": note.strip()},
        )
    return resolution


def carry_over(meeting: Meeting, user) -> int:
    """Open resolutions of earlier meetings go onto a new full meeting's agenda."""
    from meetings.models import Resolution

    carried = 0
    pending = Resolution.objects.filter(
        meeting__body=meeting.body, status__in=["open", "reported"]
    ).exclude(meeting=meeting)
    # not twice: a resolution already on the agenda of a meeting still to be minuted waits there
    still_to_minute = [s for s in Meeting.Status.values if s not in ("minutes_issued", "cancelled")]
    pending = pending.exclude(carried_topics__meeting__status__in=still_to_minute)
    for resolution in pending.select_related("meeting", "lead_agency"):
        Topic.objects.create(
            meeting=meeting,
            agency=resolution.lead_agency,
            title=f"议定事项落实情况：{resolution.text[:80]}",
            background=f"{resolution.meeting.title}议定事项第{resolution.number}项，"
            f"完成时限{chinese_date(resolution.due_on)}，尚未办结。",
            status=Topic.Status.ACCEPTED,
            carried_over=True,
            resolution=resolution,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        carried += 1
    return carried


# -- information sharing (情况通报) ----------------------------------------------------------


def work_report_figures(start, end) -> dict:
    """Cases referred and handled per receiving agency, money, meetings and resolutions in a
    period (dates inclusive). Referrals to 纪委监委 are left out: that compartment reports
    through its own channel."""
    from django.db.models import Count, Q, Sum

    from cases.models import Referral
    from meetings.models import Resolution

    referrals = Referral.objects.filter(sent_at__date__range=(start, end)).exclude(
        to_agency__kind="discipline"
    )
    per_agency = list(
        referrals.values("to_agency__name")
        .annotate(
            sent=Count("pk"),
            finished=Count("pk", filter=Q(finished_at__isnull=False)),
            recovered=Sum("recovered"),
            fines=Sum("fines"),
        )
        .order_by("-sent", "to_agency__name")
    )
    totals = referrals.aggregate(recovered=Sum("recovered"), fines=Sum("fines"))
    meetings = Meeting.objects.filter(
        status=Meeting.Status.MINUTES_ISSUED, starts_at__date__range=(start, end)
    )
    resolutions = Resolution.objects.filter(meeting__in=meetings)
    return {
        "per_agency": per_agency,
        "referrals": referrals.count(),
        "recovered": totals["recovered"] or 0,
        "fines": totals["fines"] or 0,
        "meetings": meetings.count(),
        "resolutions_done": resolutions.filter(status="done").count(),
        "resolutions_open": resolutions.exclude(status="done").count(),
    }


def work_report_issue(*, user, start, end):
    """The office compiles the period's work report and issues it as an official document."""
    body = joint_body()
    _require_office(user, body)
    if start is None or end is None or end < start:
        raise ValidationError(_("The period must end on or after its first day."))
    if end > timezone.localdate():
        raise ValidationError(_("A work report covers days already past."))
    figures = work_report_figures(start, end)
    lines = [
        f"{chinese_date(start)}至{chinese_date(end)}，各成员单位共移送医保基金监管案件线索"
        f"{figures['referrals']}件，追回医保基金{figures['recovered']}元，罚款{figures['fines']}元；"
        f"召开联席会议{figures['meetings']}次，形成议定事项"
        f"{figures['resolutions_done'] + figures['resolutions_open']}项，"
        f"已办结{figures['resolutions_done']}项，正在落实{figures['resolutions_open']}项。",
        "一、各单位接收移送案件情况",
    ]
    for row in figures["per_agency"]:
        lines.append(
            f"{row['to_agency__name']}：接收{row['sent']}件，办结{row['finished']}件，"
            f"追回{row['recovered'] or 0}元，罚款{row['fines'] or 0}元。"
        )
    if not figures["per_agency"]:
        lines.append("本期无移送案件。")
    lines.append("二、下一步工作。各成员单位要按照联席会议议定事项抓好落实，按时反馈办理情况。")
    content = DocumentContent(
        layout="standard",
        issuer_mark=f"{body.lead_agency.name}文件",
        number="",
        title=f"关于{chinese_date(start)}至{chinese_date(end)}医保基金监管协同工作情况的通报",
        body="\n".join(lines),
        issued_on=timezone.localdate(),
        recipients="联席会议各成员单位",
        signature=f"{body.name}办公室（代章）",
        seal_text=body.lead_agency.name,
        printed_by=f"{body.name}办公室",
    )
    with transaction.atomic():
        document = document_issue(
            doc_type="report", agency=body.lead_agency, content=content, owner=body, issued_by=user
        )
        record_event(
            action="meetings.work_report_issued",
            actor=user,
            obj=body,
            summary=lazy_summary(_("Work report %(number)s issued"), number=document.number),
            data={"document": document.pk, "start": start, "end": end},
        )
    return document
