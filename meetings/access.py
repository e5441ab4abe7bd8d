"""Who may see a meeting — one place.

A meeting is seen by the units taking part in it (members and invited units), by the
joint-meeting office and by the convenor; anyone else gets 404. The convenor's notes are for
the convenor and the office only. Linked cases show other participants only the summary the
presenting unit chose to share (TopicCase.shared_summary), never the case itself.
"""

from django.db.models import Q
from django.http import Http404

from agencies.access import Ability, can
from documents.access import register_owner
from meetings.models import JointBody, Meeting
from meetings.selectors import joint_body


def sees_all_meetings(user) -> bool:
    body = joint_body()
    if body is None:
        return False
    office = can(user, Ability.RUN_MEETINGS) and user.agency_id == body.lead_agency_id
    return office or can(user, Ability.APPROVE_AGENDA)


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
        visible_meetings(user).select_related("body__lead_agency", "case").filter(pk=pk).first()
    )
    if meeting is None:
        raise Http404
    return meeting


def can_view_meeting(user, meeting: Meeting) -> bool:
    return visible_meetings(user).filter(pk=meeting.pk).exists()


register_owner(Meeting, can_view_meeting)


def can_view_body_document(user, body) -> bool:
    """Work reports go to the leaders and every member unit."""
    return sees_all_meetings(user) or body.memberships.filter(agency_id=user.agency_id).exists()


register_owner(JointBody, can_view_body_document)
