"""Telling people that work has arrived: the only writers of notifications, preferences and the
mail outbox.

`notify` runs inside the caller's transaction (the step that gave someone work): the in-app
notifications and the e-mail rows commit or roll back with the step. The e-mail itself is sent
after the commit (`transaction.on_commit`) and never inside the step, so a mail relay that is
slow, down or refusing can neither block nor undo it; what could not be sent stays in the
outbox, and `manage.py send_mail` (cron, every minute) retries it with growing delays, builds
the 08:30 digests and logs every failure.

Several hosts may send at once: a sender claims its rows in a short transaction (on
PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so two senders take different rows; on SQLite
the IMMEDIATE transaction serializes the claims) and marks them as being sent before it talks
to the relay; no lock is held while it does. A row is never sent twice — unless a sender dies
between the relay accepting a message and recording it, when the claim lapses after
CLAIM_LEASE and the row is sent again: we prefer a rare duplicate to a lost notice.
"""

import logging
from datetime import datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.services import lazy_summary, record_event
from notifications import mail
from notifications.models import MailAttachment, MailPreference, Notification, OutgoingMail

logger = logging.getLogger("xietong.notifications")

DIGEST_AT = time(8, 30)  # Asia/Shanghai, the settings' TIME_ZONE
# after a failed attempt n (1, 2, …) the row waits RETRY_DELAYS[n-1]; after the last it is
# given up (about a day of trying) and logged as an error
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
CLAIM_LEASE = timedelta(minutes=10)  # far longer than one message takes (EMAIL_TIMEOUT 20 s)
BATCH = 50
KEEP_SENT = timedelta(days=90)


# -- notifying -----------------------------------------------------------------------------


def notify(
    *,
    recipients,
    kind: str,
    title: str,
    body: str,
    url: str,
    case=None,
    case_task=None,
    meeting=None,
    attachments=(),
) -> list[Notification]:
    """Tell `recipients` (people) that something needs them: one notification each, and an
    e-mail per their preference — at once (the default), in tomorrow's 08:30 digest, or none.

    Atomic, inside the caller's transaction; it locks nothing (it only inserts: the
    notifications and their history, the outbox rows and the attachments). Immediate e-mail
    is sent after the commit; a failure stays in the outbox for `send_mail`. Inactive people
    and duplicates are left out. `attachments`: (file name, content, MIME type) each, sent with
    the immediate e-mail only (a digest links to the page, where the files are).
    """
    people = {p.pk: p for p in recipients if p.is_active}
    if not people:
        return []
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        title, body = mail.mail_subject(str(title)), str(body).strip()
    with transaction.atomic():
        modes = dict(
            MailPreference.objects.filter(user_id__in=people).values_list("user_id", "mode")
        )

        def mode(person):
            return modes.get(person.pk, MailPreference.Mode.IMMEDIATE) if person.email else None

        notifications = bulk_create_with_history(
            [
                Notification(
                    recipient=person,
                    kind=kind,
                    title=title,
                    body=body,
                    url=url,
                    case=case,
                    case_task=case_task,
                    meeting=meeting,
                    created_at=now,
                    for_digest=mode(person) == MailPreference.Mode.DIGEST,
                )
                for person in people.values()
            ],
            Notification,
            default_date=now,
        )
        at_once = [
            n
            for n in notifications
            if mode(people[n.recipient_id]) == MailPreference.Mode.IMMEDIATE
        ]
        if not at_once:
            return notifications
        rows = []
        with translation.override(settings.LANGUAGE_CODE):
            for notification in at_once:
                person = people[notification.recipient_id]
                subject, text = mail.notification_mail(
                    name=person.get_full_name() or person.username, title=title, body=body, url=url
                )
                rows.append(
                    OutgoingMail(
                        recipient=person,
                        to=person.email,
                        subject=subject,
                        body=text,
                        notification=notification,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        rows = OutgoingMail.objects.bulk_create(rows)
        if attachments:
            files = [
                MailAttachment.objects.create(
                    name=name,
                    content=content.encode() if isinstance(content, str) else bytes(content),
                    mimetype=mimetype,
                    created_at=now,
                )
                for name, content, mimetype in attachments
            ]
            links = OutgoingMail.attachments.through
            links.objects.bulk_create(
                [links(outgoingmail=row, mailattachment=f) for row in rows for f in files]
            )
        transaction.on_commit(partial(outbox_send, ids=[r.pk for r in rows]), robust=True)
    return notifications


# -- reading -------------------------------------------------------------------------------


def notification_open(*, user, notification: Notification) -> Notification:
    """Mark one of my notifications read (it was followed). Locks that row, so two clicks
    write one event; already read: nothing changes."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(
            pk=notification.pk, recipient=user
        )
        if notification.read_at is not None:
            return notification
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        record_event(
            action="notifications.read",
            actor=user,
            obj=notification,
            summary=lazy_summary(_("Read the notification “%(title)s”"), title=notification.title),
            data={"notifications": [notification.pk]},
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all my unread notifications read; returns how many. Locks those rows, so the
    event names exactly the ones this call marked (none marked, no event)."""
    with transaction.atomic():
        unread = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, read_at__isnull=True)
            .order_by("pk")
        )
        if not unread:
            return 0
        _mark_read(unread)
        record_event(
            action="notifications.read",
            actor=user,
            obj=user,
            summary=lazy_summary(_("Marked %(count)s notifications read"), count=len(unread)),
            data={"notifications": [n.pk for n in unread]},
        )
    return len(unread)


