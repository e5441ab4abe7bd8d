"""One joint-meeting round in a real browser: topics, screening, agenda, approval and notice,
reply, attendance, minutes with a resolution, approval — to the issued 纪要."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.directory import DEMO_PASSWORD, seed_directory
from meetings.models import JointBody, Meeting, Membership, Resolution
from tests.browser.test_login import shot

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
        Membership.objects.create(
            body=body, agency=Agency.objects.get(short_name=short), sort_order=order
        )

    def log_in(username):
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector(".xt-identity")

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
    page.goto(f"/meetings/{meeting.pk}/topics/new/")
    page.fill("#id_title", "联合整治分解住院")
    page.fill("#id_background", "多家医院存在分解住院问题。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=联合整治分解住院")

    log_in("yb_office")
    page.goto(f"/meetings/{meeting.pk}/")
    page.select_option("select[name=action]", "accept")
    page.get_by_role("button", name="记录").click()
    page.wait_for_selector("input[name^=minutes-]")
    page.get_by_role("button", name="报送召集人审定").click()
    page.wait_for_selector("text=待召集人审定")

    log_in("yb_convenor")
    page.goto(f"/meetings/{meeting.pk}/approve/")
    start = timezone.now() + timedelta(days=7)
    page.check("input[value=yes]")
    page.fill("#id_starts_at", local(start))
    page.fill("#id_ends_at", local(start + timedelta(hours=2)))
    page.select_option("#id_form", "on_site")
    page.fill("#id_place", "省医保局第一会议室")
    page.fill("#id_rsvp_due", local(start - timedelta(days=2)))
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("text=已发通知")
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
