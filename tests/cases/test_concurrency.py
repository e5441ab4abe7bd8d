"""Concurrency on PostgreSQL: one task completed once, parallel branches joined once."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from viewflow.workflow.models import Task

from agencies.models import Role
from audit.models import AuditEvent
from cases import services
from cases.models import Referral
from tests.builders import team_of
from tests.cases.test_referral_walk import open_task
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_at_once(callables):
    barrier = threading.Barrier(len(callables))
    results = []

    def run(fn):
        try:
            barrier.wait()
            results.append(("ok", fn()))
        except Exception as exc:  # collected and asserted by the caller
            results.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def referred_case(world, agencies, to):
    officer, leader = world["yb_officer"], world["yb_leader"]
    case = services.case_register(
        user=officer,
        subjects=[],
        files=[],
        data={
            "title": "并发测试案件",
            "source": "routine",
            "violation_types": [],
            "suspected_amount": Decimal("1000.00"),
            "description": "测试",
            "confidentiality": "internal",
            "informant": "",
        },
    )
    services.case_decide(
        task=open_task(case, "approve"),
        user=leader,
        decision="refer",
        team=team_of(case),
        referrals=[
            {"to_agency": agencies[name], "channel": "administrative", "summary": "请处理"}
            for name in to
        ],
    )
    return case


def test_twenty_people_completing_one_task_complete_it_once(world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    task = open_task(case, "receive")
    people = [UserFactory(agency=agencies["省卫生健康委"], roles=[Role.LIAISON]) for _ in range(20)]
    results = run_at_once(
        [
            (
                lambda p=p: services.referral_receive(
                    task=Task.objects.get(pk=task.pk), user=p, action="sign"
                )
            )
            for p in people
        ]
    )
    outcomes = sorted(kind if kind == "ok" else type(value).__name__ for kind, value in results)
    assert outcomes == ["AlreadyHandled"] * 19 + ["ok"]
    referral = case.referrals.get()
    assert referral.status == Referral.Status.SIGNED
    decide_tasks = [
        t for t in Task.objects.filter(process=case.process) if t.flow_task.name == "decide"
    ]
    assert len(decide_tasks) == 1
    assert AuditEvent.objects.filter(action="referral.sign").count() == 1
    assert referral.issued_documents().filter(doc_type="receipt").count() == 1


def test_three_branches_finishing_together_join_once(world, agencies):
    names = ["省公安厅", "省卫生健康委", "省市场监管厅"]
    case = referred_case(world, agencies, names)
    reports = []
    for referral in case.referrals.select_related("to_agency"):
        liaison = referral.to_agency.people.get(role_grants__role=Role.LIAISON)
        officer = referral.to_agency.people.get(role_grants__role=Role.CASE_OFFICER)
        services.referral_receive(
            task=open_task(case, "receive", referral), user=liaison, action="sign"
        )
        services.referral_decide(
            task=open_task(case, "decide", referral), user=liaison, accept=True, reason="受理"
        )
        reports.append((open_task(case, "investigate", referral), officer))
    results = run_at_once(
        [
            (
                lambda t=t, o=o: services.referral_report(
                    task=Task.objects.get(pk=t.pk),
                    user=o,
                    outcome="已处理",
                    outcomes=["admin_penalty"],
                    recovered=Decimal("10.00"),
                    fines=Decimal("5.00"),
                    files=[],
                )
            )
            for t, o in reports
        ]
    )
    assert [kind for kind, _value in results] == ["ok"] * 3
    joins = Task.objects.filter(process=case.process, flow_task_type="JOIN")
    assert joins.count() == 1
    closes = [t for t in Task.objects.filter(process=case.process) if t.flow_task.name == "close"]
    assert len(closes) == 1


def test_a_withdrawal_and_a_signature_at_once_make_one_step(world, agencies):
    case = referred_case(world, agencies, ["省卫生健康委"])
    referral = case.referrals.get()
    receive = open_task(case, "receive")
    results = run_at_once(
        [
            lambda: services.referral_withdraw(
                referral=Referral.objects.get(pk=referral.pk),
                user=world["yb_leader"],
                reason="撤回",
            ),
            lambda: services.referral_receive(
                task=Task.objects.get(pk=receive.pk), user=world["wj_liaison"], action="sign"
            ),
        ]
    )
    kinds = sorted(kind for kind, _value in results)
    assert kinds == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.AlreadyHandled)
    referral.refresh_from_db()
    assert referral.status in (Referral.Status.WITHDRAWN, Referral.Status.SIGNED)
    steps = AuditEvent.objects.filter(action__in=["referral.withdrawn", "referral.sign"])
    assert steps.count() == 1
    nexts = [t.flow_task.name for t in Task.objects.filter(process=case.process, previous=receive)]
    assert len([n for n in nexts if n == "after_receive"]) == 1