def mail_preference_set(*, user, mode: str) -> MailPreference:
    """Choose how I am told by e-mail. Locks my preference row; unchanged: no event."""
    if mode not in MailPreference.Mode.values:
        raise ValueError(mode)
    with transaction.atomic():
        preference, created = MailPreference.objects.select_for_update().get_or_create(user=user)
        if preference.mode == mode and not created:
            return preference
        before = preference.mode
        preference.mode = mode
        preference.save()
        record_event(
            action="notifications.preference_changed",
            actor=user,
            obj=user,
            summary=lazy_summary(
                _("E-mail for notifications: %(mode)s"), mode=MailPreference.Mode(mode).label
            ),
            data={"from": before, "to": mode},
        )
    return preference


# -- sending -------------------------------------------------------------------------------


def _due(now):
    return Q(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutgoingMail.Status.SENDING, next_attempt_at__lte=now
    )


def _claim(*, now, ids=None, limit=BATCH) -> list[OutgoingMail]:
    """Take up to `limit` due rows for this sender: locked, skipping rows another sender holds,
    and marked as being sent (with a lease) before the transaction ends."""
    with transaction.atomic():
        rows = OutgoingMail.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        claimed = list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not claimed:
            return []
        OutgoingMail.objects.filter(pk__in=claimed).update(
            status=OutgoingMail.Status.SENDING, next_attempt_at=now + CLAIM_LEASE
        )
    return list(
        OutgoingMail.objects.filter(pk__in=claimed)
        .prefetch_related("attachments")
        .order_by("next_attempt_at", "pk")
    )


def _message(row: OutgoingMail, connection) -> EmailMessage:
    message = EmailMessage(
        subject=mail.mail_subject(row.subject),
        body=row.body,
        to=[row.to],
        connection=connection,
    )
    for attachment in row.attachments.all():
        message.attach(attachment.name, bytes(attachment.content), attachment.mimetype)
    return message


def _failed(row: OutgoingMail, error: Exception, now) -> None:
    attempts = row.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    if attempts > len(RETRY_DELAYS):
        OutgoingMail.objects.filter(pk=row.pk).update(
            status=OutgoingMail.Status.FAILED, attempts=attempts, last_error=text
        )
        logger.error("mail %s to %s given up after %d attempts: %s", row.pk, row.to, attempts, text)
        return
    retry_at = now + RETRY_DELAYS[attempts - 1]
    OutgoingMail.objects.filter(pk=row.pk).update(
        status=OutgoingMail.Status.QUEUED,
        attempts=attempts,
        next_attempt_at=retry_at,
        last_error=text,
    )
    logger.warning(
        "mail %s to %s failed (attempt %d), retried from %s: %s",
        row.pk,
        row.to,
        attempts,
        mail.local_time(retry_at),
        text,
    )


def _deliver(rows: list[OutgoingMail], now) -> tuple[int, int]:
    """Send claimed rows over one connection; (sent, failed). After the first failure the rest
    of the batch is put back untried (the relay is in trouble: no point waiting on each)."""
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # the relay is unreachable: every row of the batch waits
        for row in rows:
            _failed(row, exc, now)
        return 0, len(rows)
    try:
        for index, row in enumerate(rows):
            try:
                _message(row, connection).send()
            except Exception as exc:  # a refused address, a dropped connection, anything
                _failed(row, exc, now)
                failed += 1
                OutgoingMail.objects.filter(pk__in=[r.pk for r in rows[index + 1 :]]).update(
                    status=OutgoingMail.Status.QUEUED, next_attempt_at=now
                )
                break
            OutgoingMail.objects.filter(pk=row.pk).update(
                status=OutgoingMail.Status.SENT,
                attempts=row.attempts + 1,
                sent_at=timezone.now(),
                last_error="",
            )
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide what was recorded
            logger.warning("mail connection did not close cleanly", exc_info=True)
    return sent, failed


