"""The case ledger in a real browser: filtered, exported to Excel as shown, and readable on a
390 px phone."""

import io

import openpyxl
import pytest

from agencies.models import Agency, User
from demo.directory import seed_directory
from tests.browser.conftest import fits, screenshot, sign_in
from tests.builders import refer, registered_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def two_cases():
    seed_directory()
    officer, leader = (
        User.objects.get(username="yb_officer"),
        User.objects.get(username="yb_leader"),
    )
    referred = registered_case(officer, "某药店串换药品案")
    refer(referred, leader, {Agency.objects.get(name="吉林省公安厅"): "criminal"})
    waiting = registered_case(officer, "某诊所挂床住院线索")
    return referred, waiting


def test_an_officer_filters_the_ledger_and_exports_it(page):
    referred, waiting = two_cases()
    sign_in(page, "yb_officer")
    page.goto("/cases/ledger/")
    table = page.locator("table.xt-ledger tbody")
    assert referred.number in table.inner_text() and waiting.number in table.inner_text()
    page.select_option("#id_channel", "criminal")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**channel=criminal**")
    text = page.locator("table.xt-ledger tbody").inner_text()
    assert referred.number in text and waiting.number not in text
    screenshot(page, "ledger")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    with open(info.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert numbers == [referred.number, "合计"]


def test_the_ledger_fits_a_phone(phone):
    two_cases()
    sign_in(phone, "yb_officer")
    phone.goto("/cases/ledger/")
    phone.wait_for_selector("table.xt-ledger")
    fits(phone)
    screenshot(phone, "ledger-phone")
