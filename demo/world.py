"""The whole demo world, built area by area. Each part is idempotent."""

from django.test.utils import override_settings

from demo.cases import seed_cases
from demo.directory import seed_directory
from demo.documents import seed_documents
from demo.joint_body import seed_joint_body
from demo.meeting_rounds import seed_meetings
from demo.notifications import seed_notifications


def seed_demo_world() -> dict:
    """Not one transaction: the case services take viewflow's process lock, which must be the
    outermost transaction. Every part is idempotent, so a failed run can simply be repeated.
    The demo's notices and reminders go to a mailbox in memory, not to the people's
    (fictional) addresses."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return _seed()


def _seed() -> dict:
    counts = {}
    counts.update(seed_directory())
    counts.update(seed_documents())
    counts.update(seed_cases())
    counts.update(seed_joint_body())
    counts.update(seed_meetings())
    counts.update(seed_notifications())  # last: read what the seeding told people
    return counts
