"""Mail to the units of a meeting: one message to the people of those units who hold an
ability (their liaisons, usually). A failed send is logged and reported to the caller, never
raised: mail must not undo a step that is already recorded."""

import logging
import re

from django.core.mail import EmailMessage

from agencies.access import Ability, people_who_can
from documents.content import clean_line

logger = logging.getLogger("xietong.meetings")

LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def mail_people(people, subject: str, body: str, *, attachments=()) -> bool:
    """True when sent (or when nobody has an address); False when the relay refused it.
    `attachments`: (file name, content, MIME type) each."""
    addresses = sorted({p.email for p in people if p.email})
    if not addresses:
        return True
    subject = mail_subject(subject)
    try:
        message = EmailMessage(subject=subject, body=body, to=addresses)
        for attachment in attachments:
            message.attach(*attachment)
        message.send()
    except Exception:  # the relay, a bad address, anything: the step is already recorded
        logger.exception("mail could not be sent: %s", subject)
        return False
    return True


def mail_subject(text: str) -> str:
    """A subject on one line: titles come from users, and a line break in a header is refused
    by Django (BadHeaderError) — or, unchecked, would let them add headers of their own."""
    return " ".join(clean_line(" ".join(LINE_BREAKS.split(str(text)))).split())[:200]


def mail_units(agencies, ability: Ability, subject: str, body: str, *, attachments=()) -> int:
    """Mail the holders of `ability` in each of `agencies`; the number of units reached."""
    agencies = list(agencies)
    people = people_who_can(ability).filter(agency__in=agencies)
    if not mail_people(people, subject, body, attachments=attachments):
        return 0
    return len({p.agency_id for p in people if p.email})
