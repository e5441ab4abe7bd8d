"""一案多查 in a real browser: one case referred to three agencies, all the way to closing."""

import pytest

from cases.models import Case
from demo.directory import seed_directory
from tests.browser.conftest import screenshot as shot
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_my_first_task(page):
    """The inbox's first task of mine (most urgent first) — no claiming: it is mine by role."""
    page.goto("/cases/inbox/?scope=mine")
    page.locator("tbody a[href^='/cases/tasks/']").first.click()
    page.wait_for_selector("form.xt-form")


def test_one_case_three_agencies_in_the_browser(page, live_server, tmp_path):
    seed_directory()

    def log_in(username):
        sign_in(page, username)

    evidence = tmp_path / "检查记录.pdf"
    evidence.write_bytes(b"%PDF-1.7 evidence")

    log_in("yb_officer")
    page.goto("/cases/new/")
    page.fill("#id_title", "长春市某医院分解住院案")
    page.select_option("#id_source", "flying_inspection")
    page.get_by_role("checkbox", name="分解住院", exact=True).check()
    page.fill("#id_suspected_amount", "3862700.50")
    page.fill("#id_description", "飞行检查发现分解住院。")
    page.set_input_files("#id_evidence", str(evidence))
    page.select_option("#id_subjects-0-kind", "institution")
    page.fill("#id_subjects-0-name", "长春市某医院")
    page.fill("#id_subjects-0-credit_code", "91110000600037341L")
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector("text=等待负责人审批")
    shot(page, "case-registered")

    log_in("yb_leader")
    open_my_first_task(page)
    page.check("input[value=refer]")
    for agency in ("吉林省公安厅", "吉林省卫生健康委员会", "吉林省市场监督管理厅"):
        page.get_by_role("checkbox", name=agency, exact=True).check()
    page.fill("#id_summary", "该院涉嫌分解住院，请依法处理。")
    for officer in ("张丽娟", "刘喆"):  # the case team (办案人员): two officers
        page.locator("#id_team").get_by_role("checkbox", name=officer, exact=True).check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector(".xt-message--success >> text=已移送，移送书已印发")

    for prefix in ("ga", "wj", "scjg"):
        log_in(f"{prefix}_liaison")
        open_my_first_task(page)
        page.check("input[value=sign]")
        page.get_by_role("button", name="提交").click()
        page.wait_for_selector(".xt-message--success >> text=已签收，回执已出具")
        open_my_first_task(page)
        page.check("input[value=yes]")  # accepting needs no reasons: the box stays hidden
        page.get_by_role("button", name="提交").click()
        page.wait_for_selector(".xt-message--success >> text=已受理，已告知移送单位")
        if prefix == "ga":  # a criminal filing: 医保 hands over the evidence within 3 days
            log_in("yb_officer")
            open_my_first_task(page)
            page.fill("#id_note", "移交住院病历312份、费用票据1箱。")
            page.get_by_role("button", name="提交").click()
            page.wait_for_selector(".xt-message--success >> text=已完成")
        log_in(f"{prefix}_officer")
        open_my_first_task(page)
        page.check("input[value=admin_penalty]")
        page.fill("#id_outcome", "已依法处理")
        page.fill("#id_recovered", "100000")
        page.fill("#id_fines", "50000")
        page.get_by_role("button", name="提交").click()
        page.wait_for_selector(".xt-message--success >> text=处理结果已反馈移送单位")

    log_in("yb_officer")
    open_my_first_task(page)
    page.fill("#id_note", "三部门均已反馈处理结果，结案。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector(".xt-message--success >> text=结案报告已报送负责人审批")
    log_in("yb_leader")  # 结案审批
    open_my_first_task(page)
    assert "三部门均已反馈处理结果，结案。" in page.locator("main").inner_text()
    page.check("input[value=yes]")  # approving needs no opinion: the box stays hidden
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector(".xt-message--success >> text=已同意结案")
    shot(page, "case-closed")
    case = Case.objects.get()
    assert case.status == Case.Status.CLOSED
    assert str(case.recovered_total) == "300000.00"
    assert "300,000.00" in page.locator("main").inner_text()
