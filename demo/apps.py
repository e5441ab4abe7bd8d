from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world that `manage.py seed_demo` builds."""

    name = "demo"
    verbose_name = _("Demo world")
