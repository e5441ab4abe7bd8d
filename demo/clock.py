"""Building the past of the demo world: run services as if it were an earlier moment, so that a
meeting held last quarter has its notice issued before it, its minutes after it, and its
timeline in order — dated as a real one would be."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock


@contextmanager
def as_of(moment: datetime):
    """Inside the block, django.utils.timezone.now() starts at `moment` and moves on by a
    second per call (so events keep their order). Only for seeding the demo."""
    clock = {"now": moment}

    def now():
        clock["now"] += timedelta(seconds=1)
        return clock["now"]

    with mock.patch("django.utils.timezone.now", now):
        yield
