"""Reads about the working-day calendar: which coming years have no holiday data.

A year is covered when the installed chinesecalendar knows it or an administrator has loaded
the State Council's notice for it (a HolidayYear row, `manage.py load_holidays`). CalendarDay
rows entered by hand never cover a year. Deadlines in an uncovered year count Monday–Friday.

`years_without_holiday_data` runs on every page an administrator opens (the banner), so it
is cheap: years the package knows cost nothing; only for the others does it ask the
database, and it remembers the answer in the process for COVERAGE_TTL seconds. Loading a
year forgets it at once in the loading process (`forget_holiday_coverage`); other processes
(the other gunicorn workers, since loading is a command) see the load within COVERAGE_TTL.
Due times are computed by WorkingCalendar, which never uses this cache.
"""

import time
from datetime import date, timedelta

from django.utils import timezone

from workflow.calendar import library_knows
from workflow.models import HolidayYear

WARNING_DAYS = 60  # deadlines of 10–30 days started now reach this far
COVERAGE_TTL = 60.0  # seconds

_loaded: dict[int, tuple[bool, float]] = {}  # year -> (loaded?, when asked by _clock)
_clock = time.monotonic


def local_today() -> date:
    """Today in Shanghai: the default start of the window (tests replace it)."""
    return timezone.localdate()


def forget_holiday_coverage() -> None:
    _loaded.clear()


def _years_loaded(years: list[int]) -> set[int]:
    now = _clock()
    fresh = {year: loaded for year, (loaded, at) in _loaded.items() if now - at < COVERAGE_TTL}
    unknown = [year for year in years if year not in fresh]
    if unknown:
        found = set(HolidayYear.objects.filter(year__in=unknown).values_list("year", flat=True))
        for year in unknown:
            _loaded[year] = (year in found, now)
            fresh[year] = year in found
    return {year for year in years if fresh[year]}


def years_without_holiday_data(*, today: date | None = None, days: int = WARNING_DAYS) -> list[int]:
    """The years from `today` (default: today in Shanghai) to `days` later that neither
    chinesecalendar nor a loaded notice covers, in order."""
    today = today or local_today()
    years = range(today.year, (today + timedelta(days=days)).year + 1)
    missing = [year for year in years if not library_knows(year)]
    if not missing:
        return []
    loaded = _years_loaded(missing)
    return [year for year in missing if year not in loaded]
