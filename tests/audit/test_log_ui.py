"""The auditor's working tools over the demo world: filters, exports and the case record.

Expectations are computed from the rows themselves (a case's events are found here by reading
each event's object and data, not by the selector under test)."""

import csv
import hashlib
import io
import re

import openpyxl
import pdfplumber
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from agencies.models import User
from audit import views as audit_views
from audit.models import AuditEvent, ChainHead
from cases.models import Case, Referral
from documents.models import IssuedDocument
from meetings.models import TopicCase
from tests.builders import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, demo_world):
    client.force_login(User.objects.get(username="auditor"))
    return client


def busy_case() -> Case:
    """The demo's case with three receivers, a meeting topic and the most events."""
    return Case.objects.get(title__contains="一案多查")


def expected_seqs(case) -> set[int]:
    """A case's events by reading every event of the log."""
    referrals = set(Referral.objects.filter(case=case).values_list("pk", flat=True))
    case_type = ContentType.objects.get_for_model(Case)
    referral_type = ContentType.objects.get_for_model(Referral)
    documents = {
        str(d.pk)
        for d in IssuedDocument.objects.all()
        if (d.owner_type_id == case_type.pk and d.owner_id == str(case.pk))
        or (d.owner_type_id == referral_type.pk and int(d.owner_id) in referrals)
    }
    topics = set(TopicCase.objects.filter(case=case).values_list("topic_id", flat=True))
    found = set()
    for event in AuditEvent.objects.all():
        data = event.data or {}
        if (
            (event.object_type == "cases.case" and event.object_id == str(case.pk))
            or (event.object_type == "documents.issueddocument" and event.object_id in documents)
            or data.get("referral") in referrals
            or (
                event.object_type == "meetings.meeting"
                and (data.get("topic") in topics or data.get("case") == case.pk)
            )
        ):
            found.add(event.seq)
    return found


def visible(response) -> str:
    return visible_text(response.content.decode())


def shown_seqs(response) -> set[int]:
    return {int(s) for s in re.findall(r'href="/audit/(\d+)/"', response.content.decode())}


def test_the_log_filters_by_case_and_the_filter_stays_in_the_links(auditor_client):
    case = busy_case()
    expected = expected_seqs(case)
    assert len(expected) > 20
    url = reverse("audit:index")
    response = auditor_client.get(url, {"case": case.number})
    assert response.status_code == 200
    pages = [shown_seqs(response)]
    content = response.content.decode()
    page = 2
    while f"page={page}" in content:
        content = auditor_client.get(url, {"case": case.number, "page": page}).content.decode()
        pages.append({int(s) for s in re.findall(r'href="/audit/(\d+)/"', content)})
        page += 1
    # the list shows exactly the case's events (the auditor's own reads of the list are not
    # about the case)
    assert set().union(*pages) == expected
    first = response.content.decode()
    assert "case=%E5%90%89" in first  # the export links carry the filter
    assert reverse("audit:case_record", args=[case.pk]) in first


def test_a_case_is_found_from_its_page_link_by_id_as_well(auditor_client):
    case = busy_case()
    by_id = auditor_client.get(reverse("audit:index"), {"case": case.pk})
    by_number = auditor_client.get(reverse("audit:index"), {"case": f"  {case.number} "})
    assert shown_seqs(by_id) == shown_seqs(by_number) != set()


def test_an_unknown_case_number_is_a_message_and_no_rows(auditor_client):
    response = auditor_client.get(reverse("audit:index"), {"case": "吉医保案〔1999〕1号"})
    assert response.status_code == 200
    assert "吉医保案〔1999〕1号" in visible(response)
    assert shown_seqs(response) == set()


