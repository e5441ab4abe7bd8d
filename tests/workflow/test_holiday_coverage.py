"""A coming year without holiday data: the function, the system check, the banner."""

import time
from datetime import date

import chinese_calendar
import pytest
from django.core import checks as django_checks
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from tests.factories import UserFactory
from workflow import selectors
from workflow.checks import holiday_data
from workflow.models import CalendarDay, HolidayYear
from workflow.selectors import years_without_holiday_data

DEC_2 = date(2026, 12, 2)  # the brief's "today": 2027 is 30 days away


def test_premise_the_pinned_chinesecalendar_knows_2026_and_not_2027():
    assert chinese_calendar.is_workday(date(2026, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_a_year_starting_within_sixty_days_without_data_is_missing(db):
    assert years_without_holiday_data(today=DEC_2) == [2027]


def test_the_window_is_sixty_days(db):
    # 1 November 2026 + 60 days = 31 December 2026; 2 November + 60 days = 1 January 2027
    assert years_without_holiday_data(today=date(2026, 11, 1)) == []
    assert years_without_holiday_data(today=date(2026, 11, 2)) == [2027]
    assert years_without_holiday_data(today=date(2026, 11, 1), days=61) == [2027]


def test_a_year_far_away_is_not_reported(db):
    assert years_without_holiday_data(today=date(2026, 6, 1)) == []


def test_years_the_library_knows_cost_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert years_without_holiday_data(today=date(2025, 12, 15)) == []


def test_a_loaded_year_is_covered(db, holiday_file, load_holidays):
    load_holidays(holiday_file())
    assert years_without_holiday_data(today=DEC_2) == []


def test_hand_entered_days_do_not_cover_a_year(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_working_day=False, name="春节")
    CalendarDay.objects.create(date=date(2027, 2, 20), is_working_day=True, name="春节调休")
    assert years_without_holiday_data(today=DEC_2) == [2027]


def test_the_answer_is_remembered_and_forgotten_when_a_year_is_loaded(
    db, holiday_file, load_holidays, django_assert_num_queries
):
    assert years_without_holiday_data(today=DEC_2) == [2027]
    with django_assert_num_queries(0):  # remembered in the process
        assert years_without_holiday_data(today=DEC_2) == [2027]
    load_holidays(holiday_file())
    assert years_without_holiday_data(today=DEC_2) == []


def test_a_load_by_another_process_is_seen_once_the_answer_expires(db, sysadmin, monkeypatch):
    assert years_without_holiday_data(today=DEC_2) == [2027]
    # another process's load: the row appears without this process being told
    HolidayYear.objects.create(
        year=2027,
        notice="测试〔2026〕1号",
        title="测试",
        source_name="other-host.toml",
        source_sha256="0" * 64,
        days_off=0,
        adjusted_working_days=0,
        working_days=0,
        loaded_at=timezone.now(),
    )
    assert years_without_holiday_data(today=DEC_2) == [2027]  # still remembered
    later = time.monotonic() + selectors.COVERAGE_TTL + 1
    monkeypatch.setattr(selectors, "_clock", lambda: later)
    assert years_without_holiday_data(today=DEC_2) == []


# -- the system check -------------------------------------------------------------------------


def test_the_check_warns_with_the_command_in_the_hint(db):
    problems = holiday_data(databases=["default"], today=DEC_2)
    assert [problem.id for problem in problems] == ["xietong.W010"]
    assert isinstance(problems[0], django_checks.Warning)
    assert "2027" in problems[0].msg
    assert "manage.py load_holidays FILE" in problems[0].hint


def test_the_check_is_quiet_when_the_year_is_loaded_or_far(db, holiday_file, load_holidays):
    assert holiday_data(databases=["default"], today=date(2026, 6, 1)) == []
    load_holidays(holiday_file())
    assert holiday_data(databases=["default"], today=DEC_2) == []


def test_the_check_needs_a_database_so_check_deploy_does_not_run_it(db):
    """CI's `check --deploy --fail-level WARNING` gives no database: it must stay green."""
    assert holiday_data(databases=None, today=DEC_2) == []
    assert holiday_data in django_checks.registry.registry.registered_checks
    assert django_checks.Tags.database in holiday_data.tags
    deploy = django_checks.run_checks(include_deployment_checks=True)
    assert "xietong.W010" not in {problem.id for problem in deploy}


def test_the_registered_check_runs_with_the_database_on_todays_date(db):
    """What `migrate` and `check --database default` show today, computed from the library."""
    today = selectors.local_today()
    ahead = date.fromordinal(today.toordinal() + selectors.WARNING_DAYS)
    expected = []
    for year in range(today.year, ahead.year + 1):
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            expected.append(year)
    problems = django_checks.run_checks(databases=["default"])
    reported = [problem.msg for problem in problems if problem.id == "xietong.W010"]
    assert len(reported) == len(expected)
    assert all(str(year) in msg for msg, year in zip(reported, expected, strict=True))


# -- the banner ------------------------------------------------------------------------------

BANNER = "xt-holiday-banner"
HOME = "/"  # the site's home page, on templates/xietong/base.html like every page


@pytest.fixture
def december(monkeypatch):
    monkeypatch.setattr(selectors, "local_today", lambda: DEC_2)


@pytest.fixture
def office(agency):
    return UserFactory(username="office", agency=agency, roles=[Role.MEETING_OFFICE])


def test_the_banner_shows_the_administrator_the_year_and_the_fix(client, sysadmin, december):
    client.force_login(sysadmin)
    page = client.get(HOME).content.decode()
    assert BANNER in page
    assert "2027" in page
    assert "<code>manage.py load_holidays" in page
    assert reverse("admin:workflow_holidayyear_changelist") in page


def test_the_banner_tells_the_office_whom_to_ask(client, office, december):
    client.force_login(office)
    page = client.get(HOME).content.decode()
    assert BANNER in page and "2027" in page
    assert "load_holidays" not in page  # the office cannot run it
    assert reverse("admin:workflow_holidayyear_changelist") not in page


def test_an_ordinary_officer_sees_no_banner(client, officer, december):
    client.force_login(officer)
    response = client.get(HOME)
    assert response.status_code == 200
    assert BANNER not in response.content.decode()


def test_no_banner_once_the_year_is_loaded(client, sysadmin, december, holiday_file, load_holidays):
    client.force_login(sysadmin)
    assert BANNER in client.get(HOME).content.decode()
    load_holidays(holiday_file())
    assert BANNER not in client.get(HOME).content.decode()


def test_no_banner_when_no_year_is_missing(client, sysadmin, monkeypatch):
    monkeypatch.setattr(selectors, "local_today", lambda: date(2026, 6, 1))
    client.force_login(sysadmin)
    assert BANNER not in client.get(HOME).content.decode()
