"""A person logs in through a real browser and finds their home page."""

import pytest

from agencies.models import Role
from tests.browser.conftest import screenshot as shot
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_liaison_logs_in_and_sees_their_home_page(page, live_server):
    agency = AgencyFactory(
        name="吉林省公安厅", short_name="省公安厅", kind="public_security", doc_prefix="吉公"
    )
    UserFactory(
        username="ga_liaison",
        full_name="沈立新",
        agency=agency,
        title="支队长",
        roles=[Role.LIAISON],
    )

    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"  # despite an English browser
    assert page.get_by_text("医保基金监管协同平台").first.is_visible()
    shot(page, "login")

    page.fill("input[name=username]", "ga_liaison")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_selector(".xt-identity")
    identity = page.locator(".xt-identity").inner_text()
    assert "沈立新" in identity
    assert "吉林省公安厅" in identity
    assert "联络员" in identity
    shot(page, "home")

    page.locator(".xt-app", has_text="机构").click()
    page.wait_for_selector("table.xt-table")
    assert "吉林省公安厅" in page.locator("table.xt-table").inner_text()
    shot(page, "directory")

    page.select_option("#xt-lang-select", "en")
    page.wait_for_selector("html[lang=en]")
    assert "Agencies" in page.locator("main").inner_text()


def test_a_wrong_password_is_told_so_in_chinese(page):
    UserFactory(username="someone", agency=AgencyFactory())
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "someone")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector(".xt-form-error")
    assert "请输入一个正确的" in page.locator(".xt-form-error").inner_text()
    assert "/accounts/login/" in page.url
