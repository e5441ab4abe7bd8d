"""The text of notification e-mail: one line of subject, a body that ends with the link.

Pure functions (no database writes). Every body carries the absolute address of the page to
act on, built on settings.XIETONG_SITE_URL; subjects are one line (`mail_subject`).
"""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.content import clean_line

LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
SUBJECT_PREFIX = "【协同平台】"


def mail_subject(text: str) -> str:
    """A subject on one line: titles come from users, and a line break in a header is refused
    by Django (BadHeaderError) — or, unchecked, would let them add headers of their own."""
    return " ".join(clean_line(" ".join(LINE_BREAKS.split(str(text)))).split())[:200]


def absolute(path: str) -> str:
    """The address of a page of this site, for a link in an e-mail."""
    return settings.XIETONG_SITE_URL.rstrip("/") + path


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _footer() -> str:
    centre = absolute(reverse("notifications:index"))
    return _(
        "This message was sent by the Medical Insurance Fund Supervision Collaboration Platform; "
        "please do not reply to it. To change how you are told by e-mail, open the "
        "notification centre: %(url)s"
    ) % {"url": centre}


def notification_mail(*, name: str, title: str, body: str, url: str) -> tuple[str, str]:
    """(subject, body) of the e-mail for one notification."""
    text = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": name},
            body,
            _("Open it on the platform: %(url)s") % {"url": absolute(url)},
            "—\n" + _footer(),
        ]
    )
    # a title that carries its own tag (the meetings' 【会议通知】…) is not tagged twice
    subject = title if title.startswith("【") else SUBJECT_PREFIX + title
    return mail_subject(subject), text + "\n"


def digest_mail(*, name: str, since, notifications) -> tuple[str, str]:
    """(subject, body) of one person's daily digest: each notification with its link."""
    items = []
    for number, notification in enumerate(notifications, start=1):
        items.append(
            f"{number}. {notification.title}（{local_time(notification.created_at)}）\n"
            f"   {absolute(notification.url)}"
        )
    intro = (
        _("Since %(since)s, %(count)s notifications have arrived for you:")
        if since
        else _("%(count)s notifications have arrived for you:")
    ) % {"since": local_time(since) if since else "", "count": len(items)}
    text = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": name},
            intro,
            "\n".join(items),
            _("All your notifications: %(url)s")
            % {"url": absolute(reverse("notifications:index"))},
            "—\n" + _footer(),
        ]
    )
    subject = _("Daily digest: %(count)s notifications") % {"count": len(items)}
    return mail_subject(SUBJECT_PREFIX + subject), text + "\n"
