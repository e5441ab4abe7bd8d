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
from django.core.files.base import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

from agencies.models import Agency
from audit.services import lazy_summary, record_event
from cases.models import Case, Evidence, Referral, Subject
from cases.uploads import check_evidence_file
from documents.content import Attachment, DocumentContent, chinese_date
from documents.services import document_issue, series_next_number
from workflow.calendar_rules import rule_due


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
            data={"suspected_amount": case.suspected_amount, "source": case.source},
        )
        for upload in files:
            evidence_add(case=case, user=user, upload=upload)
        from workflow.flows import CaseFlow

        CaseFlow.start.run(case=case)
    return case


def evidence_add(
    *, case: Case, user, upload, referral: Referral | None = None, description: str = ""
) -> Evidence:
    kind, sha256 = check_evidence_file(upload)
    evidence = Evidence(
        case=case,
        referral=referral,
        original_name=upload.name[:200],
        content_type=kind.content_type,
        extension=kind.extension,
        size=upload.size,
        sha256=sha256,
        description=description,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(f"{sha256}.{kind.extension}", File(upload), save=False)
    evidence.save()
    record_event(
        action="case.evidence_added",
        actor=user,
        obj=case,
        summary=lazy_summary(_("Added evidence %(name)s"), name=evidence.original_name),
        data={"sha256": sha256, "size": upload.size, "referral": referral.pk if referral else None},
    )
    return evidence


# -- acting on tasks ----------------------------------------------------------------------


@contextmanager
def _acting_on(task, user):
    """Lock the process, check the task is still open and the user may act, then complete it."""
    with task.activation() as activation:  # flow lock + task.refresh_from_db()
        if task.status in (STATUS.DONE, STATUS.CANCELED):
            raise AlreadyHandled(task.pk)
        node = activation.flow_task
        if task.status == STATUS.NEW:
            if not node.can_assign(user, task):
                raise PermissionDenied
            activation.assign(user)
        if not node.can_execute(user, task):
            raise PermissionDenied
        activation.start(None)
        yield activation
        activation.execute()


def task_claim(*, task, user) -> None:
    """Take a task from the agency's queue into my inbox."""
    with task.activation() as activation:
        if task.status != STATUS.NEW:
            raise AlreadyHandled(task.pk)
        if not activation.flow_task.can_assign(user, task):
            raise PermissionDenied
        activation.assign(user)


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
    *, task, user, decision: str, reason: str = "", referrals: list[dict] | None = None
) -> Case:
    """The leader's decision: "refer" (with referrals), "in_house" or "unfounded".

    The registrant cannot decide on their own case; closing as unfounded needs reasons.
    """
    with _acting_on(task, user) as activation:
        case = Case.objects.select_for_update().get(pk=activation.process.case.pk)
        if case.registered_by_id == user.pk:
            raise ValidationError(_("The person who registered a case cannot also approve it."))
        if decision == "unfounded" and not reason.strip():
            raise ValidationError(_("Give the reasons for closing the case as unfounded."))
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
    document_issue(
        doc_type="referral",
        agency=from_agency,
        content=_referral_letter(referral),
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


def _referral_letter(referral: Referral) -> DocumentContent:
    case = referral.case
    title = {
        Referral.Channel.CRIMINAL: "涉嫌犯罪案件移送书",
        Referral.Channel.DISCIPLINE: "问题线索移送函",
    }.get(referral.channel, "案件移送函")
    body = (
        f"{referral.summary}\n"
        f"本案涉嫌违规金额人民币{case.suspected_amount}元。现将该案移送你单位，请依法处理，"
        f"并将处理结果书面告知我单位。"
    )
    return DocumentContent(
        layout="standard",
        issuer_mark=f"{referral.from_agency.name}文件",
        number="",
        title=title,
        body=body,
        issued_on=timezone.localdate(),
        recipients=referral.to_agency.name,
        signature=referral.from_agency.name,
        attachments=[Attachment("案件调查报告"), Attachment("证据材料清单")],
        copy_to=referral.copy_to.name if referral.copy_to else "",
        printed_by=f"{referral.from_agency.name}办公室",
    )


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
            rule = {
                Referral.Channel.CRIMINAL: "police_filing_decision",
                Referral.Channel.DISCIPLINE: "discipline_forward",
            }.get(referral.channel, "admin_decision")
            referral.due_at = rule_due(rule, now)
            document_issue(
                doc_type="receipt",
                agency=referral.to_agency,
                content=_receipt(referral),
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


def _receipt(referral: Referral) -> DocumentContent:
    letter = referral.issued_documents().filter(doc_type="referral").first()
    number = f"（{letter.number}）" if letter else ""
    return DocumentContent(
        layout="letter",
        issuer_mark=referral.to_agency.name,
        number="",
        title="关于收到案件移送材料的回执",
        body=(
            f"你单位移送的案件材料{number}已于{chinese_date(timezone.localdate())}收到。"
            "我单位将依法审查，并在规定期限内作出决定，书面告知你单位。"
        ),
        issued_on=timezone.localdate(),
        recipients=referral.from_agency.name,
        signature=referral.to_agency.name,
    )


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
            referral.status = Referral.Status.ACCEPTED
            referral.due_at = rule_due("progress_report", now)
        else:
            referral.status = Referral.Status.REFUSED
            referral.due_at = None
            referral.finished_at = now
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


def referral_report(
    *, task, user, outcome: str, recovered: Decimal, fines: Decimal, files: list
) -> Referral:
    """The receiver's result (处理结果反馈): what was done, money recovered and fined."""
    with _acting_on(task, user) as activation:
        referral = _branch_referral(activation)
        if not outcome.strip():
            raise ValidationError(_("Describe the result."))
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
            data={"referral": referral.pk, "recovered": recovered, "fines": fines},
        )
    return referral


def case_close(
    *, task, user, note: str, recovered: Decimal = Decimal("0"), fines: Decimal = Decimal("0")
) -> Case:
    """Close the case; totals are the referrals' results plus what the agency itself did."""
    with _acting_on(task, user) as activation:
        case = Case.objects.select_for_update().get(pk=activation.process.case.pk)
        totals = case.referrals.aggregate(r=Sum("recovered"), f=Sum("fines"))
        case.recovered_total = (totals["r"] or Decimal("0")) + recovered
        case.fines_total = (totals["f"] or Decimal("0")) + fines
        case.status = Case.Status.CLOSED
        case.closed_at = timezone.now()
        case.full_clean()
        case.save()
        _audit_step(
            user=user,
            case=case,
            action="case.closed",
            summary=lazy_summary(_("Closed case %(number)s"), number=case.number),
            data={
                "recovered": case.recovered_total,
                "fines": case.fines_total,
                "note": note.strip(),
            },
        )
    return case
