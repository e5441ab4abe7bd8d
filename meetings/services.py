"""A meeting round: call for topics, topics, screening, agenda, the convenor's approval, the
notice with its calendar invitation, the units' replies, attendance, minutes and resolutions.
The only writers of meetings and everything in them (the body and its people: meetings/body.py).

Every step locks the meeting's row (SELECT … FOR UPDATE) for its transaction, so two people
acting on the same meeting at once are serialised: the second sees the first one's result and
is refused with a message if the step is no longer open.

Who does what (agencies.access): the office (RUN_MEETINGS, in the lead agency) opens rounds,
screens topics and drafts the agenda; the convenor (APPROVE_AGENDA) approves it and sets time,
place, form and invited units; each participating unit's liaison submits topics
(SUBMIT_TOPIC) and replies to the notice (RSVP_MEETING).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability
from audit.services import lazy_summary, record_event
from cases.selectors import visible_cases_q
from cases.uploads import store_upload
from documents.content import chinese_date
from documents.services import document_issue
from meetings import papers
from meetings.access import (
    is_office,
    require,
    require_step,
    resolution_refusal,
    topic_revision_refusal,
)
from meetings.ics import meeting_ics
from meetings.mail import mail_units
from meetings.models import Meeting, MeetingFile, Participant, Topic, TopicCase
from meetings.selectors import current_document, joint_body
from notifications.models import Notification


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _require_office(user, body):
    if not is_office(user, body):
        raise PermissionDenied


def _audit(*, user, meeting, action, summary, data=None):
    record_event(action=action, actor=user, obj=meeting, summary=summary, data=data or {})


def _store_files(*, user, meeting, files, topic=None, report=None) -> list[MeetingFile]:
    """Topic materials or report evidence: checked by content, hashed, stored outside the web
    root (the same rules as case evidence)."""
    stored = []
    for upload in files:
        item = MeetingFile(
            meeting=meeting,
            topic=topic,
            report=report,
            uploaded_by=user,
            uploaded_at=timezone.now(),
        )
        store_upload(item, upload)
        item.save()
        stored.append(item)
    return stored


def _file_data(files) -> list[dict]:
    return [{"name": f.original_name, "sha256": f.sha256, "size": f.size} for f in files]


# -- opening a round ----------------------------------------------------------------------


def meeting_open(
    *,
    user,
    kind: str,
    title: str,
    topics_due=None,
    agencies=(),
    case=None,
    note: str = "",
    ad_hoc: bool = False,
) -> Meeting:
    """Open a meeting. A regular full meeting calls every member unit for topics by
    `topics_due` (and carries open resolutions of earlier meetings onto its agenda); an ad-hoc
    full meeting, a meeting of some units, or a major-case consultation (重大案件会商) started
    from a case skips the call: the office drafts its agenda at once."""
    body = joint_body()
    if body is None:
        raise ValidationError(_("The joint-meeting body has not been set up."))
    _require_office(user, body)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the meeting a title."))
    now = timezone.now()
    members = {m.agency_id: m.agency for m in body.memberships.select_related("agency")}
    if (kind == Meeting.Kind.CONSULTATION) != (case is not None):
        raise ValidationError(_("A major-case consultation, and only it, is about a case."))
    if case is not None:
        from cases.models import Case

        if not Case.objects.filter(visible_cases_q(user), pk=case.pk).exists():
            raise PermissionDenied
    if kind == Meeting.Kind.FULL:
        units = list(members.values())
    elif kind in (Meeting.Kind.PARTIAL, Meeting.Kind.CONSULTATION):
        ad_hoc = True
        units = list(agencies)
        if len({a.pk for a in units}) != len(units):
            raise ValidationError(_("A unit is chosen twice."))
        if not units:
            raise ValidationError(_("Choose the units taking part."))
    else:
        raise ValidationError(_("Unknown kind of meeting."))
    if ad_hoc:
        topics_due, status = None, Meeting.Status.AGENDA
    else:
        if topics_due is None or topics_due <= now:
            raise ValidationError(_("The deadline for topics must be in the future."))
        status = Meeting.Status.COLLECTING
    with transaction.atomic():
        meeting = Meeting.objects.create(
            body=body,
            kind=kind,
            ad_hoc=ad_hoc,
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
        carried = carry_over(meeting, user) if not ad_hoc else 0
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.opened",
            summary=lazy_summary(_("Opened meeting %(title)s"), title=meeting.title),
            data={
                "kind": kind,
                "ad_hoc": ad_hoc,
                "units": [a.pk for a in units],
                "topics_due": topics_due,
                "carried_over": carried,
                "case": case.pk if case else None,
            },
        )
        if case is not None:
            record_event(
                action="case.consultation_opened",
                actor=user,
                obj=case,
                summary=lazy_summary(
                    _("Major-case consultation %(title)s opened"), title=meeting.title
                ),
                data={"meeting": meeting.pk},
            )
        if not ad_hoc:
            send_call_for_topics(meeting.pk)
    return meeting


def send_call_for_topics(meeting_id: int) -> int:
    """Tell every member unit's liaisons the call for topics with its deadline (in the
    caller's transaction; the e-mail goes after the commit)."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    due = _local(meeting.topics_due)
    return mail_units(
        [p.agency for p in meeting.participants.select_related("agency")],
        Ability.SUBMIT_TOPIC,
        f"【征集议题】{meeting.title}",
        f"{meeting.body.name}办公室现征集{meeting.title}议题，请于{due}前通过协同平台报送议题"
        "（或报告本单位无议题）。",
        kind=Notification.Kind.MEETING_TOPICS,
        meeting=meeting,
    )


