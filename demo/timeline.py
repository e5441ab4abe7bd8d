"""The demo world's past, replayed in date order.

Each part of the demo (a case, a meeting round) is a *story*: a generator that yields the moment
of its next step, and when resumed does that step through the services. The timeline runs every
story's steps in one order — by date — on the demo clock (demo/clock.py), so the audit log and
every timeline read in date order, and a step that depends on another (a meeting topic about a
case) finds it done. The clock never goes back: two steps at the same minute run one after the
other.

A cron story does what cron does in production: once a day it fires the due escalation timers of
case tasks (viewflow's `workflow_timers`) and runs `meeting_reminders`, so an overdue step is
escalated on the day it would have been, by the same code.
"""

import heapq
import itertools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demo.clock import REAL_NOW, as_of, current
from workflow.calendar import WorkingCalendar

Story = Iterator[datetime]


class Timeline:
    """Collects stories, then runs all their steps in date order up to now."""

    def __init__(self):
        self.now = REAL_NOW()
        self.today = timezone.localdate(self.now)
        self.calendar = WorkingCalendar()
        self._stories: list[Story] = []
        self._queue: list | None = None
        self._order = itertools.count()

    # -- dates --------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def working_day(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        return self.calendar.next_working_day(day)

    def working_day_on_or_before(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_after(self, day: date, count: int) -> date:
        return self.calendar.add_working_days(day, count)

    def working_days_ago(self, count: int) -> date:
        """The count-th working day before today (1: the last working day before today)."""
        day = self.today
        while count > 0:
            day -= timedelta(days=1)
            if self.calendar.is_working_day(day):
                count -= 1
        return day

    def latest_working_day(self, condition, *, back: int = 25, default: int = 1) -> date:
        """The latest working day before today for which `condition(day)` holds (looking back
        `back` working days); else the `default`-th working day before today. For the stories
        that must be overdue, or not yet, by today whatever holidays came before it."""
        for count in range(1, back + 1):
            day = self.working_days_ago(count)
            if condition(day):
                return day
        return self.working_days_ago(default)

    def later(self, moment: datetime, working_days: int, hour: int, minute: int = 0):
        """`working_days` working days after `moment`'s day, at hour:minute (0: the same day,
        or the next working day when it is not one)."""
        day = timezone.localdate(moment)
        day = self.working_days_after(day, working_days) if working_days else self.working_day(day)
        return self.at(day, hour, minute)

    def is_working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    # -- running ------------------------------------------------------------------------

    def add(self, story: Story) -> None:
        """Add a story; while the timeline runs (a case splitting into branches), its first
        step is queued among the others."""
        if self._queue is None:
            self._stories.append(story)
        else:
            self._push(story)

    def _push(self, story: Story) -> None:
        moment = next(story, None)  # a story does nothing before its first yield
        if moment is not None:
            heapq.heappush(self._queue, (moment, next(self._order), story))

    def run(self, *, since: date) -> int:
        """Run every story's steps in date order, with cron's daily runs from `since` to now.
        Returns the number of steps run."""
        self._stories.append(self._cron(since))
        self._queue, steps, last = [], 0, None
        for story in self._stories:
            self._push(story)
        with as_of(self.at(since, 0)):
            while self._queue:
                moment, _n, story = heapq.heappop(self._queue)
                with as_of(moment if last is None else max(moment, last)):
                    following = next(story, None)
                    last = current()
                steps += 1
                if following is not None:
                    heapq.heappush(self._queue, (following, next(self._order), story))
        self._queue = None
        if last is not None and last > self.now:
            raise RuntimeError(f"the demo's past ran into the future ({last:%Y-%m-%d %H:%M})")
        return steps

    def _cron(self, since: date) -> Story:
        from viewflow.workflow.timers import fire_due_timers

        from meetings.reminders import escalate_resolutions, remind_replies, remind_topics

        day, runs = since, []
        while day <= self.today:
            runs.append(self.at(day, 8, 30))
            day += timedelta(days=1)
        runs = [moment for moment in runs if moment < self.now - timedelta(minutes=30)]
        runs.append(self.now - timedelta(minutes=20))
        for moment in runs:
            yield moment
            fire_due_timers()
            remind_topics()
            remind_replies()
            escalate_resolutions()
