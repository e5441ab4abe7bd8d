"""Sign-in throttling: an account or an address that fails too often is locked for a while,
the login page says until when, and a system administrator can lift the lock (audited)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
OFFICE = "10.20.30.40"
ELSEWHERE = "10.99.0.7"


@pytest.fixture(autouse=True)
def limits(settings, db):
    """The documented defaults, stated here rather than read from the code under test."""
    settings.AXES_FAILURE_LIMIT = ACCOUNT_LIMIT
    settings.XIETONG_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.XIETONG_PROXY_COUNT = 0


def sign_in(client, username, password, ip=OFFICE, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def time_passes(minutes: int) -> None:
    """Move every recorded failure into the past, as if `minutes` had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def fail(client, username, times, ip=OFFICE):
    return [sign_in(client, username, "wrong-password-1", ip=ip).status_code for _ in range(times)]


def test_locked_out_after_five_failures_for_one_account(client, officer, outsider):
    assert fail(client, officer.username, ACCOUNT_LIMIT - 1) == [200] * (ACCOUNT_LIMIT - 1)
    fifth = sign_in(client, officer.username, "wrong-password-1")
    assert fifth.status_code == 429
    # the right password is refused too, from this address and from any other
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 429
    assert sign_in(Client(), officer.username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 429
    assert not signed_in(client)
    # another account from the same office is not affected
    other = Client()
    assert sign_in(other, outsider.username, TEST_PASSWORD).status_code == 302
    assert signed_in(other)


def test_the_lockout_is_the_login_page_with_a_chinese_message(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT - 1)
    before = timezone.localtime()
    response = sign_in(client, officer.username, "wrong-password-1")
    after = timezone.localtime()
    assert response.status_code == 429
    assert response.templates[0].name == "registration/login.html"
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert "医保基金监管协同平台" in content  # the styled page, not a bare error
    assert 'name="password"' in content  # with the form
    assert f"账号“{officer.username}”登录失败次数过多" in content
    until = {(moment + timedelta(minutes=15)).strftime("%H:%M") for moment in (before, after)}
    assert any(f"请于 {hh_mm} 之后" in content for hh_mm in until), content
    assert "约 15 分钟后" in content
    assert "系统管理员" in content


def test_spraying_one_password_over_many_accounts_from_one_address_is_locked(client, agency):
    people = [UserFactory(agency=agency) for _ in range(ADDRESS_LIMIT)]
    statuses = [sign_in(client, p.username, "Spring2026!").status_code for p in people]
    assert statuses == [200] * (ADDRESS_LIMIT - 1) + [429]
    assert (
        "从您所在的网络地址登录失败次数过多"
        in client.post(
            reverse("login"),
            {"username": people[0].username, "password": TEST_PASSWORD},
            REMOTE_ADDR=OFFICE,
        ).content.decode()
    )
    # every account is refused from that address, even with its right password …
    assert sign_in(Client(), people[-1].username, TEST_PASSWORD).status_code == 429
    # … while no single account failed often enough to be locked elsewhere
    elsewhere = Client()
    assert sign_in(elsewhere, people[0].username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_a_spraying_address(client, agency, officer):
    people = [UserFactory(agency=agency) for _ in range(ADDRESS_LIMIT - 1)]
    for person in people:
        sign_in(client, person.username, "Spring2026!")
    assert sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 302
    assert sign_in(client, "somebody-else", "Spring2026!").status_code == 429


def test_a_correct_password_clears_the_accounts_failures(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT - 1)
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, officer.username, ACCOUNT_LIMIT - 1) == [200] * (ACCOUNT_LIMIT - 1)
    assert sign_in(client, officer.username, "wrong-password-1").status_code == 429


def test_failures_from_many_addresses_add_up_for_one_account(client, officer):
    for n in range(ACCOUNT_LIMIT):
        sign_in(Client(), officer.username, "wrong-password-1", ip=f"10.0.0.{n + 1}")
    assert sign_in(client, officer.username, TEST_PASSWORD, ip="10.0.0.200").status_code == 429


def test_the_lock_ends_after_the_cool_off(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT)
    time_passes(14)
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 429
    time_passes(2)
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 302
    assert signed_in(client)


def test_trying_while_locked_does_not_extend_the_lock(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT)
    time_passes(10)
    assert sign_in(client, officer.username, "wrong-password-1").status_code == 429
    time_passes(6)  # 16 minutes after the lock began, 6 after the last try
    assert sign_in(client, officer.username, TEST_PASSWORD).status_code == 302


def test_the_lock_is_kept_in_the_database_for_every_worker(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT)
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    # a fresh client has no session or cookie in common with the first one
    assert sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 429


def test_a_lockout_is_audited_once_with_the_username_and_address(client, officer):
    fail(client, officer.username, ACCOUNT_LIMIT + 2)
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.data["username"] == officer.username
    assert event.data["ip"] == OFFICE
    assert event.data["reason"] == "account"
    assert event.object_id == str(officer.pk)
    assert event.agency_id == officer.agency_id
    # every attempt, the refused ones included, is still logged as a failed sign-in
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == ACCOUNT_LIMIT + 2


def test_a_spraying_lockout_is_audited_with_the_address(client):
    for n in range(ADDRESS_LIMIT):
        sign_in(client, f"guess{n}", "Spring2026!")
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.data["ip"] == OFFICE
    assert event.data["reason"] == "address"
    assert event.data["username"] == f"guess{ADDRESS_LIMIT - 1}"


def test_x_forwarded_for_is_ignored_without_a_configured_proxy(client):
    for n in range(ADDRESS_LIMIT):
        # a client forging the header to look like a new address each time
        sign_in(client, f"guess{n}", "Spring2026!", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert AuditEvent.objects.filter(action="auth.locked_out").get().data["ip"] == OFFICE


def test_behind_a_proxy_the_address_it_saw_counts_and_forged_entries_do_not(client, settings):
    settings.XIETONG_PROXY_COUNT = 1
    statuses = []
    for n in range(ADDRESS_LIMIT):
        # nginx appends the address it saw to whatever the client sent
        forwarded = f"192.0.2.{n + 1}, 203.0.113.9"
        response = sign_in(
            client, f"guess{n}", "Spring2026!", ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert AuditEvent.objects.get(action="auth.locked_out").data["ip"] == "203.0.113.9"
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.data["ip"] == "203.0.113.9"  # the audit log names the same address
    # another client behind the same proxy is not locked
    other = sign_in(
        Client(), "guess0", "Spring2026!", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert other.status_code == 200


# --- unlocking ---------------------------------------------------------------------------


def test_a_system_administrator_unlocks_a_person_from_the_person_list(client, sysadmin, officer):
    fail(Client(), officer.username, ACCOUNT_LIMIT)
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:agencies_user_changelist"),
        {"action": "unlock_signin", "_selected_action": [officer.pk]},
        follow=True,
    )
    assert "已解除" in response.content.decode()
    assert sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert event.actor_id == sysadmin.pk
    assert event.object_id == str(officer.pk)
    assert event.data["username"] == officer.username
    assert event.data["via"] == "admin"


def test_the_failed_sign_ins_admin_shows_the_locks_and_unlocks_an_address(client, sysadmin):
    for n in range(ADDRESS_LIMIT):
        sign_in(Client(), f"guess{n}", "Spring2026!")
    client.force_login(sysadmin)
    changelist = reverse("admin:agencies_signinattempt_changelist")
    page = client.get(changelist, {"locked": "yes"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "登录失败记录与锁定" in content
    assert "地址已锁定" in content
    rows = AccessAttempt.objects.filter(ip_address=OFFICE).values_list("pk", flat=True)
    client.post(changelist, {"action": "unlock_addresses", "_selected_action": list(rows[:1])})
    assert not AccessAttempt.objects.filter(ip_address=OFFICE).exists()
    assert sign_in(Client(), "guess0", "Spring2026!").status_code == 200  # counted afresh
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert (event.actor_id, event.data["ip"]) == (sysadmin.pk, OFFICE)


def test_the_failed_sign_ins_cannot_be_edited_or_deleted_in_the_admin(client, sysadmin, officer):
    fail(Client(), officer.username, 2)
    attempt = AccessAttempt.objects.get()
    client.force_login(sysadmin)
    delete = reverse("admin:agencies_signinattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.parametrize(
    "url_name", ["agencies_user_changelist", "agencies_signinattempt_changelist"]
)
def test_only_system_administrators_can_unlock(client, agency, officer, url_name):
    fail(Client(), officer.username, ACCOUNT_LIMIT)
    staff = UserFactory(agency=agency, roles=[Role.AGENCY_LEADER], is_staff=True)
    client.force_login(staff)
    pk = officer.pk if url_name == "agencies_user_changelist" else AccessAttempt.objects.get().pk
    action = "unlock_signin" if url_name == "agencies_user_changelist" else "unlock_accounts"
    response = client.post(
        reverse(f"admin:{url_name}"), {"action": action, "_selected_action": [pk]}
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 429
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_the_signin_unlock_command_unlocks_and_is_audited(officer):
    fail(Client(), officer.username, ACCOUNT_LIMIT)
    call_command("signin_unlock", username=officer.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert event.actor_id is None
    assert event.data["via"] == "command"
