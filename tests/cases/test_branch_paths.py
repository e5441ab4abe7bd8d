"""The branch paths after signing, over HTTP as the demo personas: refusal and reconsideration,
filing supervision, evidence hand-over, 公安's hand-back, withdrawal, referring further, and
extensions — each ending with the referral state, the process state and the audit events."""

from datetime import timedelta

import chinese_calendar
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases.models import Case, Extension, Referral
from tests.builders import team_ids
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import (
    approve_closing,
    as_user,
    open_task,
    post_task,
    register,
)
from workflow.models import CaseTask


def actions(case):
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def open_steps(case):
    return sorted(
        t.flow_task.name
        for t in Task.objects.filter(
            process__caseprocess__case=case,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
    )


def criminal_case(world, agencies, client, to="省公安厅"):
    """A case referred to 公安 (criminal, copied to the procuratorate) and signed for."""
    case = register(client, title="刑事移送测试案")
    as_user(client, "yb_leader")
    post_task(
        client,
        open_task(case, "approve"),
        {
            "decision": "refer",
            "team": team_ids(case),
            "to_agencies": [agencies[to].pk],
            "summary": "涉嫌诈骗犯罪，依法移送。",
            "reason": "",
        },
    )
    referral = case.referrals.get()
    assert referral.channel == Referral.Channel.CRIMINAL and referral.copy_to is not None
    as_user(client, "ga_liaison")
    post_task(client, open_task(case, "receive"), {"action": "sign", "reason": ""})
    return case, case.referrals.get()


def refuse(client, case):
    as_user(client, "ga_liaison")
    response = post_task(client, open_task(case, "decide"), {"accept": "no", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    post_task(client, open_task(case, "decide"), {"accept": "no", "reason": "不构成犯罪"})


def test_a_refusal_goes_back_to_the_sender_who_may_accept_it(client, world, agencies):
    case, referral = criminal_case(world, agencies, client)
    refuse(client, case)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSED and referral.finished_at is None
    respond = open_task(case, "respond")
    assert respond.data["agency_id"] == case.agency_id
    # the sender has 3 days to request reconsideration
    assert CaseTask.objects.get(task=respond).due_at == referral.due_at
    as_user(client, "yb_officer")
    post_task(client, respond, {"action": "accept", "reason": ""})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSAL_ACCEPTED and referral.is_finished
    assert open_steps(case) == ["close"]
    assert actions(case)[-2:] == ["referral.refused", "referral.refusal_accept"]


def test_reconsideration_then_supervision_then_filing_on_notice(client, world, agencies):
    case, referral = criminal_case(world, agencies, client)
    refuse(client, case)
    as_user(client, "yb_officer")
    respond = open_task(case, "respond")
    empty = post_task(client, respond, {"action": "reconsider", "reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    post_task(client, respond, {"action": "reconsider", "reason": "证据足以证明虚构住院事实"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECONSIDERATION
    # the receiver decides within 3 days; upholding needs reasons too
    as_user(client, "ga_liaison")
    reconsider = open_task(case, "reconsider")
    assert reconsider.data["agency_id"] == agencies["省公安厅"].pk
    post_task(client, reconsider, {"accept": "no", "reason": "维持不立案决定"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSED
    # reconsideration is requested once; then the procuratorate is asked
    as_user(client, "yb_officer")
    respond = open_task(case, "respond")
    page = client.get(reverse("cases:task", args=[respond.pk]))
    choices = [c[0] for c in page.context["form"].fields["action"].choices]
    assert choices == ["accept", "supervise"]
    post_task(client, respond, {"action": "supervise", "reason": "公安机关应当立案而不立案"})
    supervise = open_task(case, "supervise")
    assert supervise.data["agency_id"] == referral.copy_to_id
    # 公安 cannot see the supervision task; the procuratorate's liaison can
    as_user(client, "ga_liaison")
    assert client.get(reverse("cases:task", args=[supervise.pk])).status_code == 404
    as_user(client, "jcy_liaison")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    bad = post_task(client, supervise, {"outcome": "notice_to_file", "note": ""})
    assert bad.status_code == 200 and bad.context["form"].errors["note"]
    post_task(client, supervise, {"outcome": "notice_to_file", "note": "不立案理由不能成立"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NOTICE_TO_FILE
    assert referral.due_at > timezone.now() + timedelta(days=14)
    as_user(client, "ga_liaison")
    post_task(client, open_task(case, "file_on_notice"), {"note": "吉公立字〔2026〕18号"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and referral.filed_at
    # after a criminal filing the sender hands over the evidence within 3 days
    assert open_steps(case) == ["handover"]
    # three calendar days; a last day that is a rest day moves to the next working day
    last = timezone.localtime(referral.filed_at).date() + timedelta(days=3)
    while not chinese_calendar.is_workday(last):
        last += timedelta(days=1)
    assert timezone.localtime(referral.due_at).date() == last
    as_user(client, "yb_officer")
    post_task(client, open_task(case, "handover"), {"note": "移交病历312份、票据1箱"})
    referral.refresh_from_db()
    assert referral.handover_at and open_steps(case) == ["investigate"]
    assert actions(case)[-6:] == [
        "referral.refusal_reconsider",
        "referral.reconsidered.upheld",
        "referral.refusal_supervise",
        "referral.supervision.notice_to_file",
        "referral.filed_on_notice",
        "referral.evidence_handed_over",
    ]


def test_reconsideration_after_three_days_is_refused(client, world, agencies):
    case, referral = criminal_case(world, agencies, client)
    refuse(client, case)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    as_user(client, "yb_officer")
    response = post_task(
        client, open_task(case, "respond"), {"action": "reconsider", "reason": "x"}
    )
    assert response.status_code == 200
    assert "3" in str(response.context["form"].non_field_errors())
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSED


def test_supervision_finding_the_reasons_sound_ends_the_branch(client, world, agencies):
    case, referral = criminal_case(world, agencies, client)
    refuse(client, case)
    as_user(client, "yb_officer")
    post_task(client, open_task(case, "respond"), {"action": "supervise", "reason": "应当立案"})
    as_user(client, "jcy_liaison")
    post_task(
        client, open_task(case, "supervise"), {"outcome": "reasons_sound", "note": "理由成立"}
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSAL_ACCEPTED
    assert open_steps(case) == ["close"]


def test_police_hand_a_case_back_and_the_branch_goes_on_with_the_reverse_referral(
    client, world, agencies
):
    case, referral = criminal_case(world, agencies, client)
    as_user(client, "ga_liaison")
    post_task(client, open_task(case, "decide"), {"accept": "yes", "reason": "已立案"})
    as_user(client, "yb_officer")
    post_task(client, open_task(case, "handover"), {"note": "已移交"})
    as_user(client, "ga_officer")
    investigate = open_task(case, "investigate")
    empty = post_task(client, investigate, {"action": "hand_back", "reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    post_task(client, investigate, {"action": "hand_back", "reason": "涉案金额未达立案追诉标准。"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.HANDED_BACK
    reverse_referral = referral.handbacks.get()
    assert reverse_referral.from_agency == agencies["省公安厅"]
    assert reverse_referral.to_agency == case.agency
    assert reverse_referral.channel == Referral.Channel.ADMINISTRATIVE
    assert reverse_referral.issued_documents().get().agency == agencies["省公安厅"]
    # the originating agency's liaison now signs for it like any referral
    receive = open_task(case, "receive")
    assert receive.data["referral_id"] == reverse_referral.pk
    assert receive.data["agency_id"] == case.agency_id
    as_user(client, "yb_liaison")
    post_task(client, receive, {"action": "sign", "reason": ""})
    post_task(client, open_task(case, "decide"), {"accept": "yes", "reason": "依法行政处理"})
    as_user(client, "yb_officer")
    post_task(
        client,
        open_task(case, "investigate"),
        {
            "action": "report",
            "outcomes": ["admin_penalty", "funds_recovered"],
            "outcome": "追回基金并处罚款",
            "recovered": "1000.00",
            "fines": "2000.00",
        },
    )
    reverse_referral.refresh_from_db()
    assert reverse_referral.status == Referral.Status.RESULT_REPORTED
    assert reverse_referral.outcomes == ["admin_penalty", "funds_recovered"]
    post_task(client, open_task(case, "close"), {"note": "办结", "recovered": "", "fines": ""})
    approve_closing(client, case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.fines_total == 2000
    assert case.process.status == STATUS.DONE
    assert "referral.handed_back" in actions(case)


def test_only_the_police_may_hand_back(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    as_user(client, "wj_liaison")
    post_task(client, open_task(case, "receive"), {"action": "sign", "reason": ""})
    post_task(client, open_task(case, "decide"), {"accept": "yes", "reason": ""})
    as_user(client, "wj_officer")
    page = client.get(reverse("cases:task", args=[open_task(case, "investigate").pk]))
    assert [c[0] for c in page.context["form"].fields["action"].choices] == ["report"]
    response = post_task(
        client, open_task(case, "investigate"), {"action": "hand_back", "reason": "x"}
    )
    assert response.status_code == 200 and response.context["form"].errors["action"]


def test_withdrawing_branches_finishes_them_and_the_join_goes_on(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委", "省市场监管厅"])
    health = case.referrals.get(to_agency__short_name="省卫生健康委")
    market = case.referrals.get(to_agency__short_name="省市场监管厅")
    url = reverse("cases:withdraw", args=[health.pk])
    # the officer may not withdraw; neither may the receiver
    as_user(client, "yb_officer")
    assert client.get(url).status_code == 404
    as_user(client, "wj_leader")
    assert client.post(url, {"reason": "x"}).status_code == 404
    as_user(client, "yb_leader")
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    host = open_task(case, "receive", health)
    assert client.post(url, {"reason": "已由其他渠道处理"}).status_code == 302
    health.refresh_from_db()
    assert health.status == Referral.Status.WITHDRAWN and health.finished_at
    # its timers went with it
    assert not Task.objects.filter(
        previous=host, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).exists()
    assert open_steps(case) == ["receive"]
    # withdrawing the last branch mid-way (after signing) lets the Join complete
    as_user(client, "scjg_liaison")
    post_task(client, open_task(case, "receive", market), {"action": "sign", "reason": ""})
    as_user(client, "yb_leader")
    client.post(reverse("cases:withdraw", args=[market.pk]), {"reason": "撤回"})
    assert open_steps(case) == ["close"]
    close = open_task(case, "close")
    scheduled = Task.objects.filter(
        process=case.process, flow_task_type="TIMER", status=STATUS.SCHEDULED
    )
    assert {t.previous.get() for t in scheduled} == {close}
    assert actions(case).count("referral.withdrawn") == 2
    # a finished referral cannot be withdrawn again
    assert client.get(reverse("cases:withdraw", args=[market.pk])).status_code == 404


def test_referring_further_before_closing_starts_a_new_round(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    health = case.referrals.get()
    as_user(client, "wj_liaison")
    post_task(client, open_task(case, "receive"), {"action": "sign", "reason": ""})
    post_task(client, open_task(case, "decide"), {"accept": "no", "reason": "不属于本部门职责"})
    as_user(client, "yb_officer")
    post_task(client, open_task(case, "respond"), {"action": "accept", "reason": ""})
    close = open_task(case, "close")
    further = {
        "note": "转市场监管部门",
        "recovered": "",
        "fines": "",
        "refer_to": [agencies["省市场监管厅"].pk],
        "summary": "",
    }
    response = post_task(client, close, further)
    assert response.status_code == 200 and response.context["form"].errors["summary"]
    further["summary"] = "请依法查处价格违法行为。"
    response = post_task(client, close, further)  # an officer may not: the leader decides
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert case.referrals.count() == 1 and open_steps(case) == ["close"]
    as_user(client, "yb_leader")
    assert post_task(client, close, further).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    market = case.referrals.exclude(pk=health.pk).get()
    assert open_steps(case) == ["receive"]
    as_user(client, "scjg_liaison")
    post_task(client, open_task(case, "receive", market), {"action": "sign", "reason": ""})
    post_task(client, open_task(case, "decide"), {"accept": "yes", "reason": ""})
    as_user(client, "scjg_officer")
    post_task(
        client,
        open_task(case, "investigate"),
        {
            "action": "report",
            "outcomes": ["admin_penalty"],
            "outcome": "罚款",
            "recovered": "",
            "fines": "5000",
        },
    )
    as_user(client, "yb_officer")
    post_task(client, open_task(case, "close"), {"note": "办结", "recovered": "", "fines": ""})
    approve_closing(client, case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.fines_total == 5000
    assert case.process.status == STATUS.DONE
    assert "case.referred_further" in actions(case)


def test_police_extensions_need_a_leaders_approval_and_move_the_deadline(client, world, agencies):
    case, referral = criminal_case(world, agencies, client)
    decide = open_task(case, "decide")
    original_due = referral.due_at
    url = reverse("cases:extend", args=[referral.pk])
    as_user(client, "yb_officer")
    assert client.get(url).status_code == 404  # only the receiver asks
    as_user(client, "ga_liaison")
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    assert client.post(url, {"reason": "涉案人员众多，需调取大量账目"}).status_code == 302
    extension = Extension.objects.get()
    assert extension.rule == "police_filing_extension_10"
    # one pending request at a time; the requester cannot approve it
    again = client.post(url, {"reason": "再次"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    decide_url = reverse("cases:extension", args=[extension.pk])
    assert client.post(decide_url, {"approve": "yes"}).status_code == 404
    as_user(client, "ga_leader")
    inbox = client.get(reverse("cases:inbox"))
    assert list(inbox.context["extensions"]) == [extension]
    refused = client.post(decide_url, {"approve": "no", "note": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["note"]
    assert client.post(decide_url, {"approve": "yes", "note": "同意"}).status_code == 302
    referral.refresh_from_db()
    extension.refresh_from_db()
    assert (
        extension.status == Extension.Status.APPROVED and extension.decided_by == world["ga_leader"]
    )
    assert referral.due_at == extension.new_due_at > original_due
    assert referral.due_at >= referral.signed_at + timedelta(days=10)
    assert CaseTask.objects.get(task=decide).due_at == referral.due_at
    timers = Task.objects.filter(previous=decide, flow_task_type="TIMER", status=STATUS.SCHEDULED)
    assert min(t.scheduled for t in timers) == referral.due_at
    assert "referral.extension_approved" in actions(case)
    # other agencies never see the request
    as_user(client, "wj_leader")
    assert client.get(decide_url).status_code == 404
