from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agency directory")

    def ready(self):
        from agencies import signals  # noqa: F401 -- connects the personnel audit trail