# -- topics -------------------------------------------------------------------------------


def _participant(user, meeting) -> Participant | None:
    """The unit's seat for submitting topics (meetings.access STEPS["submit_topic"]): units
    submit while the call is open; while an agenda is drafted only the office adds topics (for
    any unit taking part)."""
    require_step(user, meeting, "submit_topic")
    return meeting.participants.filter(agency_id=user.agency_id).first()


def _check_topic_text(*, user, title, background, cases):
    from cases.models import Case

    if not title.strip() or not background.strip():
        raise ValidationError(_("A topic needs a title and its background."))
    for case, summary in cases:
        if not Case.objects.filter(visible_cases_q(user), pk=case.pk).exists():
            raise PermissionDenied
        if not summary.strip():
            raise ValidationError(_("Write the summary of the case the participants may read."))


def topic_submit(
    *,
    user,
    meeting: Meeting,
    title: str,
    background: str,
    proposed_resolution: str = "",
    cases=(),
    files=(),
    presenting=None,
) -> Topic:
    """A unit's liaison submits a topic (议题) with its materials, optionally linking cases with
    the summary the other participants may read. The office, drafting an ad-hoc agenda, adds
    topics for the presenting unit it names."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        participant = _participant(user, meeting)
        _check_topic_text(user=user, title=title, background=background, cases=cases)
        agency = user.agency
        if presenting is not None and presenting.pk != user.agency_id:
            seat = meeting.participants.filter(agency=presenting, items_only=False).first()
            if meeting.status != Meeting.Status.AGENDA or seat is None:
                raise ValidationError(_("The presenting unit must take part in the meeting."))
            agency, participant = presenting, seat
        topic = Topic.objects.create(
            meeting=meeting,
            agency=agency,
            title=title.strip(),
            background=background.strip(),
            proposed_resolution=proposed_resolution.strip(),
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        for case, summary in cases:
            TopicCase.objects.create(topic=topic, case=case, shared_summary=summary.strip())
        stored = _store_files(user=user, meeting=meeting, files=files, topic=topic)
        if participant is not None:
            participant.topics = Participant.Topics.SUBMITTED
            participant.save(update_fields=["topics"])
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.topic_submitted",
            summary=lazy_summary(
                _("%(agency)s submitted the topic %(title)s"),
                agency=agency.name,
                title=topic.title,
            ),
            data={
                "topic": topic.pk,
                "cases": [c.pk for c, _s in cases],
                "files": _file_data(stored),
            },
        )
    return topic


def topic_revise(
    *,
    user,
    topic: Topic,
    title: str,
    background: str,
    proposed_resolution: str = "",
    files=(),
) -> Topic:
    """The presenting unit revises its topic — after the office returned it, or before it was
    screened — and it goes back to the office as submitted."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=topic.meeting_id)
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        require(topic_revision_refusal(user, topic, meeting))
        _check_topic_text(user=user, title=title, background=background, cases=())
        was = topic.status
        topic.title, topic.background = title.strip(), background.strip()
        topic.proposed_resolution = proposed_resolution.strip()
        topic.status = Topic.Status.SUBMITTED
        topic.save()
        stored = _store_files(user=user, meeting=meeting, files=files, topic=topic)
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.topic_revised",
            summary=lazy_summary(
                _("%(agency)s revised the topic %(title)s"),
                agency=user.agency.name,
                title=topic.title,
            ),
            data={"topic": topic.pk, "was": was, "files": _file_data(stored)},
        )
    return topic


