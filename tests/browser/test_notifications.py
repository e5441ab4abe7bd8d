"""A liaison is told of a new referral in a real browser: the bell counts it, the notification
centre lists it, following it opens the task, and the liaison signs for the referral."""

import pytest

from cases.models import Referral
from demo.directory import seed_directory
from tests.browser.conftest import screenshot as shot
from tests.browser.conftest import sign_in
from tests.builders import refer, registered_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_liaison_opens_a_new_referral_from_the_notification_and_signs_for_it(page):
    seed_directory()
    from agencies.models import Agency, User

    police = Agency.objects.get(short_name="省公安厅")
    case = registered_case(User.objects.get(username="yb_officer"))
    refer(case, User.objects.get(username="yb_leader"), {police: "criminal"})

    sign_in(page, "ga_liaison")
    assert page.text_content(".xt-bell__count") == "1"
    shot(page, "bell")

    page.click(".xt-bell")
    page.wait_for_selector(".xt-notification--unread")
    shot(page, "notification-centre")
    link = page.locator(".xt-notification__title").first
    assert case.number in link.text_content()
    link.click()
    page.wait_for_selector("input[value=sign]")
    assert "/cases/tasks/" in page.url
    assert page.locator(".xt-bell__count").count() == 0  # read on the way
    page.check("input[value=sign]")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector(".xt-message--success >> text=已签收，回执已出具")
    assert Referral.objects.get(case=case).status == Referral.Status.SIGNED
