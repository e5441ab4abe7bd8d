"""The whole demo world, built area by area. Each part is idempotent."""

from django.db import transaction

from demo.directory import seed_directory
from demo.documents import seed_documents


@transaction.atomic
def seed_demo_world() -> dict:
    counts = {}
    counts.update(seed_directory())
    counts.update(seed_documents())
    return counts