def topics_none(*, user, meeting: Meeting) -> Participant:
    """A unit answers the call: no topics this time."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "no_topics")
        participant = meeting.participants.get(agency_id=user.agency_id)
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
        require_step(user, meeting, "screen")
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if action not in SCREENING:
            raise ValidationError(_("Unknown action."))
        if action in ("return", "defer", "merge") and not note.strip():
            raise ValidationError(_("Say why, for the presenting unit."))
        if action == "merge":
            # only into a topic on the agenda: its title is then one every participant sees
            if (
                merge_into is None
                or merge_into.meeting_id != meeting.pk
                or merge_into == topic
                or merge_into.status != Topic.Status.ACCEPTED
            ):
                raise ValidationError(_("Choose a topic on this meeting's agenda to merge into."))
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


MAX_AGENDA_PLACE = 999


def agenda_submit(*, user, meeting: Meeting, items: list[tuple[Topic, int, int]]) -> Meeting:
    """The office orders the accepted topics, gives each a duration and sends the agenda to
    the convenor."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "submit_agenda")
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
            if not 1 <= order <= MAX_AGENDA_PLACE:
                raise ValidationError(
                    _("A place on the agenda is a number from 1 to %(last)d."),
                    params={"last": MAX_AGENDA_PLACE},
                )
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


def _return_to_office(*, user, meeting, status, action, summary, note: str) -> Meeting:
    """The convenor sends an agenda or minutes back to the office, saying what to change."""
    if not note.strip():
        raise ValidationError(_("Say what the office should change."))
    meeting.status = status
    meeting.save(update_fields=["status"])
    _audit(user=user, meeting=meeting, action=action, summary=summary, data={"note": note.strip()})
    return meeting


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


