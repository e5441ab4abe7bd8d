"""Case referral: the only writers of cases, subjects, evidence and referrals.

Task-completing services take viewflow's flow lock (SELECT … FOR UPDATE on the process row)
through `task.activation()`; they must be the outermost transaction — never wrap them in
transaction.atomic — because a lock retry inside an outer transaction would abort it.
Two people completing the same task: the second waits for the lock, then finds the task done
and gets AlreadyHandled.
"""

from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

import notifications.events
from agencies.access import Ability, can
from agencies.models import Agency
from audit.services import lazy_summary, record_event
from cases import papers
from cases.access import (
    can_comment,
    can_withdraw,
    commentable_referrals,
    extension_decision_refusal,
    extension_refusal,
    may_act_on_task,
    team_refusal,
    urge_refusal,
)
from cases.models import Case, Evidence, Referral, Subject
from cases.selectors import next_extension
from cases.uploads import store_upload
from documents.services import document_issue, series_next_number
from workflow.calendar_rules import rule_due

FEN = Decimal("0.01")


class AlreadyHandled(Exception):
    """The task was completed (or cancelled) by someone else a moment ago."""


# -- registering ------------------------------------------------------------------------


def case_register(*, user, data: dict, subjects: list[dict], files: list) -> Case:
    """Register a clue and start its process. Atomic: nothing is kept if anything fails."""
    agency = user.agency
    now = timezone.now()
    with transaction.atomic():
        series, number = series_next_number(
            prefix=agency.doc_prefix, code="案", year=timezone.localdate().year
        )
        case = Case(
            number=series.format_number(number),
            agency=agency,
            registered_by=user,
            registered_at=now,
            title=data["title"],
            source=data["source"],
            suspected_amount=data["suspected_amount"],
            description=data["description"],
            violation_start=data.get("violation_start"),
            violation_end=data.get("violation_end"),
            confidentiality=data["confidentiality"],
            informant=data.get("informant", ""),
        )
        case.full_clean()
        case.save()
        case.violation_types.set(data["violation_types"])
        for subject_data in subjects:
            subject = Subject(case=case, **subject_data)
            subject.full_clean()
            subject.save()
        record_event(
            action="case.registered",
            actor=user,
            obj=case,
            summary=lazy_summary(_("Registered case %(number)s"), number=case.number),
            data={
                "suspected_amount": case.suspected_amount,
                "source": case.source,
                "violation_start": case.violation_start,
                "violation_end": case.violation_end,
            },
        )
        for upload in files:
            evidence_add(case=case, user=user, upload=upload)
        from workflow.flows import CaseFlow

        CaseFlow.start.run(case=case)
    return case


