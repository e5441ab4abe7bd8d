"""Personas for the referral flow: a 医保 officer and leader, and receiving agencies."""

import pytest
from django.core.management import call_command

from agencies.models import Agency, User


@pytest.fixture
def world(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def agencies(world):
    return {a.short_name: a for a in Agency.objects.all()}