def test_sign_in_events_can_be_hidden_and_a_person_chosen(auditor_client):
    officer = User.objects.get(username="yb_officer")
    auditor_client.get(reverse("audit:index"))  # not a sign-in, but a logged read
    # the demo world holds no sign-in; make two, of two people
    from audit.services import record_event

    record_event(action="auth.login", summary="登录", actor=officer)
    record_event(action="auth.login", summary="登录", actor=User.objects.get(username="auditor"))
    everything = auditor_client.get(reverse("audit:index"), {"actor": officer.pk})
    seqs = shown_seqs(everything)
    officer_events = set(
        AuditEvent.objects.filter(actor=officer)
        .order_by("-seq")
        .values_list("seq", flat=True)[: audit_views.PAGE_SIZE]
    )
    assert seqs == officer_events
    hidden = auditor_client.get(reverse("audit:index"), {"actor": officer.pk, "hide_signin": "on"})
    signins = set(
        AuditEvent.objects.filter(action__startswith="auth.").values_list("seq", flat=True)
    )
    assert signins & seqs
    assert not signins & shown_seqs(hidden)


def test_every_event_of_the_demo_reads_in_words(auditor_client):
    """No action code, record label or dict of the stored data reaches the auditor."""
    code = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
    failures = []
    for event in AuditEvent.objects.order_by("seq"):
        text = visible(auditor_client.get(reverse("audit:event", args=[event.seq])))
        # the hashes and the page shell are not the event's words
        body = text.split("事件 #", 1)[-1]
        found = code.findall(body)
        if found or "{" in body:
            failures.append((event.seq, event.action, found, body[:200]))
    assert not failures, failures[:10]


def test_the_list_costs_the_same_queries_for_two_events_or_twenty(
    auditor_client, django_assert_max_num_queries
):
    """Names and links of a page's records are fetched once per kind, not once per row."""
    from audit.services import record_event

    referrals = list(Referral.objects.order_by("pk")[:20])
    people = list(User.objects.order_by("pk")[:20])
    for token, n in (("甲批次", 2), ("乙批次", 20)):
        for i in range(n):
            record_event(
                action="referral.sent",
                summary=f"{token}{i}",
                actor=people[i],
                obj=referrals[i].case,
                data={"referral": referrals[i].pk, "to_agency": referrals[i].to_agency_id},
            )
    counts = {}
    for token, n in (("甲批次", 2), ("乙批次", 20)):
        with django_assert_max_num_queries(30) as captured:
            response = auditor_client.get(reverse("audit:index"), {"q": token})
        assert len(shown_seqs(response)) == n
        assert referrals[n - 1].to_agency.name in visible(response)
        counts[n] = len(captured.captured_queries)
    assert counts[2] == counts[20]


