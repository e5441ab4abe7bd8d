"""Due times around Spring Festival and National Day, with adjusted working weekends."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflow.calendar import WorkingCalendar, due_at
from workflow.models import CalendarDay, Unit

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def cal():
    return WorkingCalendar(overrides={})


def test_adjusted_weekends_work_and_holidays_rest(cal):
    assert cal.is_working_day(date(2025, 1, 26))  # Sunday, worked before Spring Festival
    assert not cal.is_working_day(date(2025, 1, 29))  # 春节
    assert cal.is_working_day(date(2025, 2, 8))  # Saturday, worked after Spring Festival
    assert cal.is_working_day(date(2025, 9, 28))  # Sunday, worked before National Day
    assert not cal.is_working_day(date(2025, 10, 3))  # 国庆
    assert cal.is_working_day(date(2025, 10, 11))  # Saturday, worked after National Day
    assert not cal.is_working_day(date(2025, 3, 8))  # an ordinary Saturday


def test_three_days_ending_in_spring_festival_move_to_the_first_working_day(cal):
    # approved on 27 January 2025; day 3 is 30 January, inside the holiday (28 Jan - 4 Feb)
    assert cal.due_at(at("2025-01-27T10:00"), 3, Unit.CALENDAR_DAYS) == at("2025-02-05T23:59:59")


def test_three_days_ending_on_a_working_day_are_not_moved(cal):
    assert cal.due_at(at("2025-03-03T16:30"), 3, Unit.CALENDAR_DAYS) == at("2025-03-06T23:59:59")


def test_a_period_ending_on_an_adjusted_working_saturday_ends_that_day(cal):
    # 5 October + 6 days = 11 October 2025, a Saturday made a working day
    assert cal.due_at(at("2025-10-05T09:00"), 6, Unit.CALENDAR_DAYS) == at("2025-10-11T23:59:59")


def test_three_days_from_the_eve_of_national_day(cal):
    # 30 September 2025 + 3 days = 3 October (holiday until 8 October) -> 9 October
    assert cal.due_at(at("2025-09-30T17:00"), 3, Unit.CALENDAR_DAYS) == at("2025-10-09T23:59:59")


def test_working_days_skip_the_holiday_and_count_adjusted_weekends(cal):
    # from Friday 26 Sep 2025: 28 Sep (Sun, worked) =1, 29 Sep =2, 30 Sep =3, 9 Oct =4, 10 Oct =5
    assert cal.due_at(at("2025-09-26T11:00"), 5, Unit.WORKING_DAYS) == at("2025-10-10T23:59:59")


def test_five_working_days_across_spring_festival_2026(cal):
    # 2026 Spring Festival: 15-23 February off; 14 Feb (Sat) and 28 Feb (Sat) worked
    # from Thursday 12 Feb: 13 Feb =1, 14 Feb =2, 24 Feb =3, 25 Feb =4, 26 Feb =5
    assert cal.due_at(at("2026-02-12T15:00"), 5, Unit.WORKING_DAYS) == at("2026-02-26T23:59:59")


def test_hours_run_exactly_even_over_a_holiday(cal):
    assert cal.due_at(at("2025-09-30T17:00"), 24, Unit.HOURS) == at("2025-10-01T17:00")


def test_due_times_are_aware_in_shanghai_time(cal):
    due = cal.due_at(datetime(2025, 3, 3, 2, 0, tzinfo=ZoneInfo("UTC")), 1, Unit.CALENDAR_DAYS)
    assert due.tzinfo is not None
    assert due == at("2025-03-04T23:59:59")  # 02:00 UTC is 10:00 in Shanghai on 3 March


def test_an_unpublished_year_counts_monday_to_friday_until_entered(cal):
    assert cal.is_working_day(date(2027, 1, 4))  # a Monday
    assert not cal.is_working_day(date(2027, 1, 2))  # a Saturday


def test_an_administrators_entry_wins(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_working_day=False, name="春节")
    CalendarDay.objects.create(date=date(2027, 2, 20), is_working_day=True, name="春节调休")
    # Friday 5 Feb 2027 + 1 calendar day = Saturday 6 Feb -> not working -> Monday 8 Feb is
    # a holiday by the administrator's entry -> Tuesday 9 Feb
    assert due_at(at("2027-02-05T09:00"), 1, Unit.CALENDAR_DAYS) == at("2027-02-09T23:59:59")
    assert WorkingCalendar().is_working_day(date(2027, 2, 20))


def test_zero_or_negative_periods_are_refused(cal):
    with pytest.raises(ValueError):
        cal.due_at(at("2025-03-03T10:00"), 0, Unit.CALENDAR_DAYS)
