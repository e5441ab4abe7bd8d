"""Reads about the working-day calendar (which coming years have no holiday data) and about
the deadlined steps (how a step's deadline went: `step_state_q`).

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

from django.db.models import F, Q
from django.utils import timezone
from viewflow.workflow.status import STATUS

from workflow.calendar import library_knows
from workflow.models import CaseTask, HolidayYear

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


# -- deadlined steps (CaseTask) and how their deadlines went ---------------------------------

STEP_STATES = ("on_time", "late", "pending", "overdue", "supervised", "done")


def deadlined_steps_q() -> Q:
    """The steps that had a deadline and were not cancelled."""
    return Q(due_at__isnull=False) & ~Q(task__status=STATUS.CANCELED)


def step_state_q(state: str, *, start=None, end=None, now) -> Q:
    """CaseTask rows in a deadline state — the one rule the statistics count by and the case
    ledger filters by. `start`/`end` are aware datetimes bounding the state's date (None:
    unbounded): the deadline for on_time/late/pending, the 督办 for supervised, the completion
    for done; overdue is "open past its deadline now", whatever the period.

    on_time: done by its deadline; late: done after it, or still open past it; pending: open,
    not yet due; supervised: put under 督办; done: completed."""
    done = Q(task__status=STATUS.DONE)
    open_ = Q(task__status__in=[STATUS.NEW, STATUS.ASSIGNED])

    def within(field_name):
        q = Q()
        if start is not None:
            q &= Q(**{f"{field_name}__gte": start})
        if end is not None:
            q &= Q(**{f"{field_name}__lt": end})
        return q

    due = within("due_at")
    if state == "on_time":
        return due & done & Q(task__finished__lte=F("due_at"))
    if state == "late":
        return due & ((done & Q(task__finished__gt=F("due_at"))) | (open_ & Q(due_at__lt=now)))
    if state == "pending":
        return due & open_ & Q(due_at__gte=now)
    if state == "overdue":
        return open_ & Q(due_at__lt=now)
    if state == "supervised":
        return Q(escalation=CaseTask.Escalation.SUPERVISED) & within("escalated_at")
    if state == "done":
        return done & within("task__finished")
    raise ValueError(state)


def step_node(name: str):
    """The case flow's human step called `name` (approve, receive, …), or None."""
    from workflow.flows import CaseFlow
    from workflow.nodes import AgencyTask

    node = getattr(CaseFlow, name, None) if name.isidentifier() else None
    return node if isinstance(node, AgencyTask) else None


def step_choices() -> list[tuple[str, str]]:
    """(name, title) of the case flow's human steps, for a choice of step."""
    from workflow.flows import CaseFlow
    from workflow.nodes import AgencyTask

    return sorted(
        (node.name, str(node.task_title))
        for node in CaseFlow.instance.nodes()
        if isinstance(node, AgencyTask)
    )
