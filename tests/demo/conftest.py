"""The demo world, built once for the tests of this package inside a transaction rolled back at
the end (seed_demo replays eighteen months of work: building it per test would cost minutes);
each test runs in a savepoint of it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from tests.conftest import ensure_reference_data


@pytest.fixture(scope="package")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker, demo_media):
    with override_settings(MEDIA_ROOT=demo_media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            call_command("seed_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _demo_media_root(settings, demo_media):
    """The demo's stored files (materials, issued PDFs) stay readable."""
    settings.MEDIA_ROOT = demo_media


@pytest.fixture
def demo(seeded, db):
    """The demo world, in a savepoint rolled back after the test."""
