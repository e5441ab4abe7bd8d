"""Reads of the joint-meeting body and its meetings."""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import JointBody


def joint_body() -> JointBody | None:
    """The joint-meeting body (one per deployment: the provincial 联席会议)."""
    return JointBody.objects.select_related("lead_agency", "convenor").order_by("pk").first()


def documents_of(model, pks):
    """The official documents issued for these owners (meetings, participants, the body)."""
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IssuedDocument

    return (
        IssuedDocument.objects.filter(
            owner_type=ContentType.objects.get_for_model(model),
            owner_id__in=[str(p) for p in pks],
        )
        .select_related("replaced_by")
        .order_by("issued_at", "pk")
    )


def current_document(owner, doc_type: str):
    """The owner's document of this type in force: the latest, not replaced by a correction."""
    return (
        documents_of(type(owner), [owner.pk])
        .filter(doc_type=doc_type, replaced_by__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


@dataclass
class Todo:
    """One thing a person is expected to do in the joint meetings."""

    what: str
    title: str
    url: str
    due: datetime | date | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, datetime)

    @property
    def overdue(self) -> bool:
        if self.due is None:
            return False
        if isinstance(self.due, datetime):
            return self.due < timezone.now()
        return self.due < timezone.localdate()


def meeting_todos(user) -> list[Todo]:
    """What is waiting for this person, in every meeting they may see: answering a call for
    topics, revising a returned topic, replying to a notice, commenting on draft minutes,
    reporting on a resolution its unit leads; for the office, screening, agendas, attendance,
    minutes, completions to check and personnel changes to record; for the convenor, agendas
    and minutes to approve. A fixed number of queries, whatever the number of meetings."""
    from agencies.access import Ability, can
    from meetings.access import is_office, may_revise_topic, may_take_step, resolution_actions
    from meetings.models import (
        Meeting,
        MinutesComment,
        Participant,
        PersonnelChange,
        Resolution,
        Topic,
    )

    body = joint_body()
    agency_id = getattr(user, "agency_id", None)
    if body is None or agency_id is None:
        return []
    todos: list[Todo] = []

    def meeting_url(pk, name="meeting"):
        return reverse(f"meetings:{name}", args=[pk])

    def may(meeting, step, seat=None) -> bool:
        # the queries below find the candidates; the step's one rule (meetings.access) decides
        return may_take_step(user, meeting, step, seat, seat_known=True)

    seats = Participant.objects.filter(agency_id=agency_id).select_related("meeting__body")
    if can(user, Ability.SUBMIT_TOPIC):
        now = timezone.now()
        for seat in seats.filter(
            meeting__status=Meeting.Status.COLLECTING,
            meeting__topics_due__gt=now,
            topics=Participant.Topics.PENDING,
            items_only=False,
        ):
            if not may(seat.meeting, "submit_topic", seat):
                continue
            todos.append(
                Todo(
                    _("Submit topics, or answer that there are none"),
                    seat.meeting.title,
                    meeting_url(seat.meeting_id),
                    seat.meeting.topics_due,
                )
            )
        for topic in Topic.objects.filter(
            agency_id=agency_id,
            status=Topic.Status.RETURNED,
            meeting__status=Meeting.Status.COLLECTING,
        ).select_related("meeting__body"):
            if not may_revise_topic(user, topic, topic.meeting):
                continue
            todos.append(
                Todo(
                    _("Revise the returned topic"),
                    topic.title,
                    reverse("meetings:topic_edit", args=[topic.meeting_id, topic.pk]),
                    topic.meeting.topics_due,
                )
            )
        commented = MinutesComment.objects.filter(agency_id=agency_id).values("meeting_id")
        for seat in seats.filter(
            meeting__status=Meeting.Status.MINUTES_COMMENTS, items_only=False
        ).exclude(meeting__in=commented):
            if not may(seat.meeting, "comment_minutes", seat):
                continue
            todos.append(
                Todo(
                    _("Comment on the draft minutes"),
                    seat.meeting.title,
                    meeting_url(seat.meeting_id, "comments"),
                    seat.meeting.comments_due,
                )
            )
    if can(user, Ability.RSVP_MEETING):
        for seat in seats.filter(
            meeting__status=Meeting.Status.NOTIFIED,
            meeting__rsvp_due__gt=timezone.now(),
            reply=Participant.Reply.PENDING,
        ):
            if not may(seat.meeting, "reply", seat):
                continue
            todos.append(
                Todo(
                    _("Reply to the meeting notice"),
                    seat.meeting.title,
                    meeting_url(seat.meeting_id, "rsvp"),
                    seat.meeting.rsvp_due,
                )
            )
    if can(user, Ability.REPORT_RESOLUTION):
        for resolution in Resolution.objects.filter(
            lead_agency_id=agency_id, status=Resolution.Status.OPEN
        ).select_related("meeting"):
            if "report" not in resolution_actions(user, resolution):
                continue
            todos.append(
                Todo(
                    _("Report on the resolution your unit leads"),
                    f"{resolution.meeting.title} · {resolution.number}. {resolution.text[:60]}",
                    reverse("meetings:resolution", args=[resolution.pk]),
                    resolution.due_on,
                )
            )
    if is_office(user, body):
        todos += _office_todos(user, body, meeting_url, may)
    if can(user, Ability.APPROVE_AGENDA):
        for meeting in Meeting.objects.filter(body=body, status=Meeting.Status.AGENDA_APPROVAL):
            meeting.body = body
            if not may(meeting, "approve_agenda"):
                continue
            todos.append(
                Todo(_("Approve the agenda"), meeting.title, meeting_url(meeting.pk, "approve"))
            )
    if can(user, Ability.APPROVE_MINUTES):
        for meeting in Meeting.objects.filter(body=body, status=Meeting.Status.MINUTES_APPROVAL):
            meeting.body = body
            if not may(meeting, "approve_minutes"):
                continue
            todos.append(
                Todo(
                    _("Approve the minutes"),
                    meeting.title,
                    meeting_url(meeting.pk, "minutes_approve"),
                )
            )
    if can(user, Ability.RECORD_PERSONNEL_CHANGE) and agency_id == body.lead_agency_id:
        for change in PersonnelChange.objects.filter(
            membership__body=body, status=PersonnelChange.Status.PROPOSED
        ).select_related("membership__agency"):
            todos.append(
                Todo(
                    _("Record a personnel change (备案)"),
                    f"{change.membership.agency.name} · {change.get_position_display()}",
                    reverse("meetings:change", args=[change.pk]),
                )
            )
    return sorted(todos, key=_due_key)


def _due_key(todo: Todo):
    if todo.due is None:
        return (1, "")
    moment = todo.due
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    return (0, moment.isoformat())


def _office_todos(user, body, meeting_url, may) -> list[Todo]:
    from django.db.models import Count, Q

    from meetings.access import resolution_actions
    from meetings.models import Meeting, Resolution, Topic

    todos = []
    now = timezone.now()
    meetings = Meeting.objects.filter(body=body).annotate(
        to_screen=Count("topics", filter=Q(topics__status=Topic.Status.SUBMITTED))
    )
    for meeting in meetings.exclude(
        status__in=[Meeting.Status.MINUTES_ISSUED, Meeting.Status.CANCELLED]
    ):
        status = meeting.status
        meeting.body = body
        if meeting.to_screen and may(meeting, "screen"):
            todos.append(
                Todo(_("Screen the submitted topics"), meeting.title, meeting_url(meeting.pk))
            )
        if (
            status == Meeting.Status.AGENDA
            or (status == Meeting.Status.COLLECTING and meeting.topics_due <= now)
        ) and may(meeting, "screen"):  # drafting the agenda is screening and ordering
            todos.append(
                Todo(
                    _("Draft the agenda and send it to the convenor"),
                    meeting.title,
                    meeting_url(meeting.pk),
                )
            )
        if status == Meeting.Status.NOTIFIED and may(meeting, "attendance"):
            todos.append(
                Todo(
                    _("Record attendance"),
                    meeting.title,
                    meeting_url(meeting.pk, "attendance"),
                    meeting.starts_at,
                )
            )
        if (
            status == Meeting.Status.HELD
            or (status == Meeting.Status.MINUTES_COMMENTS and meeting.comments_due <= now)
        ) and may(meeting, "draft_minutes"):
            todos.append(
                Todo(_("Draft the minutes"), meeting.title, meeting_url(meeting.pk, "minutes"))
            )
    for resolution in Resolution.objects.filter(
        meeting__body=body, status=Resolution.Status.REPORTED
    ).select_related("meeting__body", "lead_agency"):
        if "verify" not in resolution_actions(user, resolution):
            continue
        todos.append(
            Todo(
                _("Check a reported completion"),
                f"{resolution.lead_agency.short_name} · {resolution.number}. "
                f"{resolution.text[:60]}",
                reverse("meetings:resolution", args=[resolution.pk]),
            )
        )
    return todos


def case_followups(user, case) -> dict:
    """What the joint meetings did about a case, for its case page (whoever may see the case):
    the resolutions that follow it up and the consultations about it. Links go only where the
    person may follow them."""
    from meetings.access import visible_meetings, visible_resolutions
    from meetings.models import Meeting, Resolution

    resolutions = list(
        Resolution.objects.filter(case=case)
        .exclude(status=Resolution.Status.DRAFT)
        .select_related("meeting", "lead_agency")
        .order_by("due_on", "pk")
    )
    readable = set(visible_resolutions(user).filter(case=case).values_list("pk", flat=True))
    for resolution in resolutions:
        resolution.readable = resolution.pk in readable
    meetings = list(
        visible_meetings(user).filter(case=case).exclude(status=Meeting.Status.CANCELLED)
    )
    return {"resolutions": resolutions, "meetings": meetings}
