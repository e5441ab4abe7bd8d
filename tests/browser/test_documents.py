"""The joint-meeting office drafts and previews a notice, a colleague checks it (核稿), the
convenor signs it (签发) and it is issued, in a real browser."""

import pytest

from agencies.models import Role
from documents.models import IssuedDocument
from tests.browser.conftest import screenshot as shot
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_office_issues_a_numbered_notice_and_the_recipient_downloads_it(page, live_server):
    yb = AgencyFactory(name="吉林省医疗保障局", short_name="省医保局", doc_prefix="吉医保")
    police = AgencyFactory(
        name="吉林省公安厅", short_name="省公安厅", kind="public_security", doc_prefix="吉公"
    )
    from meetings.models import JointBody

    UserFactory(username="office", full_name="赵静", agency=yb, roles=[Role.MEETING_OFFICE])
    UserFactory(username="office2", full_name="孙玥", agency=yb, roles=[Role.MEETING_OFFICE])
    convenor = UserFactory(
        username="convenor", full_name="王建国", agency=yb, roles=[Role.CONVENOR]
    )
    JointBody.objects.create(name="联席会议", lead_agency=yb, convenor=convenor)
    UserFactory(username="liaison", full_name="沈立新", agency=police, roles=[Role.LIAISON])

    def log_in(username):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector(".xt-identity")

    log_in("office")
    page.goto("/documents/new/")
    page.fill("#id_title", "关于报送2026年联络员名单的通知")
    page.locator("#id_to_agencies").get_by_role("checkbox", name="吉林省公安厅").check()
    page.fill(
        "#id_body", "一、报送内容\n请于3月20日前报送联络员名单。\n二、联系方式\n联系人：赵静。"
    )
    page.fill("#id_attachment_titles", "联络员名单表")
    shot(page, "document-form")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector(".xt-message--success")  # the draft is saved

    with page.expect_popup() as popup:
        page.get_by_role("link", name="预览 PDF").click()
    preview = popup.value
    assert preview.url.endswith("/draft.pdf")
    preview.close()

    page.locator("form[action$='/submit/'] button").click()
    page.wait_for_selector("form[action$='/submit/']", state="detached")
    dispatch_url = page.url

    page.context.clear_cookies()
    log_in("office2")
    page.goto(dispatch_url)
    page.locator("#check_approve_0").check()
    page.fill("#check_opinion", "文字已核。")
    page.locator("form[action$='/check/'] button[type=submit]").click()
    page.wait_for_selector("form[action$='/check/']", state="detached")

    page.context.clear_cookies()
    log_in("convenor")
    page.goto(dispatch_url)
    page.locator("#sign_approve_0").check()
    page.fill("#sign_opinion", "同意印发。")
    shot(page, "document-sign")
    page.locator("form[action$='/sign/'] button[type=submit]").click()
    page.wait_for_selector("form[action$='/sign/']", state="detached")
    document = IssuedDocument.objects.get()
    assert document.number.startswith("吉医保联〔")
    assert document.number in page.locator("main").inner_text()
    shot(page, "document-issued")

    page.context.clear_cookies()  # a different person at another agency
    log_in("liaison")
    page.goto("/documents/?box=received")
    page.get_by_role("link", name="关于报送2026年联络员名单的通知").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{document.number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
