"""manage.py load_holidays: the example matches chinesecalendar, bad files change nothing,
loading is idempotent and audited, and due times computed afterwards use the loaded days."""

import hashlib
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import CommandError

from audit.models import AuditEvent
from audit.verification import verify_chain
from workflow.calendar import WorkingCalendar
from workflow.calendar_rules import rule_due
from workflow.holiday_file import parse_holiday_file
from workflow.models import CalendarDay, HolidayYear

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workflow/holidays/example-2025.toml"
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 2)


def days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def rows() -> list[tuple]:
    return list(CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "name"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


# -- the example ----------------------------------------------------------------------------


def test_the_example_loads_and_matches_chinesecalendar_every_day_of_2025(db, load_holidays):
    load_holidays(EXAMPLE)
    calendar = WorkingCalendar()
    assert 2025 in calendar.loaded_years  # so the library is not what answers below
    wrong = [
        d for d in days_of(2025) if calendar.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert wrong == []
    loaded = HolidayYear.objects.get(year=2025)
    assert loaded.working_days == sum(chinese_calendar.is_workday(d) for d in days_of(2025))
    assert loaded.days_off == 1 + 8 + 3 + 5 + 3 + 8  # the notice's 共N天
    assert loaded.adjusted_working_days == 5


def test_the_dry_run_shows_the_year_and_changes_nothing(db, load_holidays):
    out, _err = load_holidays(EXAMPLE, "--dry-run")
    assert "248" in out  # working days in 2025: 261 weekdays - 18 off + 5 worked weekends
    assert "2025-01-28..2025-02-04" in out
    assert "+ 2025-02-08" in out
    assert rows() == [] and not HolidayYear.objects.exists() and not AuditEvent.objects.exists()


# -- validation: every error refuses the file and changes nothing --------------------------

GOOD_HOLIDAY = '[[holiday]]\nname = "虚构节"\noff = ["2027-05-03..2027-05-05"]\n'
HEAD = 'year = 2027\nnotice = "测试〔2026〕2号"\ntitle = "测试用2027年虚构安排"\n'

BAD_FILES = {
    "encoding": b"year = 2027\nnotice = \xff\xfe\n",
    "syntax": HEAD + '[[holiday]]\nname = "虚构节\noff = ["2027-05-03"]\n',
    "unknown_key": HEAD + GOOD_HOLIDAY + 'wrok = ["2027-05-08"]\n',
    "bad_year": 'year = "2027"\nnotice = "测试"\ntitle = "2027"\n' + GOOD_HOLIDAY,
    "missing_notice": 'year = 2027\ntitle = "测试用2027年虚构安排"\n' + GOOD_HOLIDAY,
    "missing_title": 'year = 2027\nnotice = "测试〔2026〕2号"\n' + GOOD_HOLIDAY,
    "no_holidays": HEAD,
    "missing_name": HEAD + '[[holiday]]\noff = ["2027-05-03"]\n',
    "duplicate_name": HEAD + GOOD_HOLIDAY + '[[holiday]]\nname = "虚构节"\noff = ["2027-06-01"]\n',
    "missing_off": HEAD + '[[holiday]]\nname = "虚构节"\nwork = ["2027-05-08"]\n',
    "bad_date": HEAD + '[[holiday]]\nname = "虚构节"\noff = ["2027-02-30"]\n',
    "bad_range": HEAD + '[[holiday]]\nname = "虚构节"\noff = ["2027-05-05..2027-05-03"]\n',
    "other_year": HEAD + '[[holiday]]\nname = "虚构节"\noff = ["2026-12-31..2027-01-01"]\n',
    "duplicate_day": HEAD + GOOD_HOLIDAY + '[[holiday]]\nname = "又一节"\noff = ["2027-05-05"]\n',
    "off_and_working": HEAD
    + '[[holiday]]\nname = "虚构节"\noff = ["2027-05-01..2027-05-05"]\n'
    + 'work = ["2027-05-01"]\n',  # a Saturday
    "work_on_weekday": HEAD + GOOD_HOLIDAY + 'work = ["2027-05-07"]\n',  # a Friday
    "days_mismatch": HEAD + GOOD_HOLIDAY + "days = 4\n",
    "long_name": HEAD + GOOD_HOLIDAY.replace("虚构节", "节" * 41),
    "long_notice": HEAD.replace("测试〔2026〕2号", "号" * 61) + GOOD_HOLIDAY,
}


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_one_line_per_error_and_changes_nothing(
    db, code, holiday_file, load_holidays
):
    load_holidays(holiday_file())  # the year already holds a load that must survive
    before = (rows(), list(HolidayYear.objects.values()), AuditEvent.objects.count())

    _schedule, problems = parse_holiday_file(
        BAD_FILES[code] if isinstance(BAD_FILES[code], bytes) else BAD_FILES[code].encode(),
        today=TODAY,
    )
    assert {problem.code for problem in problems if problem.error} == {code}

    path = holiday_file(BAD_FILES[code])
    with pytest.raises(CommandError, match="1 error") as refused:
        load_holidays(path)
    errors = refused.value.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"{path}: error: ")
    assert (rows(), list(HolidayYear.objects.values()), AuditEvent.objects.count()) == before


def test_every_problem_is_reported_at_once(db, holiday_file, load_holidays):
    text = HEAD + '[[holiday]]\nname = "虚构节"\noff = ["2027-02-30", "2027-05-05"]\n'
    text += 'work = ["2027-05-05", "2027-05-07"]\n'
    with pytest.raises(CommandError, match="3 error") as refused:
        load_holidays(holiday_file(text))
    errors = refused.value.stderr.splitlines()
    assert len(errors) == 3
    assert ["2027-02-30" in errors[0], "2027-05-05" in errors[1], "2027-05-07" in errors[2]] == [
        True
    ] * 3
    assert rows() == []


def test_the_command_exits_non_zero_with_one_line_per_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_FILES["work_on_weekday"], encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", "load_holidays", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2  # the error, then the refusal
    assert lines[0].startswith(str(bad)) and "2027-05-07" in lines[0]
    assert lines[1].startswith("CommandError: ")


def test_a_missing_file_is_one_line(db, tmp_path, load_holidays):
    with pytest.raises(CommandError, match="nope.toml"):
        load_holidays(tmp_path / "nope.toml")


def test_warnings_do_not_stop_the_load(db, holiday_file, load_holidays):
    text = HEAD + GOOD_HOLIDAY + '[[holiday]]\nname = "周末节"\noff = ["2027-05-08..2027-05-09"]\n'
    _out, err = load_holidays(holiday_file(text))
    assert [line for line in err.splitlines() if "周末节" in line] == [
        f"{line.split(': ')[0]}: warning: holiday “周末节”: every day off is a Saturday or "
        "Sunday, so it changes nothing."
        for line in err.splitlines()
        if "周末节" in line
    ]
    assert len([line for line in err.splitlines() if "周末节" in line]) == 1
    assert HolidayYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.get(date=date(2027, 5, 8)).is_working_day is False


def test_only_an_active_administrator_may_be_named_as_loader(
    db, officer, holiday_file, load_holidays
):
    with pytest.raises(CommandError, match=officer.username):
        load_holidays(holiday_file(), "--user", officer.username)
    assert not HolidayYear.objects.exists()


# -- loading ---------------------------------------------------------------------------------


def test_loading_writes_days_off_and_adjusted_working_days(db, holiday_file, load_holidays):
    load_holidays(holiday_file())
    days = {day: (working, name) for day, working, name in rows()}
    expected_off = {date(2027, 2, 6) + timedelta(days=n) for n in range(9)} | {date(2027, 1, 1)}
    assert {day for day, (working, _name) in days.items() if not working} == expected_off
    assert {day for day, (working, _name) in days.items() if working} == {date(2027, 2, 20)}
    assert days[date(2027, 2, 10)][1] == "虚构春节"
    assert "虚构春节" in days[date(2027, 2, 20)][1]


def test_loading_twice_gives_the_same_rows_and_writes_nothing_new(db, holiday_file, load_holidays):
    path = holiday_file()
    load_holidays(path)
    first = rows()
    history = CalendarDay.history.count()
    out, _err = load_holidays(path)
    assert rows() == first
    assert CalendarDay.history.count() == history
    assert HolidayYear.objects.filter(year=2027).count() == 1
    assert "The calendar already holds exactly these days." in out
    assert "Loaded 2027: 0 calendar days added, 0 changed, 0 removed." in out


def test_a_new_load_replaces_the_year_including_days_entered_by_hand(
    db, holiday_file, load_holidays, fake_2027
):
    CalendarDay.objects.create(date=date(2027, 10, 1), is_working_day=False, name="手工录入")
    CalendarDay.objects.create(date=date(2026, 10, 8), is_working_day=False, name="另一年")
    load_holidays(holiday_file())
    corrected = fake_2027.replace("2027-02-06..2027-02-14", "2027-02-07..2027-02-14").replace(
        "days = 9", "days = 8"
    )
    out, _err = load_holidays(holiday_file(corrected))
    assert "- 2027-02-06" in out
    assert not CalendarDay.objects.filter(date=date(2027, 2, 6)).exists()
    assert not CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()  # hand entry of 2027
    assert CalendarDay.objects.filter(date=date(2026, 10, 8)).exists()  # other years untouched


def test_the_load_is_audited_with_the_files_sha256(db, sysadmin, holiday_file, load_holidays):
    path = holiday_file()
    load_holidays(path, "--user", sysadmin.username)
    event = AuditEvent.objects.get(action="calendar.year_loaded")
    loaded = HolidayYear.objects.get(year=2027)
    assert event.actor == sysadmin
    assert (event.object_type, event.object_id) == ("workflow.holidayyear", str(loaded.pk))
    assert event.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.data["notice"] == "测试〔2026〕1号"
    assert (event.data["days_off"], event.data["adjusted_working_days"]) == (10, 1)
    assert event.data["created"] == 11
    assert loaded.loaded_by == sysadmin and loaded.source_sha256 == event.data["sha256"]
    assert loaded.history.count() == 1
    assert verify_chain().ok


# -- due times -------------------------------------------------------------------------------


def test_due_times_computed_after_loading_use_the_loaded_days(db, holiday_file, load_holidays):
    start = at("2027-02-03T10:00")  # a Wednesday
    # 10 working days counted Monday-Friday: 4, 5, 8, 9, 10, 11, 12, 15, 16, 17 February
    assert rule_due("admin_decision", start) == at("2027-02-17T23:59:59")
    # 15 calendar days from Sunday 24 January: Monday 8 February, a working day Monday-Friday
    assert rule_due("supervision_filing", at("2027-01-24T10:00")) == at("2027-02-08T23:59:59")

    load_holidays(holiday_file())
    # 6-14 February off, Saturday 20 February worked: 4, 5, 15, 16, 17, 18, 19, 20, 22, 23
    assert rule_due("admin_decision", start) == at("2027-02-23T23:59:59")
    # 8 February is now inside the holiday: the next working day, Monday 15 February
    assert rule_due("supervision_filing", at("2027-01-24T10:00")) == at("2027-02-15T23:59:59")


def test_a_loaded_year_trusts_the_file_over_the_library(db, holiday_file, load_holidays):
    """A correction to a year the library knows: the file is the whole truth for the year."""
    text = dedent(
        """\
        year = 2026
        notice = "测试〔2025〕9号"
        title = "测试用2026年安排"

        [[holiday]]
        name = "只有元旦"
        off = ["2026-01-01"]
        """
    )
    _out, err = load_holidays(holiday_file(text))
    assert "chinesecalendar knows 2026 and disagrees on" in err  # the administrator is told
    calendar = WorkingCalendar()
    assert not chinese_calendar.is_workday(date(2026, 2, 16))  # the library's 春节
    assert calendar.is_working_day(date(2026, 2, 16))  # not in the loaded file
    assert not calendar.is_working_day(date(2026, 2, 14))  # the library's 调休 Saturday
