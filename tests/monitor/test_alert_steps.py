"""Every step of an alert over HTTP as the person who takes it, and the refusal (in Chinese)
for the wrong person; the leader's referral is a real referral in 公安's inbox."""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases.models import Case, Referral, Subject
from monitor.models import Alert, AlertStep
from monitor.services import monitor_run
from notifications.models import Notification
from tests.builders import as_user, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(closed_case, world):
    case = closed_case(
        amount="86000.00",
        title="长春某诊所虚构医疗服务案",
        violation_types=["fictitious_services"],
        subjects=[(Subject.Kind.INSURED, "赵某", "220102198001011234")],
    )
    case.team.set([world["yb_officer"], world["yb_officer2"]])
    monitor_run()
    return Alert.objects.get(case=case, rule__code="amount_reaches_threshold")


def act(client, alert, action, data):
    return client.post(reverse("monitor:act", args=[alert.pk, action]), data)


def page(client, alert):
    return client.get(reverse("monitor:alert", args=[alert.pk]))


def test_the_procuratorate_is_told_and_finds_the_alert_in_its_work(client, alert, world):
    told = Notification.objects.filter(kind="monitor_alert", url__contains=f"/{alert.pk}/")
    assert world["jcy_liaison"].pk in set(told.values_list("recipient_id", flat=True))
    assert not told.filter(recipient__agency=alert.case.agency).exists()
    as_user(client, "jcy_liaison")
    home = client.get("/")
    assert reverse("monitor:alert", args=[alert.pk]) in home.content.decode()


def test_the_summary_masks_id_numbers_and_its_reading_is_logged(client, alert):
    as_user(client, "jcy_liaison")
    response = page(client, alert)
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "220102198001011234" not in text and "220102" in text and "1234" in text
    assert "虚构医疗服务" in text and "86,000.00" in text
    assert "日常监管发现违规收费" not in text  # the description is not in the summary
    assert AuditEvent.objects.filter(action="monitor.summary_read", data__alert=alert.pk).exists()


def test_the_case_agency_sees_the_id_number_in_full(client, alert):
    as_user(client, "yb_officer")
    assert "220102198001011234" in page(client, alert).content.decode()