def evidence_add(
    *, case: Case, user, upload, referral: Referral | None = None, description: str = ""
) -> Evidence:
    evidence = Evidence(
        case=case,
        referral=referral,
        description=description,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    store_upload(evidence, upload)
    evidence.save()
    record_event(
        action="case.evidence_added",
        actor=user,
        obj=case,
        summary=lazy_summary(_("Added evidence %(name)s"), name=evidence.original_name),
        data={
            "sha256": evidence.sha256,
            "size": evidence.size,
            "referral": referral.pk if referral else None,
        },
    )
    return evidence


# -- acting on tasks ----------------------------------------------------------------------


@contextmanager
def _acting_on(task, user):
    """Lock the process, check the task is still open and the user may act, then complete it.

    A task belongs to its role in its agency (cases.access.task_refusal): whoever of them acts
    first completes it and is recorded as its owner; the second finds it done."""
    with task.activation() as activation:  # flow lock + task.refresh_from_db()
        if task.status in (STATUS.DONE, STATUS.CANCELED):
            raise AlreadyHandled(task.pk)
        if not may_act_on_task(user, task):
            raise PermissionDenied
        if task.status == STATUS.NEW:
            activation.assign(user)
        else:
            task.owner = user  # assigned to a colleague before claiming was given up
        activation.start(None)
        yield activation
        activation.execute()


def _audit_step(*, user, case, action, summary, data=None, agency=None):
    record_event(
        action=action, actor=user, agency=agency, obj=case, summary=summary, data=data or {}
    )


def procuratorate_for(agency: Agency) -> Agency | None:
    """The same-level procuratorate (criminal referrals are copied to it)."""
    return Agency.objects.filter(
        kind=Agency.Kind.PROCURATORATE, region=agency.region, is_active=True
    ).first()


def case_decide(
    *,
    task,
    user,
    decision: str,
    reason: str = "",
    referrals: list[dict] | None = None,
    team: list | None = None,
) -> Case:
    """The leader's decision: "refer" (with referrals), "in_house" or "unfounded".

    The registrant cannot decide on their own case (cases.access.task_refusal); closing as
    unfounded needs reasons. Referring or keeping the case records its team (办案人员): at
    least two officers of the agency (cases.access.team_refusal), before the 移送书 and its
    案件调查报告, which names them, are issued.
    """
    with _acting_on(task, user) as activation:
        case = Case.objects.select_for_update().get(pk=activation.process.case.pk)
        if decision == "unfounded" and not reason.strip():
            raise ValidationError(_("Give the reasons for closing the case as unfounded."))
        if decision in ("refer", "in_house"):
            refusal = team_refusal(case, team)
            if refusal:
                raise ValidationError(refusal)
            case.team.set(team)
        now = timezone.now()
        case.decided_by, case.decided_at, case.decision_reason = user, now, reason.strip()
        if decision == "refer":
            if not referrals:
                raise ValidationError(_("Choose at least one agency to refer the case to."))
            case.status = Case.Status.REFERRED
            for item in referrals:
                referral_create(case=case, user=user, **item)
        elif decision == "in_house":
            case.status = Case.Status.IN_HOUSE
        elif decision == "unfounded":
            case.status = Case.Status.CLOSED_UNFOUNDED
            case.closed_at = now
        else:
            raise ValidationError(_("Unknown decision."))
        case.save()
        _audit_step(
            user=user,
            case=case,
            action=f"case.decided.{decision}",
            summary=lazy_summary(
                _("Decided: %(decision)s"), decision=Case.Status(case.status).label
            ),
            data={
                "reason": reason.strip(),
                "referrals": [r["to_agency"].pk for r in referrals or []],
                "team": sorted(case.team.values_list("pk", flat=True)),
            },
        )
    return case


def referral_create(
    *,
    case: Case,
    user,
    to_agency: Agency,
    channel: str,
    summary: str,
    from_agency: Agency | None = None,
    parent: Referral | None = None,
) -> Referral:
    """One referral: its record, its deadline, and its 移送书 issued as an official document."""
    from_agency = from_agency or case.agency
    if to_agency == from_agency:
        raise ValidationError(_("An agency cannot refer a case to itself."))
    now = timezone.now()
    copy_to = procuratorate_for(from_agency) if channel == Referral.Channel.CRIMINAL else None
    referral = Referral(
        case=case,
        from_agency=from_agency,
        to_agency=to_agency,
        channel=channel,
        summary=summary.strip(),
        sent_at=now,
        copy_to=copy_to,
        parent=parent,
        due_at=rule_due("referral_receipt", now),
    )
    referral.full_clean()
    referral.save()
    letter = document_issue(
        doc_type="referral",
        agency=from_agency,
        content=papers.referral_letter(referral),
        owner=referral,
        issued_by=user,
    )
    if papers.has_case_papers(referral):  # the letter's 附件1 and 附件2, frozen with it
        for doc_type, compose in (
            ("investigation", papers.investigation_report),
            ("evidence_list", papers.evidence_list),
        ):
            document_issue(
                doc_type=doc_type,
                agency=from_agency,
                content=compose(referral, letter=letter),
                owner=referral,
                issued_by=user,
            )
    _audit_step(
        user=user,
        case=case,
        agency=from_agency,
        action="referral.sent",
        summary=lazy_summary(_("Referred to %(agency)s"), agency=to_agency.name),
        data={
            "referral": referral.pk,
            "channel": channel,
            "copy_to": copy_to.pk if copy_to else None,
        },
    )
    return referral


def referral_branches(*, case: Case) -> list:
    """The branches the process splits into: one per referral not yet in a branch."""
    open_referrals = case.referrals.filter(status=Referral.Status.SENT).order_by("pk")
    return [({"referral_id": r.pk}, r) for r in open_referrals]


def _branch_referral(activation) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("case", "to_agency", "from_agency")
        .get(pk=activation.task.data["referral_id"])
    )


