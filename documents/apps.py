from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official documents (公文) in the GB/T 9704-2012 layout."""

    name = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        from documents import checks  # noqa: F401 -- registers the system checks
