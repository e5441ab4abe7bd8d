"""Personas for the referral flow: the demo directory (agencies and people), no demo cases."""

import pytest

from agencies.models import Agency, User
from demo.directory import seed_directory


@pytest.fixture
def world(db):
    seed_directory()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def agencies(world):
    return {a.short_name: a for a in Agency.objects.all()}
