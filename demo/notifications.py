"""The demo people's notifications as a year of work leaves them.

The notifications themselves came while the cases and meetings were seeded: the services told
the people who had to act. Here they are read as people would have read them — what they
dealt with (the task is done) when it was done, what is older than a week an hour or two
after it came — through the service, so each reading is in the audit log, and each demo
person's bell shows what still waits for them. Senior people take the 08:30 digest rather
than every e-mail. Idempotent: only what is still unread, and preferences that differ, change.
"""

from datetime import timedelta

from django.utils import timezone

from agencies.models import User
from demo.clock import as_of
from notifications.models import Notification
from notifications.services import mail_preference_set, notification_open

DIGEST = ("yb_convenor", "jcy_deputy", "ga_deputy", "cz_deputy", "wj_deputy", "sj_deputy")
READ_AFTER = timedelta(days=7)


def seed_notifications() -> dict:
    for person in User.objects.filter(username__in=DIGEST):
        mail_preference_set(user=person, mode="digest")
    now = timezone.now()
    unread = Notification.objects.filter(read_at__isnull=True).select_related(
        "recipient", "case_task__task"
    )
    for notification in unread.order_by("created_at", "pk"):
        task = notification.case_task.task if notification.case_task_id else None
        if task is not None and task.finished:
            moment = max(task.finished, notification.created_at)
        elif notification.created_at < now - READ_AFTER:
            moment = notification.created_at + timedelta(hours=2)
        else:
            continue
        with as_of(moment):
            notification_open(user=notification.recipient, notification=notification)
    return {"notifications": Notification.objects.count()}
