"""The directory: agencies, people and roles; personnel changes kept in history and audited."""

import pytest
from django.urls import reverse

from agencies import services
from agencies.models import Role, User
from audit.models import AuditEvent
from audit.verification import verify_chain
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory


@pytest.fixture
def office(agency):
    return UserFactory(username="office", agency=agency, roles=[Role.MEETING_OFFICE])


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_it_lists_agencies_with_liaisons(client, officer, outsider, other_agency):
    login(client, officer)
    response = client.get(reverse("directory:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "吉林省医疗保障局" in content and "吉林省公安厅" in content
    assert outsider.full_name in content  # the 公安厅 liaison


def test_it_filters_by_kind(client, officer, other_agency):
    login(client, officer)
    response = client.get(reverse("directory:index"), {"kind": "public_security"})
    assert [a.name for a in response.context["agencies"]] == ["吉林省公安厅"]


def test_it_ignores_unknown_filter_values(client, officer, other_agency):
    login(client, officer)
    response = client.get(reverse("directory:index"), {"kind": "<script>", "level": "x"})
    assert response.status_code == 200
    assert len(response.context["agencies"]) == 2
    assert b"<script>" not in response.content


def test_the_list_uses_a_constant_number_of_queries(client, officer, django_assert_max_num_queries):
    for n in range(30):
        UserFactory(agency=AgencyFactory(), roles=[Role.LIAISON], username=f"liaison{n}")
    login(client, officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directory:index"))
    assert len(response.context["agencies"]) == 31


def test_agency_page_shows_people_and_roles(client, officer, agency):
    login(client, officer)
    response = client.get(reverse("directory:agency", args=[agency.pk]))
    assert response.status_code == 200
    assert officer.full_name in response.content.decode()
    assert response.context["history"] is None  # officers do not see personnel history


def test_office_staff_see_personnel_changes(client, office, officer, agency):
    services.role_grant(user=officer, role=Role.LIAISON, basis="吉医保〔2026〕8号")
    login(client, office)
    response = client.get(reverse("directory:agency", args=[agency.pk]))
    history = response.context["history"]
    assert any(getattr(row, "role", None) == Role.LIAISON for row in history)
    assert "吉医保〔2026〕8号" in response.content.decode()


def test_an_unknown_or_inactive_agency_is_404(client, officer):
    login(client, officer)
    closed = AgencyFactory(is_active=False)
    assert client.get(reverse("directory:agency", args=[closed.pk])).status_code == 404
    assert client.get(reverse("directory:agency", args=[99999])).status_code == 404


def test_a_person_without_roles_is_refused(client, agency):
    nobody = UserFactory(agency=agency)
    login(client, nobody)
    assert client.get(reverse("directory:index")).status_code == 403


def test_the_directory_is_read_only_over_http(client, officer, agency):
    login(client, officer)
    assert client.post(reverse("directory:index")).status_code == 405
    assert client.post(reverse("directory:agency", args=[agency.pk])).status_code == 405


def test_anonymous_users_are_sent_to_login(client, agency):
    response = client.get(reverse("directory:agency", args=[agency.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_personnel_change_is_kept_in_history_and_the_audit_log(officer, other_agency):
    services.person_ensure(username=officer.username, agency=other_agency, title="借调")
    rows = list(User.history.filter(id=officer.pk).order_by("history_date"))
    assert rows[0].agency_id != other_agency.pk and rows[-1].agency_id == other_agency.pk
    event = AuditEvent.objects.filter(
        action="directory.person.changed", object_id=str(officer.pk)
    ).latest("seq")
    assert event.data["changes"]["agency"]["new"] == other_agency.pk
    assert verify_chain().ok


def test_ensuring_the_same_person_twice_writes_nothing(officer):
    before = (User.history.count(), AuditEvent.objects.count())
    services.person_ensure(
        username=officer.username, full_name=officer.full_name, agency=officer.agency
    )
    assert (User.history.count(), AuditEvent.objects.count()) == before


def test_a_login_is_not_a_personnel_change(client, officer):
    before = User.history.filter(id=officer.pk).count()
    login(client, officer)
    assert User.history.filter(id=officer.pk).count() == before
    assert AuditEvent.objects.filter(action="auth.login", actor_id=officer.pk).exists()


def test_a_failed_login_is_audited(client, officer):
    assert not client.login(username=officer.username, password="wrong")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.data["username"] == officer.username


def test_audit_summaries_are_written_in_chinese_whatever_the_ui_language(client, officer):
    client.cookies["xietong_language"] = "en"
    assert not client.login(username=officer.username, password="wrong")
    assert AuditEvent.objects.get(action="auth.login_failed").summary == "以“officer”登录失败"
