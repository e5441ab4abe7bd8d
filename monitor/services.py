"""The 应移未移 monitor's writers: the daily run and each step on an alert.

Every function here is atomic. A step locks its alert row (SELECT … FOR UPDATE), asks the
step's rule (monitor/access.py) again after the lock, writes the alert and an `AlertStep`,
an audit event on the case, and tells whoever must act next (monitor/events.py) — so two
people acting at once give one step, and the second is told why theirs is no longer possible.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.access import Ability, people_who_can
from audit.services import lazy_summary, record_event
from cases.models import Case, Evidence, Referral, Subject
from monitor import access, events
from monitor.models import Alert, AlertStep
from monitor.rules import findings
from workflow.calendar_rules import rule_due
from workflow.nodes import escalation_at

S = Alert.Status
# pg_try_advisory_xact_lock key of the daily run ("应移未移" as a number): one host at a time
RUN_LOCK_KEY = 0x59_4D_57_59


def _lock_run() -> bool:
    """On PostgreSQL, take the run's advisory lock for this transaction; False when another
    host holds it. Elsewhere (SQLite: one process writes at a time) always True."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RUN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _step(alert, stage, *, user=None, agency=None, text="", now=None):
    return AlertStep.objects.create(
        alert=alert,
        stage=stage,
        actor=user,
        agency=agency or getattr(user, "agency", None),
        at=now or timezone.now(),
        text=text,
    )


def _audit(alert, action, summary, *, user=None, agency=None, data=None):
    record_event(
        action=action,
        actor=user,
        agency=agency,
        obj=alert.case,
        summary=summary,
        data={"alert": alert.pk, "monitor_rule": alert.rule.code, **(data or {})},
    )


# -- the daily run --------------------------------------------------------------------------


def monitor_run(*, now=None) -> dict:
    """Evaluate every active rule on every closed case; raise an alert for each new finding
    (one per case and rule: the unique constraint makes a re-run, or a second host, create
    none twice), tell the recipient's people, and urge (催办) the overdue requests.

    Locks: on PostgreSQL the run's advisory transaction lock (`pg_try_advisory_xact_lock`;
    when another host holds it, this run does nothing and says so); each new alert is
    inserted in a savepoint so a duplicate from a concurrent run is skipped; each urged alert's
    row (SELECT … FOR UPDATE). Returns counts for the command's summary."""
    now = now or timezone.now()
    result = {"skipped": False, "raised": 0, "existing": 0, "no_recipient": 0, "urged": 0}
    with transaction.atomic():
        if not _lock_run():
            result["skipped"] = True
            return result
        existing = set(Alert.objects.values_list("case_id", "rule_id"))
        for finding in findings():
            key = (finding.case.pk, finding.rule.pk)
            if key in existing:
                result["existing"] += 1
                continue
            if finding.to_agency is None:
                result["no_recipient"] += 1
                continue
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        case=finding.case,
                        rule=finding.rule,
                        reason=finding.reason,
                        to_agency=finding.to_agency,
                        created_at=now,
                    )
            except IntegrityError:  # another host raised it a moment ago
                result["existing"] += 1
                continue
            existing.add(key)
            _step(
                alert, AlertStep.Stage.RAISED, agency=finding.to_agency, text=alert.reason, now=now
            )
            _audit(
                alert,
                "monitor.alert_raised",
                lazy_summary(
                    _("Referral monitor: alert to %(agency)s (%(rule)s)"),
                    agency=alert.to_agency.name,
                    rule=alert.rule.name,
                ),
                agency=alert.to_agency,
                data={"reason": alert.reason, "to_agency": alert.to_agency_id},
            )
            events.alert_raised(alert)
            result["raised"] += 1
        result["urged"] = alerts_urge(now=now)
    return result


def _urge_level(alert, now) -> int:
    level = 0
    for candidate in (1, 2, 3):
        if now >= escalation_at(alert.due_at, candidate):
            level = candidate
    return level


def _urge_people(alert, level):
    agency = alert.case.agency
    if level == 1:
        ability = (
            Ability.HANDLE_CASE if alert.status == S.EXPLANATION_REQUESTED else Ability.APPROVE_CASE
        )
        return list(people_who_can(ability, agency))
    if level == 2:
        return list(people_who_can(Ability.APPROVE_CASE, agency))
    return events.recipient_people(alert)


