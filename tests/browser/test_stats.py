"""The statistics in a real browser: the joint-meeting office picks a period, sees each chart
beside its table, opens the ledger rows behind a number and exports them; on a 390 px phone
nothing is wider than the screen."""

import io

import openpyxl
import pytest

from agencies.models import Agency, User
from demo.directory import seed_directory
from tests.browser.conftest import fits, screenshot, sign_in
from tests.stats.conftest import Book

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

H1 = "date_from=2025-01-01&date_to=2025-06-30"


def small_book():
    seed_directory()
    world = {u.username: u for u in User.objects.all()}
    agencies = {a.short_name: a for a in Agency.objects.all()}
    return Book(world, agencies).h1_2025()


def charts_loaded(page):
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.xt-stats__chart')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )


def test_the_office_reads_the_figures_drills_down_and_exports(page):
    rows = small_book()
    sign_in(page, "yb_office")
    page.goto("/")
    page.locator("a.xt-app", has_text="统计分析").click()
    page.wait_for_url("**/stats/")
    page.fill("#id_date_from", "2025-01-01")
    page.fill("#id_date_to", "2025-06-30")
    page.select_option("#id_dimension", "agency")
    page.get_by_role("button", name="统计").click()
    page.wait_for_url("**date_from=2025-01-01**")
    charts_loaded(page)
    breakdown = page.locator("#xt-stats-breakdown")
    assert breakdown.locator("img.xt-stats__chart").count() == 2
    police = breakdown.locator("tbody tr", has_text="省公安厅")
    assert "80,000.00" in police.inner_text()
    screenshot(page, "stats")

    # the 省公安厅's "接收移送" (1): the ledger with that referral
    police.locator("td[data-label='接收移送'] a").click()
    page.wait_for_url("**/cases/ledger/**party=receiver**")
    ledger = page.locator("table.xt-ledger tbody")
    assert rows["a"].number in ledger.inner_text()
    assert ledger.locator("tr").count() == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    with open(info.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert numbers == [rows["a"].number, "合计"]


def test_the_statistics_fit_a_phone(phone):
    small_book()
    sign_in(phone, "yb_office")
    phone.goto(f"/stats/?{H1}&dimension=agency")
    charts_loaded(phone)
    fits(phone)
    row = phone.locator("#xt-stats-breakdown tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    screenshot(phone, "stats-phone")
