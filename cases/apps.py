from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Case referral (线索移送): clues, referrals, feedback."""

    name = "cases"
    verbose_name = _("Cases")
