"""Working days and due times under Chinese public holidays and adjusted working days (调休).

Counting follows the rules for statutory periods (《行政处罚法》/《刑事诉讼法》 on 期间):
the day an act happens is not counted; a period in days ends at 24:00 of its last day; when
that last day is a public holiday or rest day the period ends on the next working day. Periods
in hours run exactly. Working-day periods count only working days (adjusted working weekends
included, holidays excluded).

Which days are working days: an administrator's CalendarDay entry; else, in a year loaded
from the State Council's notice (HolidayYear, `manage.py load_holidays`), Monday–Friday — the
file listed every day off and adjusted working day, and it wins over the package; else the
chinesecalendar package (it knows every year the State Council had published when it was
released); else Monday–Friday with a logged warning, and the system check and the
administrators' banner (workflow/selectors.py) name the missing year.

Nothing here caches the database: each WorkingCalendar() reads the entries and loaded years
afresh, so a load is used by the next due time computed in any process. The lru_caches hold
only chinesecalendar's answers, which never change while the process runs. Due times already
computed and stored are not recomputed by a load.
"""

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

from workflow.models import CalendarDay, HolidayYear, Unit

logger = logging.getLogger("xietong.workflow")

END_OF_DAY = time(23, 59, 59)


def _overrides() -> dict[date, bool]:
    return dict(CalendarDay.objects.values_list("date", "is_working_day"))


def _loaded_years() -> frozenset[int]:
    return frozenset(HolidayYear.objects.values_list("year", flat=True))


def library_knows(year: int) -> bool:
    """Whether the installed chinesecalendar has the State Council's schedule for `year`."""
    return library_working_day(date(year, 1, 1)) is not None


def library_working_day(day: date) -> bool | None:
    """chinesecalendar's answer for `day`, None for a year it does not know (no warning)."""
    return _library_says(day, warn=False)


@lru_cache(maxsize=4096)
def _library_says(day: date, warn: bool = True) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if warn:
            _warn_missing_year(day.year)
        return None


@lru_cache(maxsize=64)
def _warn_missing_year(year: int) -> None:
    """Once per year and process, not once per day counted."""
    logger.warning(
        "chinesecalendar has no data for %s: load that year's holidays "
        "(manage.py load_holidays FILE, see README); counting Monday-Friday meanwhile",
        year,
    )


class WorkingCalendar:
    """A calendar snapshot: reads the administrator's entries once, then answers quickly.

    Given `overrides` (tests, a preview of a file), it reads nothing: `loaded_years` then
    says which years those overrides describe completely (default: none).
    """

    def __init__(
        self,
        overrides: dict[date, bool] | None = None,
        loaded_years: frozenset[int] | set[int] = frozenset(),
    ):
        if overrides is None:
            overrides, loaded_years = _overrides(), _loaded_years()
        self.overrides = overrides
        self.loaded_years = frozenset(loaded_years)

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in self.loaded_years:
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
