"""Two loads of one year at once (two hosts) do not interleave: the second waits (PostgreSQL)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections

from audit.models import AuditEvent
from workflow import services
from workflow.holiday_file import parse_holiday_file
from workflow.models import CalendarDay

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def schedule_of(text: str):
    schedule, problems = parse_holiday_file(text.encode(), today=date(2026, 12, 2))
    assert schedule is not None, problems
    return schedule


def load(schedule, name):
    return services.holiday_year_load(schedule=schedule, source_name=name, source_sha256="0" * 64)


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_second_load_waits_for_the_first_and_then_replaces_it(fake_2027, monkeypatch):
    load(schedule_of(fake_2027), "first.toml")  # committed: the year's row exists
    a = schedule_of(fake_2027.replace('work = ["2027-02-20"]', 'work = ["2027-02-21"]'))
    b = schedule_of(
        fake_2027.replace("2027-02-06..2027-02-14", "2027-02-07..2027-02-14").replace(
            "days = 9", "days = 8"
        )
    )

    a_inside, release = threading.Event(), threading.Event()
    real_plan = services.holiday_year_plan

    def plan(schedule):
        if threading.current_thread().name == "A":
            a_inside.set()  # A holds the year's lock now
            release.wait(timeout=20)
        return real_plan(schedule)

    monkeypatch.setattr(services, "holiday_year_plan", plan)
    results = {}

    def run(name, schedule):
        try:
            results[name] = load(schedule, f"{name}.toml")
        except Exception as exc:  # asserted below
            results[name] = exc
        finally:
            connections.close_all()

    thread_a = threading.Thread(target=run, args=("A", a), name="A")
    thread_a.start()
    assert a_inside.wait(timeout=20)
    thread_b = threading.Thread(target=run, args=("B", b), name="B")
    thread_b.start()
    deadline = time.monotonic() + 10
    while not waiting_on_a_lock() and time.monotonic() < deadline and thread_b.is_alive():
        time.sleep(0.05)
    b_waited = waiting_on_a_lock() > 0
    b_finished_early = not thread_b.is_alive()
    release.set()
    thread_a.join(timeout=30)
    thread_b.join(timeout=30)

    assert b_waited and not b_finished_early
    assert not isinstance(results["A"], Exception) and not isinstance(results["B"], Exception)
    # B planned after A's rows were in: it saw A's 21 February and removed it
    assert date(2027, 2, 21) in results["B"].remove
    days = dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_working_day"))
    assert days == {day: worked for day, (worked, _name) in b.calendar_days().items()}
    files = [
        event.data["file"]
        for event in AuditEvent.objects.filter(action="calendar.year_loaded").order_by("seq")
    ]
    assert files == ["first.toml", "A.toml", "B.toml"]