def test_the_xlsx_export_is_the_filtered_log_and_is_itself_logged(auditor_client):
    case = busy_case()
    expected = expected_seqs(case)
    before = ChainHead.objects.get().seq
    response = auditor_client.get(
        reverse("audit:export", args=["xlsx"]), {"case": case.number, "hide_signin": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "审计日志"
    assert case.number in rows[1][0] and "隐藏登录" in rows[1][0]
    header = rows[2]
    assert header[0] == "事件" and "哈希" in header
    seqs = [r[0] for r in rows[3:]]
    assert set(seqs) == expected
    assert seqs == sorted(seqs, reverse=True)
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:")
    newest = AuditEvent.objects.get(seq=seqs[0])
    assert rows[3][-1] == newest.hash
    assert rows[3][1].strftime("%Y-%m-%d %H:%M:%S") == newest.time.astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    ).strftime("%Y-%m-%d %H:%M:%S")
    (logged,) = AuditEvent.objects.filter(seq__gt=before, action="audit.exported")
    assert logged.data["count"] == len(expected)
    assert logged.data["format"] == "xlsx"
    assert logged.data["filters"]["case"] == case.pk
    assert logged.seq not in seqs


def test_the_csv_export_opens_in_excel_as_chinese(auditor_client):
    response = auditor_client.get(reverse("audit:export", args=["csv"]), {"action": "referral"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["审计日志"]
    expected = AuditEvent.objects.filter(action__startswith="referral.").count()
    assert len(rows) - 3 == expected
    assert all(
        AuditEvent.objects.get(seq=int(r[0])).action.startswith("referral.") for r in rows[3:]
    )


def test_an_export_over_the_cap_is_refused_with_a_message(auditor_client, monkeypatch):
    monkeypatch.setattr(audit_views, "EXPORT_ROW_CAP", 5)
    before = ChainHead.objects.get().seq
    response = auditor_client.get(reverse("audit:export", args=["xlsx"]), {"action": "case"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:index") + "?action=case")
    page = auditor_client.get(response["Location"])
    assert "最多" in visible(page) or "at most" in visible(page)
    assert not AuditEvent.objects.filter(seq__gt=before, action="audit.exported").exists()


def test_bad_export_requests_change_nothing(auditor_client):
    before = ChainHead.objects.get().seq
    assert auditor_client.get(reverse("audit:export", args=["pdf"])).status_code == 404
    bad = auditor_client.get(reverse("audit:export", args=["csv"]), {"date_from": "2026-13-40"})
    assert bad.status_code == 302
    assert not AuditEvent.objects.filter(seq__gt=before, action="audit.exported").exists()


@pytest.mark.parametrize("username", ["yb_officer", "yb_leader", "ga_liaison", "yb_convenor"])
def test_only_auditors_export_or_print_case_records(client, demo_world, username):
    client.force_login(User.objects.get(username=username))
    case = Case.objects.filter(agency__name="吉林省医疗保障局").first()
    assert client.get(reverse("audit:export", args=["csv"])).status_code == 403
    # refused whatever the id: the answer for a real case is the answer for none
    assert client.get(reverse("audit:case_record", args=[case.pk])).status_code == 403
    assert client.get(reverse("audit:case_record", args=[10**12])).status_code == 403
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert reverse("audit:case_record", args=[case.pk]) not in page.content.decode()


def test_the_case_record_pdf_holds_the_case_history_and_the_chain_head(auditor_client):
    case = busy_case()
    case_page = auditor_client.get(reverse("cases:detail", args=[case.pk]))
    assert reverse("audit:case_record", args=[case.pk]) in case_page.content.decode()
    subject = case.subjects.exclude(id_number="").first()
    assert subject is not None
    case.informant = "举报人宋某某 13900000000"
    case.save(update_fields=["informant"])
    expected = expected_seqs(case)
    response = auditor_client.get(reverse("audit:case_record", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    head = ChainHead.objects.get()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    flat = text.replace("\n", "")
    assert "案件办理记录" in text
    assert case.number in text
    for seq in expected:
        assert re.search(rf"(^|\s){seq}\s", text, re.M), seq
    # the head when the record was made: the download event came after it
    download = AuditEvent.objects.get(seq=head.seq)
    assert download.action == "audit.case_record_downloaded"
    assert download.data["sha256"] == hashlib.sha256(pdf).hexdigest()
    previous = AuditEvent.objects.get(seq=head.seq - 1)
    assert previous.hash in flat
    for document in IssuedDocument.objects.filter(
        owner_type=ContentType.objects.get_for_model(Referral),
        owner_id__in=[str(pk) for pk in case.referrals.values_list("pk", flat=True)],
    ):
        assert document.sha256 in flat
    assert subject.id_number not in flat
    assert subject.id_number[:6] in flat and subject.id_number[-4:] in flat
    assert "宋某某" not in flat and "13900000000" not in flat
    # the record's changes: the informant change itself is left out, the case's status shown
    assert case.get_status_display() in text


def test_the_case_record_names_the_last_signed_checkpoint(auditor_client, settings, tmp_path):
    from audit.checkpoints import checkpoint_write

    settings.XIETONG_AUDIT_CHECKPOINT_DIR = tmp_path
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    case = busy_case()
    pdf = auditor_client.get(reverse("audit:case_record", args=[case.pk])).content
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        flat = "".join((page.extract_text() or "") for page in document.pages).replace("\n", "")
    assert checkpoint.hash in flat
    assert f"#{checkpoint.seq}" in flat