def referral_receive(*, task, user, action: str, reason: str = "") -> Referral:
    """The receiver's liaison signs for a referral (a 回执 is issued) or returns it."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        now = timezone.now()
        if action == "return":
            if not reason.strip():
                raise ValidationError(_("Say what material is missing."))
            referral.status = Referral.Status.RETURNED
            referral.decision_reason = reason.strip()
            referral.due_at = rule_due("supplement", now)
            summary = lazy_summary(
                _("Returned by %(agency)s for more material"), agency=referral.to_agency.name
            )
        elif action == "sign":
            referral.status = Referral.Status.SIGNED
            referral.signed_at = now
            referral.decision_reason = ""  # an earlier return's reason is the timeline's now
            rule = {
                Referral.Channel.CRIMINAL: "police_filing_decision",
                Referral.Channel.DISCIPLINE: "discipline_forward",
            }.get(referral.channel, "admin_decision")
            referral.due_at = rule_due(rule, now)
            document_issue(
                doc_type="receipt",
                agency=referral.to_agency,
                content=papers.receipt(referral),
                owner=referral,
                issued_by=user,
            )
            summary = lazy_summary(_("Signed for by %(agency)s"), agency=referral.to_agency.name)
        else:
            raise ValidationError(_("Unknown action."))
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action=f"referral.{action}",
            summary=summary,
            data={"referral": referral.pk, "reason": reason.strip()},
        )
    return referral


def referral_supplement(*, task, user, note: str, files: list) -> Referral:
    """The sender adds the missing material; the referral goes back to the receiver."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not note.strip() and not files:
            raise ValidationError(_("Describe or attach the supplementary material."))
        for upload in files:
            evidence_add(
                case=referral.case,
                user=user,
                upload=upload,
                referral=referral,
                description=note.strip()[:200],
            )
        now = timezone.now()
        referral.status = Referral.Status.SENT
        referral.due_at = rule_due("referral_receipt", now)
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.from_agency,
            action="referral.supplemented",
            summary=lazy_summary(
                _("Supplemented the material for %(agency)s"), agency=referral.to_agency.name
            ),
            data={"referral": referral.pk, "note": note.strip(), "files": len(files)},
        )
    return referral


def _accepted(referral: Referral, now) -> None:
    """Accepted (filed): a criminal filing waits for the sender's evidence hand-over (3 days),
    anything else goes straight to investigation (progress every 30 days)."""
    referral.status = Referral.Status.ACCEPTED
    referral.decided_at = now
    if referral.channel == Referral.Channel.CRIMINAL:
        referral.filed_at = now
        referral.due_at = rule_due("evidence_handover", now)
    else:
        referral.due_at = rule_due("progress_report", now)


