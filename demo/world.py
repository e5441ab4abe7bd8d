"""The whole demo world, built area by area. Each part is idempotent."""

from demo.cases import seed_cases
from demo.directory import seed_directory
from demo.documents import seed_documents


def seed_demo_world() -> dict:
    """Not one transaction: the case services take viewflow's process lock, which must be the
    outermost transaction. Every part is idempotent, so a failed run can simply be repeated."""
    counts = {}
    counts.update(seed_directory())
    counts.update(seed_documents())
    counts.update(seed_cases())
    return counts
