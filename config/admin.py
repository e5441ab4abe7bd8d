from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


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


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """An admin to read records (and their history) that only a service or command writes."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's revert page saves an old version on POST without asking
        # has_change_permission: a number series could be wound back and numbers reissued
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
