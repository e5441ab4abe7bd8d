"""What the sweep (test_audit_completeness) does not look into: who a step records
and an admin change record; that a list read is one event with its filters and count; that
reads stay off the case's timeline; and that nobody but the auditor has reads logged."""

from decimal import Decimal

from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from cases import services
from cases.models import Case
from demo.directory import DEMO_PASSWORD
from tests.builders import team_of
from workflow.models import DeadlineRule


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=DEMO_PASSWORD)


def register(world, title="审计测试案件"):
    return services.case_register(
        user=world["yb_officer"],
        subjects=[],
        files=[],
        data={
            "title": title,
            "source": "routine",
            "violation_types": [],
            "suspected_amount": Decimal("1000.00"),
            "description": "测试",
            "confidentiality": "internal",
            "informant": "",
        },
    )


def task_of(case, name):
    return next(
        t
        for t in Task.objects.filter(
            process__caseprocess__case=case, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        if t.flow_task.name == name
    )


def referred(world, agencies, to, title="审计测试案件"):
    case = register(world, title)
    services.case_decide(
        task=task_of(case, "approve"),
        user=world["yb_leader"],
        decision="refer",
        team=team_of(case),
        referrals=[{"to_agency": agencies[to], "channel": "administrative", "summary": "请处理"}],
    )
    return case


def timeline_actions(client, case):
    return [
        e.action for e in client.get(reverse("cases:detail", args=[case.pk])).context["timeline"]
    ]


def test_whoever_acts_first_is_the_steps_owner_and_the_step_is_on_the_timeline(
    client, world, agencies
):
    """No claiming: a task belongs to its role in the agency; the person who completes it is
    recorded as its owner, and the step (not a claim) is what the timeline shows."""
    case = referred(world, agencies, "省卫生健康委")
    task = task_of(case, "receive")
    as_user(client, "wj_liaison")
    response = client.post(reverse("cases:task", args=[task.pk]), {"action": "sign"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner_id == world["wj_liaison"].pk
    event = AuditEvent.objects.filter(object_id=str(case.pk)).order_by("-seq").first()
    assert event.actor_id == world["wj_liaison"].pk
    assert event.data["referral"] == task.data["referral_id"]
    as_user(client, "yb_officer")
    assert event.action in timeline_actions(client, case)


def test_a_step_in_the_discipline_compartment_stays_out_of_the_senders_timeline(
    client, world, agencies
):
    case = referred(world, agencies, "省纪委监委")
    as_user(client, "jw_liaison")
    task = task_of(case, "receive")
    assert client.post(reverse("cases:task", args=[task.pk]), {"action": "sign"}).status_code == 302
    step = AuditEvent.objects.filter(object_id=str(case.pk)).order_by("-seq").first()
    assert step.data["referral"] == task.data["referral_id"]
    as_user(client, "yb_officer")
    assert step.action not in timeline_actions(client, case)
    as_user(client, "yb_leader")  # the originating agency's leader sees the compartment
    assert step.action in timeline_actions(client, case)


def test_the_auditors_reads_stay_off_the_case_timeline(client, world, agencies):
    case = referred(world, agencies, "省卫生健康委")
    as_user(client, "auditor")
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("cases:task", args=[task_of(case, "receive").pk]))
    reads = AuditEvent.objects.filter(action="case.read_by_auditor", object_id=str(case.pk))
    assert reads.count() == 2
    as_user(client, "yb_officer")
    assert not [a for a in timeline_actions(client, case) if a.endswith(".read_by_auditor")]


def test_nobody_but_the_auditor_has_reads_logged(client, world, agencies):
    case = referred(world, agencies, "省卫生健康委")
    for username in ("yb_officer", "wj_liaison", "yb_leader"):
        as_user(client, username)
        for url in (
            reverse("cases:detail", args=[case.pk]),
            reverse("cases:index") + "?q=审计",
            reverse("cases:inbox"),
            reverse("documents:index"),
        ):
            assert client.get(url).status_code == 200
    assert not AuditEvent.objects.filter(action__endswith=".read_by_auditor").exists()


def test_a_search_is_one_event_with_its_filters_the_count_and_the_rows_shown(
    client, world, agencies
):
    matching = [register(world, f"某骨科医院案{i}") for i in range(3)]
    register(world, "某药店案")
    as_user(client, "auditor")
    before = AuditEvent.objects.count()
    response = client.get(reverse("cases:index"), {"q": "骨科", "status": "awaiting_approval"})
    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(action="case.read_by_auditor"))
    assert AuditEvent.objects.count() == before + 1 and len(events) == 1
    event = events[0]
    assert (event.object_type, event.object_id) == ("", "")
    assert event.data["filters"] == {"q": "骨科", "status": "awaiting_approval"}
    assert event.data["count"] == 3
    assert sorted(event.data["shown"]) == sorted(c.pk for c in matching)
    assert event.summary == "审计查阅：全部案件"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_auditors_list_reads_cost_one_event_however_long_the_list(client, world, agencies):
    urls = [reverse("cases:index"), reverse("documents:index"), reverse("audit:index")]
    register(world)
    as_user(client, "auditor")
    for url in urls:
        client.get(url)  # warm the per-process caches
    small = {url: _queries(client, url) for url in urls}
    for i in range(12):
        register(world, f"审计测试案件{i}")
    assert Case.objects.count() == 13
    assert {url: _queries(client, url) for url in urls} == small


def test_an_admin_change_is_logged_with_what_changed(rf, world):
    rule = DeadlineRule.objects.get(code="case_approval")
    request = rf.post("/admin/")
    request.user = world["admin"]
    model_admin = admin.site._registry[DeadlineRule]
    model_admin.log_change(request, rule, [{"changed": {"fields": ["Length"]}}])
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor_id == world["admin"].pk
    assert event.data["model"] == "workflow.deadlinerule"
    assert event.data["object_id"] == str(rule.pk)
    assert "已修改Length" in event.summary and str(rule) in event.summary
