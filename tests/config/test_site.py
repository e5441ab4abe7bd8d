"""The site shell: login in Chinese, home page, language switch, anonymous redirects."""

import pytest
from django.urls import reverse

from agencies.models import Role
from tests.factories import TEST_PASSWORD, UserFactory

PROTECTED = ["/", "/directory/", "/audit/", "/audit/1/"]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_users_are_redirected_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_the_login_page_is_in_chinese_whatever_the_browser_asks(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert "医保基金监管协同平台" in content
    assert "登录" in content


def test_logging_in_lands_on_the_home_page(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    content = response.content.decode()
    assert officer.full_name in content
    assert "吉林省医疗保障局" in content
    assert "经办人" in content  # the case-officer role, in Chinese


def test_a_wrong_password_gets_a_clear_message(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_lists_only_the_applications_the_user_may_use(client, officer, auditor):
    client.login(username=officer.username, password=TEST_PASSWORD)
    apps = [app.app_name for app in client.get("/").context["applications"]]
    assert apps == ["cases", "stats", "meetings", "documents", "monitor", "directory"]
    client.login(username=auditor.username, password=TEST_PASSWORD)
    apps = [app.app_name for app in client.get("/").context["applications"]]
    assert apps == ["cases", "stats", "meetings", "documents", "monitor", "directory", "audit"]


def test_home_tells_a_person_without_roles_what_to_do(client, agency):
    nobody = UserFactory(agency=agency)
    client.login(username=nobody.username, password=TEST_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["applications"] == []
    assert "系统管理员" in response.content.decode()


def test_the_language_switch_turns_the_ui_to_english_and_back(client, officer):
    client.login(username=officer.username, password=TEST_PASSWORD)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Case officer" in content
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True
    )
    assert "经办人" in response.content.decode()


def test_the_language_switch_works_before_login(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert '<html lang="en"' in client.get(reverse("login")).content.decode()


def test_an_unsupported_language_falls_back_to_chinese(client, db):
    client.cookies["xietong_language"] = "fr"
    assert '<html lang="zh-hans"' in client.get(reverse("login")).content.decode()


def test_logout_needs_post_and_ends_the_session(client, officer):
    client.login(username=officer.username, password=TEST_PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_menu_shows_the_user_and_agency(client, officer):
    client.login(username=officer.username, password=TEST_PASSWORD)
    content = client.get(reverse("directory:index")).content.decode()
    assert "省医保局" in content  # short name in the menu header
    assert 'href="/directory/"' in content
    assert 'href="/audit/"' not in content


def test_the_auditor_menu_includes_audit(client, auditor):
    client.login(username=auditor.username, password=TEST_PASSWORD)
    assert 'href="/audit/"' in client.get("/").content.decode()


def test_system_administrators_see_the_admin_link(client, sysadmin):
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    content = client.get("/").content.decode()
    assert 'href="/admin/"' in content


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.LIAISON])
def test_security_headers_are_set(client, agency, role):
    person = UserFactory(agency=agency, roles=[role])
    client.login(username=person.username, password=TEST_PASSWORD)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