def chairs(body) -> list:
    """Who may chair: the convenor or a deputy convenor (召集人或副召集人主持)."""
    people = [body.convenor] if body.convenor_id else []
    people += [
        m.deputy_convenor
        for m in body.memberships.select_related("deputy_convenor", "agency")
        if m.deputy_convenor_id
    ]
    return people


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
    chair=None,
    invited: dict | None = None,
) -> Meeting:
    """The convenor approves the agenda and sets the meeting — time, place, form, chair, and
    the units invited to attend some items (列席: `invited` maps each agenda topic to its
    invited units). The notice is issued to the units taking part, each invited unit gets a
    letter naming only its items, and the invitations go out. Or the convenor returns the
    agenda to the office with a note."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "approve_agenda")
        if not approve:
            return _return_to_office(
                user=user,
                meeting=meeting,
                status=Meeting.Status.AGENDA,
                action="meetings.agenda_returned",
                summary=lazy_summary(_("Agenda of %(title)s returned"), title=meeting.title),
                note=note,
            )
        _check_schedule(starts_at, ends_at, rsvp_due)
        _check_form(form, place)
        if chair is None or chair.pk not in {p.pk for p in chairs(meeting.body)}:
            raise ValidationError(_("The convenor or a deputy convenor chairs the meeting."))
        agenda = {t.pk: t for t in meeting.topics.filter(status=Topic.Status.ACCEPTED)}
        invited = {topic.pk: list(units) for topic, units in (invited or {}).items()}
        if set(invited) - set(agenda):
            raise ValidationError(_("Units are invited for items of the agenda only."))
        seated = set(meeting.participants.values_list("agency_id", flat=True))
        guests = {}
        for units in invited.values():
            for agency in units:
                if agency.pk in seated or [a.pk for a in units].count(agency.pk) > 1:
                    raise ValidationError(
                        _("%(unit)s is invited twice: it already takes part in the meeting.")
                        % {"unit": agency.name}
                    )
            guests.update({a.pk: a for a in units})
        for agency in guests.values():
            Participant.objects.create(
                meeting=meeting, agency=agency, role=Participant.Role.INVITED, items_only=True
            )
        for topic_pk, units in invited.items():
            agenda[topic_pk].invited.set(units)
        meeting.starts_at, meeting.ends_at, meeting.rsvp_due = starts_at, ends_at, rsvp_due
        meeting.place, meeting.form, meeting.chair = place.strip(), form, chair
        meeting.status = Meeting.Status.NOTIFIED
        meeting.save()
        notice, letters = _issue_papers(user=user, meeting=meeting)
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.agenda_approved",
            summary=lazy_summary(
                _("Agenda approved; notice %(number)s issued"), number=notice.number
            ),
            data={
                "notice": notice.pk,
                "letters": [d.pk for d in letters],
                "chair": chair.pk,
                "invited": {str(k): [a.pk for a in v] for k, v in invited.items()},
            },
        )
        send_invitations(meeting.pk)
    return meeting


def _issue_papers(*, user, meeting, change_reason: str = ""):
    """The notice to the units taking part and a 列席 letter to each unit invited for some items.
    When the meeting changes, each is corrected: a new numbered document that names the one it
    replaces and why (documents.services)."""

    def issue(doc_type, content, owner):
        earlier = current_document(owner, doc_type) if change_reason else None
        return document_issue(
            doc_type=doc_type,
            agency=meeting.body.lead_agency,
            content=content,
            owner=owner,
            issued_by=user,
            replaces=earlier,
            correction_reason=change_reason if earlier else "",
        )

    notice = issue("notice", papers.notice_content(meeting), meeting)
    letters = [
        issue("letter", papers.invitation_content(participant), participant)
        for participant in meeting.participants.filter(items_only=True).select_related(
            "agency", "meeting__body__lead_agency"
        )
    ]
    return notice, letters


def _check_form(form: str, place: str):
    if form not in Meeting.Form.values:
        raise ValidationError(_("Choose on site or video conference."))
    if form == Meeting.Form.ON_SITE and not place.strip():
        raise ValidationError(_("Give the place of the meeting."))


def send_invitations(meeting_id: int, *, cancel: bool = False) -> int:
    """Send the liaisons of every unit taking part the notice with its invitation (.ics);
    a unit invited for some items gets its 列席 letter instead of the notice. A cancellation
    goes to all with METHOD:CANCEL. In the caller's transaction: the notifications commit with
    the step and the e-mail goes after it; a failed send is retried from the outbox, never
    undoes the meeting, and every document and the .ics stay on the meeting page."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    participants = list(meeting.participants.select_related("agency"))
    method = "CANCEL" if cancel else "REQUEST"
    ics = ("meeting.ics", meeting_ics(meeting, cancel=cancel), f"text/calendar; method={method}")
    if cancel:
        return mail_units(
            [p.agency for p in participants],
            Ability.RSVP_MEETING,
            f"【会议取消】{meeting.title}",
            f"{meeting.body.name}：{meeting.title}取消。原因：{meeting.cancel_reason}",
            kind=Notification.Kind.MEETING_CANCELLED,
            meeting=meeting,
            attachments=[ics],
        )

    def pdf(document):
        return (
            [(f"{document.number}.pdf", document.pdf.read(), "application/pdf")] if document else []
        )

    text = f"{meeting.body.name}：{meeting.title}，请查收会议通知，并通过协同平台报送参会回执。"
    sent = mail_units(
        [p.agency for p in participants if not p.items_only],
        Ability.RSVP_MEETING,
        f"【会议通知】{meeting.title}",
        text,
        kind=Notification.Kind.MEETING_NOTICE,
        meeting=meeting,
        attachments=[ics, *pdf(current_document(meeting, "notice"))],
    )
    for participant in (p for p in participants if p.items_only):
        sent += mail_units(
            [participant.agency],
            Ability.RSVP_MEETING,
            f"【列席邀请】{meeting.title}",
            f"{meeting.body.name}邀请贵单位列席{meeting.title}部分议题，请查收邀请函，"
            "并通过协同平台报送列席人员。",
            kind=Notification.Kind.MEETING_INVITATION,
            meeting=meeting,
            attachments=[ics, *pdf(current_document(participant, "letter"))],
        )
    return sent