def referral_decide(*, task, user, accept: bool, reason: str) -> Referral:
    """The receiver accepts (files) the referral or refuses it with written reasons."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not accept and not reason.strip():
            raise ValidationError(_("A refusal needs written reasons."))
        now = timezone.now()
        referral.decided_at = now
        referral.decision_reason = reason.strip()
        if accept:
            _accepted(referral, now)
        else:
            referral.status = Referral.Status.REFUSED
            referral.due_at = rule_due("reconsideration_request", now)
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action="referral.accepted" if accept else "referral.refused",
            summary=lazy_summary(
                _("%(agency)s: %(decision)s"),
                agency=referral.to_agency.name,
                decision=Referral.Status(referral.status).label,
            ),
            data={"referral": referral.pk, "reason": referral.decision_reason},
        )
    return referral


def referral_respond(*, task, user, action: str, reason: str = "") -> Referral:
    """The sender's answer to a refusal: accept it, request reconsideration (复议, once, within
    3 days of the refusal) or ask the procuratorate for filing supervision (criminal only)."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        now = timezone.now()
        reason = reason.strip()
        if action == "accept":
            referral.status = Referral.Status.REFUSAL_ACCEPTED
            referral.finished_at = now
            referral.due_at = None
            summary = _("%(agency)s's refusal accepted")
        elif action == "reconsider":
            if referral.reconsideration_requested_at:
                raise ValidationError(_("Reconsideration has already been requested once."))
            if referral.due_at and now > referral.due_at:
                raise ValidationError(
                    _("The 3 days for requesting reconsideration ended on %(due)s.")
                    % {"due": timezone.localtime(referral.due_at).strftime("%Y-%m-%d %H:%M")}
                )
            if not reason:
                raise ValidationError(_("Give the grounds for reconsideration."))
            referral.status = Referral.Status.RECONSIDERATION
            referral.reconsideration_reason = reason
            referral.reconsideration_requested_at = now
            referral.due_at = rule_due("reconsideration_decision", now)
            summary = _("Reconsideration requested from %(agency)s")
        elif action == "supervise":
            if referral.channel != Referral.Channel.CRIMINAL or not referral.copy_to_id:
                raise ValidationError(
                    _("Filing supervision applies to criminal referrals copied to a procuratorate.")
                )
            if referral.supervision_requested_at:
                raise ValidationError(_("Filing supervision has already been requested."))
            if not reason:
                raise ValidationError(_("Give the grounds for filing supervision."))
            referral.status = Referral.Status.SUPERVISION
            referral.supervision_reason = reason
            referral.supervision_requested_at = now
            referral.due_at = rule_due("supervision_explanation", now)
            summary = _("Filing supervision of %(agency)s requested")
        else:
            raise ValidationError(_("Unknown action."))
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.from_agency,
            action=f"referral.refusal_{action}",
            summary=lazy_summary(summary, agency=referral.to_agency.name),
            data={"referral": referral.pk, "reason": reason},
        )
    return referral


def referral_reconsider(*, task, user, accept: bool, reason: str) -> Referral:
    """The receiver's reconsideration decision: accept the case after all, or uphold."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not reason.strip():
            raise ValidationError(_("Give the reasons for the reconsideration decision."))
        now = timezone.now()
        referral.reconsideration_decided_at = now
        referral.reconsideration_decision = reason.strip()
        if accept:
            _accepted(referral, now)
        else:
            referral.status = Referral.Status.REFUSED
            referral.due_at = rule_due("reconsideration_request", now)
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action="referral.reconsidered." + ("accepted" if accept else "upheld"),
            summary=lazy_summary(
                _("Reconsideration by %(agency)s: %(decision)s"),
                agency=referral.to_agency.name,
                decision=_("accepted") if accept else _("refusal upheld"),
            ),
            data={"referral": referral.pk, "reason": reason.strip()},
        )
    return referral


def referral_supervise(*, task, user, outcome: str, note: str) -> Referral:
    """The procuratorate's filing supervision: the reasons for not filing are sound, or it
    notifies the police to file (they must within 15 days)."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if outcome not in Referral.Supervision.values:
            raise ValidationError(_("Unknown action."))
        if not note.strip():
            raise ValidationError(_("Record the police's explanation and your assessment."))
        now = timezone.now()
        referral.supervision_outcome = outcome
        referral.supervision_note = note.strip()
        referral.supervision_decided_at = now
        if outcome == Referral.Supervision.NOTICE_TO_FILE:
            referral.status = Referral.Status.NOTICE_TO_FILE
            referral.due_at = rule_due("supervision_filing", now)
        else:
            referral.status = Referral.Status.REFUSAL_ACCEPTED
            referral.finished_at = now
            referral.due_at = None
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.copy_to,
            action=f"referral.supervision.{outcome}",
            summary=lazy_summary(
                _("Filing supervision by %(agency)s: %(outcome)s"),
                agency=referral.copy_to.name,
                outcome=Referral.Supervision(outcome).label,
            ),
            data={"referral": referral.pk, "note": note.strip()},
        )
    return referral