def test_explanation_requested_and_given(client, alert, world):
    as_user(client, "yb_officer")
    refused = act(client, alert, "request", {"request-text": "请说明"})
    assert refused.status_code == 403
    assert "此操作由" in visible_text(refused.content.decode()) or "省检察院" in visible_text(
        refused.content.decode()
    )
    as_user(client, "jcy_officer")
    response = act(client, alert, "request", {"request-text": "请说明未移送公安的理由。"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.EXPLANATION_REQUESTED
    assert Notification.objects.filter(
        kind="monitor_request", recipient=world["yb_officer"]
    ).exists()
    as_user(client, "yb_liaison")  # the bureau's liaison does not write explanations
    assert act(client, alert, "explain", {"explain-text": "x"}).status_code == 403
    as_user(client, "yb_officer")
    response = act(client, alert, "explain", {"explain-text": "涉案金额已全额追回。"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.EXPLAINED and alert.due_at is None
    stages = list(alert.steps.values_list("stage", flat=True))
    assert stages == ["raised", "requested", "explained"]
    assert AuditEvent.objects.filter(action="monitor.explained", data__alert=alert.pk).exists()


def test_recommended_then_answered_with_reasons_then_closed(client, alert):
    as_user(client, "jcy_liaison")
    assert (
        act(client, alert, "recommend", {"recommend-text": "建议移送公安机关。"}).status_code == 302
    )
    as_user(client, "yb_officer")  # only the leader decides
    response = act(client, alert, "answer", {"answer-text": "x"})
    assert response.status_code == 403
    assert "负责人" in visible_text(response.content.decode())
    as_user(client, "yb_leader")
    assert act(client, alert, "answer", {"answer-text": "经复核不构成犯罪。"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ANSWERED
    as_user(client, "jcy_liaison")
    empty = act(client, alert, "close", {"close-text": "  "})
    assert empty.status_code == 200 and "close-text" in empty.content.decode()
    assert act(client, alert, "close", {"close-text": "理由成立，结束监督。"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED
    assert AuditEvent.objects.filter(action="monitor.closed", data__alert=alert.pk).exists()


def test_the_leader_refers_to_public_security_and_the_police_find_it(client, alert, agencies):
    as_user(client, "jcy_leader")
    act(client, alert, "recommend", {"recommend-text": "建议移送公安机关。"})
    as_user(client, "yb_leader")
    assert "refer-summary" in page(client, alert).content.decode()
    team = list(alert.case.team.values_list("pk", flat=True))
    response = act(
        client, alert, "refer", {"refer-summary": "涉嫌诈骗罪，移送审查。", "refer-team": team}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alert.refresh_from_db()
    assert alert.status == Alert.Status.REFERRED
    follow_up = alert.follow_up_case
    assert follow_up.agency == alert.case.agency and follow_up.status == Case.Status.REFERRED
    assert list(follow_up.subjects.values_list("id_number", flat=True)) == ["220102198001011234"]
    assert set(follow_up.violation_types.values_list("code", flat=True)) == {"fictitious_services"}
    referral = alert.referral
    assert referral.to_agency == agencies["省公安厅"]
    assert referral.channel == Referral.Channel.CRIMINAL
    assert referral.copy_to == agencies["省检察院"]
    assert referral.issued_documents().filter(doc_type="referral").exists()
    receive = Task.objects.get(
        process__caseprocess__case=follow_up, flow_task_type="HUMAN", status=STATUS.NEW
    )
    assert receive.flow_task.name == "receive"
    as_user(client, "ga_liaison")
    inbox = client.get(reverse("cases:inbox"))
    assert follow_up.number in inbox.content.decode()
    assert AlertStep.objects.filter(alert=alert, stage="referred").exists()


def test_the_registrant_of_the_case_cannot_be_the_one_who_refers_it(alert, world):
    from monitor.access import refer_refusal

    alert.status = Alert.Status.REFERRAL_RECOMMENDED
    alert.case.registered_by = world["yb_leader"]
    assert "登记" in refer_refusal(world["yb_leader"], alert)


def test_a_step_taken_twice_is_refused_the_second_time(client, alert):
    as_user(client, "jcy_liaison")
    assert act(client, alert, "recommend", {"recommend-text": "建议移送。"}).status_code == 302
    as_user(client, "jcy_officer")
    second = act(client, alert, "recommend", {"recommend-text": "建议移送。"})
    assert second.status_code == 403
    assert alert.steps.filter(stage="recommended").count() == 1


def test_only_the_actions_the_user_may_take_are_offered(client, alert):
    as_user(client, "jcy_liaison")
    html = page(client, alert).content.decode()
    for action in ("request", "recommend", "close"):
        assert reverse("monitor:act", args=[alert.pk, action]) in html
    for action in ("explain", "answer", "refer"):
        assert reverse("monitor:act", args=[alert.pk, action]) not in html
    as_user(client, "yb_officer")
    html = page(client, alert).content.decode()
    assert "monitor:act" not in html and f"/{alert.pk}/request/" not in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"refer-summary": "x", "refer-team": ["abc"]},
        {"refer-summary": "x", "refer-team": ["99999999999999999999999"]},
        {"refer-summary": "\x00", "refer-team": []},
    ],
)
def test_bad_input_to_the_referral_is_a_form_error(client, alert, data):
    as_user(client, "jcy_leader")
    act(client, alert, "recommend", {"recommend-text": "建议移送。"})
    as_user(client, "yb_leader")
    response = act(client, alert, "refer", data)
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.status == Alert.Status.REFERRAL_RECOMMENDED


def test_an_unknown_action_is_404(client, alert):
    as_user(client, "jcy_liaison")
    assert act(client, alert, "approve", {}).status_code == 404


def test_a_discipline_alert_is_referred_to_the_discipline_commission(closed_case, world, agencies):
    from monitor.services import alert_recommend_referral, alert_refer

    case = closed_case(
        amount="800.00", subjects=[(Subject.Kind.AGENCY_STAFF, "钱某", "220102198001011234")]
    )
    case.team.set([world["yb_officer"], world["yb_officer2"]])
    monitor_run()
    alert = Alert.objects.get(case=case)
    assert alert.to_agency == agencies["省纪委监委"]
    alert_recommend_referral(alert=alert, user=world["jw_liaison"], text="建议移送线索。")
    alert_refer(
        alert=alert,
        user=world["yb_leader"],
        summary="移送问题线索。",
        team=[world["yb_officer"], world["yb_officer2"]],
    )
    alert.refresh_from_db()
    assert alert.referral.to_agency == agencies["省纪委监委"]
    assert alert.referral.channel == Referral.Channel.DISCIPLINE
    assert alert.referral.copy_to is None
