"""The whole demo world: eighteen months of the Jilin joint-meeting system's work, replayed in
date order through the services (demo/timeline.py). Each part is idempotent: running it again
adds nothing."""

from datetime import date, timedelta

from django.test.utils import override_settings

from demo.cases import case_stories
from demo.clock import as_of
from demo.directory import seed_directory
from demo.documents import seed_documents
from demo.history import history_stories
from demo.joint_body import propose_personnel_change, seed_joint_body
from demo.meeting_rounds import meeting_history_stories, meeting_stories, meetings_to_build
from demo.monitor import monitor_story
from demo.notifications import reading_story, seed_notifications
from demo.timeline import Timeline

# the directory and the joint-meeting body were set up a little before the first case
DAYS_OF_HISTORY = 560


def seed_demo_world() -> dict:
    """Not one transaction: the case services take viewflow's process lock, which must be the
    outermost transaction. Every part is idempotent, so a failed run can simply be repeated.
    The demo's notices and reminders go to a mailbox in memory, not to the people's
    (fictional) addresses."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return _seed()


def _seed() -> dict:
    from cases.models import Case
    from meetings.models import Meeting, Resolution

    t = Timeline()
    since = t.today - timedelta(days=DAYS_OF_HISTORY)
    counts = {}
    with as_of(t.at(since, 9)):
        counts.update(seed_directory())
        counts.update(seed_joint_body(propose_change=False))
    stories = [*case_stories(t), *history_stories(t)]
    if meetings_to_build():
        stories += [*meeting_history_stories(t), *meeting_stories(t), _work_reports(t, since)]
    stories.append(_personnel_change(t))
    stories.append(monitor_story(t))
    stories.append(reading_story(t, since))
    for story in stories:
        t.add(story)
    t.run(since=since)
    counts.update(seed_documents())  # issued today, after everything else
    counts.update(seed_notifications())  # who takes the daily digest
    counts.update(
        cases=Case.objects.count(),
        meetings=Meeting.objects.count(),
        resolutions=Resolution.objects.count(),
    )
    return counts


def _personnel_change(t: Timeline):
    yield t.at(t.working_days_ago(2), 11)
    propose_personnel_change()


def quarters(since: date, today: date):
    """(first, last day) of every quarter wholly after `since` that ended ten days ago or more."""
    year, quarter = since.year, (since.month - 1) // 3 + 1
    while True:
        first = date(year, 3 * quarter - 2, 1)
        following = date(year + quarter // 4, 3 * (quarter % 4) + 1, 1)
        last = following - timedelta(days=1)
        if last > today - timedelta(days=10):
            return
        if first >= since:
            yield first, last
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _work_reports(t: Timeline, since: date):
    """The office's quarterly 情况通报, a few working days after each quarter ends."""
    from agencies.models import User
    from demo.documents import walk
    from meetings.services import work_report_draft

    for first, last in quarters(since, t.today):
        yield t.at(t.working_days_after(last, 5), 10, 30)
        draft = work_report_draft(
            user=User.objects.get(username="yb_office"), start=first, end=last
        )
        # 核稿 by the office the next morning, 签发 by the convenor (one step of the walk)
        yield t.at(t.working_days_after(last, 6), 9, 30)
        walk(draft, "issued", check_opinion="数据已核对。", sign_opinion="同意印发。")
