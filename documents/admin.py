from django.contrib import admin

from config.admin import ReadOnlyHistoryAdmin
from documents.models import Dispatch, DispatchReview, DocumentSeries, IssuedDocument


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


@admin.register(DispatchReview)
class DispatchReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ["dispatch", "stage", "decision", "user", "agency", "at"]
    list_filter = ["stage", "decision", "agency"]
    search_fields = ["dispatch__title", "opinion"]
    list_select_related = ["dispatch", "user", "agency"]
