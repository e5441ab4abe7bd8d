"""Daily work in a real browser: a leader finds the clue to approve on the home page and
decides it from there; a liaison on a 390 px phone goes from the inbox to the task and signs
for the referral — nothing wider than the screen on the way."""

import pytest

from cases.models import Case, Referral
from demo.directory import seed_directory
from tests.browser.conftest import fits, screenshot, sign_in
from tests.builders import refer, registered_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_leader_sees_the_approval_on_the_home_page_and_decides_it(page):
    seed_directory()
    from agencies.models import User

    case = registered_case(User.objects.get(username="yb_officer"), "某药店串换药品案")
    sign_in(page, "yb_leader")
    dashboard = page.locator(".xt-dashboard")
    assert "待您审批" in dashboard.inner_text()
    dashboard.get_by_role("link", name="审批").first.click()
    page.wait_for_selector("form.xt-form")
    assert case.number in page.locator("main").inner_text()
    page.check("input[value=in_house]")
    for officer in ("张丽娟", "刘喆"):  # the case team (办案人员): two officers
        page.locator("#id_team").get_by_role("checkbox", name=officer, exact=True).check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector(".xt-message--success >> text=本单位自行办理")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_HOUSE
    page.goto("/")
    assert "待您审批" not in page.locator("main").inner_text()


def test_a_liaison_signs_for_a_referral_on_a_phone(phone):
    seed_directory()
    from agencies.models import Agency, User

    health = Agency.objects.get(short_name="省卫生健康委")
    case = registered_case(User.objects.get(username="yb_officer"), "某医院涉嫌挂床住院案")
    refer(case, User.objects.get(username="yb_leader"), {health: "administrative"})
    sign_in(phone, "wj_liaison")
    fits(phone)
    phone.goto("/cases/inbox/?scope=mine")
    fits(phone)
    screenshot(phone, "phone-inbox")
    phone.locator("tbody a[href^='/cases/tasks/']").first.click()
    phone.wait_for_selector("form.xt-form")
    fits(phone)
    assert case.number in phone.locator("main").inner_text()
    phone.check("input[value=sign]")
    button = phone.get_by_role("button", name="提交")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # reachable on the screen
    button.click()
    phone.wait_for_selector(".xt-message--success >> text=已签收，回执已出具")
    fits(phone)
    screenshot(phone, "phone-signed")
    assert Referral.objects.get(case=case).status == Referral.Status.SIGNED
