"""Building the past of the demo world: run services as if it were an earlier moment, so that a
case registered last spring has its decision, its referrals and its result on the days they
happened, and a meeting held last quarter has its notice issued before it and its minutes after
it — dated as real ones would be.

`django.utils.timezone.now` is not only called as `timezone.now()`: viewflow binds it by name
(`from django.utils.timezone import now`, for a task's start and finish) and models take it as
a field default (`default=timezone.now`, e.g. a task's creation time). The demo clock replaces
every such reference while it runs, so a task created last spring says so.
"""

import sys
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.apps import apps
from django.utils import timezone

REAL_NOW = timezone.now
TICK = timedelta(seconds=1)


class _Clock:
    moment: datetime | None = None
    depth = 0


_clock = _Clock()


def _now() -> datetime:
    _clock.moment += TICK
    return _clock.moment


def current() -> datetime | None:
    """The demo clock's time (None outside `as_of`); reading it does not move it."""
    return _clock.moment


def _bound_names():
    """(module, name) of every loaded module attribute that is timezone.now itself."""
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not namespace or module is sys.modules[__name__]:
            continue
        for name, value in list(namespace.items()):
            if value is REAL_NOW:
                yield module, name


def _defaulted_fields():
    """Model fields (history models included) whose default is timezone.now."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.default is REAL_NOW:
                yield field


@contextmanager
def _field_default(field):
    field.default = _now
    field.__dict__.pop("_get_default", None)  # a cached_property holding the old default
    try:
        yield
    finally:
        field.default = REAL_NOW
        field.__dict__.pop("_get_default", None)


@contextmanager
def _patched():
    with ExitStack() as stack:
        for module, name in list(_bound_names()):
            stack.enter_context(mock.patch.object(module, name, _now))
        for field in list(_defaulted_fields()):
            stack.enter_context(_field_default(field))
        yield


@contextmanager
def as_of(moment: datetime):
    """Inside the block, django.utils.timezone.now() starts at `moment` and moves on by a
    second per call (so events keep their order). Blocks nest: the outermost one installs the
    clock, an inner one only sets it. Only for seeding the demo."""
    previous = _clock.moment
    with ExitStack() as stack:
        if _clock.depth == 0:
            stack.enter_context(_patched())
        _clock.depth += 1
        _clock.moment = moment
        try:
            yield
        finally:
            _clock.depth -= 1
            _clock.moment = previous
