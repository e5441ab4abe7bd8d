"""The demo world, seeded once per test module and rolled back after it (`demo_world`)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.conftest import ensure_reference_data


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    with override_settings(MEDIA_ROOT=demo_media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo_world(demo, db, settings, demo_media):
    """The demo world, in a savepoint rolled back after the test; its stored files (evidence,
    materials, issued PDFs) stay readable."""
    settings.MEDIA_ROOT = demo_media
