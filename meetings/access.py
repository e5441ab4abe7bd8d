"""Who may see what of the joint meetings — one place.

* A meeting is seen by the units taking part in it, by the joint-meeting office and by the
  convenor; anyone else gets 404 for every URL of it.
* The auditor (READ_ALL_CASES) reads every meeting, its papers, files and resolutions as the
  office does — meetings follow cases and resolutions follow them up, so they are case
  material — read-only and never as a member of its own unit; every read is logged
  (audit.services.record_read). The convenor's notes stay with the convenor and the office.
* A unit invited for some agenda items only (列席, `Participant.items_only`) sees the meeting's
  time and place and those items — not the rest of the agenda, not the notice or the minutes
  (it has its own invitation letter), and only the resolutions of its items.
* A unit sees the agenda and its own topics in every state; other units' topics only once the
  office has put them on the agenda.
* The convenor's notes are for the convenor and the office only.
* Linked cases show other participants only the summary the presenting unit chose to share
  (TopicCase.shared_summary), never the case itself: case isolation (cases.access) holds.
* A resolution is seen by the office and the convenor, its lead and cooperating units, and the
  units that took part in its meeting (for an items-only unit: the resolutions of its items).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, can
from audit.services import record_read
from documents.access import register_owner
from meetings.models import JointBody, Meeting, MeetingFile, Participant, Resolution, Topic
from meetings.selectors import joint_body


def is_office(user, body=None) -> bool:
    """The joint-meeting office: RUN_MEETINGS in the body's lead agency."""
    body = body or joint_body()
    return bool(
        body
        and can(user, Ability.RUN_MEETINGS)
        and getattr(user, "agency_id", None)
        and user.agency_id == body.lead_agency_id
    )


def sees_all_meetings(user, body=None) -> bool:
    """The office, the convenor and the auditor see every meeting of the body."""
    return (
        is_office(user, body)
        or can(user, Ability.APPROVE_AGENDA)
        or can(user, Ability.READ_ALL_CASES)
    )


def visible_meetings_q(user) -> Q:
    if sees_all_meetings(user):
        return Q()
    if getattr(user, "agency_id", None) is None:
        return Q(pk__in=[])
    return Q(participants__agency_id=user.agency_id)


def visible_meetings(user):
    ids = Meeting.objects.filter(visible_meetings_q(user)).values("pk")
    return Meeting.objects.filter(pk__in=ids)


