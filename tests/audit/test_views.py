"""The audit application: auditors and system administrators read and verify the log."""

from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record_event
from tests.audit.test_chain import tamper
from tests.factories import TEST_PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_the_auditor_reads_the_log(client, auditor):
    record_event(action="directory.test", summary="<b>不应被解释为HTML</b>")
    login(client, auditor)
    response = client.get(reverse("audit:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "&lt;b&gt;不应被解释为HTML&lt;/b&gt;" in content
    assert "<b>不应被解释为HTML</b>" not in content


def test_the_system_administrator_reads_the_log(client, sysadmin):
    login(client, sysadmin)
    assert client.get(reverse("audit:index")).status_code == 200


def test_other_roles_are_refused(client, officer, outsider):
    for user in (officer, outsider):
        login(client, user)
        assert client.get(reverse("audit:index")).status_code == 403
        assert client.post(reverse("audit:verify")).status_code == 403


def test_it_filters_by_kind_and_text(client, auditor):
    record_event(action="directory.test", summary="调整联络员")
    record_event(action="auth.login", summary="登录")
    login(client, auditor)
    response = client.get(reverse("audit:index"), {"action": "directory", "q": "联络员"})
    assert [e.summary for e in response.context["page"]] == ["调整联络员"]


def test_a_reversed_date_range_gets_a_clear_message(client, auditor):
    login(client, auditor)
    response = client.get(
        reverse("audit:index"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "开始日期晚于结束日期" in response.content.decode()


def test_a_malformed_date_gets_a_clear_message(client, auditor):
    login(client, auditor)
    response = client.get(reverse("audit:index"), {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_the_list_pages_with_a_constant_number_of_queries(
    client, auditor, django_assert_max_num_queries
):
    for i in range(120):
        record_event(action="test.bulk", summary=f"事件{i}")
    login(client, auditor)
    # the page, the filter form's list of people, and the auditor's read of it: one event
    # (savepoint, chain head, insert, head)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("audit:index"), {"page": 2})
    assert len(response.context["page"]) == 50


def test_event_detail_shows_the_hashes(client, auditor):
    event = record_event(action="test.detail", summary="详情", data={"amount": "12.30"})
    login(client, auditor)
    response = client.get(reverse("audit:event", args=[event.seq]))
    assert event.hash in response.content.decode()
    assert client.get(reverse("audit:event", args=[99999])).status_code == 404


def test_verifying_reports_an_intact_chain_and_is_itself_logged(client, auditor):
    login(client, auditor)
    response = client.post(reverse("audit:verify"), follow=True)
    assert "完好" in response.content.decode()
    event = AuditEvent.objects.exclude(action="audit.read_by_auditor").latest("seq")
    assert event.action == "audit.verified" and event.data["ok"] is True
    assert client.get(reverse("audit:verify")).status_code == 405


def test_verifying_names_the_first_tampered_event(client, auditor):
    for i in range(3):
        record_event(action="test.x", summary=f"第{i}条")
    target = AuditEvent.objects.order_by("seq")[1]
    tamper("UPDATE audit_auditevent SET summary = %s WHERE seq = %s", ["篡改", target.seq])
    login(client, auditor)
    response = client.post(reverse("audit:verify"), follow=True)
    assert f"第 {target.seq} 号" in response.content.decode()
    assert AuditEvent.objects.get(action="audit.verified").data == {
        "ok": False,
        "checked": target.seq - 1,
        "broken_seq": target.seq,
    }


def test_every_kind_of_action_in_the_code_has_a_category_to_filter_by():
    import re
    from pathlib import Path

    from audit.forms import ACTION_FAMILIES

    root = Path(__file__).resolve().parents[2]
    prefixes = set()
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "tests", "var"}:
            continue
        prefixes |= set(re.findall(r"action=f?\"([a-z_]+)\.", path.read_text()))
    assert prefixes - {family for family, _label in ACTION_FAMILIES} == set()
    assert {"case", "referral", "meetings", "document", "auth"} <= prefixes


def test_the_log_names_actions_in_words_not_codes(client, auditor):
    record_event(action="referral.result_reported", summary="反馈了处理结果")
    event = record_event(action="case.decided.refer", summary="同意移送")
    login(client, auditor)
    page = client.get(reverse("audit:index")).content.decode()
    assert "已反馈结果" in page and "审批同意移送" in page
    assert "referral.result_reported" not in page and "case.decided.refer" not in page
    detail = client.get(reverse("audit:event", args=[event.seq])).content.decode()
    visible = detail.replace('title="case.decided.refer"', "")
    assert "审批同意移送" in detail and "case.decided.refer" not in visible
