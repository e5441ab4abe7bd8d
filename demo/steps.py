"""One step of a demo case, each through the case services — the words the stories are told in.

Every step runs at the demo clock's time (demo/timeline.py sets it). A step that completes a task
after its due time is logged: the stories are written so that only the cases meant to be
overdue ever are.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can
from agencies.models import Agency, Role, User
from cases import services
from cases.models import Case, Referral, ViolationType
from cases.validators import credit_code_check_char, id_number_check_char
from workflow.models import CaseTask

logger = logging.getLogger("xietong.demo")


def credit(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return first17 + credit_code_check_char(first17)


def id_number(first17: str) -> str:
    """A valid 公民身份号码 from its first 17 digits."""
    return first17 + id_number_check_char(first17)


def user(name: str) -> User:
    return User.objects.get(username=name)


def agency(short: str) -> Agency:
    return Agency.objects.get(short_name=short)


def person(of: Agency, role: Role) -> User:
    return of.people.filter(role_grants__role=role).order_by("username").first()


def leader_of(of: Agency) -> User:
    return person(of, Role.AGENCY_LEADER)


def task(case: Case, name: str, referral: Referral | None = None):
    """The open task `name` of the case (of one referral's branch); logs it when it is late."""
    for candidate in Task.objects.filter(
        process__caseprocess__case=case, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ):
        if candidate.flow_task.name == name and (
            referral is None or candidate.data.get("referral_id") == referral.pk
        ):
            due = CaseTask.objects.values_list("due_at", flat=True).get(task=candidate)
            if due is not None and timezone.now() > due:
                logger.warning("demo: %s %s done after its due time %s", case.number, name, due)
            return candidate
    raise LookupError(f"{case.number}: no open task {name}")


def register(
    officer: str,
    title: str,
    *,
    source: str,
    violations: list[str],
    amount: str,
    description: str,
    subjects: list[dict],
    informant: str = "",
    period_days: int | None = None,
) -> Case | None:
    """Register a case unless it exists; None when it already existed (steps already run)."""
    registrant = user(officer)
    if Case.objects.filter(agency=registrant.agency, title=title).exists():
        return None
    types = list(ViolationType.objects.filter(code__in=violations))
    if {t.code for t in types} != set(violations):
        raise LookupError(f"unknown violation types: {set(violations) - {t.code for t in types}}")
    return services.case_register(
        user=registrant,
        files=[],
        subjects=subjects,
        data={
            "title": title,
            "source": source,
            "suspected_amount": Decimal(amount),
            "violation_types": types,
            "description": description,
            "confidentiality": "internal",
            "informant": informant,
            **violation_period(title, period_days),
        },
    )


def violation_period(title: str, days: int | None = None) -> dict:
    """违规期间 of a demo case: it ended a month or two before the case came to light and
    lasted most of a year (`days`, or a length varied by the title)."""
    end = timezone.localdate() - timedelta(days=30 + len(title) % 5 * 9)
    length = days if days is not None else 180 + len(title) % 7 * 37
    return {"violation_start": end - timedelta(days=length), "violation_end": end}


def team(case: Case) -> list[User]:
    """The case team (办案人员) the leader names: the registrant and one more officer of the
    agency (a case officer before a leader), two in all as 医保发〔2021〕49号 asks."""
    from cases.access import team_candidates

    others = [p for p in team_candidates(case) if p.pk != case.registered_by_id]
    others.sort(key=lambda p: (can(p, Ability.APPROVE_CASE), p.pk))
    return [case.registered_by, *others[:1]]


def refer(case: Case, leader: str, agencies: list[str], summary: str) -> dict[str, Referral]:
    from cases.forms import channel_for

    services.case_decide(
        task=task(case, "approve"),
        user=user(leader),
        decision="refer",
        team=team(case),
        referrals=[
            {"to_agency": agency(a), "channel": channel_for(agency(a)), "summary": summary}
            for a in agencies
        ],
    )
    return {r.to_agency.short_name: r for r in case.referrals.select_related("to_agency")}


def decide(case: Case, leader: str, decision: str, reason: str) -> None:
    """The leader handles the case in-house or closes it as unfounded, with reasons."""
    services.case_decide(
        task=task(case, "approve"),
        user=user(leader),
        decision=decision,
        reason=reason,
        team=team(case) if decision == "in_house" else None,
    )


def liaison(referral: Referral) -> User:
    return person(referral.to_agency, Role.LIAISON)


def sign(case, referral):
    services.referral_receive(
        task=task(case, "receive", referral), action="sign", user=liaison(referral)
    )


def give_back(case, referral, reason):
    """The receiver returns the referral for more material."""
    services.referral_receive(
        task=task(case, "receive", referral),
        action="return",
        reason=reason,
        user=liaison(referral),
    )


def supplement(case, referral, note):
    services.referral_supplement(
        task=task(case, "supplement", referral),
        note=note,
        files=[],
        user=person(referral.from_agency, Role.CASE_OFFICER),
    )


def accept(case, referral, reason="符合受理条件，已立案"):
    services.referral_decide(
        task=task(case, "decide", referral), accept=True, reason=reason, user=liaison(referral)
    )


def refuse(case, referral, reason):
    services.referral_decide(
        task=task(case, "decide", referral), accept=False, reason=reason, user=liaison(referral)
    )


def respond(case, referral, action, reason=""):
    services.referral_respond(
        task=task(case, "respond", referral),
        action=action,
        reason=reason,
        user=person(referral.from_agency, Role.CASE_OFFICER),
    )


def handover(case, referral, note):
    services.referral_handover(
        task=task(case, "handover", referral),
        note=note,
        files=[],
        user=person(referral.from_agency, Role.CASE_OFFICER),
    )


def progress(case, referral, body):
    services.comment_add(
        case=case, referral=referral, body=body, user=person(referral.to_agency, Role.CASE_OFFICER)
    )


def report(case, referral, outcome, recovered, fines, outcomes=("admin_penalty",)):
    services.referral_report(
        task=task(case, "investigate", referral),
        outcome=outcome,
        outcomes=list(outcomes),
        recovered=Decimal(recovered),
        fines=Decimal(fines),
        files=[],
        user=person(referral.to_agency, Role.CASE_OFFICER),
    )


def close(case, officer, note, recovered="0", fines="0", step="close"):
    """The officer's closing report (`step="handle_in_house"` for a case the agency handled
    itself); the leader approves it in approve_closing."""
    services.case_close(
        task=task(case, step),
        user=user(officer),
        note=note,
        recovered=Decimal(recovered),
        fines=Decimal(fines),
    )


def approve_closing(t, case, *, opinion="同意结案。", returned="", leader=None):
    """The leader's 结案审批 of the closing report the next working day at 9:30 — after
    returning it once with `returned` as the opinion, when given (the officer revises it the
    working day after). A step still to come is not taken: the report waits for the leader,
    a state the demo shows. Use as `yield from approve_closing(t, case)`."""
    case.refresh_from_db()
    leader = leader or leader_of(case.agency)
    when = t.later(case.closing_reported_at, 1, 9, 30)
    if returned:
        if t.later(when, 1, 14, 0) > t.now - timedelta(hours=1):
            return
        yield when
        services.case_close_approve(
            task=task(case, "approve_close"), user=leader, approve=False, opinion=returned
        )
        yield t.later(when, 1, 14, 0)
        services.case_close(
            task=task(case, "close"),
            user=case.closing_reported_by,
            note=case.closing_report + "\n已按审批意见补充：" + returned,
            recovered=case.closing_recovered,
            fines=case.closing_fines,
        )
        case.refresh_from_db()
        when = t.later(case.closing_reported_at, 1, 9, 30)
    if when > t.now - timedelta(hours=1):
        return
    yield when
    services.case_close_approve(
        task=task(case, "approve_close"), user=leader, approve=True, opinion=opinion
    )


def subject(kind, name, *, credit_code="", id_no="", institution_class="", note="") -> dict:
    return {
        "kind": kind,
        "name": name,
        "credit_code": credit_code,
        "id_number": id_no,
        "institution_class": institution_class,
        "note": note,
    }


def keep_reporting(t, case, referral, since, texts, until=None, hour=10):
    """Progress reports on an accepted referral every three weeks or so (one is due every 30
    days), from `since` until `until` (default today): a sub-story, `yield from` it."""
    from datetime import timedelta

    until = until or t.at(t.today, 0)
    moment, n = since, 0
    while True:
        day = t.working_day_on_or_before(timezone.localdate(moment) + timedelta(days=22))
        following = t.at(day, hour, 10 + (n * 7) % 40)
        if following >= until:
            return moment
        yield following
        progress(case, referral, texts[n % len(texts)])
        moment, n = following, n + 1
