"""One joint-meeting round in a real browser: topics with materials (found from the to-do
list), screening, agenda, approval with a unit invited for one item, notice and 列席 letter,
reply, attendance, minutes with a resolution, approval — to the issued 纪要 — and the
resolution reported done with its evidence and verified by the office."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.directory import seed_directory
from meetings.models import JointBody, Meeting, Membership, Resolution
from tests.browser.conftest import screenshot as shot
from tests.browser.conftest import sign_in

PDF = b"%PDF-1.7\n% a short test file\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_meeting_round_from_topics_to_issued_minutes(page, live_server):
    seed_directory()
    from agencies.models import Agency, User

    body = JointBody.objects.create(
        name="吉林省医疗保障基金监管部门联席会议",
        lead_agency=Agency.objects.get(short_name="省医保局"),
        convenor=User.objects.get(username="yb_convenor"),
    )
    for order, short in enumerate(["省医保局", "省公安厅", "省卫生健康委"]):
        agency = Agency.objects.get(short_name=short)
        Membership.objects.create(
            body=body,
            agency=agency,
            sort_order=order,
            liaison=agency.people.filter(username__endswith="_liaison").first(),
        )

    def log_in(username):
        sign_in(page, username)

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    log_in("yb_office")
    page.goto("/meetings/new/")
    page.select_option("#id_kind", "full")
    page.fill("#id_title", "第四季度全体会议")
    page.fill("#id_topics_due", local(timezone.now() + timedelta(days=3)))
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=征集议题")
    meeting = Meeting.objects.get()

    log_in("wj_liaison")
    page.goto("/meetings/")  # the call for topics waits on the unit's to-do list
    page.get_by_role("link", name="报送议题或报告无议题").click()
    page.get_by_role("link", name="报送议题", exact=True).click()
    page.fill("#id_title", "联合整治分解住院")
    page.fill("#id_background", "多家医院存在分解住院问题。")
    page.set_input_files(
        "#id_files",
        {"name": "分解住院情况.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=联合整治分解住院")
    assert page.get_by_role("link", name="分解住院情况.pdf").is_visible()

    log_in("yb_office")
    page.goto(f"/meetings/{meeting.pk}/")
    page.select_option("select[name=action]", "accept")
    page.get_by_role("button", name="记录").click()
    page.wait_for_selector("input[name^=minutes-]")
    page.get_by_role("button", name="报送召集人审定").click()
    page.wait_for_selector("text=待召集人审定")

    log_in("yb_convenor")
    page.get_by_role("link", name="审定议程").click()  # from the home page's to-do list
    start = timezone.now() + timedelta(days=7)
    page.check("input[value=yes]")
    page.locator("[id^=id_invited_]").first.get_by_role(
        "checkbox", name="吉林省药品监督管理局"
    ).check()
    page.fill("#id_starts_at", local(start))
    page.fill("#id_ends_at", local(start + timedelta(hours=2)))
    page.select_option("#id_form", "on_site")
    page.fill("#id_place", "省医保局第一会议室")
    page.fill("#id_rsvp_due", local(start - timedelta(days=2)))
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=已发通知")
    assert page.get_by_text("关于邀请列席第四季度全体会议的函").is_visible()
    shot(page, "meeting-notified")

    log_in("wj_liaison")
    page.goto(f"/meetings/{meeting.pk}/reply/")
    page.check("input[value=attending]")
    page.fill("#id_attendees", "吕晓红 综合监督局副局长")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=吕晓红 综合监督局副局长")

    # the day comes
    held = timezone.now() - timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held, ends_at=held + timedelta(hours=1))
    log_in("yb_office")
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    page.get_by_role("button", name="记录出席情况").click()
    page.wait_for_selector("text=已召开")
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.fill("#id_text", "会议研究了联合整治分解住院问题。")
    page.fill("#id_resolutions-0-text", "开展联合专项检查")
    page.select_option("#id_resolutions-0-lead_agency", label="吉林省医疗保障局")
    page.fill("#id_resolutions-0-due_on", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存并报送召集人").click()
    page.wait_for_selector("text=纪要待召集人审定")

    log_in("yb_convenor")
    page.goto(f"/meetings/{meeting.pk}/minutes/approve/")
    page.check("input[value=yes]")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=纪要已印发")
    shot(page, "meeting-minutes-issued")
    assert Resolution.objects.get().status == "open"
    assert "吉医保纪" in page.locator("main").inner_text()

    # the lead unit reports it done with its evidence; the office verifies
    log_in("yb_liaison")
    page.goto("/meetings/")
    page.get_by_role("link", name="报告本单位牵头议定事项的落实情况").click()
    page.fill("#id_body", "联合专项检查已完成，检查报告见附件。")
    page.check("#id_completion")
    page.set_input_files(
        "#id_files", {"name": "检查报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="报告").click()
    page.wait_for_selector("text=已报办结，待办公室核实")
    log_in("yb_office")
    page.goto("/meetings/")
    page.get_by_role("link", name="核实报告办结的议定事项").click()
    page.check("input[value=yes]")
    page.get_by_role("button", name="记录").click()
    page.wait_for_selector(".xt-card__header >> text=已办结")
    assert Resolution.objects.get().status == "done"