def referral_file_on_notice(*, task, user, note: str) -> Referral:
    """The police file the case on the procuratorate's notice."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not note.strip():
            raise ValidationError(_("Give the filing decision's number and date."))
        referral.decision_reason = note.strip()
        _accepted(referral, timezone.now())
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action="referral.filed_on_notice",
            summary=lazy_summary(
                _("%(agency)s filed the case on notice"), agency=referral.to_agency.name
            ),
            data={"referral": referral.pk, "note": note.strip()},
        )
    return referral


def referral_handover(*, task, user, note: str, files: list) -> Referral:
    """The sender hands over the items and material after a criminal filing (3 days)."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not note.strip():
            raise ValidationError(_("List what was handed over, to whom and when."))
        for upload in files:
            evidence_add(
                case=referral.case,
                user=user,
                upload=upload,
                referral=referral,
                description="移交清单",
            )
        now = timezone.now()
        referral.handover_at = now
        referral.handover_note = note.strip()
        referral.due_at = rule_due("progress_report", now)
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.from_agency,
            action="referral.evidence_handed_over",
            summary=lazy_summary(
                _("Evidence handed over to %(agency)s"), agency=referral.to_agency.name
            ),
            data={"referral": referral.pk, "note": note.strip(), "files": len(files)},
        )
    return referral


