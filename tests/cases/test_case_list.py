"""The case list carries the work: status tabs with counts, sortable columns, the current
step and who holds it (never a step in a compartment the reader may not see), overdue rows
marked, and a fixed number of queries however long it is."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.builders import as_user, open_task, referred, registered_case
from workflow.models import CaseTask


def listed(client, **params):
    response = client.get(reverse("cases:index"), params)
    assert response.status_code == 200
    return response, [c.pk for c in response.context["page"]]


def test_status_tabs_count_the_visible_cases(client, world, agencies):
    referred(world, agencies, "省卫生健康委", "甲")
    referred(world, agencies, "省卫生健康委", "乙")
    registered_case(world["yb_officer"], "丙")
    as_user(client, "yb_officer")
    response, _ = listed(client)
    tabs = {value: n for value, _label, n in response.context["tabs"]}
    assert tabs[""] == 3 and tabs["referred"] == 2 and tabs["awaiting_approval"] == 1
    as_user(client, "wj_liaison")  # the receiver sees the two referred to it
    tabs = {value: n for value, _label, n in listed(client)[0].context["tabs"]}
    assert tabs[""] == 2 and tabs["awaiting_approval"] == 0


def test_the_list_sorts_by_due_number_and_title(client, world, agencies):
    late = referred(world, agencies, "省卫生健康委", "乙案")
    early = referred(world, agencies, "省卫生健康委", "甲案")
    now = timezone.now()
    CaseTask.objects.filter(task=open_task(late, "receive")).update(due_at=now + timedelta(days=9))
    CaseTask.objects.filter(task=open_task(early, "receive")).update(due_at=now - timedelta(days=1))
    as_user(client, "wj_liaison")
    assert listed(client, sort="due")[1] == [early.pk, late.pk]
    assert listed(client, sort="-due")[1] == [late.pk, early.pk]
    by_number = sorted([late, early], key=lambda c: c.number)
    assert listed(client, sort="number")[1] == [c.pk for c in by_number]
    assert listed(client, sort="bogus")[1] == [early.pk, late.pk]  # newest registration first
    html = listed(client, sort="due")[0].content.decode()
    assert "xt-row--late" in html  # the overdue one is marked
    assert "签收" in html and "省卫生健康委" in html  # its current step and who holds it


def test_a_compartmented_step_is_not_shown_as_the_current_step(client, world, agencies):
    case = referred(world, agencies, "省纪委监委", "涉嫌职务违法线索")
    as_user(client, "yb_officer")  # the originating agency, not its leader: outside it
    response, shown = listed(client)
    assert case.pk in shown
    row = next(c for c in response.context["page"] if c.pk == case.pk)
    assert row.steps == [] and row.next_due is None and row.next_agency is None
    as_user(client, "jw_liaison")
    row = next(c for c in listed(client)[0].context["page"] if c.pk == case.pk)
    assert [s.task.flow_task.name for s in row.steps] == ["receive"]


def test_the_case_list_keeps_a_fixed_number_of_queries(client, world, agencies):
    for i in range(3):
        referred(world, agencies, ["省卫生健康委", "省市场监管厅"], f"案{i}")
    as_user(client, "yb_officer")
    with CaptureQueriesContext(connection) as few:
        listed(client, sort="due")
    for i in range(20):
        referred(world, agencies, ["省卫生健康委", "省市场监管厅"], f"多{i}")
    with CaptureQueriesContext(connection) as many:
        _response, shown = listed(client, sort="due")
    assert len(shown) == 23 and Case.objects.count() == 23
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_closing_sums_the_referrals_money_to_the_fen(world, agencies):
    """SQLite sums decimals as floats: three results with fen must still close the case."""
    from decimal import Decimal

    from cases import services
    from tests.builders import open_task

    case = referred(world, agencies, ["省卫生健康委", "省市场监管厅", "省审计厅"], "分币案件")
    amounts = [Decimal("91532.96"), Decimal("18401.37"), Decimal("7700.01")]
    for referral, amount in zip(case.referrals.order_by("pk"), amounts, strict=True):
        agency = referral.to_agency
        liaison = agency.people.filter(role_grants__role="liaison").first()
        officer = agency.people.filter(role_grants__role="case_officer").first()
        services.referral_receive(
            task=open_task(case, "receive", referral), user=liaison, action="sign"
        )
        services.referral_decide(
            task=open_task(case, "decide", referral), user=liaison, accept=True, reason="受理"
        )
        services.referral_report(
            task=open_task(case, "investigate", referral),
            user=officer,
            outcome="已处理",
            outcomes=["funds_recovered"],
            recovered=amount,
            fines=amount,
            files=[],
        )
    services.case_close(
        task=open_task(case, "close"),
        user=world["yb_officer"],
        note="结案",
        recovered=Decimal("0.10"),
        fines=Decimal("0"),
        refer_to=[],
    )
    services.case_close_approve(
        task=open_task(case, "approve_close"), user=world["yb_leader"], approve=True
    )
    case.refresh_from_db()
    assert case.recovered_total == sum(amounts) + Decimal("0.10")
    assert case.fines_total == sum(amounts)
