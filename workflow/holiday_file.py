"""The holiday file: one year's schedule as the State Council's notice gives it.

Each autumn 国务院办公厅 publishes 《关于某年部分节假日安排的通知》: for every holiday, the days
off (放假) and the adjusted working days (调休上班). The file says the same in TOML (read with
the standard library's tomllib):

    year = 2025
    notice = "国办发明电〔2024〕12号"                   # the notice's number (文号), required
    title = "国务院办公厅关于2025年部分节假日安排的通知"   # required

    [[holiday]]
    name = "春节"
    off = ["2025-01-28..2025-02-04"]    # days off: dates and ranges (both ends included)
    days = 8                            # optional: the notice's "共8天", checked
    work = ["2025-01-26", "2025-02-08"] # 调休上班; leave out when the notice says 不调休

Dates are written YYYY-MM-DD, in quotes or as bare TOML dates; a range is "FIRST..LAST".
Every date must lie in `year` (a day of another year — rare — goes into the admin's calendar
days by hand). Days not listed count Monday–Friday. workflow/holidays/example-2025.toml is a
complete example.

`parse_holiday_file` only reads and validates; it touches no database. Errors refuse the file
(nothing is loaded); warnings are shown and the file is loaded.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TOP_KEYS = ("year", "notice", "title", "holiday")
HOLIDAY_KEYS = ("name", "off", "days", "work")
FIRST_YEAR, LAST_YEAR = 2000, 2099
NOTICE_MAX, TITLE_MAX = 60, 200  # HolidayYear's fields
NAME_MAX = 40  # the calendar day's name is this plus "调休上班" within 60 characters
LONG_HOLIDAY = 10  # more days off than any holiday has had: probably a mistyped range
_DATE = r"\d{4}-\d{2}-\d{2}"
_ITEM = re.compile(rf"\s*({_DATE})\s*(?:\.\.\s*({_DATE})\s*)?")


@dataclass(frozen=True)
class Problem:
    """One line for the administrator. `error` refuses the whole file; otherwise a warning."""

    code: str
    message: str
    error: bool = True


@dataclass(frozen=True)
class Holiday:
    name: str
    off: tuple[date, ...]
    work: tuple[date, ...]


@dataclass(frozen=True)
class Schedule:
    year: int
    notice: str
    title: str
    holidays: tuple[Holiday, ...]

    def calendar_days(self) -> dict[date, tuple[bool, str]]:
        """Every listed day: (is it a working day, the name it is entered under).

        Names are stored in the site's language, whoever loads the file."""
        days = {}
        with translation.override(settings.LANGUAGE_CODE):
            for holiday in self.holidays:
                for day in holiday.off:
                    days[day] = (False, holiday.name)
                for day in holiday.work:
                    name = _("%(holiday)s (adjusted working day)") % {"holiday": holiday.name}
                    days[day] = (True, name)
        return dict(sorted(days.items()))

    @property
    def days_off(self) -> int:
        return sum(len(holiday.off) for holiday in self.holidays)

    @property
    def adjusted_working_days(self) -> int:
        return sum(len(holiday.work) for holiday in self.holidays)


WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


def weekday_name(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])


class _Reader:
    def __init__(self):
        self.problems: list[Problem] = []

    def error(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message))

    def warning(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, error=False))

    def unknown_keys(self, table: dict, allowed, where: str) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    "unknown_key",
                    _("%(where)s: unknown key “%(key)s” (allowed: %(allowed)s).")
                    % {"where": where, "key": key, "allowed": ", ".join(allowed)},
                )

    def text(self, table: dict, key: str, where: str, max_length: int) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error(
                f"missing_{key}",
                _("%(where)s: “%(key)s” is required.") % {"where": where, "key": key},
            )
            return ""
        if len(value.strip()) > max_length:
            self.error(
                f"long_{key}",
                _("%(where)s: “%(key)s” is longer than %(max)s characters.")
                % {"where": where, "key": key, "max": max_length},
            )
        return value.strip()

    def dates(self, value, key: str, where: str) -> list[date]:
        """A list of dates and "FIRST..LAST" ranges (a single one needs no list)."""
        items = value if isinstance(value, list) else [value]
        days: list[date] = []
        for item in items:
            if isinstance(item, date) and not isinstance(item, datetime):
                days.append(item)
                continue
            match = _ITEM.fullmatch(item) if isinstance(item, str) else None
            try:
                first = date.fromisoformat(match.group(1)) if match else None
                last = date.fromisoformat(match.group(2)) if match and match.group(2) else first
            except ValueError:
                first = None
            if first is None:
                self.error(
                    "bad_date",
                    _(
                        "%(where)s, %(key)s: “%(item)s” is not a date (YYYY-MM-DD) or a range "
                        "(YYYY-MM-DD..YYYY-MM-DD)."
                    )
                    % {"where": where, "key": key, "item": item},
                )
                continue
            if last < first:
                self.error(
                    "bad_range",
                    _("%(where)s, %(key)s: the range “%(item)s” ends before it starts.")
                    % {"where": where, "key": key, "item": item},
                )
                continue
            days.extend(first + timedelta(days=n) for n in range((last - first).days + 1))
        return days


