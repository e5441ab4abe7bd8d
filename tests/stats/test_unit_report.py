"""A member unit's own 情况通报: its figures as its people see them (never another unit's),
drafted by its case officer as the unit's document to the joint-meeting office, checked and
signed (签发) by its own leader."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Dispatch
from meetings.services import unit_report_draft
from tests.documents.signoff import issue

pytestmark = pytest.mark.django_db

H1 = {"start": "2025-01-01", "end": "2025-06-30"}


@pytest.fixture(autouse=True)
def joint_body(world):
    from demo.joint_body import seed_joint_body

    seed_joint_body(propose_change=False)


def test_a_unit_officer_drafts_its_report_from_its_own_figures(client, world, agencies, h1):
    officer = world["ga_officer"]
    client.force_login(officer)
    page = client.get(reverse("stats:index"))
    assert reverse("meetings:unit_report") in page.content.decode()
    response = client.post(reverse("meetings:unit_report"), H1)
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:dispatch", args=[dispatch.pk])
    assert dispatch.agency == agencies["省公安厅"]
    assert not dispatch.joint_meeting  # its own leader signs, not the convenor
    assert list(dispatch.to_agencies.all()) == [agencies["省医保局"]]  # the office's agency
    # 省公安厅 sees case A (registered 2025-03-10) through A1, which it received, which it
    # finished on 2025-06-20 with ¥80,000.00 recovered; its own case E is of 2024. It sees
    # nothing of A2 (卫健: ¥20,000.50 recovered, ¥40,001.00 fined), B1 (市场监管) or C1 (纪委监委).
    body = dispatch.body
    assert "登记1件" in body and "移送1件" in body
    assert "追回医保基金80000.00元" in body
    assert "省公安厅：接收1件，办结1件，追回80000.00元，罚款0.00元。" in body
    for hidden in ("省卫生健康委", "40001.00", "20000.50", "省市场监管厅", "纪委监委"):
        assert hidden not in body
    assert dispatch.figures  # the statistics' charts
    event = AuditEvent.objects.get(action="meetings.unit_report_drafted")
    assert event.actor == officer and event.data["dispatch"] == dispatch.pk


def test_its_own_leader_signs_it(world, agencies, h1):
    dispatch = unit_report_draft(
        user=world["ga_officer"], start=date(2025, 1, 1), end=date(2025, 6, 30)
    )
    issued = issue(dispatch)
    assert issued.agency == agencies["省公安厅"]
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.ISSUED
    signer = dispatch.reviews.get(stage="sign").user
    assert signer.agency == agencies["省公安厅"]


@pytest.mark.parametrize("username", ["ga_liaison", "yb_office", "yb_convenor", "auditor"])
def test_who_may_not_draft_one_is_refused(client, world, username):
    client.force_login(world[username])
    assert client.get(reverse("meetings:unit_report")).status_code == 404
    assert client.post(reverse("meetings:unit_report"), H1).status_code == 404
    assert not Dispatch.objects.exists()
    page = client.get(reverse("stats:index"))
    if page.status_code == 200:
        assert reverse("meetings:unit_report") not in page.content.decode()


def test_a_bad_period_keeps_the_form(client, world):
    client.force_login(world["ga_officer"])
    response = client.post(
        reverse("meetings:unit_report"), {"start": "2025-06-30", "end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert not Dispatch.objects.exists()
