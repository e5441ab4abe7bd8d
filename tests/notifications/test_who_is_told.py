"""Who is told when work arrives: exactly the people of the agency that must act, and nobody of
another agency. Expected people are worked out here from the roles the directory grants
(a liaison signs for referrals, officers and leaders handle cases, leaders approve, the office
follows up 督办) — not from the code that picks them."""

from datetime import timedelta

from django.urls import reverse

from agencies.models import Role, User
from cases import services
from cases.models import Referral
from notifications.models import Notification
from tests.builders import as_user, fire_timers_at, open_task, refer, registered_case
from tests.factories import UserFactory
from workflow.models import CaseTask
from workflow.nodes import escalation_at

K = Notification.Kind
LIAISONS = {Role.LIAISON}
HANDLERS = {Role.CASE_OFFICER, Role.AGENCY_LEADER}
LEADERS = {Role.AGENCY_LEADER}


def holders(agency, roles) -> set[str]:
    """Active people of `agency` granted one of `roles` (the directory's own record)."""
    return set(
        User.objects.filter(agency=agency, is_active=True, role_grants__role__in=roles)
        .exclude(role_grants__role=Role.AUDITOR)
        .values_list("username", flat=True)
    )


def told(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("recipient__username", flat=True))


def told_about(case) -> set[str]:
    return told(case=case)