def alerts_urge(*, now=None) -> int:
    """催办, as for every overdue task (workflow/escalation.py): when the agency's answer is
    overdue, its holders are urged; after `escalate_leader` its leader; after
    `escalate_office` the recipient is told the answer is still missing, so it can decide how
    to follow it up. Each level once. Locks each urged alert's row."""
    now = now or timezone.now()
    urged = 0
    overdue = Alert.objects.filter(status__in=Alert.AWAITING_AGENCY, due_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(overdue):
        with transaction.atomic():
            alert = _locked(pk)
            if alert.status not in Alert.AWAITING_AGENCY or not alert.due_at:
                continue
            level = _urge_level(alert, now)
            if level <= alert.escalation:
                continue
            alert.escalation = level
            alert.save(update_fields=["escalation"])
            people = _urge_people(alert, level)
            events.alert_urged(alert, level, people)
            label = Alert.Escalation(level).label
            _step(alert, AlertStep.Stage.URGED, agency=alert.to_agency, text=str(label), now=now)
            _audit(
                alert,
                "monitor.urged",
                lazy_summary(
                    _("Referral monitor: overdue answer of %(agency)s — %(level)s"),
                    agency=alert.case.agency.name,
                    level=label,
                ),
                agency=alert.to_agency,
                data={"level": level, "due_at": alert.due_at, "reminded": [p.pk for p in people]},
            )
            urged += 1
    return urged


# -- the steps ------------------------------------------------------------------------------


def _locked(pk) -> Alert:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("case__agency", "rule", "to_agency")
        .get(pk=pk)
    )


def _checked(alert, user, refusal_rule, text, missing):
    """Lock the alert, ask the rule again, and require the text; returns the locked alert."""
    alert = _locked(alert.pk)
    refusal = refusal_rule(user, alert)
    if refusal:
        raise ValidationError(refusal)
    text = (text or "").strip()
    if missing and not text:
        raise ValidationError(missing)
    return alert, text


def alert_request_explanation(*, alert, user, text: str) -> Alert:
    """要求说明理由: the recipient asks the case's agency to explain within 7 working days
    (DeadlineRule "monitor_explanation"). Locks the alert row."""
    with transaction.atomic():
        alert, text = _checked(
            alert, user, access.request_refusal, text, _("Say what the agency must explain.")
        )
        now = timezone.now()
        alert.status = S.EXPLANATION_REQUESTED
        alert.due_at = rule_due("monitor_explanation", now)
        alert.escalation = Alert.Escalation.NONE
        alert.save()
        _step(alert, AlertStep.Stage.REQUESTED, user=user, text=text, now=now)
        _audit(
            alert,
            "monitor.explanation_requested",
            lazy_summary(
                _("%(agency)s asked for the reasons for not referring"), agency=user.agency.name
            ),
            user=user,
            data={"text": text, "due_at": alert.due_at},
        )
        events.explanation_requested(alert, text)
    return alert


def alert_explain(*, alert, user, text: str) -> Alert:
    """The case's agency explains why the case was not referred. Locks the alert row."""
    with transaction.atomic():
        alert, text = _checked(
            alert, user, access.explain_refusal, text, _("Give the reasons in writing.")
        )
        now = timezone.now()
        alert.status = S.EXPLAINED
        alert.due_at = None
        alert.escalation = Alert.Escalation.NONE
        alert.save()
        _step(alert, AlertStep.Stage.EXPLAINED, user=user, text=text, now=now)
        _audit(
            alert,
            "monitor.explained",
            lazy_summary(_("%(agency)s explained why it did not refer"), agency=user.agency.name),
            user=user,
            data={"text": text},
        )
        events.agency_answered(alert, text, what=_("reasons for not referring"))
    return alert


def alert_recommend_referral(*, alert, user, text: str) -> Alert:
    """建议移送: the recipient recommends the referral; the agency's leader must refer the case
    or answer with reasons within DeadlineRule "monitor_recommendation". Locks the alert."""
    with transaction.atomic():
        alert, text = _checked(
            alert,
            user,
            access.recommend_refusal,
            text,
            _("Give the grounds for recommending the referral."),
        )
        now = timezone.now()
        alert.status = S.REFERRAL_RECOMMENDED
        alert.due_at = rule_due("monitor_recommendation", now)
        alert.escalation = Alert.Escalation.NONE
        alert.save()
        _step(alert, AlertStep.Stage.RECOMMENDED, user=user, text=text, now=now)
        _audit(
            alert,
            "monitor.referral_recommended",
            lazy_summary(_("%(agency)s recommended the referral"), agency=user.agency.name),
            user=user,
            data={"text": text, "due_at": alert.due_at},
        )
        events.referral_recommended(alert, text)
    return alert


def alert_answer(*, alert, user, text: str) -> Alert:
    """The agency's leader answers a recommendation with reasons for not referring. Locks
    the alert row."""
    with transaction.atomic():
        alert, text = _checked(
            alert, user, access.answer_refusal, text, _("Give the reasons for not referring.")
        )
        now = timezone.now()
        alert.status = S.ANSWERED
        alert.due_at = None
        alert.escalation = Alert.Escalation.NONE
        alert.save()
        _step(alert, AlertStep.Stage.ANSWERED, user=user, text=text, now=now)
        _audit(
            alert,
            "monitor.answered",
            lazy_summary(
                _("%(agency)s's leader answered the recommendation with reasons"),
                agency=user.agency.name,
            ),
            user=user,
            data={"text": text},
        )
        events.agency_answered(alert, text, what=_("reasons for not referring"))
    return alert