def parse_holiday_file(data: bytes, *, today: date) -> tuple[Schedule | None, list[Problem]]:
    """The schedule in `data` and every problem found; the schedule is None on any error.

    Strict (errors): the file is UTF-8 TOML with only the documented keys; year, notice and
    title are given; each holiday has a unique name and at least one day off; every date is
    a real date in `year`; no day is listed twice or both off and worked; adjusted working
    days are Saturdays or Sundays; `days`, when given, matches the days off.
    Warnings: a holiday whose days off are all weekend days (it changes nothing), one of
    more than ten days, a title that does not name the year, a year already past.
    """
    reader = _Reader()
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem("encoding", _("The file is not UTF-8 text."))]
    except tomllib.TOMLDecodeError as exc:
        return None, [
            Problem("syntax", _("The file is not valid TOML: %(reason)s.") % {"reason": exc})
        ]
    file_ = _("the file")
    reader.unknown_keys(document, TOP_KEYS, file_)

    year = document.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        reader.error(
            "bad_year",
            _("“year” must be a year between %(first)s and %(last)s, e.g. year = %(example)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR, "example": today.year + 1},
        )
        return None, reader.problems
    notice = reader.text(document, "notice", file_, NOTICE_MAX)
    title = reader.text(document, "title", file_, TITLE_MAX)
    if title and str(year) not in title:
        reader.warning(
            "title_year",
            _("The title does not name %(year)s: is this the notice for that year?")
            % {"year": year},
        )
    if year < today.year:
        reader.warning(
            "past_year",
            _("%(year)s is over: due times already computed in it do not change.") % {"year": year},
        )

    entries = document.get("holiday")
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        reader.error(
            "no_holidays", _("The file lists no holidays: add one [[holiday]] table per holiday.")
        )
        return None, reader.problems

    holidays: list[Holiday] = []
    listed: dict[date, tuple[bool, str]] = {}  # day -> (worked, holiday)
    for number, entry in enumerate(entries, start=1):
        where = _("holiday %(number)s") % {"number": number}
        name = reader.text(entry, "name", where, NAME_MAX)
        if name:
            where = _("holiday “%(name)s”") % {"name": name}
            if any(holiday.name == name for holiday in holidays):
                reader.error("duplicate_name", _("%(where)s is listed twice.") % {"where": where})
        reader.unknown_keys(entry, HOLIDAY_KEYS, where)
        off: list[date] = []
        if entry.get("off") in (None, [], ""):
            reader.error(
                "missing_off",
                _("%(where)s: “off” (the days off) is required.") % {"where": where},
            )
        else:
            off = reader.dates(entry["off"], "off", where)
        work = reader.dates(entry.get("work", []), "work", where)

        for day in off + work:
            if day.year != year:
                reader.error(
                    "other_year",
                    _(
                        "%(where)s: %(day)s is not in %(year)s (enter a day of another year as a "
                        "calendar day in the administration)."
                    )
                    % {"where": where, "day": day, "year": year},
                )
        clashing = set()
        for day, worked in [(d, False) for d in off] + [(d, True) for d in work]:
            if day in listed:
                clashing.add(day)
                other_worked, other = listed[day]
                if other_worked == worked:
                    reader.error(
                        "duplicate_day",
                        _("%(where)s: %(day)s is already listed (under “%(other)s”).")
                        % {"where": where, "day": day, "other": other},
                    )
                else:
                    reader.error(
                        "off_and_working",
                        _(
                            "%(where)s: %(day)s cannot be both a day off and a working day (see "
                            "“%(other)s”)."
                        )
                        % {"where": where, "day": day, "other": other},
                    )
                continue
            listed[day] = (worked, name)
        for day in work:
            if day.weekday() < 5 and day not in clashing:
                reader.error(
                    "work_on_weekday",
                    _(
                        "%(where)s: %(day)s is a %(weekday)s; adjusted working days (调休上班) are "
                        "Saturdays or Sundays."
                    )
                    % {"where": where, "day": day, "weekday": weekday_name(day)},
                )
        days = entry.get("days")
        if days is not None and (isinstance(days, bool) or days != len(off)):
            reader.error(
                "days_mismatch",
                _("%(where)s: “days” says %(days)s but %(count)s days off are listed.")
                % {"where": where, "days": days, "count": len(off)},
            )
        if off and all(day.weekday() >= 5 for day in off):
            reader.warning(
                "weekend_only",
                _("%(where)s: every day off is a Saturday or Sunday, so it changes nothing.")
                % {"where": where},
            )
        if len(off) > LONG_HOLIDAY:
            reader.warning(
                "long_holiday",
                _("%(where)s: %(count)s days off is unusually long; check the dates.")
                % {"where": where, "count": len(off)},
            )
        holidays.append(Holiday(name=name, off=tuple(sorted(off)), work=tuple(sorted(work))))

    if any(problem.error for problem in reader.problems):
        return None, reader.problems
    schedule = Schedule(year=year, notice=notice, title=title, holidays=tuple(holidays))
    return schedule, reader.problems
