"""Passwords: people change their own, an administrator can require a new one, and the
published demo password is for the demo accounts only."""

import json

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Role, User
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

DEMO = "Xietong@2026"  # the README's demo password
NEW_PASSWORD = "Qiushui-Changtian-1979"
CHANGE = "/accounts/password_change/"


def change_password(client, old, new, repeat=None):
    return client.post(
        CHANGE,
        {"old_password": old, "new_password1": new, "new_password2": repeat or new},
    )


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- changing one's own password ---------------------------------------------------------


def test_the_user_menu_links_to_the_password_change(client, officer):
    client.force_login(officer)
    content = client.get("/").content.decode()
    assert f'href="{CHANGE}"' in content
    assert "修改密码" in content


def test_a_person_changes_their_password(client, officer):
    client.force_login(officer)
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    assert "省医保局" in page.content.decode()  # the site's menu, with the agency
    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    assert client.get("/").status_code == 200  # still signed in here
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert (event.actor_id, event.object_id) == (officer.pk, str(officer.pk))
    every_event = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert NEW_PASSWORD not in every_event and TEST_PASSWORD not in every_event


def test_the_new_password_works_at_the_login_page_and_the_old_one_not(client, officer):
    client.force_login(officer)
    change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    client.post(reverse("logout"))
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 200
    assert sign_in(client, officer.username, NEW_PASSWORD).status_code == 302


def test_a_wrong_old_password_keeps_the_form(client, officer):
    client.force_login(officer)
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    assert 'name="new_password1"' in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_the_password_validators_apply_to_the_change(client, officer):
    client.force_login(officer)
    response = change_password(client, TEST_PASSWORD, "short1")
    assert response.status_code == 200
    assert "密码长度太短" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_the_password_change_is_not_a_personnel_change_in_the_history(client, officer):
    client.force_login(officer)
    rows = officer.history.count()
    directory_events = AuditEvent.objects.filter(action__startswith="directory.").count()
    change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert officer.history.count() == rows
    assert AuditEvent.objects.filter(action__startswith="directory.").count() == directory_events


