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

from django.db.models import Q
from django.http import Http404

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
    record_read(
        user,
        family="meetings",
        what=f"{item.meeting.title} · {item.original_name}",
        obj=item.meeting,
        data={"file": item.pk, "sha256": item.sha256},
    )
    return item
