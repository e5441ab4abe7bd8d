"""Reads of the audit log."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent


def event_list(
    *,
    action: str = "",
    agency_id: int | None = None,
    query: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    events = AuditEvent.objects.all().order_by("-seq")
    if action:
        events = events.filter(action__startswith=f"{action}.")
    if agency_id:
        events = events.filter(agency_id=agency_id)
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
