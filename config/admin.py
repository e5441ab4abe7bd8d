from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class XietongAdminSite(admin.AdminSite):
    """Django admin for system administrators only (superusers), not for every staff member."""

    site_header = _("Xietong system administration")
    site_title = _("Xietong administration")
    index_title = _("Directory, roles and records")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each admin change is audited through the LogEntry it writes (audit.signals). The bulk
        # "delete selected" action writes its entries with bulk_create, which sends no signal,
        # so deletions go one object at a time through the delete page.
        self.disable_action("delete_selected")

    def has_permission(self, request):
        from agencies.access import is_system_admin

        return is_system_admin(request.user)