def meeting_reschedule(
    *, user, meeting: Meeting, starts_at, ends_at, place: str, form: str, rsvp_due, reason: str
) -> Meeting:
    """The office moves a notified meeting: the notice and the 列席 letters are corrected (new
    numbers naming what they replace and why) and the invitation is re-sent with a higher
    SEQUENCE, so calendars replace the earlier one."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "reschedule")
        if not reason.strip():
            raise ValidationError(_("Say why the meeting is changed."))
        _check_schedule(starts_at, ends_at, rsvp_due)
        _check_form(form, place)
        meeting.starts_at, meeting.ends_at, meeting.rsvp_due = starts_at, ends_at, rsvp_due
        meeting.place, meeting.form = place.strip(), form
        meeting.sequence += 1
        meeting.save()
        notice, letters = _issue_papers(user=user, meeting=meeting, change_reason=reason.strip())
        _audit(
            user=user,
            meeting=meeting,
            action="meetings.rescheduled",
            summary=lazy_summary(
                _("%(title)s moved to %(start)s; notice %(number)s issued"),
                title=meeting.title,
                start=_local(starts_at),
                number=notice.number,
            ),
            data={
                "reason": reason.strip(),
                "sequence": meeting.sequence,
                "notice": notice.pk,
                "letters": [d.pk for d in letters],
            },
        )
        send_invitations(meeting.pk)
    return meeting


def meeting_cancel(*, user, meeting: Meeting, reason: str) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "cancel")
        if not reason.strip():
            raise ValidationError(_("Say why the meeting is cancelled."))
        notified = meeting.starts_at is not None
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancel_reason = reason.strip()
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
            send_invitations(meeting.pk, cancel=True)
    return meeting


# -- replies ------------------------------------------------------------------------------


def rsvp(*, user, meeting: Meeting, reply: str, attendees: str = "", leave_reason: str = ""):
    """A unit's reply to the notice (参会回执), by the deadline."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "reply")
        participant = meeting.participants.get(agency_id=user.agency_id)
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
        require_step(user, meeting, "attendance")
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
        require_step(user, meeting, "draft_minutes")
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
            _check_resolution_links(user, meeting, item, number)
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


def _check_resolution_links(user, meeting, item, number):
    from cases.models import Case

    case, topic = item.get("case"), item.get("topic")
    if case is not None and not Case.objects.filter(visible_cases_q(user), pk=case.pk).exists():
        raise ValidationError(
            _("Resolution %(n)d links a case the office may not see.") % {"n": number}
        )
    if topic is not None and topic.meeting_id != meeting.pk:
        raise ValidationError(
            _("Resolution %(n)d links a topic of another meeting.") % {"n": number}
        )


