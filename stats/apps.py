from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics (统计分析): aggregate figures of the cases and referrals, charts and the
    drill-down into the case ledger."""

    name = "stats"
    verbose_name = _("Statistics")
