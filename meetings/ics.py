"""Calendar invitations (.ics, RFC 5545) for meetings.

One meeting keeps one UID for its whole life; every change of time, place or form bumps
SEQUENCE so calendar programs replace the earlier invitation, and a cancelled meeting is sent
with METHOD:CANCEL. Times carry the Asia/Shanghai time zone with its VTIMEZONE.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRODID = "-//Xietong//医保基金监管协同平台//ZH"


def meeting_uid(meeting) -> str:
    return f"{meeting.uid}@xietong"


def meeting_ics(meeting, *, cancel: bool = False) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    start = timezone.localtime(meeting.starts_at, SHANGHAI)
    end = timezone.localtime(meeting.ends_at or meeting.starts_at + timedelta(hours=2), SHANGHAI)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", meeting.title)
    location = meeting.place
    if meeting.form:
        location = f"{meeting.place}（{meeting.get_form_display()}）" if meeting.place else ""
    if location:
        event.add("location", location)
    event.add("description", f"{meeting.body.name} · {meeting.get_kind_display()}")
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText(f"{meeting.body.name}办公室")
    event.add("organizer", organizer)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