def minutes_for_comments(*, user, meeting: Meeting, comments_due) -> Meeting:
    """Optional: the draft goes to the participating units for comments by a deadline."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_step(user, meeting, "send_for_comments")
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
        require_step(user, meeting, "comment_minutes")
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
        require_step(user, meeting, "submit_minutes")
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
        require_step(user, meeting, "approve_minutes")
        if not approve:
            return _return_to_office(
                user=user,
                meeting=meeting,
                status=Meeting.Status.HELD,
                action="meetings.minutes_returned",
                summary=lazy_summary(_("Minutes of %(title)s returned"), title=meeting.title),
                note=note,
            )
        minutes = document_issue(
            doc_type="minutes",
            agency=meeting.body.lead_agency,
            content=papers.minutes_content(meeting),
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
        for resolution in meeting.resolutions.filter(case__isnull=False).select_related(
            "case", "lead_agency"
        ):
            # the follow-up lands on the case: its page lists the resolution, its timeline says so
            _case_event(
                user=user,
                resolution=resolution,
                action="case.meeting_resolution",
                summary=lazy_summary(
                    _("Joint meeting resolution %(n)s for %(agency)s, due %(due)s: %(text)s"),
                    n=resolution.number,
                    agency=resolution.lead_agency.name,
                    due=resolution.due_on.isoformat(),
                    text=resolution.text[:100],
                ),
            )
        distribute_minutes(meeting.pk, minutes.pk)
    return meeting


def _case_event(*, user, resolution, action, summary, data=None):
    record_event(
        action=action,
        actor=user,
        obj=resolution.case,
        summary=summary,
        data={"meeting": resolution.meeting_id, "resolution": resolution.pk, **(data or {})},
    )


def distribute_minutes(meeting_id: int, document_id: int) -> int:
    """Send the issued 纪要 (its PDF) to the liaisons of every unit that takes part in the
    whole meeting; units invited for some items only are told their resolutions instead."""
    from documents.models import IssuedDocument

    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    document = IssuedDocument.objects.get(pk=document_id)
    participants = list(meeting.participants.select_related("agency"))
    whole = [p.agency for p in participants if not p.items_only]
    sent = mail_units(
        whole,
        Ability.RSVP_MEETING,
        f"【会议纪要】{document.number} {document.title}",
        f"{meeting.body.name}办公室印发{document.title}（{document.number}），请查收附件，"
        "并按议定事项抓好落实、按时在协同平台反馈办理情况。",
        kind=Notification.Kind.MEETING_MINUTES,
        meeting=meeting,
        attachments=[(f"{document.number}.pdf", document.pdf.read(), "application/pdf")],
    )
    guests = [p.agency for p in participants if p.items_only]
    if guests:
        sent += mail_units(
            guests,
            Ability.RSVP_MEETING,
            f"【会议纪要】{meeting.title}",
            f"{meeting.title}纪要已印发，涉及贵单位的议定事项请登录协同平台查看。",
            kind=Notification.Kind.MEETING_MINUTES,
            meeting=meeting,
        )
    return sent


# -- resolutions (督办) --------------------------------------------------------------------


def resolution_report(*, user, resolution, body: str, completion: bool, files=()):
    """The lead unit reports progress, or completion with its evidence (at least one file);
    the office then checks it. A report on a resolution linked to a case also lands on the
    case's timeline."""
    from meetings.models import Resolution, ResolutionReport

    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        require(resolution_refusal(user, resolution, "report"))
        if not body.strip():
            raise ValidationError(_("Describe the progress or what was done."))
        files = list(files)
        if completion and not files:
            raise ValidationError(_("Attach the evidence that the resolution is done."))
        report = ResolutionReport.objects.create(
            resolution=resolution,
            agency=user.agency,
            author=user,
            body=body.strip(),
            is_completion=completion,
            created_at=timezone.now(),
        )
        stored = _store_files(user=user, meeting=resolution.meeting, files=files, report=report)
        if completion:
            resolution.status = Resolution.Status.REPORTED
            resolution.save(update_fields=["status"])
        summary = lazy_summary(
            _("Resolution %(n)s: %(agency)s reported %(what)s"),
            n=resolution.number,
            agency=user.agency.name,
            what=_("completion") if completion else _("progress"),
        )
        _audit(
            user=user,
            meeting=resolution.meeting,
            action="meetings.resolution_completed"
            if completion
            else "meetings.resolution_progress",
            summary=summary,
            data={"resolution": resolution.pk, "report": report.pk, "files": _file_data(stored)},
        )
        if resolution.case_id:
            _case_event(
                user=user,
                resolution=resolution,
                action="case.meeting_resolution_report",
                summary=summary,
                data={"report": report.pk},
            )
    return report


