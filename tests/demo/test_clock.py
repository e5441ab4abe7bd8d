"""The demo clock (demo/clock.py) dates everything a service writes, viewflow's own times
included: a task created, started and finished on the demo clock says so."""

from datetime import datetime, timedelta

from django.utils import timezone
from viewflow.workflow import activation
from viewflow.workflow.models import Task

from demo.clock import as_of


def test_the_demo_clock_reaches_names_bound_to_now_and_field_defaults(db):
    moment = timezone.make_aware(datetime(2025, 7, 1, 9, 30))
    with as_of(moment):
        first = timezone.now()
        by_viewflow = activation.now()  # `from django.utils.timezone import now`
        default = Task._meta.get_field("created").get_default()  # default=timezone.now
    assert moment < first < by_viewflow < default < moment + timedelta(minutes=1)
    assert abs(timezone.now() - datetime.now(tz=first.tzinfo)) < timedelta(minutes=1)
    assert abs(activation.now() - timezone.now()) < timedelta(minutes=1)
    assert Task._meta.get_field("created").get_default() > moment + timedelta(days=300)


def test_nested_blocks_set_the_clock_and_give_it_back(db):
    outer = timezone.make_aware(datetime(2025, 7, 1, 9, 0))
    inner = timezone.make_aware(datetime(2026, 3, 2, 14, 0))
    with as_of(outer):
        with as_of(inner):
            assert inner < timezone.now() < inner + timedelta(seconds=5)
        assert outer < timezone.now() < outer + timedelta(seconds=10)