def test_anonymous_people_are_sent_to_the_login_page(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- an administrator requires a new password --------------------------------------------


def require_new_password(client, admin, *people):
    client.force_login(admin)
    return client.post(
        reverse("admin:agencies_user_changelist"),
        {"action": "require_password_change", "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def test_an_administrator_requires_a_new_password_from_the_person_list(client, sysadmin, officer):
    directory_events = AuditEvent.objects.filter(action__startswith="directory.").count()
    response = require_new_password(client, sysadmin, officer)
    assert "设置新密码" in response.content.decode()
    officer.refresh_from_db()
    assert officer.must_change_password
    event = AuditEvent.objects.get(action="auth.password_change_required")
    assert (event.actor_id, event.object_id) == (sysadmin.pk, str(officer.pk))
    assert event.agency_id == officer.agency_id
    latest = officer.history.first()
    assert latest.must_change_password and latest.history_user_id == sysadmin.pk
    # one clear event, not also a generic "person changed"
    assert AuditEvent.objects.filter(action__startswith="directory.").count() == directory_events


def test_requiring_it_twice_records_it_once(client, sysadmin, officer):
    require_new_password(client, sysadmin, officer)
    require_new_password(client, sysadmin, officer)
    assert AuditEvent.objects.filter(action="auth.password_change_required").count() == 1


def test_only_system_administrators_can_require_a_new_password(client, agency, officer):
    staff = UserFactory(agency=agency, roles=[Role.AGENCY_LEADER], is_staff=True)
    response = require_new_password(client, staff, officer)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    officer.refresh_from_db()
    assert not officer.must_change_password


@pytest.fixture
def must_change(officer):
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    officer.refresh_from_db()
    return officer


@pytest.mark.parametrize("path", ["/", "/directory/", "/cases/", "/meetings/", "/admin/"])
def test_a_person_who_must_change_their_password_is_sent_there_from_every_page(
    client, must_change, path
):
    client.force_login(must_change)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "系统管理员要求您先设置新密码" in page.content.decode()


def test_a_post_elsewhere_is_sent_to_the_password_change_too(client, must_change):
    client.force_login(must_change)
    response = client.post(reverse("cases:create"), {"title": "x"})
    assert response.status_code == 302
    assert response["Location"] == CHANGE


def test_signing_in_leads_to_the_password_change(client, must_change):
    response = sign_in(client, must_change.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == CHANGE


def test_logout_language_switch_and_static_files_stay_reachable(client, must_change):
    client.force_login(must_change)
    switched = client.post(reverse("set_language"), {"language": "en", "next": CHANGE})
    assert (switched.status_code, switched["Location"]) == (302, CHANGE)
    assert client.get(reverse("javascript-catalog")).status_code == 200
    assert client.get("/static/xietong/xietong.css").status_code == 200
    assert client.get("/accounts/password_change/done/").status_code == 200
    logout = client.post(reverse("logout"))
    assert logout["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_changing_the_password_clears_the_requirement(client, must_change):
    client.force_login(must_change)
    assert change_password(client, TEST_PASSWORD, NEW_PASSWORD).status_code == 302
    must_change.refresh_from_db()
    assert not must_change.must_change_password
    assert client.get("/").status_code == 200
    cleared = AuditEvent.objects.get(action="auth.password_change_requirement_cleared")
    assert (cleared.actor_id, cleared.object_id) == (must_change.pk, str(must_change.pk))
    changed = AuditEvent.objects.get(action="auth.password_changed")
    assert changed.data["was_required"] is True
    assert not must_change.history.first().must_change_password


def test_a_refused_change_keeps_the_requirement(client, must_change):
    client.force_login(must_change)
    assert change_password(client, "not-my-password", NEW_PASSWORD).status_code == 200
    must_change.refresh_from_db()
    assert must_change.must_change_password
    assert client.get("/").status_code == 302


# --- the demo password -------------------------------------------------------------------

DEMO_REFUSED = "该密码是公开的演示密码"


def test_the_demo_password_is_refused_when_changing_ones_password(client, officer):
    client.force_login(officer)
    response = change_password(client, TEST_PASSWORD, DEMO)
    assert response.status_code == 200
    assert DEMO_REFUSED in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("variant", [DEMO, DEMO.lower(), f" {DEMO.upper()} "])
def test_the_validator_refuses_the_demo_password_in_any_letter_case(db, variant):
    with pytest.raises(ValidationError) as refused:
        validate_password(variant)
    assert "password_is_demo" in [error.code for error in refused.value.error_list]


def test_the_admin_set_password_form_refuses_the_demo_password(client, sysadmin, officer):
    client.force_login(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = client.post(url, {"password1": DEMO, "password2": DEMO, "usable_password": "true"})
    assert response.status_code == 200
    assert DEMO_REFUSED in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_the_admin_add_person_form_refuses_the_demo_password(client, sysadmin, agency):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:agencies_user_add"),
        {
            "username": "newcomer",
            "full_name": "新同事",
            "agency": agency.pk,
            "email": "newcomer@example.org",
            "usable_password": "true",
            "password1": DEMO,
            "password2": DEMO,
        },
    )
    assert response.status_code == 200
    assert DEMO_REFUSED in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_createsuperuser_refuses_the_demo_password(db, monkeypatch, capsys):
    from django.contrib.auth.management.commands import createsuperuser

    answers = iter([DEMO, DEMO, NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("builtins.input", lambda prompt="": "N")  # do not bypass validation

    class Terminal:
        def isatty(self):
            return True

    call_command(
        "createsuperuser",
        interactive=True,
        username="chief",
        email="chief@example.org",
        full_name="系统管理员",
        stdin=Terminal(),
    )
    assert DEMO_REFUSED in capsys.readouterr().err
    chief = User.objects.get(username="chief")
    assert chief.check_password(NEW_PASSWORD)


def test_the_demo_accounts_keep_the_demo_password(world):
    assert len(world) > 40
    for person in world.values():
        assert person.is_demo, person.username
        assert person.check_password(DEMO), person.username


@pytest.fixture
def production_sign_in(settings):
    settings.XIETONG_REFUSE_DEMO_PASSWORD = True  # what XIETONG_ENV=production sets


def test_in_production_the_demo_password_opens_no_real_account(client, officer, production_sign_in):
    officer.set_password(DEMO)  # not through a form: e.g. a copied development database
    officer.save()
    response = sign_in(client, officer.username, DEMO)
    assert response.status_code == 200
    assert "演示密码仅可用于演示账号" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data["username"] == officer.username


def test_in_production_the_demo_accounts_still_open_with_it(client, world, production_sign_in):
    response = sign_in(client, "yb_officer", DEMO)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world["yb_officer"].pk)


def test_in_production_a_real_account_opens_with_its_own_password(
    client, officer, production_sign_in
):
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 302