def access_meeting(user, pk: int) -> Meeting:
    meeting = (
        visible_meetings(user)
        .select_related("body__lead_agency", "body__convenor", "case", "chair")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    record_read(user, family="meetings", what=meeting.title, obj=meeting)
    return meeting


def seat_of(user, meeting: Meeting) -> Participant | None:
    """The user's unit's seat at the meeting; an auditor holds none (it acts for no unit)."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None or can(user, Ability.READ_ALL_CASES):
        return None
    return meeting.participants.filter(agency_id=agency_id).first()


def visible_topics(user, meeting: Meeting, seat: Participant | None = None):
    topics = meeting.topics.all()
    if sees_all_meetings(user, meeting.body):
        return topics
    seat = seat if seat is not None else seat_of(user, meeting)
    if seat is None:
        return topics.none()
    accepted = Q(status=Topic.Status.ACCEPTED)
    if seat.items_only:
        return topics.filter(accepted, invited=seat.agency_id)
    return topics.filter(accepted | Q(agency_id=seat.agency_id))


def can_view_meeting_papers(user, meeting: Meeting) -> bool:
    """The notice and the minutes: whoever takes part in the whole meeting."""
    if sees_all_meetings(user, meeting.body):
        return True
    seat = seat_of(user, meeting)
    return seat is not None and not seat.items_only


register_owner(Meeting, can_view_meeting_papers)


def can_view_invitation(user, participant: Participant) -> bool:
    """An invitation letter (列席邀请函): the invited unit, the office and the convenor."""
    return participant.agency_id == getattr(user, "agency_id", None) or sees_all_meetings(
        user, participant.meeting.body
    )


register_owner(Participant, can_view_invitation)


def can_view_body_document(user, body) -> bool:
    """Work reports go to the leaders and every member unit."""
    return (
        sees_all_meetings(user, body)
        or body.memberships.filter(agency_id=getattr(user, "agency_id", None)).exists()
    )


register_owner(JointBody, can_view_body_document)


def visible_resolutions_q(user) -> Q:
    if sees_all_meetings(user):
        return Q()
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return Q(pk__in=[])
    whole_meeting = Meeting.objects.filter(
        participants__agency_id=agency_id, participants__items_only=False
    ).values("pk")
    return (
        Q(lead_agency_id=agency_id)
        | Q(cooperating=agency_id)
        | Q(meeting__in=whole_meeting)
        | Q(topic__invited=agency_id)
    )


def visible_resolutions(user):
    ids = (
        Resolution.objects.exclude(status=Resolution.Status.DRAFT)
        .filter(visible_resolutions_q(user))
        .values("pk")
    )
    return Resolution.objects.filter(pk__in=ids)


def access_resolution(user, pk: int) -> Resolution:
    resolution = (
        visible_resolutions(user)
        .select_related("meeting__body", "lead_agency", "case", "topic")
        .filter(pk=pk)
        .first()
    )
    if resolution is None:
        raise Http404
    record_read(
        user,
        family="meetings",
        what=f"{resolution.meeting.title} · {resolution.number}",
        obj=resolution,
        data={"meeting": resolution.meeting_id},
    )
    return resolution


def access_meeting_file(user, pk: int) -> MeetingFile:
    """A topic's material: whoever sees the topic; a report's evidence: whoever sees the
    resolution. Anything else is 404."""
    item = MeetingFile.objects.select_related("meeting__body", "topic", "report").filter(pk=pk)
    item = item.first()
    if item is None:
        raise Http404
    if item.topic_id is not None:
        if not visible_topics(user, item.meeting).filter(pk=item.topic_id).exists():
            raise Http404
    elif item.report_id is not None:
        if not visible_resolutions(user).filter(pk=item.report.resolution_id).exists():
            raise Http404
    else:
        raise Http404
    return item  # the download view logs it for everyone (audit.services.record_download)


# -- what a user may do in a meeting now: one rule per step --------------------------------
#
# Each step of a round is a `Step`: who may ever take it in this meeting (a role, a seat) and
# when (the meeting's state). Services enforce them (`require_step`: PermissionDenied for the
# wrong person, a ValidationError naming why for the wrong moment), views and the meeting
# page ask `meeting_actions`, and the to-do lists (meetings.selectors.meeting_todos) ask the
# same: no button or to-do for a step its user could not complete.


class StepContext:
    """What the rules read about one user and one (freshly read) meeting."""

    def __init__(self, user, meeting, seat=None, *, now=None, seat_known=False):
        self.user = user
        self.meeting = meeting
        self.status = meeting.status
        self.now = now or timezone.now()
        self.office = is_office(user, meeting.body)
        self.seat = seat if seat_known else seat_of(user, meeting)
        self.whole_seat = self.seat is not None and not self.seat.items_only

    def can(self, ability) -> bool:
        return can(self.user, ability)

    @cached_property
    def has_agenda(self) -> bool:
        """At least one topic is on the agenda (read only when a rule asks)."""
        return self.meeting.topics.filter(status=Topic.Status.ACCEPTED).exists()

    @property
    def member_liaison(self) -> bool:
        """A unit taking part in the whole meeting, through the person who submits its topics."""
        return self.whole_seat and self.can(Ability.SUBMIT_TOPIC)


@dataclass(frozen=True)
class Step:
    who: Callable[[StepContext], bool]
    when: Callable[[StepContext], bool]
    not_now: object  # said to its people when it is not the moment: a message, or a function
    # of the context giving one (a deadline that passed names the deadline)

    def why_not_now(self, context) -> str:
        return str(self.not_now(context) if callable(self.not_now) else self.not_now)


S = Meeting.Status


def _topics_open(c: StepContext) -> bool:
    due = c.meeting.topics_due
    return c.status == S.COLLECTING and not (due and c.now > due)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _past(due, late_message, default):
    """A step's not-now message: the deadline that passed if it did, else the default."""

    def message(c: StepContext):
        if due(c) and c.now > due(c):
            return late_message % {"due": _local(due(c))}
        return default

    return message


_TOPICS_CLOSED = _past(
    lambda c: c.status == S.COLLECTING and c.meeting.topics_due,
    _("The call for topics closed on %(due)s."),
    _("This meeting is not collecting topics."),
)


STEPS: dict[str, Step] = {
    "submit_topic": Step(
        who=lambda c: c.office or c.member_liaison,
        when=lambda c: (
            (c.member_liaison and _topics_open(c)) or (c.office and c.status == S.AGENDA)
        ),
        not_now=_TOPICS_CLOSED,
    ),
    "no_topics": Step(
        who=lambda c: c.member_liaison,
        when=lambda c: _topics_open(c) and c.seat.topics == Participant.Topics.PENDING,
        not_now=lambda c: (
            _("Your unit has already submitted topics.")
            if c.seat.topics == Participant.Topics.SUBMITTED
            else _TOPICS_CLOSED(c)
        ),
    ),
    "screen": Step(
        who=lambda c: c.office,
        when=lambda c: c.status in (S.COLLECTING, S.AGENDA),
        not_now=_("The agenda of this meeting is no longer being drafted."),
    ),
    "submit_agenda": Step(
        who=lambda c: c.office,
        when=lambda c: c.status in (S.COLLECTING, S.AGENDA) and c.has_agenda,
        not_now=lambda c: (
            _("Put at least one topic on the agenda.")
            if c.status in (S.COLLECTING, S.AGENDA)
            else _("The agenda of this meeting is no longer being drafted.")
        ),
    ),
    "approve_agenda": Step(
        who=lambda c: c.can(Ability.APPROVE_AGENDA),
        when=lambda c: c.status == S.AGENDA_APPROVAL,
        not_now=_("This agenda is not awaiting approval."),
    ),
    "reply": Step(
        who=lambda c: c.seat is not None and c.can(Ability.RSVP_MEETING),
        when=lambda c: (
            c.status == S.NOTIFIED and not (c.meeting.rsvp_due and c.now > c.meeting.rsvp_due)
        ),
        not_now=_past(
            lambda c: c.status == S.NOTIFIED and c.meeting.rsvp_due,
            _("Replies were due by %(due)s; call the office."),
            _("This meeting is not collecting replies."),
        ),
    ),
    "reschedule": Step(
        who=lambda c: c.office,
        # also after its hour has passed: a meeting that did not take place is moved
        when=lambda c: c.status == S.NOTIFIED,
        not_now=_("Only a notified meeting that has not been held can be moved."),
    ),
    "attendance": Step(
        who=lambda c: c.office,
        when=lambda c: c.status in (S.NOTIFIED, S.HELD) and c.meeting.starts_at <= c.now,
        not_now=lambda c: (
            _("The meeting has not started yet.")
            if c.status in (S.NOTIFIED, S.HELD)
            else _("Attendance is recorded for a notified meeting.")
        ),
    ),
    "draft_minutes": Step(
        who=lambda c: c.office,
        when=lambda c: c.status in (S.HELD, S.MINUTES_COMMENTS),
        not_now=_("Minutes are drafted after the meeting is held."),
    ),
    "send_for_comments": Step(
        who=lambda c: c.office,
        when=lambda c: c.status == S.HELD and bool(c.meeting.minutes_text),
        not_now=_("Draft the minutes first."),
    ),
    "submit_minutes": Step(
        who=lambda c: c.office,
        when=lambda c: c.status in (S.HELD, S.MINUTES_COMMENTS) and bool(c.meeting.minutes_text),
        not_now=_("Draft the minutes first."),
    ),
    "comment_minutes": Step(
        who=lambda c: c.member_liaison and not c.office,
        when=lambda c: (
            c.status == S.MINUTES_COMMENTS
            and not (c.meeting.comments_due and c.now > c.meeting.comments_due)
        ),
        not_now=_past(
            lambda c: c.status == S.MINUTES_COMMENTS and c.meeting.comments_due,
            _("Comments were due by %(due)s."),
            _("The minutes are not out for comments."),
        ),
    ),
    "approve_minutes": Step(
        who=lambda c: c.can(Ability.APPROVE_MINUTES),
        when=lambda c: c.status == S.MINUTES_APPROVAL,
        not_now=_("These minutes are not awaiting approval."),
    ),
    "cancel": Step(
        who=lambda c: c.office,
        when=lambda c: c.status not in (S.MINUTES_ISSUED, S.CANCELLED),
        not_now=_("This meeting can no longer be cancelled."),
    ),
}


def _no_auditor(user) -> bool:
    return not can(user, Ability.READ_ALL_CASES)


def meeting_actions(user, meeting: Meeting, seat=None, *, seat_known=False, now=None) -> frozenset:
    """The steps of `meeting` that `user` may take now (names of STEPS)."""
    if not _no_auditor(user):
        return frozenset()
    context = StepContext(user, meeting, seat, now=now, seat_known=seat_known)
    return frozenset(
        name for name, step in STEPS.items() if step.who(context) and step.when(context)
    )


def may_take_step(user, meeting: Meeting, name: str, seat=None, *, seat_known=False) -> bool:
    """One step of meeting_actions (the to-do lists ask one step per meeting: only its rule
    is read)."""
    if not _no_auditor(user):
        return False
    context = StepContext(user, meeting, seat, seat_known=seat_known)
    step = STEPS[name]
    return step.who(context) and step.when(context)


def step_refusal(user, meeting: Meeting, name: str, *, now=None) -> tuple[bool, str | None]:
    """(is it theirs at all, why not now) for one step: (True, None) when they may take it."""
    step = STEPS[name]
    context = StepContext(user, meeting, now=now)
    if not _no_auditor(user) or not step.who(context):
        return False, None
    if not step.when(context):
        return True, step.why_not_now(context)
    return True, None


def require_step(user, meeting: Meeting, name: str) -> None:
    """For services, after locking the meeting row: the wrong person is PermissionDenied (a 404
    for the page), the wrong moment a ValidationError saying why."""
    require(step_refusal(user, meeting, name))


def topic_revision_refusal(user, topic: Topic, meeting: Meeting) -> tuple[bool, str | None]:
    """(is it theirs, why not now): the presenting unit's liaison revises its topic while the
    call is open — before the office screened it, or after the office returned it."""
    if (
        not _no_auditor(user)
        or topic.agency_id != getattr(user, "agency_id", None)
        or not can(user, Ability.SUBMIT_TOPIC)
    ):
        return False, None
    if topic.status not in (Topic.Status.SUBMITTED, Topic.Status.RETURNED):
        return True, str(_("Only a topic not yet screened, or returned, can be revised."))
    context = StepContext(user, meeting, None, seat_known=True)
    if not _topics_open(context):
        return True, str(_TOPICS_CLOSED(context))
    return True, None


def may_revise_topic(user, topic: Topic, meeting: Meeting) -> bool:
    return topic_revision_refusal(user, topic, meeting) == (True, None)


def resolution_refusal(user, resolution: Resolution, action: str) -> tuple[bool, str | None]:
    """(is it theirs, why not now) for "report" (the lead unit, while the resolution is open)
    or "verify" (the office, when a completion was reported)."""
    if not _no_auditor(user):
        return False, None
    if action == "report":
        if resolution.lead_agency_id != getattr(user, "agency_id", None) or not can(
            user, Ability.REPORT_RESOLUTION
        ):
            return False, None
        if resolution.status != Resolution.Status.OPEN:
            return True, str(_("This resolution is not open for reports."))
        return True, None
    if not is_office(user, resolution.meeting.body):
        return False, None
    if resolution.status != Resolution.Status.REPORTED:
        return True, str(_("No completion is awaiting your check."))
    return True, None


def require(refusal: tuple[bool, str | None]) -> None:
    """Raise for a refusal: PermissionDenied when it is not theirs, ValidationError saying why
    when it is not the moment."""
    theirs, why_not = refusal
    if not theirs:
        raise PermissionDenied
    if why_not:
        raise ValidationError(why_not)


def resolution_actions(user, resolution: Resolution) -> frozenset:
    """What the user may do on a resolution now ("report", "verify")."""
    return frozenset(
        action
        for action in ("report", "verify")
        if resolution_refusal(user, resolution, action) == (True, None)
    )
