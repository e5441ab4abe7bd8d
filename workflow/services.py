"""Writes to the working-day calendar: loading a year from the State Council's notice.

The file (workflow/holiday_file.py) becomes that year's CalendarDay rows — days off not
working, adjusted working days working — and a HolidayYear row that marks the year covered.
The year's rows are made exactly the file's: rows of that year the file does not list (an
earlier load, or days entered by hand before the notice came out) are removed, so loading
the same file twice changes nothing the second time.

Due times already stored (tasks, referrals, escalation timers) are not recomputed: they keep
the Monday–Friday count they were given. Only due times computed after the load use it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from audit.services import lazy_summary, record_event
from workflow.calendar import WorkingCalendar, library_knows, library_working_day
from workflow.holiday_file import Problem, Schedule
from workflow.models import CalendarDay, CaseTask, HolidayYear
from workflow.selectors import forget_holiday_coverage

Row = tuple[bool, str]  # (is_working_day, name)


@dataclass
class HolidayYearPlan:
    """What loading `schedule` changes, and the facts an administrator checks it by."""

    schedule: Schedule
    create: dict[date, Row] = field(default_factory=dict)
    update: dict[date, tuple[Row, Row]] = field(default_factory=dict)  # day -> (before, after)
    remove: dict[date, Row] = field(default_factory=dict)
    working_days_by_month: list[int] = field(default_factory=list)
    library_differences: list[date] = field(default_factory=list)
    open_tasks_due_in_year: int = 0
    previous: HolidayYear | None = None

    @property
    def working_days(self) -> int:
        return sum(self.working_days_by_month)

    @property
    def changes(self) -> int:
        return len(self.create) + len(self.update) + len(self.remove)

    def warnings(self) -> list[Problem]:
        if not self.library_differences:
            return []
        shown = ", ".join(str(day) for day in self.library_differences[:8])
        return [
            Problem(
                "library_differs",
                _(
                    "chinesecalendar knows %(year)s and disagrees on %(count)s days (%(days)s); "
                    "the file will win."
                )
                % {
                    "year": self.schedule.year,
                    "count": len(self.library_differences),
                    "days": shown,
                },
                error=False,
            )
        ]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min)),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min)),
    )


def _days_of(year: int):
    for ordinal in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()):
        yield date.fromordinal(ordinal)


def _calendar_of(schedule: Schedule) -> WorkingCalendar:
    """The calendar of the schedule's year as it will be once loaded."""
    return WorkingCalendar(
        overrides={day: worked for day, (worked, _name) in schedule.calendar_days().items()},
        loaded_years={schedule.year},
    )


def working_days_by_month(schedule: Schedule) -> list[int]:
    calendar = _calendar_of(schedule)
    by_month = [0] * 12
    for day in _days_of(schedule.year):
        by_month[day.month - 1] += calendar.is_working_day(day)
    return by_month


def holiday_year_plan(schedule: Schedule) -> HolidayYearPlan:
    """Compare the file with the year's rows in the database; reads only."""
    year = schedule.year
    wanted = schedule.calendar_days()
    existing = {
        row.date: (row.is_working_day, row.name)
        for row in CalendarDay.objects.filter(date__year=year)
    }
    plan = HolidayYearPlan(
        schedule=schedule,
        create={day: row for day, row in wanted.items() if day not in existing},
        update={
            day: (existing[day], row)
            for day, row in wanted.items()
            if day in existing and existing[day] != row
        },
        remove={day: row for day, row in existing.items() if day not in wanted},
        previous=HolidayYear.objects.filter(year=year).first(),
    )
    plan.working_days_by_month = working_days_by_month(schedule)
    if library_knows(year):
        calendar = _calendar_of(schedule)
        plan.library_differences = [
            day
            for day in _days_of(year)
            if library_working_day(day) != calendar.is_working_day(day)
        ]
    start, end = _year_bounds(year)
    plan.open_tasks_due_in_year = (
        CaseTask.objects.filter(due_at__gte=start, due_at__lt=end)
        .exclude(task__status__in=[STATUS.DONE, STATUS.CANCELED])
        .count()
    )
    return plan


def holiday_year_load(
    *, schedule: Schedule, source_name: str, source_sha256: str, loaded_by=None, os_user: str = ""
) -> HolidayYearPlan:
    """Make the year's calendar exactly `schedule`, mark the year loaded, audit it.

    Locks the year's HolidayYear row for the whole transaction. A first load creates it: the
    unique year makes a second, concurrent first load wait for the first to commit and then
    take the same row, so two loads of one year never interleave (the second one's plan is
    computed after the first one's rows are in). record_event then locks the audit chain.
    """
    year = schedule.year
    fields = {
        "notice": schedule.notice,
        "title": schedule.title,
        "source_name": source_name,
        "source_sha256": source_sha256,
        "days_off": schedule.days_off,
        "adjusted_working_days": schedule.adjusted_working_days,
        "working_days": sum(working_days_by_month(schedule)),
        "loaded_by": loaded_by,
        "loaded_by_name": os_user,
        "loaded_at": timezone.now(),
    }
    with transaction.atomic(durable=True):
        row, created = HolidayYear.objects.get_or_create(year=year, defaults=fields)
        row = HolidayYear.objects.select_for_update().get(pk=row.pk)
        previous_sha256 = None if created else row.source_sha256
        plan = holiday_year_plan(schedule)
        for day in plan.remove:
            CalendarDay.objects.get(date=day).delete()
        for day, (_before, (worked, name)) in plan.update.items():
            calendar_day = CalendarDay.objects.get(date=day)
            calendar_day.is_working_day, calendar_day.name = worked, name
            calendar_day.save(update_fields=["is_working_day", "name"])
        for day, (worked, name) in plan.create.items():
            CalendarDay.objects.create(date=day, is_working_day=worked, name=name)

        if not created:
            for name, value in fields.items():
                setattr(row, name, value)
            row.full_clean()
            row.save()
        record_event(
            action="calendar.year_loaded",
            actor=loaded_by,
            obj=row,
            summary=lazy_summary(
                _("Holidays of %(year)s loaded from %(notice)s"), year=year, notice=schedule.notice
            ),
            data={
                "year": year,
                "notice": schedule.notice,
                "title": schedule.title,
                "file": source_name,
                "sha256": source_sha256,
                "previous_sha256": previous_sha256,
                "os_user": os_user,
                "days_off": schedule.days_off,
                "adjusted_working_days": schedule.adjusted_working_days,
                "working_days": plan.working_days,
                "created": len(plan.create),
                "updated": len(plan.update),
                "removed": sorted(str(day) for day in plan.remove),
                "open_tasks_not_recomputed": plan.open_tasks_due_in_year,
            },
        )
    forget_holiday_coverage()  # durable: the block's end was the commit
    return plan
