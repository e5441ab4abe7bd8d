"""Mail to the units of a meeting: one message to the people of those units who hold an
ability (their liaisons, usually). A failed send is logged and reported to the caller, never
raised: mail must not undo a step that is already recorded."""

import logging

from django.core.mail import EmailMessage

from agencies.access import Ability, people_who_can

logger = logging.getLogger("xietong.meetings")


def mail_people(people, subject: str, body: str, *, attachments=()) -> bool:
    """True when sent (or when nobody has an address); False when the relay refused it.
    `attachments`: (file name, content, MIME type) each."""
    addresses = sorted({p.email for p in people if p.email})
    if not addresses:
        return True
    message = EmailMessage(subject=subject, body=body, to=addresses)
    for attachment in attachments:
        message.attach(*attachment)
    try:
        message.send()
    except OSError:
        logger.exception("mail could not be sent: %s", subject)
        return False
    return True


def mail_units(agencies, ability: Ability, subject: str, body: str, *, attachments=()) -> int:
    """Mail the holders of `ability` in each of `agencies`; the number of units reached."""
    agencies = list(agencies)
    people = people_who_can(ability).filter(agency__in=agencies)
    if not mail_people(people, subject, body, attachments=attachments):
        return 0
    return len({p.agency_id for p in people if p.email})
