"""The joint-meeting body page and its personnel changes, over HTTP as the demo personas."""

from django.urls import reverse

from audit.models import AuditEvent
from demo.joint_body import MEMBERS, seed_joint_body
from meetings.models import Membership, PersonnelChange
from tests.cases.test_referral_walk import as_user


def test_the_body_page_lists_every_member_with_its_deputy_convenor_and_liaison(client, world):
    seed_joint_body()
    as_user(client, "sj_officer")
    page = client.get(reverse("meetings:body"))
    memberships = list(page.context["memberships"])
    assert [m.agency.short_name for m in memberships] == MEMBERS
    police = next(m for m in memberships if m.agency.short_name == "省公安厅")
    assert police.deputy_convenor == world["ga_deputy"] and police.liaison == world["ga_liaison"]
    content = page.content.decode()
    assert "褚卫东" in content and "沈立新" in content and "王建国" in content
    assert "赵静" in content  # the office
    # a unit sees only its own proposals; the seeded one is 卫健's
    assert list(page.context["changes"]) == []


def test_a_member_proposes_and_the_office_records_a_replacement(client, world, agencies):
    seed_joint_body()
    PersonnelChange.objects.all().delete()
    police = Membership.objects.get(agency__short_name="省公安厅")
    url = reverse("meetings:change_propose")
    as_user(client, "ga_liaison")
    good = {"position": "liaison", "proposed": world["ga_officer"].pk, "reason": "工作调整"}
    for bad in (
        {"reason": " "},
        {"proposed": world["wj_officer"].pk},  # another agency's person
        {"proposed": world["ga_liaison"].pk},  # the current holder
    ):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 200 and response.context["form"].errors, bad
    assert not PersonnelChange.objects.exists()
    assert client.post(url, good).status_code == 302
    again = client.post(url, good)
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    change = PersonnelChange.objects.get()
    detail = reverse("meetings:change", args=[change.pk])
    # another unit never sees it; the proposer cannot decide it
    as_user(client, "wj_liaison")
    assert client.get(detail).status_code == 404
    as_user(client, "ga_liaison")
    assert client.post(detail, {"record": "yes"}).status_code == 404
    # the office: returning needs a note; recording moves the seat, history keeps the old one
    as_user(client, "yb_office")
    refused = client.post(detail, {"record": "no", "note": ""})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert client.post(detail, {"record": "yes", "note": ""}).status_code == 302
    police.refresh_from_db()
    assert police.liaison == world["ga_officer"]
    assert police.history.order_by("history_date").first().liaison == world["ga_liaison"]
    change.refresh_from_db()
    assert (
        change.status == PersonnelChange.Status.RECORDED and change.decided_by == world["yb_office"]
    )
    assert client.get(detail).context["form"] is None  # decided once
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"meetings.personnel_proposed", "meetings.personnel_recorded"} <= actions
    # an agency outside the body cannot propose
    as_user(client, "jw_liaison")
    assert client.get(url).status_code == 404


def test_deciding_twice_is_refused(world):
    import pytest
    from django.core.exceptions import ValidationError

    from meetings import body as services

    seed_joint_body()
    change = PersonnelChange.objects.get()
    services.change_decide(user=world["yb_office"], change=change, record=False, note="人选待定")
    with pytest.raises(ValidationError):
        services.change_decide(user=world["yb_office"], change=change, record=True)
    assert Membership.objects.get(agency__short_name="省卫生健康委").liaison == world["wj_liaison"]