def outbox_send(*, ids=None, now=None, limit=BATCH) -> tuple[int, int]:
    """Send due outbox rows (only `ids`, if given: the on-commit send of one notify); returns
    (sent, failed). Never raises for a mail failure: it is recorded on the row and logged."""
    now = now or timezone.now()
    total_sent = total_failed = 0
    while True:
        rows = _claim(now=now, ids=ids, limit=limit)
        if not rows:
            break
        sent, failed = _deliver(rows, now)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if failed:
            break  # the relay is in trouble: the next run tries again
    return total_sent, total_failed


# -- the daily digest ----------------------------------------------------------------------


def digest_cutoff(now) -> datetime:
    """The latest 08:30 (Asia/Shanghai) at or before `now`."""
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.combine(local.date(), DIGEST_AT))
    return today if local >= today else today - timedelta(days=1)


def digests_build(*, now=None) -> int:
    """At 08:30 (or the first run after it), each person whose notifications wait for the
    digest gets one e-mail listing what arrived up to 08:30 since their last digest; returns
    how many digests were queued.

    Per person, locks their MailPreference row (skipping it if another host holds it), so one
    digest is built once: the notifications it lists are marked with it in the same
    transaction, and the preference remembers this 08:30. Someone who meanwhile chose no
    e-mail gets none (the notifications stay in the centre).
    """
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    waiting = Notification.objects.filter(
        recipient=OuterRef("user"),
        for_digest=True,
        digest_mail__isnull=True,
        created_at__lte=cutoff,
    )
    due = MailPreference.objects.filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=cutoff), Exists(waiting)
    )
    built = 0
    for preference_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            preference = (
                MailPreference.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=cutoff))
                .filter(pk=preference_id)
                .select_related("user")
                .first()
            )
            if preference is None:  # another sender built it, or is building it now
                continue
            items = list(
                Notification.objects.filter(
                    recipient=preference.user,
                    for_digest=True,
                    digest_mail__isnull=True,
                    created_at__lte=cutoff,
                ).order_by("created_at", "pk")
            )
            since = preference.last_digest_at
            MailPreference.objects.filter(pk=preference.pk).update(last_digest_at=cutoff)
            person = preference.user
            if preference.mode == MailPreference.Mode.NONE or not person.email:
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(for_digest=False)
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject, text = mail.digest_mail(
                    name=person.get_full_name() or person.username, since=since, notifications=items
                )
            row = OutgoingMail.objects.create(
                recipient=person,
                to=person.email,
                subject=subject,
                body=text,
                next_attempt_at=now,
                created_at=now,
            )
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(digest_mail=row)
            built += 1
    return built


def outbox_purge(*, now=None) -> int:
    """Forget mail sent more than KEEP_SENT ago, and attachments no message uses any more."""
    now = now or timezone.now()
    deleted, _counts = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=now - KEEP_SENT
    ).delete()
    MailAttachment.objects.filter(mails__isnull=True, created_at__lt=now - KEEP_SENT).delete()
    return deleted


def send_mail_run(*, now=None) -> dict:
    """What `manage.py send_mail` does each minute: the digests that are due, then every due
    row of the outbox (new, retried, or left by a sender that died), then the old sent mail."""
    now = now or timezone.now()
    digests = digests_build(now=now)
    sent, failed = outbox_send(now=now)
    purged = outbox_purge(now=now)
    return {"digests": digests, "sent": sent, "failed": failed, "purged": purged}


def notifications_settle_task(task) -> int:
    """A human task of the case flow is done: its notifications (to act, overdue, urged) are
    no longer work for anyone, so they are marked read — the bell counts what still waits.
    In the step's transaction (viewflow's task_finished signal); the step's own audit event
    records what happened."""
    unread = list(Notification.objects.filter(case_task__task=task, read_at__isnull=True))
    if unread:
        _mark_read(unread)
    return len(unread)


def _mark_read(notifications: list) -> None:
    """Mark these notifications read now, each with its history row."""
    now = timezone.now()
    for notification in notifications:
        notification.read_at = now
    bulk_update_with_history(notifications, Notification, ["read_at"], default_date=now)