def referral_report(
    *,
    task,
    user,
    outcome: str,
    recovered: Decimal,
    fines: Decimal,
    files: list,
    outcomes: list[str] | None = None,
) -> Referral:
    """The receiver's result (处理结果反馈): what was done, money recovered and fined."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not outcome.strip():
            raise ValidationError(_("Describe the result."))
        outcomes = list(outcomes or [])
        if not outcomes or set(outcomes) - set(Referral.Outcome.values):
            raise ValidationError(_("Choose what the result was."))
        for upload in files:
            evidence_add(
                case=referral.case,
                user=user,
                upload=upload,
                referral=referral,
                description="处理结果",
            )
        referral.status = Referral.Status.RESULT_REPORTED
        referral.decision_reason = outcome.strip()
        referral.outcomes = outcomes
        referral.recovered, referral.fines = recovered, fines
        referral.finished_at = timezone.now()
        referral.due_at = None
        referral.full_clean()
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action="referral.result_reported",
            summary=lazy_summary(
                _("%(agency)s reported its result"), agency=referral.to_agency.name
            ),
            data={
                "referral": referral.pk,
                "outcomes": outcomes,
                "recovered": recovered,
                "fines": fines,
            },
        )
    return referral


def referral_hand_back(*, task, user, reason: str) -> Referral:
    """公安 hands the case back for administrative handling: a referral the other way.

    The criminal referral is finished as handed back; the reverse referral (parent = it)
    goes to the agency that sent the case, and the branch goes on with it (flows.hand_back).
    """
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if referral.to_agency.kind != Agency.Kind.PUBLIC_SECURITY:
            raise ValidationError(
                _("Only the police hand a case back for administrative handling.")
            )
        if not reason.strip():
            raise ValidationError(_("Say why the facts do not call for criminal liability."))
        now = timezone.now()
        referral.status = Referral.Status.HANDED_BACK
        referral.decision_reason = reason.strip()
        referral.finished_at = now
        referral.due_at = None
        referral.save()
        referral_create(
            case=referral.case,
            user=user,
            from_agency=referral.to_agency,
            to_agency=referral.from_agency,
            channel=Referral.Channel.ADMINISTRATIVE,
            summary=f"经审查，{reason.strip()}现将该案退回你单位依法作行政处理。",
            parent=referral,
        )
        _audit_step(
            user=user,
            case=referral.case,
            agency=referral.to_agency,
            action="referral.handed_back",
            summary=lazy_summary(
                _("%(agency)s handed the case back for administrative handling"),
                agency=referral.to_agency.name,
            ),
            data={"referral": referral.pk, "reason": reason.strip()},
        )
    return referral


def case_close(
    *,
    task,
    user,
    note: str,
    recovered: Decimal = Decimal("0"),
    fines: Decimal = Decimal("0"),
    refer_to: list[dict] | None = None,
) -> Case:
    """Write the closing report (结案报告) with what the agency itself recovered and fined,
    for the leader's approval (case_close_approve) — or refer the case to further agencies
    first (一案多处), which is a leader's decision, like the first referral.

    Locks the process (the task's activation) and the case row.
    """
    with _acting_on(task, user) as activation:
        case = Case.objects.select_for_update().get(pk=activation.process.case.pk)
        if refer_to:
            if not can(user, Ability.APPROVE_CASE):
                raise ValidationError(_("Only the agency leader may refer the case further."))
            case.status = Case.Status.REFERRED
            case.closing_opinion = ""  # a returned report's opinion is answered by this
            case.save()
            for item in refer_to:
                referral_create(case=case, user=user, **item)
            _audit_step(
                user=user,
                case=case,
                action="case.referred_further",
                summary=lazy_summary(
                    _("Referred further to %(agencies)s"),
                    agencies="、".join(item["to_agency"].name for item in refer_to),
                ),
                data={"referrals": [item["to_agency"].pk for item in refer_to], "note": note},
            )
            return case
        case.status = Case.Status.CLOSING
        case.closing_report = note.strip()
        case.closing_recovered = recovered.quantize(FEN)
        case.closing_fines = fines.quantize(FEN)
        case.closing_reported_by = user
        case.closing_reported_at = timezone.now()
        case.closing_approved_by = None
        case.closing_opinion = ""
        case.full_clean()
        case.save()
        _audit_step(
            user=user,
            case=case,
            action="case.closing_reported",
            summary=lazy_summary(
                _("Closing report on case %(number)s sent for the leader's approval"),
                number=case.number,
            ),
            data={
                "recovered": case.closing_recovered,
                "fines": case.closing_fines,
                "note": case.closing_report,
            },
        )
    return case


def case_close_approve(*, task, user, approve: bool, opinion: str = "") -> Case:
    """The leader's 结案审批 of the officer's closing report: approved, the case is closed with
    its totals (the referrals' results plus what the agency itself recovered and fined);
    returned (with an opinion), the report goes back to the officer's closing step.

    The author of the report may not approve it (cases.access.task_refusal). Locks the
    process (the task's activation) and the case row.
    """
    opinion = opinion.strip()
    if not approve and not opinion:
        raise ValidationError(_("Say what the closing report must change."))
    with _acting_on(task, user) as activation:
        case = Case.objects.select_for_update().get(pk=activation.process.case.pk)
        case.closing_opinion = opinion
        case.closing_approved_by = user if approve else None
        if approve:
            totals = case.referrals.aggregate(r=Sum("recovered"), f=Sum("fines"))
            # SQLite sums decimals as floats (91532.96 + … comes back with 15 digits): to the fen
            case.recovered_total = (
                (totals["r"] or Decimal("0")) + case.closing_recovered
            ).quantize(FEN)
            case.fines_total = ((totals["f"] or Decimal("0")) + case.closing_fines).quantize(FEN)
            case.status = Case.Status.CLOSED
            case.closed_at = timezone.now()
        else:
            case.status = Case.Status.REFERRED if case.referrals.exists() else Case.Status.IN_HOUSE
        case.full_clean()
        case.save()
        if approve:
            action, summary = "case.closed", _("Closed case %(number)s")
            data = {
                "recovered": case.recovered_total,
                "fines": case.fines_total,
                "note": case.closing_report,
                "opinion": opinion,
                "reported_by": case.closing_reported_by_id,
            }
        else:
            action, summary = (
                "case.closing_returned",
                _("Closing report on case %(number)s returned"),
            )
            data = {"opinion": opinion}
        _audit_step(
            user=user,
            case=case,
            action=action,
            summary=lazy_summary(summary, number=case.number),
            data=data,
        )
    return case


# -- withdrawal, extensions, progress and comments ---------------------------------------


def _open_branch_task(referral: Referral):
    """The open human task of a referral's branch (there is exactly one while it runs)."""
    from workflow.models import CaseTask

    case_task = (
        CaseTask.objects.filter(referral=referral, task__status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .select_related("task")
        .first()
    )
    return case_task.task if case_task else None


def referral_withdraw(*, referral: Referral, user, reason: str) -> Referral:
    """Withdraw a referral at whatever open step its branch is (reasons required).

    The branch's open task is completed with the outcome "withdrawn" (not cancelled): its
    timers are then cancelled by viewflow and the branch reaches the Join like any finished
    one. Cancelling would leave both broken in viewflow 2.4 (shared/domain.md).
    """
    if not reason.strip():
        raise ValidationError(_("Give the reasons for withdrawing the referral."))
    task = _open_branch_task(referral)
    if task is None:
        raise AlreadyHandled(referral.pk)
    with task.activation() as activation:
        if task.status in (STATUS.DONE, STATUS.CANCELED):
            raise AlreadyHandled(task.pk)
        referral = _branch_referral(activation)
        if not can_withdraw(user, referral):
            raise PermissionDenied
        if task.status == STATUS.NEW:
            activation.assign(user)
        else:
            task.owner = user  # the withdrawing leader completes the step
        activation.start(None)
        now = timezone.now()
        referral.status = Referral.Status.WITHDRAWN
        referral.withdrawal_reason = reason.strip()
        referral.finished_at = now
        referral.due_at = None
        referral.save()
        _audit_step(
            user=user,
            case=referral.case,
            action="referral.withdrawn",
            summary=lazy_summary(
                _("Referral to %(agency)s withdrawn"), agency=referral.to_agency.name
            ),
            data={"referral": referral.pk, "reason": reason.strip(), "step": task.flow_task.name},
        )
        activation.execute()
    return referral


def extension_request(*, referral: Referral, user, reason: str):
    """The receiving liaison asks for more time to decide on filing, with reasons."""
    from cases.models import Extension

    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update().select_related("to_agency").get(pk=referral.pk)
        )
        if user.agency_id != referral.to_agency_id:
            raise PermissionDenied
        refusal = extension_refusal(user, referral)
        if refusal:
            raise ValidationError(refusal)
        rule = next_extension(referral)
        if not reason.strip():
            raise ValidationError(_("Give the reasons for the extension."))
        start = referral.due_at if rule.endswith("plus30") else referral.signed_at
        new_due = rule_due(rule, start)
        if new_due <= referral.due_at:
            raise ValidationError(_("The extension would not give more time."))
        superior = referral.to_agency.superior if rule.endswith("plus30") else None
        extension = Extension.objects.create(
            referral=referral,
            rule=rule,
            reason=reason.strip(),
            requested_by=user,
            requested_at=timezone.now(),
            approver_agency=superior or referral.to_agency,
            old_due_at=referral.due_at,
            new_due_at=new_due,
        )
        notifications.events.extension_requested(extension)  # the approving leaders are told
        _audit_step(
            user=user,
            case=referral.case,
            action="referral.extension_requested",
            summary=lazy_summary(
                _("%(agency)s asked to extend the filing decision to %(due)s"),
                agency=referral.to_agency.name,
                due=timezone.localtime(new_due).strftime("%Y-%m-%d"),
            ),
            data={"referral": referral.pk, "rule": rule, "reason": reason.strip()},
        )
    return extension


def extension_decide(*, extension, user, approve: bool, note: str = ""):
    """A leader of the approving agency approves (the due time and timers move) or refuses."""
    from cases.models import Extension
    from workflow import escalation
    from workflow.models import CaseTask

    with transaction.atomic():
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != Extension.Status.PENDING:
            raise AlreadyHandled(extension.pk)
        if user.agency_id != extension.approver_agency_id:
            raise PermissionDenied
        refusal = extension_decision_refusal(user, extension)
        if refusal:
            raise ValidationError(refusal)
        if not approve and not note.strip():
            raise ValidationError(_("Give the reasons for refusing the extension."))
        referral = Referral.objects.select_for_update().get(pk=extension.referral_id)
        now = timezone.now()
        extension.decided_by, extension.decided_at = user, now
        extension.decision_note = note.strip()
        extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        extension.save()
        if approve:
            referral.due_at = extension.new_due_at
            referral.save(update_fields=["due_at"])
            case_task = CaseTask.objects.filter(
                referral=referral, task__status__in=[STATUS.NEW, STATUS.ASSIGNED]
            ).first()
            if case_task:
                escalation.reschedule(case_task, extension.new_due_at)
        _audit_step(
            user=user,
            case=referral.case,
            action="referral.extension_" + ("approved" if approve else "refused"),
            summary=lazy_summary(
                _("Extension for %(agency)s %(decision)s"),
                agency=referral.to_agency.name,
                decision=Extension.Status(extension.status).label,
            ),
            data={
                "referral": referral.pk,
                "rule": extension.rule,
                "new_due_at": extension.new_due_at,
                "note": note.strip(),
            },
        )
    return extension


MAX_COMMENT = 2000


def comment_add(*, case: Case, user, body: str, referral: Referral | None = None):
    """A comment on a case (or on one referral), or a receiver's progress report.

    A progress report on an accepted referral moves its next report due 30 days on.
    """
    from cases.models import Comment
    from workflow import escalation
    from workflow.models import CaseTask

    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first."))
    if len(body) > MAX_COMMENT:
        raise ValidationError(
            _("A comment is at most %(limit)d characters.") % {"limit": MAX_COMMENT}
        )
    if referral is None and user.agency_id != case.agency_id:
        raise ValidationError(_("Comment on your own agency's referral."))
    if referral is not None:
        referral = Referral.objects.get(pk=referral.pk, case=case)  # its state now
    if not can_comment(user, case, [referral] if referral else []):
        raise PermissionDenied
    if referral is not None and not commentable_referrals(user, [referral]):
        raise PermissionDenied
    is_progress = bool(
        referral
        and referral.to_agency_id == user.agency_id
        and referral.status == Referral.Status.ACCEPTED
    )
    with transaction.atomic():
        comment = Comment.objects.create(
            case=case,
            referral=referral,
            author=user,
            agency=user.agency,
            body=body,
            is_progress=is_progress,
            created_at=timezone.now(),
        )
        if is_progress:
            due = rule_due("progress_report", comment.created_at)
            Referral.objects.filter(pk=referral.pk).update(due_at=due)
            case_task = CaseTask.objects.filter(
                referral=referral, task__status__in=[STATUS.NEW, STATUS.ASSIGNED]
            ).first()
            if case_task:
                escalation.reschedule(case_task, due)
        _audit_step(
            user=user,
            case=case,
            action="case.progress_reported" if is_progress else "case.commented",
            summary=lazy_summary(
                _("Progress reported by %(agency)s") if is_progress else _("Comment by %(agency)s"),
                agency=user.agency.name,
            ),
            data={"referral": referral.pk if referral else None, "comment": comment.pk},
        )
    return comment


def task_urge(*, user, case_task, note: str = ""):
    """催办: the joint-meeting office urges the holders of a task under 督办, and their agency's
    leaders, to deal with it — told in the app and by mail, recorded on the case.

    Locks the CaseTask row: two office staff urging at the same moment give one urge (the
    second finds the first within cases.access.URGE_INTERVAL_HOURS and is told so)."""
    from agencies.access import people_who_can
    from workflow.models import CaseTask, TaskUrge

    note = " ".join(note.split())[:300]
    with transaction.atomic():
        case_task = (
            CaseTask.objects.select_for_update(of=("self",))  # the row, not its joins
            .select_related("task", "case", "agency", "referral__to_agency")
            .get(pk=case_task.pk)
        )
        theirs, why_not = urge_refusal(user, case_task)
        if not theirs:
            raise PermissionDenied
        if why_not:
            raise ValidationError(why_not)
        people = list(people_who_can(case_task.ability, case_task.agency)) + [
            p
            for p in people_who_can(Ability.APPROVE_CASE, case_task.agency)
            if not can(p, Ability(case_task.ability))
        ]
        told = notifications.events.task_urged(case_task, people, note=note)
        urge = TaskUrge.objects.create(
            case_task=case_task,
            urged_by=user,
            urged_at=timezone.now(),
            note=note,
            told=sorted({n.recipient_id for n in told}),
        )
        _audit_step(
            user=user,
            case=case_task.case,
            action="case.urged",
            summary=lazy_summary(
                _("The joint-meeting office urged %(agency)s: %(step)s"),
                agency=case_task.agency.name,
                step=case_task.task.flow_task.task_title,
            ),
            data={
                "task": case_task.task_id,
                "referral": case_task.referral_id,
                "told": urge.told,
                "note": note,
            },
        )
    return urge
