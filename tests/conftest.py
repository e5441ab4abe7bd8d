"""Shared fixtures: personas, and the rules for tests that need PostgreSQL or Chromium.

CI sets XIETONG_REQUIRE=postgres,browser (or a subset): a required capability that is
missing fails the test instead of skipping it, so CI can never pass on skipped tests.
"""

import os

import pytest
from django.db import connection

from agencies.models import Role
from tests.factories import AgencyFactory, UserFactory

REQUIRED = {item.strip() for item in os.environ.get("XIETONG_REQUIRE", "").split(",") if item}


def skip_or_fail(capability: str, reason: str):
    if capability in REQUIRED:
        pytest.fail(f"{reason} (XIETONG_REQUIRE={','.join(sorted(REQUIRED))})", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush and recreate content types; never reuse cached ids."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def ensure_reference_data() -> None:
    """The rows data migrations seed (deadline rules, violation catalogue); idempotent."""
    import importlib

    from django.apps import apps

    for module in (
        "workflow.migrations.0002_statutory_deadlines",
        "workflow.migrations.0004_more_deadlines",
        "workflow.migrations.0009_closing_approval_deadline",
        "cases.migrations.0002_violation_catalogue",
        "monitor.migrations.0002_jilin_thresholds_rules_and_deadlines",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table between tests, migration-seeded rows included
    (serialized_rollback does not restore them for live-server tests on PostgreSQL): put the
    reference data back before each of them."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Issued documents and uploads go to a per-test folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.XIETONG_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("postgres", "needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="吉林省医疗保障局", short_name="省医保局", doc_prefix="吉医保")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(
        name="吉林省公安厅", short_name="省公安厅", kind="public_security", doc_prefix="吉公"
    )


@pytest.fixture
def officer(agency):
    return UserFactory(
        username="officer", full_name="张丽娟", agency=agency, roles=[Role.CASE_OFFICER]
    )


@pytest.fixture
def auditor(agency):
    return UserFactory(username="auditor", full_name="范晓琳", agency=agency, roles=[Role.AUDITOR])


@pytest.fixture
def sysadmin(db):
    return UserFactory(
        username="root", full_name="系统管理员", agency=None, is_superuser=True, is_staff=True
    )


@pytest.fixture
def outsider(other_agency):
    return UserFactory(
        username="outsider", full_name="沈立新", agency=other_agency, roles=[Role.LIAISON]
    )


@pytest.fixture
def world(db):
    """The demo directory's agencies and people (no demo cases), by username."""
    from agencies.models import User
    from demo.directory import seed_directory

    seed_directory()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def agencies(world):
    from agencies.models import Agency

    return {a.short_name: a for a in Agency.objects.all()}


# -- the demo world, seeded once per test module and rolled back after it ----------------------


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

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
    """The demo world (seeded once per module), in a savepoint rolled back after the test; its
    stored files (evidence, materials, issued PDFs) stay readable."""
    settings.MEDIA_ROOT = demo_media
