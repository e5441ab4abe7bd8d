"""In a real browser: a locked account is told so on the login page; a person required to
choose a new password is taken to the password change and goes on after it."""

import pytest
from django.conf import settings

from agencies.models import Role, User
from tests.browser.conftest import screenshot as shot
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit_login(page, username, password):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_locked_account_is_told_on_the_login_page(page):
    UserFactory(username="ga_liaison", agency=AgencyFactory(), roles=[Role.LIAISON])
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        submit_login(page, "ga_liaison", "not-the-password")
    message = page.locator(".xt-lockout").inner_text()
    assert "账号“ga_liaison”登录失败次数过多" in message
    assert "系统管理员" in message
    assert page.locator("input[name=password]").is_visible()  # the login page itself
    shot(page, "lockout")
    submit_login(page, "ga_liaison", TEST_PASSWORD)
    assert "/accounts/login/" in page.url
    assert page.locator(".xt-lockout").is_visible()


def test_a_required_password_change_comes_first(page, live_server):
    person = UserFactory(username="yb_officer", agency=AgencyFactory(), roles=[Role.CASE_OFFICER])
    User.objects.filter(pk=person.pk).update(must_change_password=True)
    page.goto("/accounts/login/")
    submit_login(page, "yb_officer", TEST_PASSWORD)
    page.wait_for_url(f"{live_server.url}/accounts/password_change/")
    assert "系统管理员要求您先设置新密码" in page.locator(".xt-messages").inner_text()
    shot(page, "password_change")
    page.fill("input[name=old_password]", TEST_PASSWORD)
    page.fill("input[name=new_password1]", "Songhua-Jiang-2026")
    page.fill("input[name=new_password2]", "Songhua-Jiang-2026")
    page.get_by_role("button", name="确认修改").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_change/done/")
    shot(page, "password_changed")
    page.goto("/")
    page.wait_for_selector(".xt-identity")