def _follow_up_case(original: Case, *, note: str) -> Case:
    """A new case for the referral of a closed one: the same agency, parties, violation types,
    amount, period and case-wide evidence (the same stored files), registered in the name of
    the original's registrant, so the leader's decision is the approval of the ordinary flow."""
    from documents.services import series_next_number

    agency = original.agency
    series, number = series_next_number(
        prefix=agency.doc_prefix, code="案", year=timezone.localdate().year
    )
    now = timezone.now()
    case = Case(
        number=series.format_number(number),
        agency=agency,
        registered_by=original.registered_by,
        registered_at=now,
        title=original.title[:120],
        source=original.source,
        suspected_amount=original.suspected_amount,
        description=(
            f"{original.description}\n\n"
            + str(_("Follow-up of case %(number)s, referred on the recommendation of %(agency)s."))
            % {"number": original.number, "agency": note}
        ),
        violation_start=original.violation_start,
        violation_end=original.violation_end,
        confidentiality=original.confidentiality,
        informant=original.informant,
    )
    case.full_clean()
    case.save()
    case.violation_types.set(original.violation_types.all())
    for subject in original.subjects.all():
        Subject.objects.create(
            case=case,
            kind=subject.kind,
            name=subject.name,
            credit_code=subject.credit_code,
            id_number=subject.id_number,
            institution_class=subject.institution_class,
            note=subject.note,
        )
    for evidence in original.evidence.filter(referral__isnull=True):
        Evidence.objects.create(
            case=case,
            file=evidence.file.name,
            original_name=evidence.original_name,
            content_type=evidence.content_type,
            extension=evidence.extension,
            size=evidence.size,
            sha256=evidence.sha256,
            description=evidence.description,
            uploaded_by=evidence.uploaded_by,
            uploaded_at=evidence.uploaded_at,
        )
    record_event(
        action="case.registered",
        actor=original.registered_by,
        obj=case,
        summary=lazy_summary(_("Registered case %(number)s"), number=case.number),
        data={
            "suspected_amount": case.suspected_amount,
            "source": case.source,
            "follow_up_of": original.pk,
        },
    )
    return case


def alert_refer(*, alert, user, summary: str, team) -> Alert:
    """The agency's leader refers the case on the recommendation: a follow-up case (see
    `_follow_up_case`) starts the ordinary flow, and the leader's decision refers it to the
    same-level 公安 on the criminal channel (纪委监委 on the discipline channel for the
    discipline rule) — 移送书 numbered, the receiver's steps and deadlines, the 检察院
    copied. Locks the alert row, then the new case's process (no one else can hold it)."""
    from cases import services as case_services
    from workflow.flows import CaseFlow

    with transaction.atomic():
        alert, summary = _checked(
            alert, user, access.refer_refusal, summary, _("Write the summary for the receiver.")
        )
        target = access.referral_target(alert)
        channel = (
            Referral.Channel.DISCIPLINE
            if target.kind == target.Kind.DISCIPLINE
            else Referral.Channel.CRIMINAL
        )
        case = _follow_up_case(alert.case, note=alert.to_agency.name)
        CaseFlow.start.run(case=case)
        approve = Task.objects.get(
            process__caseprocess__case=case, flow_task=CaseFlow.approve, status=STATUS.NEW
        )
        case_services.case_decide(
            task=approve,
            user=user,
            decision="refer",
            reason=str(_("Referred on the recommendation of %(agency)s (建议移送)."))
            % {"agency": alert.to_agency.name},
            team=team,
            referrals=[{"to_agency": target, "channel": channel, "summary": summary}],
        )
        referral = case.referrals.get()
        now = timezone.now()
        alert.status = S.REFERRED
        alert.due_at = None
        alert.escalation = Alert.Escalation.NONE
        alert.follow_up_case = case
        alert.referral = referral
        alert.save()
        _step(alert, AlertStep.Stage.REFERRED, user=user, text=summary, now=now)
        _audit(
            alert,
            "monitor.referred",
            lazy_summary(
                _("%(agency)s referred the case to %(to)s as case %(number)s"),
                agency=user.agency.name,
                to=target.name,
                number=case.number,
            ),
            user=user,
            data={"follow_up_case": case.pk, "referral": referral.pk},
        )
        events.agency_answered(
            alert,
            summary,
            what=str(_("referred to %(to)s as case %(number)s"))
            % {"to": target.name, "number": case.number},
        )
    return alert


def alert_close(*, alert, user, text: str) -> Alert:
    """The recipient closes the alert with reasons. Locks the alert row."""
    with transaction.atomic():
        alert, text = _checked(
            alert, user, access.close_refusal, text, _("Give the reasons for closing the alert.")
        )
        now = timezone.now()
        alert.status = S.CLOSED
        alert.due_at = None
        alert.escalation = Alert.Escalation.NONE
        alert.save()
        _step(alert, AlertStep.Stage.CLOSED, user=user, text=text, now=now)
        _audit(
            alert,
            "monitor.closed",
            lazy_summary(_("%(agency)s closed the alert"), agency=user.agency.name),
            user=user,
            data={"text": text},
        )
        events.alert_closed(alert, text)
    return alert
