"""Inbox filters (whose, overdue, due today, referral type, source, agency) and order, and
comments with progress reports, each only where the referral is visible."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, Comment, Referral
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user, open_task, post_task
from workflow.models import CaseTask


def listed(client, box, **params):
    response = client.get(reverse(f"cases:{box}"), params)
    assert response.status_code == 200
    return [t.pk for t in response.context["page"]]


def test_the_inbox_filters_by_due_time_type_source_and_agency(client, world, agencies):
    routine = referred_case(world, agencies, ["省卫生健康委"])
    complaint = referred_case(world, agencies, ["省卫生健康委"])
    Case.objects.filter(pk=complaint.pk).update(source="complaint")
    late, today = open_task(routine, "receive"), open_task(complaint, "receive")
    now = timezone.now()
    CaseTask.objects.filter(task=late).update(due_at=now - timedelta(days=2))
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=58)
    CaseTask.objects.filter(task=today).update(due_at=max(end_of_day, now + timedelta(seconds=30)))
    as_user(client, "wj_liaison")
    assert listed(client, "inbox") == [late.pk, today.pk]  # the most urgent first
    assert listed(client, "inbox", sort="-due") == [today.pk, late.pk]
    assert listed(client, "inbox", due="overdue") == [late.pk]
    assert listed(client, "inbox", due="today") == [today.pk]
    assert listed(client, "inbox", source="complaint") == [today.pk]
    assert listed(client, "inbox", channel="administrative") == [late.pk, today.pk]
    assert listed(client, "inbox", channel="criminal") == []
    assert listed(client, "inbox", agency=agencies["省医保局"].pk) == [late.pk, today.pk]
    assert listed(client, "inbox", agency=agencies["省公安厅"].pk) == []
    # unknown values are ignored with a message, never an error page
    response = client.get(reverse("cases:inbox"), {"due": "x'; drop", "agency": "abc"})
    assert response.status_code == 200 and response.context["filters"].errors


def test_the_inbox_shows_mine_and_my_units_together(client, world, agencies):
    """A task belongs to its role in the agency: the liaison signs for the referral; the
    officers of the same unit see it in the unit's list, marked as not theirs."""
    case = referred_case(world, agencies, ["省卫生健康委"])
    receive = open_task(case, "receive")
    as_user(client, "wj_liaison")
    assert listed(client, "inbox", scope="mine") == [receive.pk]
    assert listed(client, "inbox", scope="unit") == []
    as_user(client, "wj_officer")
    assert listed(client, "inbox", scope="mine") == []
    assert listed(client, "inbox", scope="unit") == [receive.pk]
    response = client.get(reverse("cases:inbox"))
    assert [(t.pk, t.mine) for t in response.context["page"]] == [(receive.pk, False)]
    assert response.context["counts"] == {"mine": 0, "unit": 1}
    html = response.content.decode()
    assert reverse("cases:task", args=[receive.pk]) not in html  # no link to what is not mine
    assert "联络员" in html  # who acts on it instead
    as_user(client, "ga_liaison")  # another agency sees nothing of it
    assert listed(client, "inbox") == []


def test_comments_follow_referral_visibility_and_progress_moves_the_due_time(
    client, world, agencies
):
    case = referred_case(world, agencies, ["省卫生健康委", "省市场监管厅"])
    health = case.referrals.get(to_agency__short_name="省卫生健康委")
    url = reverse("cases:detail", args=[case.pk])
    # the originating agency comments for every party
    as_user(client, "yb_officer")
    empty = client.post(url, {"body": "  ", "referral": ""})
    assert empty.status_code == 200 and empty.context["comment_form"].errors["body"]
    assert client.post(url, {"body": "请各单位同步进展", "referral": ""}).status_code == 302
    # a receiver comments on its own referral only
    as_user(client, "wj_liaison")
    other = case.referrals.get(to_agency__short_name="省市场监管厅")
    refused = client.post(url, {"body": "x", "referral": other.pk})
    assert refused.status_code == 200 and refused.context["comment_form"].errors["referral"]
    assert client.post(url, {"body": "已安排核查", "referral": health.pk}).status_code == 302
    # 市场监管 sees the case-wide comment but not 卫健's
    as_user(client, "scjg_liaison")
    seen = [c.body for c in client.get(url).context["comments"]]
    assert seen == ["请各单位同步进展"]
    as_user(client, "yb_leader")
    assert [c.body for c in client.get(url).context["comments"]] == [
        "请各单位同步进展",
        "已安排核查",
    ]
    # a progress report on an accepted referral moves its next report due 30 days on
    as_user(client, "wj_liaison")
    post_task(client, open_task(case, "receive", health), {"action": "sign", "reason": ""})
    post_task(client, open_task(case, "decide", health), {"accept": "yes", "reason": ""})
    investigate = open_task(case, "investigate", health)
    CaseTask.objects.filter(task=investigate).update(due_at=timezone.now() - timedelta(days=1))
    as_user(client, "wj_officer")
    client.post(url, {"body": "已完成病历调阅", "referral": health.pk})
    progress = Comment.objects.get(body="已完成病历调阅")
    assert progress.is_progress
    health.refresh_from_db()
    case_task = CaseTask.objects.get(task=investigate)
    assert case_task.due_at == health.due_at > timezone.now() + timedelta(days=29)
    assert AuditEvent.objects.filter(action="case.progress_reported").count() == 1
    # the auditor reads but does not comment
    as_user(client, "auditor")
    assert client.get(url).context["comment_form"] is None
    assert client.post(url, {"body": "x", "referral": ""}).status_code == 404
    assert Comment.objects.count() == 3


def test_a_long_comment_is_refused(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    as_user(client, "yb_officer")
    response = client.post(
        reverse("cases:detail", args=[case.pk]), {"body": "长" * 2001, "referral": ""}
    )
    assert response.status_code == 200 and response.context["comment_form"].errors["body"]
    assert not Comment.objects.exists()
    assert Referral.objects.count() == 1


def test_long_lists_count_only_up_to_a_cap(client, world, agencies, monkeypatch):
    from cases.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    for _ in range(3):
        referred_case(world, agencies, ["省卫生健康委"])
    as_user(client, "wj_liaison")
    page = client.get(reverse("cases:inbox")).context["page"]
    assert page.paginator.capped and page.paginator.count == 3
    assert len(page.object_list) == 3  # the page itself is whole
    as_user(client, "yb_officer")
    assert client.get(reverse("cases:index")).context["page"].paginator.capped
    monkeypatch.setattr(CappedPaginator, "CAP", 10)
    page = client.get(reverse("cases:index")).context["page"]
    assert not page.paginator.capped and page.paginator.count == 3
