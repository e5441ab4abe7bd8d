from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Joint meetings (联席会议): topics, agendas, notices, minutes, resolutions."""

    name = "meetings"
    verbose_name = _("Joint meetings")
