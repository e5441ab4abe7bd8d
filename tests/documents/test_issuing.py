"""Issuing: numbering per series, frozen PDFs with hashes, corrections, audit events."""

import hashlib
import threading
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, transaction
from pypdf import PdfReader

from agencies.models import Role
from audit.models import AuditEvent
from documents import services
from documents.models import Dispatch, DocumentSeries, ImmutableError, IssuedDocument
from tests.documents.signoff import checker_of, issue, signer_of
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def recipient(db):
    return AgencyFactory(
        name="吉林省公安厅", short_name="省公安厅", kind="public_security", doc_prefix="吉公"
    )


def dispatch_data(recipient, **overrides):
    data = {
        "doc_type": "notice",
        "series_code": "联",
        "issuer_name": "吉林省医疗保障局",
        "title": "关于召开联席会议的通知",
        "to_agencies": [recipient],
        "cc_agencies": [],
        "recipients_extra": "",
        "cc_extra": "",
        "body": "一、会议时间\n定于3月20日召开。",
        "attachment_titles": "参会回执",
        "note": "",
        "printed_by": "吉林省医疗保障局办公室",
        "sealed": True,
    }
    return data | overrides


@pytest.fixture
def draft(officer, recipient):
    return services.dispatch_create(
        agency=officer.agency, user=officer, data=dispatch_data(recipient)
    )


def test_series_numbers_count_up_per_prefix_code_and_year(db):
    numbers = [
        services.series_next_number(prefix="吉医保", code="联", year=2025)[1] for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    assert services.series_next_number(prefix="吉医保", code="移", year=2025)[1] == 1
    assert services.series_next_number(prefix="吉医保", code="联", year=2026)[1] == 1
    assert services.series_next_number(prefix="吉公", code="联", year=2025)[1] == 1


def test_the_number_has_the_national_format(db):
    series, n = services.series_next_number(prefix="吉医保", code="联", year=2025)
    assert series.format_number(n) == "吉医保联〔2025〕1号"


def test_issuing_numbers_freezes_and_audits(draft, officer):
    document = issue(draft)
    year = document.issued_at.year
    assert document.number == f"{officer.agency.doc_prefix}联〔{year}〕1号"
    pdf = document.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    archive = document.archive_pdf.read()
    xmp = PdfReader(BytesIO(archive)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part>2<" in xmp or b'pdfaid:part="2"' in xmp
    assert hashlib.sha256(archive).hexdigest() == document.archive_sha256
    assert document.content["number"] == document.number
    draft.refresh_from_db()
    assert draft.status == Dispatch.Status.ISSUED and draft.document == document
    event = AuditEvent.objects.get(action="document.issued")
    assert event.actor_id == draft.reviews.get(stage="sign").user_id != officer.pk
    assert event.data["sha256"] == document.sha256
    assert event.object_id == str(document.pk)


def test_issuing_twice_is_refused(draft, officer):
    issue(draft)
    with pytest.raises(ValidationError):
        issue(draft)
    assert IssuedDocument.objects.count() == 1
    assert DocumentSeries.objects.get().last_number == 1


def test_a_failed_issue_consumes_no_number(draft, officer, monkeypatch):
    def broken(content):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "render_pdfs", broken)
    with pytest.raises(RuntimeError):
        issue(draft)
    monkeypatch.undo()
    assert not DocumentSeries.objects.filter(last_number__gt=0).exists()
    draft.refresh_from_db()
    assert draft.status == Dispatch.Status.CHECKED and not draft.reviews.filter(stage="sign")
    document = services.dispatch_sign(dispatch=draft, user=signer_of(draft), approve=True)
    assert document.sequence == 1


def test_an_issued_document_cannot_be_changed_or_deleted(draft, officer):
    document = issue(draft)
    document.title = "改过的标题"
    with pytest.raises(ImmutableError):
        document.save()
    with pytest.raises(ImmutableError):
        document.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        IssuedDocument.objects.filter(pk=document.pk).update(title="绕过模型")
    assert IssuedDocument.objects.get(pk=document.pk).title == "关于召开联席会议的通知"


def test_a_correction_is_a_new_document_naming_what_it_replaces(draft, officer):
    original = issue(draft)
    with pytest.raises(ValidationError):
        services.dispatch_start_correction(document=original, user=officer, reason="  ")
    correction_draft = services.dispatch_start_correction(
        document=original, user=officer, reason="会议地点有误"
    )
    assert correction_draft.status == Dispatch.Status.DRAFT
    correction = issue(correction_draft)
    assert correction.number != original.number
    assert correction.replaces == original
    assert correction.correction_reason == "会议地点有误"
    assert f"本件更正并替代{original.number}" in correction.content["note"]
    original.refresh_from_db()
    assert original.is_superseded
    assert (
        AuditEvent.objects.get(action="document.issued", object_id=str(correction.pk)).data[
            "replaces"
        ]
        == original.number
    )
    with pytest.raises(ValidationError):
        services.dispatch_start_correction(document=original, user=officer, reason="再改")


def test_a_tampered_file_is_not_served(draft, officer):
    document = issue(draft)
    with open(document.pdf.path, "ab") as stored:
        stored.write(b"tampered")
    with pytest.raises(services.DocumentTampered):
        services.document_read(document=document)
    assert services.document_read(document=document, archive=True).startswith(b"%PDF")


def test_a_draft_without_any_recipient_cannot_be_issued(officer, recipient):
    draft = services.dispatch_create(
        agency=officer.agency, user=officer, data=dispatch_data(recipient, to_agencies=[])
    )
    with pytest.raises(ValidationError):
        issue(draft)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_leaders_signing_at_once_get_consecutive_numbers():
    agency = AgencyFactory(doc_prefix="吉医保")
    recipient = AgencyFactory(doc_prefix="吉公")
    officer = UserFactory(agency=agency, roles=[Role.CASE_OFFICER])
    checker = checker_of(agency)
    people = [UserFactory(agency=agency, roles=[Role.AGENCY_LEADER]) for _ in range(20)]
    drafts = []
    for _ in people:
        draft = services.dispatch_create(agency=agency, user=officer, data=dispatch_data(recipient))
        services.dispatch_submit(dispatch=draft, user=officer)
        services.dispatch_check(dispatch=draft, user=checker, approve=True)
        drafts.append(draft)
    barrier = threading.Barrier(len(drafts))
    errors = []

    def issue(draft, person):
        try:
            barrier.wait()
            services.dispatch_sign(dispatch=draft, user=person, approve=True)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=pair) for pair in zip(drafts, people, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(IssuedDocument.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert DocumentSeries.objects.get().last_number == 20
