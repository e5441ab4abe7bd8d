"""The demo people's notifications as a year of work leaves them.

The notifications themselves come while the cases and meetings are seeded: the services tell
the people who have to act, and a task done settles its notifications (notifications.signals).
What is left people read at the end of each working day — through the service, so each
reading is in the audit log in date order — except in the last week, so each demo person's
bell shows what still waits for them. Senior people take the 08:30 digest rather than every
e-mail. Idempotent: only what is still unread, and preferences that differ, change.
"""

from datetime import timedelta

from agencies.models import User
from notifications.models import Notification
from notifications.services import mail_preference_set, notification_open

DIGEST = ("yb_convenor", "jcy_deputy", "ga_deputy", "cz_deputy", "wj_deputy", "sj_deputy")
READ_AFTER = timedelta(days=7)  # what came in the last week is still unread
READ_AT = (17, 30)  # people go through their bell before they leave


def reading_story(t, since):
    """A timeline story: at 17:30 on every working day older than a week, each person reads
    what came to them until two hours before."""
    day = since
    while True:
        moment = t.at(day, *READ_AT)
        if moment > t.now - READ_AFTER:
            return
        if t.is_working_day(day):
            yield moment
            unread = Notification.objects.filter(
                read_at__isnull=True, created_at__lte=moment - timedelta(hours=2)
            ).select_related("recipient")
            for notification in unread.order_by("created_at", "pk"):
                notification_open(user=notification.recipient, notification=notification)
        day += timedelta(days=1)


def seed_notifications() -> dict:
    for person in User.objects.filter(username__in=DIGEST):
        mail_preference_set(user=person, mode="digest")
    return {"notifications": Notification.objects.count()}
