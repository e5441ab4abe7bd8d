"""Other paths of the flow, 纪委监委 compartmenting, and constant-query lists."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Task

from agencies.models import Role
from cases import services
from cases.models import Case, Referral
from tests.cases.test_concurrency import referred_case
from tests.cases.test_referral_walk import as_user, open_task, post_task

# A process-wide cache (the working calendar, the holiday years) that the growth of the world
# invalidates is filled again by the next page: one query, whatever the number of rows. Twenty
# rows instead of two would still cost far more if a query ran per row.
CACHE_REFILL = 1


def test_returned_for_supplement_and_signed_after(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    referral = case.referrals.get()
    as_user(client, "wj_liaison")
    empty = post_task(client, open_task(case, "receive"), {"action": "return", "reason": " "})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    post_task(client, open_task(case, "receive"), {"action": "return", "reason": "缺少病历"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RETURNED
    as_user(client, "yb_officer")
    response = post_task(
        client,
        open_task(case, "supplement"),
        {"note": "补充住院病历", "files": [SimpleUploadedFile("病历.pdf", b"%PDF-1.7 x")]},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    assert referral.evidence.count() == 1
    as_user(client, "wj_liaison")
    post_task(client, open_task(case, "receive"), {"action": "sign", "reason": ""})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SIGNED


def test_a_refusal_needs_reasons_and_goes_back_to_the_sender(client, world, agencies):
    case = referred_case(world, agencies, ["省公安厅"])
    as_user(client, "ga_liaison")
    post_task(client, open_task(case, "receive"), {"action": "sign", "reason": ""})
    response = post_task(client, open_task(case, "decide"), {"accept": "no", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    post_task(client, open_task(case, "decide"), {"accept": "no", "reason": "不构成犯罪"})
    assert case.referrals.get().status == Referral.Status.REFUSED
    assert open_task(case, "respond").data["agency_id"] == case.agency_id


def test_discipline_referrals_are_compartmented(client, world, agencies):
    case = referred_case(world, agencies, ["省纪委监委", "省卫生健康委"])
    discipline = case.referrals.get(to_agency__short_name="省纪委监委")
    letter = discipline.issued_documents().get(doc_type="referral")
    # the other receiving agency sees the case but not the 纪委监委 branch or its letter
    as_user(client, "wj_liaison")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert [r.to_agency.short_name for r in page.context["referrals"]] == ["省卫生健康委"]
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 404
    # the originating agency's officer does not see it either; its leader does
    as_user(client, "yb_officer")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "省纪委监委" not in [r.to_agency.short_name for r in page.context["referrals"]]
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 404
    assert client.get(reverse("cases:package", args=[discipline.pk])).status_code == 404
    as_user(client, "yb_leader")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "省纪委监委" in [r.to_agency.short_name for r in page.context["referrals"]]
    as_user(client, "jw_liaison")
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 200
    assert client.get(reverse("cases:package", args=[discipline.pk])).status_code == 200
    as_user(client, "wj_liaison")
    assert client.get(reverse("cases:package", args=[discipline.pk])).status_code == 404


def test_the_auditor_reads_any_case_and_each_read_is_logged(client, world, agencies):
    from audit.models import AuditEvent

    case = referred_case(world, agencies, ["省公安厅"])
    as_user(client, "auditor")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="case.read_by_auditor", object_id=str(case.pk)).exists()
    assert (
        client.post(
            reverse("cases:task", args=[open_task(case, "receive").pk]), {"action": "sign"}
        ).status_code
        == 404
    )


def test_bad_registration_input_gets_messages_and_changes_nothing(client, world):
    as_user(client, "yb_officer")
    base = {
        "title": "测试",
        "source": "routine",
        "violation_types": [],
        "description": "x",
        "suspected_amount": "-5",
        "confidentiality": "internal",
        "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "50",
        "subjects-0-kind": "institution",
        "subjects-0-name": "某医院",
        "subjects-0-credit_code": "91110000600037341M",
        "subjects-0-id_number": "",
    }
    response = client.post(
        reverse("cases:create"),
        base | {"evidence": [SimpleUploadedFile("病毒.pdf", b"MZ\x90 not a pdf")]},
    )
    assert response.status_code == 200
    form, subjects = response.context["form"], response.context["subjects"]
    assert form.errors["suspected_amount"] and form.errors["violation_types"]
    assert form.errors["evidence"]
    assert subjects.forms[0].errors["credit_code"]
    response = client.post(reverse("cases:create"), base | {"suspected_amount": "1e15"})
    assert response.context["form"].errors["suspected_amount"]
    assert Case.objects.count() == 0


def _referrals_to_health(world, agencies, count, *, signed):
    for _ in range(count):
        case = referred_case(world, agencies, ["省卫生健康委"])
        task = open_task(case, "receive")
        if signed:
            services.referral_receive(
                task=Task.objects.get(pk=task.pk), user=world["wj_liaison"], action="sign"
            )


@pytest.mark.parametrize(
    "box, signed",
    [("cases:inbox", False), ("cases:archive", True), ("cases:index", False)],
)
def test_lists_use_as_many_queries_for_ten_times_the_rows(
    client, world, agencies, box, signed, django_assert_max_num_queries
):
    """The budget is what the list costs with two rows; twenty rows may not cost more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _referrals_to_health(world, agencies, 2, signed=signed)
    as_user(client, "wj_liaison")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(reverse(box)).context["page"]) == 2
    _referrals_to_health(world, agencies, 18, signed=signed)
    with django_assert_max_num_queries(len(few.captured_queries) + CACHE_REFILL):
        response = client.get(reverse(box))
    assert len(response.context["page"]) == 20
    if box == "cases:index":
        assert all(c.suspected_amount == Decimal("1000.00") for c in response.context["page"])


