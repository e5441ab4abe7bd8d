"""结案审批: the officer's closing report is the leader's to approve (or return), over HTTP."""

from decimal import Decimal

from django.urls import reverse
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases import services
from cases.models import Case
from notifications.models import Notification
from tests.builders import as_user, open_task, registered_case, team_of


def in_house_case(world):
    case = registered_case(world["yb_officer"], "某药店串换药品案")
    services.case_decide(
        task=open_task(case, "approve"),
        user=world["yb_leader"],
        decision="in_house",
        team=team_of(case),
        reason="由本局办理。",
        referrals=[],
    )
    return case


def post(client, task, data):
    return client.post(reverse("cases:task", args=[task.pk]), data)


def actions(case):
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_closing_report_waits_for_the_leader_who_may_return_it_then_approve(client, world):
    case = in_house_case(world)
    as_user(client, "yb_officer")
    response = post(
        client,
        open_task(case, "handle_in_house"),
        {"note": "已追回违规费用并处罚款。", "recovered": "1200.50", "fines": "2401.00"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSING
    assert case.closing_reported_by == world["yb_officer"]
    assert case.recovered_total == 0  # nothing is totalled before the approval
    approval = open_task(case, "approve_close")

    # the officer is not offered the approval, and a post by them changes nothing
    page = client.get(reverse("cases:task", args=[approval.pk]))
    assert page.context["may_act"] is False
    assert post(client, approval, {"approve": "yes", "opinion": ""}).status_code in (403, 404)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSING

    # the leader is told, sees the report on the task page
    told = Notification.objects.filter(kind="close_approval", case=case)
    assert {n.recipient.username for n in told} >= {"yb_leader"}
    assert "yb_officer" not in {n.recipient.username for n in told}
    as_user(client, "yb_leader")
    page = client.get(reverse("cases:task", args=[approval.pk]))
    assert page.context["may_act"] is True
    assert "已追回违规费用并处罚款。" in page.content.decode()

    # returning needs an opinion: without one, the form says so and nothing changes
    response = post(client, approval, {"approve": "no", "opinion": ""})
    assert response.status_code == 200
    assert "请写明结案报告需要修改的内容。" in str(response.context["form"].errors)
    assert open_task(case, "approve_close").pk == approval.pk

    response = post(client, approval, {"approve": "no", "opinion": "请补充罚没款入库凭证。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_HOUSE and case.closing_opinion == "请补充罚没款入库凭证。"
    revise = open_task(case, "close")
    back = Notification.objects.get(kind="close", case=case, recipient=world["yb_officer"])
    assert "请补充罚没款入库凭证。" in back.body

    as_user(client, "yb_officer")
    page = client.get(reverse("cases:task", args=[revise.pk]))
    assert "请补充罚没款入库凭证。" in page.content.decode()  # the opinion is in front of them
    post(client, revise, {"note": "已补充入库凭证。", "recovered": "1200.50", "fines": "2401.00"})
    as_user(client, "yb_leader")
    response = post(client, open_task(case, "approve_close"), {"approve": "yes", "opinion": "同意"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closing_approved_by == world["yb_leader"]
    assert case.recovered_total == Decimal("1200.50") and case.fines_total == Decimal("2401.00")
    assert case.process.status == STATUS.DONE
    assert actions(case)[-4:] == [
        "case.closing_reported",
        "case.closing_returned",
        "case.closing_reported",
        "case.closed",
    ]
    # the case page shows the report and the approval
    text = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "已补充入库凭证。" in text and "李志刚" in text


def test_the_author_of_a_closing_report_cannot_approve_it(client, world):
    case = in_house_case(world)
    # the leader writes the closing report themselves …
    services.case_close(
        task=open_task(case, "handle_in_house"), user=world["yb_leader"], note="结案。"
    )
    approval = open_task(case, "approve_close")
    as_user(client, "yb_leader")
    page = client.get(reverse("cases:task", args=[approval.pk]))
    assert page.context["may_act"] is False
    assert "结案报告的撰写人不能同时审批该报告。" in page.content.decode()
    # … and the approval is not among their own to-dos (it shows as the unit's)
    inbox = client.get(reverse("cases:inbox"))
    rows = {t.pk: t.mine for t in inbox.context["page"]}
    assert rows.get(approval.pk) is False
    post(client, approval, {"approve": "yes", "opinion": ""})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSING
