from django.contrib import admin

from config.admin import ReadOnlyHistoryAdmin
from documents.models import Dispatch, DocumentSeries, IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "title", "doc_type", "agency", "issued_by", "issued_at"]
    list_filter = ["doc_type", "agency"]
    search_fields = ["number", "title", "sha256"]
    list_select_related = ["agency", "issued_by"]


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "prefix", "code", "year", "last_number"]
    list_filter = ["year", "prefix"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "agency", "doc_type", "status", "created_by", "created_at"]
    list_filter = ["status", "doc_type", "agency"]
    search_fields = ["title"]