def test_a_person_without_the_ability_cannot_act_on_a_task(client, world, agencies):
    from tests.factories import UserFactory

    case = referred_case(world, agencies, ["省卫生健康委"])
    deputy = UserFactory(agency=agencies["省卫生健康委"], roles=[Role.DEPUTY_CONVENOR])
    client.force_login(deputy)
    task = open_task(case, "receive")
    response = client.post(reverse("cases:task", args=[task.pk]), {"action": "sign"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == "NEW"
    inbox = client.get(reverse("cases:inbox")).context["page"]
    assert [(t.pk, t.mine) for t in inbox] == [(task.pk, False)]  # the unit's, not theirs
    page = client.get(reverse("cases:task", args=[task.pk]))
    assert "联络员" in page.context["refusal"]  # says who acts on it instead


def test_the_case_page_shows_the_process_chart_with_the_current_position(client, world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    as_user(client, "yb_officer")
    content = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    chart = content[content.index('class="xt-chart"') :]
    assert "<svg" in chart
    chart = chart[: chart.index("</svg>")]
    assert "<style" not in chart and "style=" not in chart  # the CSP refuses inline styles
    assert "签收" in chart  # the receive step, titled from the flow's annotations
    # the escalation timers and their node are left out of the drawing
    assert "逾期事项升级提醒" not in chart and "已升级" not in chart
    # the current step is marked: the receive task is open, the approval is done
    from workflow.chart import process_chart_svg

    def state(svg, node):
        match = re.search(rf'<g id="{node}" transform="[^"]*"(?: class="(\w+)")?>', svg)
        assert match, node
        return match.group(1)

    svg = str(process_chart_svg(case.process))
    assert state(svg, "approve") == "done" and state(svg, "receive") == "new"
    assert state(svg, "close") is None
    assert "receive__timeout" not in svg and 'id="escalate"' not in svg
    # another case's states never leak into this one's drawing
    fresh = referred_case(world, agencies, ["省卫生健康委"])
    Task.objects.filter(process=fresh.process, flow_task_type="HUMAN").update(status="DONE")
    process_chart_svg(fresh.process)
    assert str(process_chart_svg(case.process)) == svg
