from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The viewflow flows (graphs only), custom nodes, task views and the deadline calendar."""

    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self):
        from workflow import checks  # noqa: F401 -- registers the holiday-data check