def test_a_referral_to_two_agencies_tells_each_receivers_liaisons_and_nobody_else(
    client, world, agencies, mailoutbox, django_capture_on_commit_callbacks
):
    health, market, police = (
        agencies["省卫生健康委"],
        agencies["省市场监管厅"],
        agencies["省公安厅"],
    )
    UserFactory(username="wj_liaison2", agency=health, roles=[Role.LIAISON])
    UserFactory(username="wj_gone", agency=health, roles=[Role.LIAISON], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        case = registered_case(world["yb_officer"])
    # the approval: the originating agency's leaders, never the registrant
    assert told(kind=K.APPROVE, case=case) == holders(agencies["省医保局"], LEADERS)
    assert "yb_officer" not in told_about(case)

    with django_capture_on_commit_callbacks(execute=True):
        referrals = refer(
            case, world["yb_leader"], {health: "administrative", market: "administrative"}
        )
    for receiver, other in ((health, market), (market, health)):
        referral = referrals[receiver.pk]
        receive = open_task(case, "receive", referral)
        people = told(kind=K.RECEIVE, case_task__task=receive)
        assert people == holders(receiver, LIAISONS) and people
        assert not people & holders(other, LIAISONS | HANDLERS)
        # the notification leads to the task, which each of them can open
        for username in people:
            notification = Notification.objects.get(
                recipient__username=username, case_task__task=receive
            )
            assert notification.url == reverse("cases:task", args=[receive.pk])
            assert case.number in notification.title
            assert referral.from_agency.name in notification.title
            assert case.title in notification.body
            client.force_login(User.objects.get(username=username))
            assert client.get(notification.url).status_code == 200
    assert "wj_gone" not in told_about(case)
    # nobody of a third agency heard of it
    everyone = told_about(case)
    third = set(
        User.objects.exclude(agency__in=[health, market, agencies["省医保局"]]).values_list(
            "username", flat=True
        )
    )
    assert not everyone & third
    assert not holders(police, LIAISONS | HANDLERS | LEADERS) & everyone
    # the e-mail of each receive notification went to that person only, with the absolute link
    sent = {}
    for message in mailoutbox:
        (address,) = message.to
        sent.setdefault(address, []).append(message)
    for username in told(kind=K.RECEIVE, case=case):
        address = User.objects.get(username=username).email
        (message,) = [m for m in sent[address] if "签收" in m.subject]
        task = Notification.objects.get(recipient__username=username, kind=K.RECEIVE).case_task
        assert f"https://xietong.example.gov.cn/cases/tasks/{task.task_id}/" in message.body


def test_the_receivers_liaison_who_signed_is_not_told_of_the_next_step_but_colleagues_are(
    world, agencies
):
    police = agencies["省公安厅"]
    UserFactory(username="ga_liaison2", agency=police, roles=[Role.LIAISON])
    case = registered_case(world["yb_officer"])
    referral = refer(case, world["yb_leader"], {police: "criminal"})[police.pk]
    services.referral_receive(
        task=open_task(case, "receive"), user=world["ga_liaison"], action="sign"
    )
    decide = open_task(case, "decide")
    assert told(case_task__task=decide) == {"ga_liaison2"}
    assert told(case_task__task=decide, kind=K.DECIDE)
    assert referral.pk == CaseTask.objects.get(task=decide).referral_id


def test_every_step_of_a_contested_criminal_referral_tells_the_agency_that_acts(world, agencies):
    yb, police = agencies["省医保局"], agencies["省公安厅"]
    procuratorate = agencies["省检察院"]
    case = registered_case(world["yb_officer"])
    referral = refer(case, world["yb_leader"], {police: "criminal"})[police.pk]
    assert referral.copy_to == procuratorate
    liaison, officer = world["ga_liaison"], world["ga_officer"]

    def step(name):
        task = open_task(case, name)
        return (
            task,
            told(case_task__task=task),
            set(Notification.objects.filter(case_task__task=task).values_list("kind", flat=True)),
        )

    task, people, kinds = step("receive")
    assert (people, kinds) == (holders(police, LIAISONS), {K.RECEIVE})
    services.referral_receive(task=task, user=liaison, action="return", reason="缺少鉴定意见")
    task, people, kinds = step("supplement")
    assert (people, kinds) == (holders(yb, HANDLERS), {K.SUPPLEMENT})
    assert "缺少鉴定意见" in Notification.objects.filter(case_task__task=task).first().body
    services.referral_supplement(task=task, user=world["yb_officer"], note="已补充", files=[])
    task, people, kinds = step("receive")
    assert (people, kinds) == (holders(police, LIAISONS), {K.RECEIVE})
    assert "补充" in Notification.objects.filter(case_task__task=task).first().title
    services.referral_receive(task=task, user=liaison, action="sign")
    task, _people, kinds = step("decide")
    assert kinds <= {K.DECIDE}
    services.referral_decide(task=task, user=liaison, accept=False, reason="不构成犯罪")
    task, people, kinds = step("respond")
    assert (people, kinds) == (holders(yb, HANDLERS), {K.RESPOND})
    assert "不构成犯罪" in Notification.objects.filter(case_task__task=task).first().body
    services.referral_respond(
        task=task, user=world["yb_officer"], action="supervise", reason="涉案金额已达标准"
    )
    task, people, kinds = step("supervise")
    assert (people, kinds) == (holders(procuratorate, LIAISONS), {K.SUPERVISE})
    services.referral_supervise(
        task=task, user=world["jcy_liaison"], outcome="notice_to_file", note="理由不成立"
    )
    task, people, kinds = step("file_on_notice")
    assert (people, kinds) == (holders(police, LIAISONS), {K.FILE_ON_NOTICE})
    services.referral_file_on_notice(task=task, user=liaison, note="吉公立字〔2026〕8号")
    task, people, kinds = step("handover")
    assert (people, kinds) == (holders(yb, HANDLERS), {K.HANDOVER})
    services.referral_handover(task=task, user=world["yb_officer"], note="移交清单一份", files=[])
    task, people, kinds = step("investigate")
    assert (people, kinds) == (holders(police, HANDLERS), {K.INVESTIGATE})
    from decimal import Decimal

    services.referral_report(
        task=task,
        user=officer,
        outcome="已移送起诉",
        outcomes=["prosecution"],
        recovered=Decimal("100.00"),
        fines=Decimal("0"),
        files=[],
    )
    # the result reported: the sender closes the case (its officer reported nothing: all told)
    task, people, kinds = step("close")
    assert (people, kinds) == (holders(yb, HANDLERS), {K.CLOSE})
    # nobody outside the three agencies taking part ever heard of it
    parties = {yb.pk, police.pk, procuratorate.pk}
    assert not Notification.objects.filter(case=case).exclude(recipient__agency__in=parties)
    # and each notification reached only the acting agency of its task
    for n in Notification.objects.filter(case=case).select_related("case_task", "recipient"):
        assert n.recipient.agency_id == n.case_task.agency_id, n.title


def test_a_discipline_referral_is_told_only_inside_its_compartment(world, agencies):
    discipline, yb = agencies["省纪委监委"], agencies["省医保局"]
    case = registered_case(world["yb_officer"])
    refer(case, world["yb_leader"], {discipline: "discipline"})
    receive = open_task(case, "receive")
    assert told(case_task__task=receive) == holders(discipline, LIAISONS) == {"jw_liaison"}
    # returned for more material: the sender's side acts, but of its people only the leaders
    # may see a referral to 纪委监委 — the case officers are not told of it
    services.referral_receive(
        task=receive, user=world["jw_liaison"], action="return", reason="请补充线索来源"
    )
    supplement = open_task(case, "supplement")
    assert told(case_task__task=supplement) == holders(yb, LEADERS)
    assert not told(case_task__task=supplement) & {"yb_officer", "yb_officer2"}
    # overdue: the assignee's people, then their leader — never the joint-meeting office
    services.referral_supplement(task=supplement, user=world["yb_leader"], note="已补充", files=[])
    receive = open_task(case, "receive")
    due = CaseTask.objects.get(task=receive).due_at
    fire_timers_at(escalation_at(due, 3) + timedelta(minutes=1))
    assert told(case_task__task=receive, kind=K.OVERDUE) == {"jw_liaison"}
    assert told(case_task__task=receive, kind=K.OVERDUE_LEADER) == {"jw_leader"}
    assert not Notification.objects.filter(kind=K.SUPERVISION).exists()
    everyone = told(case=case)
    assert everyone <= holders(discipline, LIAISONS | LEADERS) | holders(yb, LEADERS)


def test_an_extension_request_goes_to_the_approving_agencys_leaders(world, agencies):
    police = agencies["省公安厅"]
    case = registered_case(world["yb_officer"])
    referral = refer(case, world["yb_leader"], {police: "criminal"})[police.pk]
    services.referral_receive(
        task=open_task(case, "receive"), user=world["ga_liaison"], action="sign"
    )
    before = set(Notification.objects.values_list("pk", flat=True))
    extension = services.extension_request(
        referral=Referral.objects.get(pk=referral.pk),
        user=world["ga_liaison"],
        reason="需调取银行流水",
    )
    new = Notification.objects.exclude(pk__in=before)
    assert {n.recipient.username for n in new} == holders(police, LEADERS) == {"ga_leader"}
    (notification,) = new
    assert notification.kind == K.EXTENSION
    assert notification.url == reverse("cases:extension", args=[extension.pk])
    assert "需调取银行流水" in notification.body and case.number in notification.title


def test_an_overdue_task_tells_the_people_who_may_act_then_their_leader_then_the_office(
    client, world, agencies
):
    health = agencies["省卫生健康委"]
    case = registered_case(world["yb_officer"])
    refer(case, world["yb_leader"], {health: "administrative"})
    receive = open_task(case, "receive")
    case_task = CaseTask.objects.get(task=receive)
    due = case_task.due_at

    fire_timers_at(due - timedelta(minutes=1))
    assert not Notification.objects.filter(kind__in=[K.OVERDUE, K.OVERDUE_LEADER]).exists()
    fire_timers_at(due + timedelta(minutes=1))
    assert told(kind=K.OVERDUE) == holders(health, LIAISONS) == {"wj_liaison"}
    fire_timers_at(escalation_at(due, 2) + timedelta(minutes=1))
    assert told(kind=K.OVERDUE_LEADER) == holders(health, LEADERS) == {"wj_leader"}
    fire_timers_at(escalation_at(due, 3) + timedelta(minutes=1))
    office = set(
        User.objects.filter(role_grants__role=Role.MEETING_OFFICE).values_list(
            "username", flat=True
        )
    )
    assert told(kind=K.SUPERVISION) == office == {"yb_office", "yb_office2"}
    supervision = Notification.objects.filter(kind=K.SUPERVISION).first()
    assert supervision.url == reverse("cases:supervision")
    assert supervision.case is None and case.title not in supervision.body  # the office's list
    assert case.number in supervision.title and health.name in supervision.title
    leader = Notification.objects.get(kind=K.OVERDUE_LEADER)
    assert leader.url == reverse("cases:detail", args=[case.pk])  # a leader follows it up
    as_user(client, "wj_leader")
    assert client.get(leader.url).status_code == 200
    # each level once: firing again tells nobody again
    count = Notification.objects.count()
    fire_timers_at(escalation_at(due, 3) + timedelta(days=3))
    assert Notification.objects.count() == count


def test_a_registrant_who_is_also_a_leader_is_not_asked_to_approve_their_own_case(world, agencies):
    yb = agencies["省医保局"]
    both = UserFactory(username="yb_both", agency=yb, roles=[Role.CASE_OFFICER, Role.AGENCY_LEADER])
    case = registered_case(both)
    approve = open_task(case, "approve")
    assert told(case_task__task=approve) == holders(yb, LEADERS) - {"yb_both"}
    assert "yb_leader" in told(case_task__task=approve)
