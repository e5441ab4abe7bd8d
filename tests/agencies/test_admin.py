"""Django admin is for system administrators; their changes are recorded with their name."""

from django.urls import reverse

from agencies.admin import RoleGrantFormSet
from agencies.models import Role, RoleGrant
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory


def test_admin_is_for_system_administrators_only(client, officer, agency):
    leader = UserFactory(agency=agency, roles=[Role.AGENCY_LEADER], is_staff=True)
    for user in (officer, leader):
        client.login(username=user.username, password=TEST_PASSWORD)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_a_system_administrator_grants_a_role_in_the_admin(client, sysadmin, officer):
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    url = reverse("admin:agencies_user_change", args=[officer.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name != "password"}
    data.update(
        {
            "agency": officer.agency_id,
            "is_active": "on",
            "date_joined_0": "",
            "date_joined_1": "",
            "role_grants-TOTAL_FORMS": "2",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-id": officer.role_grants.get().pk,
            "role_grants-0-user": officer.pk,
            "role_grants-0-role": Role.CASE_OFFICER,
            "role_grants-0-basis": "",
            "role_grants-1-user": officer.pk,
            "role_grants-1-role": Role.LIAISON,
            "role_grants-1-basis": "吉医保人〔2026〕3号",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    grant = RoleGrant.objects.get(user=officer, role=Role.LIAISON)
    assert grant.history.get().history_user == sysadmin
    event = AuditEvent.objects.get(action="directory.role.created", object_id=str(grant.pk))
    assert event.actor_id == sysadmin.pk


def test_the_admin_refuses_auditor_combined_with_another_role(client, sysadmin, officer):
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    url = reverse("admin:agencies_user_change", args=[officer.pk])
    data = {
        "username": officer.username,
        "full_name": officer.full_name,
        "email": officer.email,
        "agency": officer.agency_id,
        "is_active": "on",
        "role_grants-TOTAL_FORMS": "2",
        "role_grants-INITIAL_FORMS": "1",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        "role_grants-0-id": officer.role_grants.get().pk,
        "role_grants-0-user": officer.pk,
        "role_grants-0-role": Role.CASE_OFFICER,
        "role_grants-1-user": officer.pk,
        "role_grants-1-role": Role.AUDITOR,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert list(errors) == [str(RoleGrantFormSet.AUDITOR_EXCLUSIVE)]
    assert not RoleGrant.objects.filter(user=officer, role=Role.AUDITOR).exists()


def test_audit_events_cannot_be_edited_or_deleted_in_the_admin(client, sysadmin, officer):
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"summary": "改"}
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.summary != "改"
