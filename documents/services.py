"""Issuing official documents. The only writers of DocumentSeries, IssuedDocument and Dispatch."""

import hashlib
from dataclasses import asdict
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import lazy_summary, record_event
from documents import access
from documents.content import Attachment, DocumentContent, Figure
from documents.models import Dispatch, DispatchReview, DocumentSeries, IssuedDocument
from documents.rendering import render_pdfs
from documents.types import get_type


def series_next_number(*, prefix: str, code: str, year: int) -> tuple[DocumentSeries, int]:
    """Reserve the next number of a series. Call inside the issuing transaction.

    Locks the series row (SELECT … FOR UPDATE) until the transaction ends, so two people
    issuing at the same moment get consecutive numbers; if the issue fails, the rollback
    returns the number, so the series never has a gap and never reuses a number.
    """
    try:
        with transaction.atomic():
            DocumentSeries.objects.get_or_create(prefix=prefix, code=code, year=year)
    except IntegrityError:
        pass  # created concurrently by another issuer: it exists now
    series = DocumentSeries.objects.select_for_update().get(prefix=prefix, code=code, year=year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series, series.last_number


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _content_snapshot(content: DocumentContent) -> dict:
    data = asdict(content)
    data["issued_on"] = content.issued_on.isoformat()
    data["printed_on"] = content.printed_on.isoformat() if content.printed_on else None
    return data


@transaction.atomic
def document_issue(
    *,
    doc_type: str,
    agency,
    content: DocumentContent,
    owner,
    issued_by,
    series_code: str | None = None,
    replaces: IssuedDocument | None = None,
    correction_reason: str = "",
) -> IssuedDocument:
    """Number, render, store and freeze a document; record the issue in the audit log.

    Locks the document's number series for the duration (see series_next_number).
    """
    kind = get_type(doc_type)
    if replaces is not None:
        if replaces.is_superseded:
            raise ValidationError(_("This document has already been replaced by a correction."))
        if not correction_reason.strip():
            raise ValidationError(_("Say why the document is corrected."))
    now = timezone.localtime()
    series, sequence = series_next_number(
        prefix=agency.doc_prefix, code=series_code or kind.series, year=now.year
    )
    content.number = series.format_number(sequence)
    pdf, archive = render_pdfs(content)
    document = IssuedDocument(
        doc_type=doc_type,
        agency=agency,
        series=series,
        sequence=sequence,
        number=content.number,
        title=content.title,
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk),
        content=_content_snapshot(content),
        sha256=_sha256(pdf),
        archive_sha256=_sha256(archive),
        issued_by=issued_by,
        issued_at=now,
        replaces=replaces,
        correction_reason=correction_reason.strip(),
    )
    document.pdf.save(f"{sequence}.pdf", ContentFile(pdf), save=False)
    document.archive_pdf.save(f"{sequence}-pdfa.pdf", ContentFile(archive), save=False)
    document.save()
    record_event(
        action="document.issued",
        actor=issued_by,
        agency=agency,
        obj=document,
        summary=lazy_summary(
            _("Issued %(number)s “%(title)s”"), number=document.number, title=document.title
        ),
        data={
            "number": document.number,
            "type": doc_type,
            "sha256": document.sha256,
            "archive_sha256": document.archive_sha256,
            "owner": f"{document.owner_type.app_label}.{document.owner_type.model}:{owner.pk}",
            "replaces": replaces.number if replaces else None,
            "reason": document.correction_reason,
        },
    )
    return document


def document_read(*, document: IssuedDocument, archive: bool = False) -> bytes:
    """The stored PDF, after checking it still has the hash recorded at issue."""
    field = document.archive_pdf if archive else document.pdf
    expected = document.archive_sha256 if archive else document.sha256
    with field.open("rb") as stored:
        data = stored.read()
    if _sha256(data) != expected:
        raise DocumentTampered(document.number)
    return data


class DocumentTampered(Exception):
    """The stored file no longer matches the hash recorded when it was issued."""


def document_log_download(*, document: IssuedDocument, user, archive: bool = False) -> None:
    record_event(
        action="document.downloaded",
        actor=user,
        obj=document,
        summary=lazy_summary(_("Downloaded %(number)s"), number=document.number),
        data={
            "archive": archive,
            "sha256": document.archive_sha256 if archive else document.sha256,
        },
    )


# --- outgoing documents (发文) ------------------------------------------------------------


