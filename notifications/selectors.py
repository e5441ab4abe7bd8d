"""Reads of notifications: always one person's own."""

from django.http import Http404

from notifications.models import MailPreference, Notification

BELL_CAP = 99  # the top bar says 99+ beyond this; counting stops there


def unread_count(user, *, cap: int = BELL_CAP) -> int:
    """How many of my notifications are unread, up to cap + 1 (one bounded COUNT query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    return unread.values("pk")[: cap + 1].count()


def notification_list(*, user):
    """My notifications, newest first, with what the page shows of their task."""
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("case_task__task")
        .order_by("-created_at", "-pk")
    )


def access_notification(user, pk: int) -> Notification:
    """One of my notifications; anyone else's (or none) is a 404."""
    notification = Notification.objects.filter(pk=pk, recipient_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification


def mail_mode(user) -> str:
    preference = MailPreference.objects.filter(user_id=user.pk).only("mode").first()
    return preference.mode if preference else MailPreference.Mode.IMMEDIATE
