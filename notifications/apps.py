from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Work arrives: in-app notifications, the mail outbox and each person's mail preference."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import signals  # noqa: F401 -- connects the receivers
