from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from documents.models import Dispatch, DocumentSeries, IssuedDocument


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Issued documents and number series change only through the issuing service."""

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


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "doc_type", "agency", "issued_by", "issued_at"]
    list_filter = ["doc_type", "agency"]
    search_fields = ["number", "title", "sha256"]
    list_select_related = ["agency", "issued_by"]


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "prefix", "code", "year", "last_number"]
    list_filter = ["year", "prefix"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["title", "agency", "doc_type", "status", "created_by", "created_at"]
    list_filter = ["status", "doc_type", "agency"]
    search_fields = ["title"]
