"""The 应移未移 monitor in a real browser: 省检察院 finds the alert in its to-do and recommends
the referral; 省医保局's leader finds the task and refers the case to 省公安厅; 公安's liaison
finds the new referral in the inbox. And the alert page on a phone."""

import pytest

from demo.directory import seed_directory
from monitor.models import Alert
from monitor.services import monitor_run
from tests.browser.conftest import fits, sign_in
from tests.browser.conftest import screenshot as shot
from tests.builders import make_closed_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def flagged_case():
    from agencies.models import User

    world = {u.username: u for u in User.objects.all()}
    case = make_closed_case(
        world,
        amount="126800.00",
        title="长春市某诊所虚构医疗服务骗取医保基金案",
        violation_types=["fictitious_services"],
    )
    case.team.set([world["yb_officer"], world["yb_officer2"]])
    monitor_run()
    return Alert.objects.get(case=case, rule__code="amount_reaches_threshold")


def test_recommended_by_the_procuratorate_and_referred_by_the_leader(page, live_server):
    seed_directory()
    alert = flagged_case()

    sign_in(page, "jcy_liaison")
    page.goto("/")
    page.locator(f".xt-urgent a[href='/monitor/{alert.pk}/']").click()
    page.wait_for_selector("text=监督摘要")
    shot(page, "monitor-alert")
    page.fill("#id_recommend-text", "该案涉案金额已达诈骗罪数额较大标准，建议移送公安机关。")
    page.get_by_role("button", name="建议移送", exact=True).click()
    page.wait_for_selector(".xt-message--success >> text=已向该单位负责人建议移送")

    sign_in(page, "yb_leader")
    page.goto("/")
    page.locator(f".xt-urgent a[href='/monitor/{alert.pk}/']").click()
    page.fill("#id_refer-summary", "根据省人民检察院建议，该案涉嫌诈骗罪，移送你厅依法审查。")
    page.get_by_role("button", name="移送案件", exact=True).click()
    page.wait_for_selector(".xt-message--success >> text=案件已移送")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.REFERRED
    number = alert.follow_up_case.number
    shot(page, "monitor-referred")

    sign_in(page, "ga_liaison")
    page.goto("/cases/inbox/?scope=mine")
    page.wait_for_selector(f"tbody >> text={number}")


def test_the_alert_page_fits_a_phone(phone, live_server):
    seed_directory()
    alert = flagged_case()
    sign_in(phone, "jcy_liaison")
    phone.goto(f"/monitor/{alert.pk}/")
    phone.wait_for_selector("text=监督摘要")
    fits(phone)
    phone.goto("/monitor/")
    fits(phone)
    shot(phone, "monitor-phone")