def dispatch_content(dispatch: Dispatch, *, issued_on: date | None = None) -> DocumentContent:
    """What the document of a dispatch says (the number is filled in at issue)."""
    kind = get_type(dispatch.doc_type)
    to = [a.short_name for a in dispatch.to_agencies.all()]
    cc = [a.short_name for a in dispatch.cc_agencies.all()]
    recipients = "，".join([*to, *filter(None, [dispatch.recipients_extra.strip()])])
    copy_to = "，".join([*cc, *filter(None, [dispatch.cc_extra.strip()])])
    note = dispatch.note
    if dispatch.corrects_id:
        correction = f"本件更正并替代{dispatch.corrects.number}"
        note = f"{note}；{correction}" if note else correction
    return DocumentContent(
        layout=kind.layout,
        issuer_mark=kind.issuer_mark(dispatch.issuer_name),
        number="",
        title=dispatch.title,
        body=dispatch.body,
        issued_on=issued_on or timezone.localdate(),
        recipients=recipients,
        signature=dispatch.issuer_name,
        sealed=dispatch.sealed and kind.sealed,
        attachments=[Attachment(line) for line in dispatch.attachment_titles.splitlines()],
        note=note,
        copy_to=copy_to,
        printed_by=dispatch.printed_by if kind.layout != "letter" else "",
        figures=[Figure(**figure) for figure in dispatch.figures or []],
    )


# The fields of a dispatch that its form edits (besides the two agency lists).
DISPATCH_FIELDS = (
    "doc_type",
    "series_code",
    "issuer_name",
    "title",
    "recipients_extra",
    "cc_extra",
    "body",
    "attachment_titles",
    "note",
    "printed_by",
    "sealed",
)


def dispatch_data(dispatch: Dispatch) -> dict:
    """A dispatch as form data: what dispatch_create/dispatch_update take."""
    data = {name: getattr(dispatch, name) for name in DISPATCH_FIELDS}
    data["to_agencies"] = list(dispatch.to_agencies.all())
    data["cc_agencies"] = list(dispatch.cc_agencies.all())
    return data


def _dispatch_fields(dispatch: Dispatch, data: dict) -> None:
    for name in DISPATCH_FIELDS:
        setattr(dispatch, name, data[name])


def _drafted_by_the_office(user) -> bool:
    from meetings.access import is_office

    return is_office(user)


@transaction.atomic
def dispatch_create(
    *,
    agency,
    user,
    data: dict,
    corrects: IssuedDocument | None = None,
    correction_reason: str = "",
    joint_meeting: bool | None = None,
    figures=(),
) -> Dispatch:
    """A new draft (拟稿). A draft of the joint-meeting office is a joint-meeting paper (the
    convenor signs it) unless `joint_meeting` says otherwise. `figures` (documents.content.
    Figure) are charts set in its body; the form edits the text around them, never them."""
    if joint_meeting is None:
        joint_meeting = _drafted_by_the_office(user)
    dispatch = Dispatch(
        agency=agency,
        created_by=user,
        corrects=corrects,
        correction_reason=correction_reason,
        joint_meeting=joint_meeting,
        figures=[{"title": f.title, "src": f.src} for f in figures],
    )
    _dispatch_fields(dispatch, data)
    dispatch.full_clean()
    dispatch.save()
    dispatch.to_agencies.set(data["to_agencies"])
    dispatch.cc_agencies.set(data.get("cc_agencies") or [])
    record_event(
        action="document.drafted",
        actor=user,
        agency=agency,
        obj=dispatch,
        summary=lazy_summary(_("Drafted “%(title)s”"), title=dispatch.title),
    )
    return dispatch


def _locked(dispatch: Dispatch) -> Dispatch:
    return Dispatch.objects.select_for_update().get(pk=dispatch.pk)


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def dispatch_update(*, dispatch: Dispatch, user, data: dict) -> Dispatch:
    """Change a draft or a returned draft. Locks the dispatch row (access.edit_refusal)."""
    dispatch = _locked(dispatch)
    _refuse(access.edit_refusal(user, dispatch))
    _dispatch_fields(dispatch, data)
    dispatch.full_clean()
    dispatch.save()
    dispatch.to_agencies.set(data["to_agencies"])
    dispatch.cc_agencies.set(data.get("cc_agencies") or [])
    record_event(
        action="document.draft_changed",
        actor=user,
        agency=dispatch.agency,
        obj=dispatch,
        summary=lazy_summary(_("Changed draft “%(title)s”"), title=dispatch.title),
    )
    return dispatch


def _check_addressed(dispatch: Dispatch) -> None:
    if not dispatch.to_agencies.exists() and not dispatch.recipients_extra.strip():
        raise ValidationError(_("Address the document to at least one recipient."))


@transaction.atomic
def dispatch_submit(*, dispatch: Dispatch, user) -> Dispatch:
    """送核稿: a draft (or a returned draft) goes to the agency's checkers. Locks the dispatch
    row (access.submit_refusal); the checkers are told."""
    dispatch = _locked(dispatch)
    _refuse(access.submit_refusal(user, dispatch))
    _check_addressed(dispatch)
    resubmitted = dispatch.status == Dispatch.Status.RETURNED
    dispatch.status = Dispatch.Status.SUBMITTED
    dispatch.submitted_by = user
    dispatch.submitted_at = timezone.now()
    dispatch.save(update_fields=["status", "submitted_by", "submitted_at"])
    record_event(
        action="document.submitted",
        actor=user,
        agency=dispatch.agency,
        obj=dispatch,
        summary=lazy_summary(_("Sent “%(title)s” to be checked (核稿)"), title=dispatch.title),
        data={"resubmitted": resubmitted},
    )
    from notifications import events

    events.dispatch_to_check(dispatch, by=user)
    return dispatch


