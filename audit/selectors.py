"""Reads of the audit log."""

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent

SIGN_IN_FAMILY = "auth"


def case_events_q(case) -> Q:
    """The events of one case: those about the case itself, the documents issued for it or its
    referrals, the events elsewhere that name one of its referrals, and the joint-meeting
    events about the topics it was brought to (or the consultation opened on it)."""
    from cases.models import Referral
    from documents.models import IssuedDocument
    from meetings.models import TopicCase

    referral_ids = list(Referral.objects.filter(case=case).values_list("pk", flat=True))
    owners = Q(owner_type=ContentType.objects.get_for_model(type(case)), owner_id=case.pk)
    if referral_ids:
        owners |= Q(
            owner_type=ContentType.objects.get_for_model(Referral), owner_id__in=referral_ids
        )
    document_ids = [
        str(pk) for pk in IssuedDocument.objects.filter(owners).values_list("pk", flat=True)
    ]
    topic_ids = list(TopicCase.objects.filter(case=case).values_list("topic_id", flat=True))
    q = Q(object_type="cases.case", object_id=str(case.pk)) | Q(
        object_type="meetings.meeting", data__case=case.pk
    )
    if document_ids:
        q |= Q(object_type="documents.issueddocument", object_id__in=document_ids)
    if referral_ids:
        q |= Q(data__referral__in=referral_ids)
    if topic_ids:
        q |= Q(object_type="meetings.meeting", data__topic__in=topic_ids)
    return q


def event_list(
    *,
    action: str = "",
    agency_id: int | None = None,
    actor_id: int | None = None,
    case=None,
    hide_signin: bool = False,
    query: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    events = AuditEvent.objects.all().order_by("-seq")
    if action:
        events = events.filter(action__startswith=f"{action}.")
    if hide_signin:
        events = events.exclude(action__startswith=f"{SIGN_IN_FAMILY}.")
    if agency_id:
        events = events.filter(agency_id=agency_id)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if case is not None:
        events = events.filter(case_events_q(case))
    if query:
        events = events.filter(
            Q(summary__icontains=query)
            | Q(actor_name__icontains=query)
            | Q(object_repr__icontains=query)
            | Q(object_id=query)
        )
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(time__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(
            time__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    return events
