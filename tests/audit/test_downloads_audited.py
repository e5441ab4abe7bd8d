"""Every file that leaves the system is in the audit log, whoever takes it: evidence, meeting
material, the meeting invitation, an issued document (and its archival copy), a draft preview
and a blank sample — each a `*_downloaded` event naming the person, the object and the file."""

import ast
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.cases.test_uploads_and_downloads import _register_case, meeting  # noqa: F401
from tests.documents.signoff import issue as issue_through_signoff

ROOT = Path(__file__).resolve().parents[2]
SERVES_A_FILE = (
    "file_response(",
    "_pdf_response(",
    "text/calendar",
    "application/pdf",
    "export_response(",
)
LOGS_IT = ("record_download(", "document_log_download(")


def downloaded(client, user, url, action):
    before = set(AuditEvent.objects.values_list("seq", flat=True))
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    new = AuditEvent.objects.exclude(seq__in=before).exclude(action__startswith="auth.")
    assert [e.action for e in new] == [action], url
    event = new.get()
    assert event.actor == user
    return event


def test_every_file_served_to_an_official_is_logged(client, world, meeting):  # noqa: F811
    from documents import services as document_services

    officer = world["yb_officer"]
    case = _register_case(world, [SimpleUploadedFile("询问笔录.pdf", b"%PDF-1.7\n...")])
    evidence = case.evidence.get()
    event = downloaded(
        client, officer, reverse("cases:evidence", args=[evidence.pk]), "case.evidence_downloaded"
    )
    assert event.object_id == str(case.pk) and event.data["sha256"] == evidence.sha256
    assert "询问笔录.pdf" in event.summary

    topic = meeting_services.topic_submit(
        user=world["wj_liaison"],
        meeting=meeting,
        title="关于分解住院问题的议题",
        background="背景。",
        files=[SimpleUploadedFile("典型案例.pdf", b"%PDF-1.7\n...")],
    )
    material = topic.materials.get()
    event = downloaded(
        client,
        world["wj_liaison"],
        reverse("meetings:file", args=[material.pk]),
        "meetings.file_downloaded",
    )
    assert event.data == {"file": material.pk, "sha256": material.sha256}

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(days=9))
    downloaded(
        client,
        world["wj_liaison"],
        reverse("meetings:ics", args=[meeting.pk]),
        "meetings.calendar_downloaded",
    )

    draft = document_services.dispatch_create(
        agency=officer.agency,
        user=officer,
        data={
            "doc_type": "notice",
            "series_code": "联",
            "issuer_name": officer.agency.name,
            "title": "关于报送联络员名单的通知",
            "to_agencies": [world["ga_liaison"].agency],
            "cc_agencies": [],
            "recipients_extra": "",
            "cc_extra": "",
            "body": "请于3月20日前报送。",
            "attachment_titles": "",
            "note": "",
            "printed_by": f"{officer.agency.name}办公室",
            "sealed": True,
        },
    )
    downloaded(
        client,
        officer,
        reverse("documents:draft_pdf", args=[draft.pk]),
        "document.draft_downloaded",
    )
    issue_through_signoff(draft)
    draft.refresh_from_db()
    for name in ("documents:download", "documents:download_archive"):
        event = downloaded(
            client,
            world["ga_liaison"],
            reverse(name, args=[draft.document.pk]),
            "document.downloaded",
        )
        assert event.object_id == str(draft.document.pk)
    downloaded(
        client,
        world["yb_office"],
        reverse("documents:sample_pdf", args=["notice"]),
        "document.sample_downloaded",
    )


def test_every_view_that_serves_a_file_logs_it():
    """A new download view that forgets the log fails here (the behaviour above covers the
    ones there are)."""
    unlogged, serving = [], []
    for path in sorted({*ROOT.glob("*/views.py"), *ROOT.glob("*/*views.py")}):
        tree = ast.parse(path.read_text())
        source = path.read_text()
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = ast.get_source_segment(source, node)
            if any(mark in body for mark in SERVES_A_FILE):
                serving.append(f"{path.parent.name}.{node.name}")
                if not any(mark in body for mark in LOGS_IT):
                    unlogged.append(f"{path.parent.name}.{node.name}")
    assert len(serving) >= 6  # evidence, material, .ics, draft, issued (and archive), sample
    assert unlogged == []
