from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, nobody edits or deletes an event."""

    list_display = ["seq", "time", "actor_name", "agency_name", "action", "object_repr", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "actor_name", "agency_name", "object_repr", "object_id"]
    date_hierarchy = "time"
    ordering = ["-seq"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
