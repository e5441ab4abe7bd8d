"""Working days and due times under Chinese public holidays and adjusted working days (调休).

Counting follows the rules for statutory periods (《行政处罚法》/《刑事诉讼法》 on 期间):
the day an act happens is not counted; a period in days ends at 24:00 of its last day; when
that last day is a public holiday or rest day the period ends on the next working day. Periods
in hours run exactly. Working-day periods count only working days (adjusted working weekends
included, holidays excluded).

Which days are working days: an administrator's CalendarDay entry, else the chinesecalendar
package (it knows every year the State Council has published), else Monday–Friday with a
logged warning so that the missing year gets entered.
"""

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

from workflow.models import CalendarDay, Unit

logger = logging.getLogger("xietong.workflow")

END_OF_DAY = time(23, 59, 59)


def _overrides() -> dict[date, bool]:
    return dict(CalendarDay.objects.values_list("date", "is_working_day"))


@lru_cache(maxsize=4096)
def _library_says(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_missing_year(day.year)
        return None


@lru_cache(maxsize=64)
def _warn_missing_year(year: int) -> None:
    """Once per year and process, not once per day counted."""
    logger.warning(
        "chinesecalendar has no data for %s: enter that year's holidays as "
        "calendar days; counting Monday-Friday meanwhile",
        year,
    )


class WorkingCalendar:
    """A calendar snapshot: reads the administrator's entries once, then answers quickly."""

    def __init__(self, overrides: dict[date, bool] | None = None):
        self.overrides = _overrides() if overrides is None else overrides

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = _library_says(day)
        if known is not None:
            return known
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The count-th working day after `day` (day itself not counted)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def due_at(self, start: datetime, length: int, unit: str) -> datetime:
        """When a period of `length` `unit` starting at `start` runs out (aware datetime)."""
        if length < 1:
            raise ValueError("a period is at least 1 unit long")
        start = timezone.localtime(start)
        if unit == Unit.HOURS:
            return start + timedelta(hours=length)
        if unit == Unit.CALENDAR_DAYS:
            last = self.next_working_day(start.date() + timedelta(days=length))
        elif unit == Unit.WORKING_DAYS:
            last = self.add_working_days(start.date(), length)
        else:
            raise ValueError(f"unknown unit {unit!r}")
        return timezone.make_aware(datetime.combine(last, END_OF_DAY))


def due_at(start: datetime, length: int, unit: str) -> datetime:
    return WorkingCalendar().due_at(start, length, unit)
