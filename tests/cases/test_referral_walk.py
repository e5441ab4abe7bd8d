"""The 一案多查 happy path over HTTP as the demo personas, down to process state and audit."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from audit.verification import verify_chain
from cases.models import Case, Referral, ViolationType
from demo.directory import DEMO_PASSWORD
from tests.builders import team_ids


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def open_task(case, name, referral=None):
    """The open human task `name` of a case (of one referral's branch, if given)."""
    return next(
        t
        for t in Task.objects.filter(
            process__caseprocess__case=case,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        if t.flow_task.name == name
        and (referral is None or t.data.get("referral_id") == referral.pk)
    )


def register(client, title="长春市某医院涉嫌分解住院骗取医保基金案"):
    as_user(client, "yb_officer")
    response = client.post(
        reverse("cases:create"),
        {
            "title": title,
            "source": "flying_inspection",
            "violation_types": [ViolationType.objects.get(code="split_admission").pk],
            "suspected_amount": "3862700.50",
            "description": "飞行检查发现分解住院、挂床住院。",
            "confidentiality": "internal",
            "informant": "",
            "evidence": [SimpleUploadedFile("检查记录.pdf", b"%PDF-1.7 test")],
            "subjects-TOTAL_FORMS": "1",
            "subjects-INITIAL_FORMS": "0",
            "subjects-MIN_NUM_FORMS": "1",
            "subjects-MAX_NUM_FORMS": "50",
            "subjects-0-kind": "institution",
            "subjects-0-name": "长春市某医院",
            "subjects-0-credit_code": "91110000600037341L",
            "subjects-0-id_number": "",
            "subjects-0-institution_class": "public_secondary",
            "subjects-0-note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    return Case.objects.get(title=title)


def post_task(client, task, data):
    return client.post(reverse("cases:task", args=[task.pk]), data)


def approve_closing(client, case, leader="yb_leader"):
    """The leader's 结案审批 of the closing report just written (as `leader`)."""
    as_user(client, leader)
    response = post_task(
        client, open_task(case, "approve_close"), {"approve": "yes", "opinion": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_one_case_three_agencies_end_to_end(client, world, agencies):
    case = register(client)
    assert case.status == Case.Status.AWAITING_APPROVAL
    assert case.subjects.get().credit_code == "91110000600037341L"

    # the registrant may not approve their own case: the leader does
    approve = open_task(case, "approve")
    as_user(client, "yb_leader")
    response = post_task(
        client,
        approve,
        {
            "decision": "refer",
            "team": team_ids(case),
            "summary": "经飞行检查，该院涉嫌分解住院，请依法处理。",
            "to_agencies": [
                agencies["省公安厅"].pk,
                agencies["省卫生健康委"].pk,
                agencies["省市场监管厅"].pk,
            ],
            "reason": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    referrals = {r.to_agency.short_name: r for r in case.referrals.all()}
    assert set(referrals) == {"省公安厅", "省卫生健康委", "省市场监管厅"}
    assert referrals["省公安厅"].channel == "criminal"
    assert referrals["省公安厅"].copy_to.short_name == "省检察院"
    assert all(
        r.issued_documents().filter(doc_type="referral").exists() for r in referrals.values()
    )

    # each receiving liaison finds the task among their own in the inbox and signs
    for username, agency in [
        ("ga_liaison", "省公安厅"),
        ("wj_liaison", "省卫生健康委"),
        ("scjg_liaison", "省市场监管厅"),
    ]:
        as_user(client, username)
        mine = client.get(reverse("cases:inbox"), {"scope": "mine"}).context["page"]
        task = next(t for t in mine if t.data["referral_id"] == referrals[agency].pk)
        assert task.mine
        assert post_task(client, task, {"action": "sign", "reason": ""}).status_code == 302
        referrals[agency].refresh_from_db()
        assert referrals[agency].status == Referral.Status.SIGNED
        assert referrals[agency].issued_documents().filter(doc_type="receipt").exists()
        decide = open_task(case, "decide", referrals[agency])
        post_task(client, decide, {"accept": "yes", "reason": "符合立案条件"})
        if agency == "省公安厅":  # a criminal filing: the sender hands over the evidence first
            as_user(client, "yb_officer")
            handover = open_task(case, "handover", referrals[agency])
            assert post_task(client, handover, {"note": "移交病历与票据"}).status_code == 302
        report = open_task(case, "investigate", referrals[agency])
        as_user(client, username.replace("liaison", "officer"))
        response = post_task(
            client,
            report,
            {
                "action": "report",
                "outcomes": ["admin_penalty", "funds_recovered"],
                "outcome": "已作出处理",
                "recovered": "100000.00",
                "fines": "50000.00",
            },
        )
        assert response.status_code == 302

    close = open_task(case, "close")
    as_user(client, "yb_officer")
    response = post_task(
        client, close, {"note": "三部门均已反馈，结案。", "recovered": "", "fines": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSING  # 结案审批: the leader approves the report
    assert case.process.status != STATUS.DONE
    as_user(client, "yb_leader")
    response = post_task(
        client, open_task(case, "approve_close"), {"approve": "yes", "opinion": "同意结案。"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closing_approved_by.username == "yb_leader"
    assert case.recovered_total == Decimal("300000.00")
    assert case.fines_total == Decimal("150000.00")
    assert case.process.status == STATUS.DONE
    joins = Task.objects.filter(process=case.process, flow_task_type="JOIN")
    assert joins.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions.count("referral.sent") == 3
    assert actions.count("referral.result_reported") == 3
    assert actions[0] == "case.registered" and actions[-1] == "case.closed"
    assert verify_chain().ok


@pytest.mark.parametrize("outsider", ["jw_liaison", "sj_officer", "ccyb_officer"])
def test_uninvolved_agencies_get_404_for_the_case_and_its_task(client, world, outsider):
    case = register(client)
    approve = open_task(case, "approve")
    evidence = case.evidence.get()
    as_user(client, outsider)
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:task", args=[approve.pk]),
        reverse("cases:evidence", args=[evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert post_task(client, approve, {"decision": "unfounded", "reason": "x"}).status_code == 404


def test_the_registrant_cannot_approve_their_own_case(client, world):
    case = register(client)
    approve = open_task(case, "approve")
    as_user(client, "yb_officer")
    response = post_task(client, approve, {"decision": "unfounded", "reason": "无"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_APPROVAL
