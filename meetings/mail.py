"""Telling the units of a meeting: the people of those units who hold an ability (their
liaisons, usually) each get a notification linking to the meeting's page, and an e-mail per
their preference (notifications.services.notify). Called inside the step's transaction: the
notifications commit with it, and the e-mail goes out after the commit through the outbox —
a relay that refuses never undoes a step that is already recorded."""

from django.urls import reverse

from agencies.access import Ability, people_who_can
from notifications.mail import mail_subject  # noqa: F401 -- re-exported: subjects on one line
from notifications.services import notify


def meeting_url(meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk])


def mail_people(
    people, subject: str, body: str, *, kind: str, url: str, meeting=None, attachments=()
) -> bool:
    """Tell `people`; True (a failed send no longer concerns the caller: the outbox retries).
    `attachments`: (file name, content, MIME type) each."""
    notify(
        recipients=list(people),
        kind=kind,
        title=subject,
        body=body,
        url=url,
        meeting=meeting,
        attachments=attachments,
    )
    return True


def mail_units(
    agencies,
    ability: Ability,
    subject: str,
    body: str,
    *,
    kind: str,
    meeting,
    url: str | None = None,
    attachments=(),
) -> int:
    """Tell the holders of `ability` in each of `agencies` (default link: the meeting's page);
    the number of units reached."""
    agencies = list(agencies)
    people = list(people_who_can(ability).filter(agency__in=agencies))
    mail_people(
        people,
        subject,
        body,
        kind=kind,
        url=url or meeting_url(meeting),
        meeting=meeting,
        attachments=attachments,
    )
    return len({p.agency_id for p in people})
