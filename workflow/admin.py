from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin import ReadOnlyHistoryAdmin
from workflow.models import CalendarDay, DeadlineRule, HolidayYear


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "length", "unit", "legal_basis"]
    search_fields = ["code", "name", "legal_basis"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the flows refer to rules by code; their set comes with the code

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyHistoryAdmin):
    """Read-only: a year is loaded only by `manage.py load_holidays FILE` (validated, audited).

    To correct a loaded year, load a corrected file; single days can still be corrected as
    calendar days above.
    """

    list_display = [
        "year",
        "notice",
        "title",
        "working_days",
        "days_off",
        "adjusted_working_days",
        "loaded_at",
        "loaded_by",
        "loaded_by_name",
    ]