def resolution_verify(*, user, resolution, accept: bool, note: str = ""):
    """The office checks a reported completion: done, or back to the lead unit with a note."""
    from meetings.models import Resolution

    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        require(resolution_refusal(user, resolution, "verify"))
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
        if resolution.case_id:
            _case_event(
                user=user,
                resolution=resolution,
                action="case.meeting_resolution_" + ("done" if accept else "reopened"),
                summary=lazy_summary(
                    _("Joint meeting resolution %(n)s: %(status)s"),
                    n=resolution.number,
                    status=Resolution.Status(resolution.status).label,
                ),
            )
    return resolution


def carry_over(meeting: Meeting, user) -> int:
    """Open resolutions of earlier full meetings go onto a new regular meeting's agenda. Those of
    a meeting of some units or a consultation stay with the units that took part: the other
    members never saw them."""
    from meetings.models import Resolution

    carried = 0
    pending = Resolution.objects.filter(
        meeting__body=meeting.body,
        meeting__kind=Meeting.Kind.FULL,
        status__in=["open", "reported"],
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


def work_report_figures(start, end, *, scope=None) -> dict:
    """The period's figures (dates inclusive) from the statistics (stats.selectors), as the
    joint-meeting office sees them there: across the units, without the 纪委监委 compartment
    (it reports through its own channel). Referrals received and results reported per
    receiving agency, money recovered and fined on the results reported in the period, the
    same figures a year earlier (同比); meetings and resolutions."""
    from agencies.models import Agency
    from meetings.models import Resolution
    from stats.access import office_scope
    from stats.selectors import StatsFilters, breakdown, comparison

    scope = scope or office_scope()
    filters = StatsFilters(date_from=start, date_to=end, dimension="agency")
    by_agency = breakdown(scope, filters)
    index = {column.key: i for i, column in enumerate(by_agency.columns)}
    names = Agency.objects.in_bulk([row.key for row in by_agency.rows])

    def value(row, key):
        return row.cells[index[key]].value

    per_agency = [
        {
            "to_agency__name": names[row.key].name,
            "sent": value(row, "referred"),
            "finished": value(row, "results"),
            "recovered": value(row, "recovered"),
            "fines": value(row, "fines"),
        }
        for row in by_agency.rows
        if value(row, "referred") or value(row, "results")
    ]
    per_agency.sort(key=lambda row: (-row["sent"], row["to_agency__name"]))
    compared = {row.key: row for row in comparison(scope, filters).rows}
    year_ago = {
        key: compared[key].cells[6].value for key in ("registered", "referred", "recovered")
    }
    meetings = Meeting.objects.filter(
        status=Meeting.Status.MINUTES_ISSUED, starts_at__date__range=(start, end)
    )
    resolutions = Resolution.objects.filter(meeting__in=meetings)
    return {
        "per_agency": per_agency,
        "charts": _work_report_charts(scope, filters, by_agency),
        "registered": value(by_agency.total, "registered"),
        "referrals": value(by_agency.total, "referred"),
        "recovered": value(by_agency.total, "recovered"),
        "fines": value(by_agency.total, "fines"),
        "year_ago": year_ago,
        "meetings": meetings.count(),
        "resolutions_done": resolutions.filter(status="done").count(),
        "resolutions_open": resolutions.exclude(status="done").count(),
    }


def _work_report_charts(scope, filters, by_agency) -> list[tuple[str, bytes]]:
    """The statistics page's charts of the period, as SVG (stats.charts): referrals and
    results by agency, the money, and the referral funnel."""
    from stats import charts
    from stats.selectors import funnel

    return [
        (
            "图1　各单位线索登记、移送和办理情况",
            charts.render_svg(charts.build("breakdown", by_agency)),
        ),
        (
            "图2　各单位涉案金额、追回金额和罚款",
            charts.render_svg(charts.build("money", by_agency)),
        ),
        ("图3　移送办理进度", charts.render_svg(charts.build("funnel", funnel(scope, filters)))),
    ]


def work_report_draft(*, user, start, end):
    """The office compiles the period's figures into a 情况通报 draft: an outgoing document of
    the lead agency to every member unit, a joint-meeting paper. Its narrative is edited on the
    draft and previewed, then it goes 送核稿 → 核稿 → 签发 (by the convenor) and is numbered like
    every outgoing document (documents.services). Returns the Dispatch."""
    from documents.services import dispatch_create

    body = joint_body()
    _require_office(user, body)
    if start is None or end is None or end < start:
        raise ValidationError(_("The period must end on or after its first day."))
    if end > timezone.localdate():
        raise ValidationError(_("A work report covers days already past."))
    figures = work_report_figures(start, end)
    content = papers.work_report_content(body, start, end, figures)
    members = [m.agency for m in body.memberships.select_related("agency").order_by("pk")]
    with transaction.atomic():
        dispatch = dispatch_create(
            agency=body.lead_agency,
            user=user,
            joint_meeting=True,
            figures=content.figures,
            data={
                "doc_type": "report",
                "series_code": "通",
                "issuer_name": body.lead_agency.name,
                "title": content.title,
                "recipients_extra": "",
                "cc_extra": "",
                "body": content.body,
                "attachment_titles": "",
                "note": "",
                "printed_by": content.printed_by,
                "sealed": True,
                "to_agencies": members,
                "cc_agencies": [],
            },
        )
        record_event(
            action="meetings.work_report_drafted",
            actor=user,
            obj=body,
            summary=lazy_summary(_("Work report drafted: %(title)s"), title=dispatch.title),
            data={"dispatch": dispatch.pk, "start": start, "end": end},
        )
    return dispatch


def unit_report_draft(*, user, start, end):
    """A member unit's own 情况通报: its figures as the statistics show them to its people (the
    rows it is party to), with the same charts, drafted as an outgoing document of the unit to
    the joint-meeting office; it goes 核稿 and its own leader's 签发 like every document of the
    unit (documents.services). Asks stats.access.unit_report_refusal. Returns the Dispatch."""
    from documents.services import dispatch_create
    from stats.access import stats_scope, unit_report_refusal

    refusal = unit_report_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
    if start is None or end is None or end < start:
        raise ValidationError(_("The period must end on or after its first day."))
    if end > timezone.localdate():
        raise ValidationError(_("A work report covers days already past."))
    agency = user.agency
    figures = work_report_figures(start, end, scope=stats_scope(user))
    content = papers.unit_report_content(agency, start, end, figures)
    body = joint_body()
    if body is None:
        raise ValidationError(
            _("The joint meeting is not set up: there is no office to report to.")
        )
    office = body.lead_agency
    with transaction.atomic():
        dispatch = dispatch_create(
            agency=agency,
            user=user,
            joint_meeting=False,
            figures=content.figures,
            data={
                "doc_type": "report",
                "series_code": "通",
                "issuer_name": agency.name,
                "title": content.title,
                "recipients_extra": "",
                "cc_extra": "",
                "body": content.body,
                "attachment_titles": "",
                "note": "",
                "printed_by": content.printed_by,
                "sealed": True,
                "to_agencies": [office],
                "cc_agencies": [],
            },
        )
        record_event(
            action="meetings.unit_report_drafted",
            actor=user,
            agency=agency,
            obj=dispatch,
            summary=lazy_summary(_("Unit work report drafted: %(title)s"), title=dispatch.title),
            data={"dispatch": dispatch.pk, "start": start, "end": end},
        )
    return dispatch
