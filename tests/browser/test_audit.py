"""The auditor's round in a real browser: from a case to its audit trail, one event in words,
the filtered log exported to Excel, and the case's record printed as a PDF."""

import io

import openpyxl
import pdfplumber
import pytest

from agencies.models import Agency, User
from audit.models import AuditEvent
from demo.directory import seed_directory
from tests.browser.conftest import fits, screenshot, sign_in
from tests.builders import refer, registered_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_auditor_follows_a_case_through_the_log_exports_it_and_prints_its_record(page):
    seed_directory()
    case = registered_case(User.objects.get(username="yb_officer"), "某药店串换药品案")
    refer(
        case,
        User.objects.get(username="yb_leader"),
        {Agency.objects.get(name="吉林省公安厅"): "criminal"},
    )
    other = registered_case(User.objects.get(username="yb_officer"), "另一家医院的线索")
    sign_in(page, "auditor")

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="案件审计记录").click()
    page.wait_for_selector("table.xt-table")
    assert page.input_value("#id_case") == case.number
    rows = page.locator("table.xt-table tbody tr")
    listed = rows.all_inner_texts()
    assert any("移送书" in row or "移送" in row for row in listed)
    assert not any(other.number in row for row in listed)
    assert "referral." not in page.locator("main").inner_text()
    screenshot(page, "audit-log-case")

    # one event, in words: the referral sent to the police
    sent = AuditEvent.objects.filter(action="referral.sent", object_id=str(case.pk)).get()
    page.get_by_role("link", name=str(sent.seq), exact=True).click()
    page.wait_for_selector("dl.xt-facts")
    detail = page.locator("main").inner_text()
    assert "发出移送" in detail or "移送" in detail
    assert "吉林省公安厅" in detail and sent.hash in detail
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.startswith("审计日志-")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    values = list(book.active.iter_rows(values_only=True))
    assert case.number in values[1][0]
    assert sent.seq in [row[0] for row in values[3:]]
    assert AuditEvent.objects.filter(action="audit.exported", actor__username="auditor").exists()

    link = page.get_by_role("link", name="案件办理记录")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    with pdfplumber.open(io.BytesIO(response.body())) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "案件办理记录" in text and case.number in text
    assert AuditEvent.objects.filter(
        action="audit.case_record_downloaded", object_id=str(case.pk)
    ).exists()


def test_the_audit_log_fits_a_phone(phone):
    seed_directory()
    registered_case(User.objects.get(username="yb_officer"), "某药店串换药品案")
    sign_in(phone, "auditor")
    phone.goto("/audit/?hide_signin=on")
    phone.wait_for_selector("table.xt-table")
    fits(phone)
    screenshot(phone, "audit-log-phone")