def _review(dispatch: Dispatch, *, stage, user, approve: bool, opinion: str) -> DispatchReview:
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise ValidationError(_("Say what should be changed: a returned draft needs an opinion."))
    return DispatchReview.objects.create(
        dispatch=dispatch,
        stage=stage,
        decision=DispatchReview.Decision.APPROVE if approve else DispatchReview.Decision.RETURN,
        opinion=opinion,
        user=user,
        agency=user.agency,
        at=timezone.now(),
    )


@transaction.atomic
def dispatch_check(*, dispatch: Dispatch, user, approve: bool, opinion: str = "") -> Dispatch:
    """核稿: a checker of the issuing agency, not the drafter, passes the draft on to 签发 or
    returns it with an opinion. Locks the dispatch row (access.check_refusal)."""
    dispatch = _locked(dispatch)
    _refuse(access.check_refusal(user, dispatch))
    review = _review(
        dispatch, stage=DispatchReview.Stage.CHECK, user=user, approve=approve, opinion=opinion
    )
    dispatch.status = Dispatch.Status.CHECKED if approve else Dispatch.Status.RETURNED
    dispatch.save(update_fields=["status"])
    if approve:
        summary = lazy_summary(_("Checked “%(title)s” (核稿)"), title=dispatch.title)
    else:
        summary = lazy_summary(_("Returned “%(title)s” at 核稿"), title=dispatch.title)
    record_event(
        action="document.checked" if approve else "document.check_returned",
        actor=user,
        agency=dispatch.agency,
        obj=dispatch,
        summary=summary,
        data={"opinion": review.opinion},
    )
    from notifications import events

    if approve:
        events.dispatch_to_sign(dispatch, by=user)
    else:
        events.dispatch_returned(dispatch, review)
    return dispatch


@transaction.atomic
def dispatch_sign(
    *, dispatch: Dispatch, user, approve: bool, opinion: str = ""
) -> IssuedDocument | None:
    """签发: a leader of the issuing agency (the convenor for a joint-meeting paper) signs a
    checked draft — and it is numbered and issued in the same transaction — or returns it with
    an opinion. Locks the dispatch row first and asks access.sign_refusal after the lock, so
    of two leaders signing at once the second is told it has been issued: one number."""
    dispatch = _locked(dispatch)
    _refuse(access.sign_refusal(user, dispatch))
    review = _review(
        dispatch, stage=DispatchReview.Stage.SIGN, user=user, approve=approve, opinion=opinion
    )
    record_event(
        action="document.signed" if approve else "document.sign_returned",
        actor=user,
        agency=dispatch.agency,
        obj=dispatch,
        summary=lazy_summary(
            _("Signed “%(title)s” (签发)") if approve else _("Returned “%(title)s” at 签发"),
            title=dispatch.title,
        ),
        data={"opinion": review.opinion},
    )
    if not approve:
        dispatch.status = Dispatch.Status.RETURNED
        dispatch.save(update_fields=["status"])
        from notifications import events

        events.dispatch_returned(dispatch, review)
        return None
    return _issue_locked(dispatch, signer=user)


def _issue_locked(dispatch: Dispatch, *, signer) -> IssuedDocument:
    """Number and issue a signed dispatch whose row the caller holds locked."""
    _check_addressed(dispatch)
    document = document_issue(
        doc_type=dispatch.doc_type,
        agency=dispatch.agency,
        content=dispatch_content(dispatch),
        owner=dispatch,
        issued_by=signer,
        series_code=dispatch.series_code,
        replaces=dispatch.corrects,
        correction_reason=dispatch.correction_reason,
    )
    dispatch.status = Dispatch.Status.ISSUED
    dispatch.document = document
    dispatch.save(update_fields=["status", "document"])
    return document


@transaction.atomic
def dispatch_start_correction(*, document: IssuedDocument, user, reason: str) -> Dispatch:
    """A new draft copying an issued dispatch, to be issued as its correction — after its own
    核稿 and 签发, like any draft."""
    if not reason.strip():
        raise ValidationError(_("Say why the document is corrected."))
    if document.is_superseded:
        raise ValidationError(_("This document has already been replaced by a correction."))
    original = document.owner
    if not isinstance(original, Dispatch):
        raise ValidationError(_("Only outgoing documents are corrected here."))
    data = dispatch_data(original)
    return dispatch_create(
        agency=original.agency,
        user=user,
        data=data,
        corrects=document,
        correction_reason=reason.strip(),
        joint_meeting=original.joint_meeting,
        figures=[Figure(**figure) for figure in original.figures or []],  # the same charts
    )
