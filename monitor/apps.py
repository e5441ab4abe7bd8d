from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    """The 应移未移 monitor (以罚代刑预警): thresholds, rules as data, alerts."""

    name = "monitor"
    verbose_name = _("Referral monitor (应移未移预警)")
