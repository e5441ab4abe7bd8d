"""The documents application over HTTP: drafting, signing off, downloading, isolation."""

import pytest
from django.urls import reverse

from agencies.models import Role
from audit.models import AuditEvent
from documents import services
from documents.models import Dispatch, IssuedDocument
from documents.types import TYPES
from tests.documents.signoff import checker_of, issue, signer_of
from tests.documents.test_issuing import dispatch_data
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory


@pytest.fixture
def police(db):
    return AgencyFactory(
        name="吉林省公安厅", short_name="省公安厅", kind="public_security", doc_prefix="吉公"
    )


@pytest.fixture
def police_liaison(police):
    return UserFactory(username="ga_liaison", agency=police, roles=[Role.LIAISON])


@pytest.fixture
def stranger(db):
    health = AgencyFactory(
        name="吉林省卫生健康委员会", short_name="省卫生健康委", kind="health", doc_prefix="吉卫"
    )
    return UserFactory(username="wj_officer", agency=health, roles=[Role.CASE_OFFICER])


@pytest.fixture
def draft(officer, police):
    return services.dispatch_create(agency=officer.agency, user=officer, data=dispatch_data(police))


@pytest.fixture
def issued(draft, officer):
    issue(draft)
    draft.refresh_from_db()
    return draft


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def walk(client, dispatch, drafter):
    """送核稿 as the drafter, 核稿 by a checker, 签发 by a leader — over HTTP."""
    login(client, drafter)
    client.post(reverse("documents:submit", args=[dispatch.pk]))
    login(client, checker_of(dispatch.agency))
    client.post(reverse("documents:check", args=[dispatch.pk]), {"approve": "yes"})
    login(client, signer_of(dispatch))
    return client.post(
        reverse("documents:sign", args=[dispatch.pk]), {"approve": "yes", "opinion": "同意"}
    )


def form_post(police, **overrides):
    data = {
        "doc_type": "notice",
        "series_code": "联",
        "issuer_name": "吉林省医疗保障局",
        "title": "关于报送联络员名单的通知",
        "to_agencies": [police.pk],
        "body": "请于3月20日前报送。",
        "attachment_titles": "",
        "note": "",
        "cc_extra": "",
        "recipients_extra": "",
        "printed_by": "吉林省医疗保障局办公室",
        "sealed": "on",
    }
    return data | overrides


def test_an_officer_drafts_previews_and_issues_a_notice(client, officer, police):
    login(client, officer)
    response = client.post(reverse("documents:create"), form_post(police))
    dispatch = Dispatch.objects.get()
    assert response["Location"] == reverse("documents:dispatch", args=[dispatch.pk])
    preview = client.get(reverse("documents:draft_pdf", args=[dispatch.pk]))
    assert preview["Content-Type"] == "application/pdf"
    assert b"".join(preview.streaming_content).startswith(b"%PDF")
    walk(client, dispatch, officer)
    document = IssuedDocument.objects.get()
    response = client.get(reverse("documents:dispatch", args=[dispatch.pk]))
    assert document.number in response.content.decode()
    login(client, officer)
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="document.downloaded", actor_id=officer.pk).exists()


def test_signing_twice_by_two_clicks_issues_once(client, officer, draft):
    walk(client, draft, officer)
    response = client.post(
        reverse("documents:sign", args=[draft.pk]), {"approve": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert IssuedDocument.objects.count() == 1
    assert AuditEvent.objects.filter(action="document.issued").count() == 1


def test_the_addressed_agency_reads_and_downloads_the_issued_document(
    client, issued, police_liaison
):
    login(client, police_liaison)
    assert client.get(reverse("documents:dispatch", args=[issued.pk])).status_code == 200
    listed = client.get(reverse("documents:index"), {"box": "received"}).context["page"]
    assert [d.pk for d in listed] == [issued.pk]
    download = client.get(reverse("documents:download", args=[issued.document.pk]))
    assert download.status_code == 200
    archive = client.get(reverse("documents:download_archive", args=[issued.document.pk]))
    assert archive.status_code == 200


def test_the_addressed_agency_does_not_see_drafts(client, draft, police_liaison):
    login(client, police_liaison)
    assert client.get(reverse("documents:dispatch", args=[draft.pk])).status_code == 404
    assert client.get(reverse("documents:draft_pdf", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("name", ["dispatch", "edit", "draft_pdf", "correct"])
def test_an_uninvolved_agency_gets_404_for_every_dispatch_url(
    client, issued, draft, stranger, name
):
    login(client, stranger)
    for dispatch in (issued, draft):
        assert client.get(reverse(f"documents:{name}", args=[dispatch.pk])).status_code == 404
    for step in ("submit", "check", "sign"):
        response = client.post(reverse(f"documents:{step}", args=[draft.pk]), {"approve": "yes"})
        assert response.status_code == 404
    assert client.get(reverse("documents:sheet", args=[draft.pk])).status_code == 404
    assert not Dispatch.objects.filter(status="issued").exclude(pk=issued.pk).exists()


def test_an_uninvolved_agency_gets_404_for_the_pdf(client, issued, stranger):
    login(client, stranger)
    for name in ("download", "download_archive"):
        assert (
            client.get(reverse(f"documents:{name}", args=[issued.document.pk])).status_code == 404
        )
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_the_auditor_reads_every_document(client, issued, auditor):
    login(client, auditor)
    assert client.get(reverse("documents:dispatch", args=[issued.pk])).status_code == 200
    assert client.get(reverse("documents:download", args=[issued.document.pk])).status_code == 200
    assert client.get(reverse("documents:create")).status_code == 403
    assert client.get(reverse("documents:correct", args=[issued.pk])).status_code == 404


def test_a_liaison_cannot_draft(client, police_liaison):
    login(client, police_liaison)
    assert client.get(reverse("documents:create")).status_code == 403


def test_an_issued_document_cannot_be_edited(client, officer, issued):
    login(client, officer)
    response = client.get(reverse("documents:edit", args=[issued.pk]))
    assert response["Location"] == reverse("documents:dispatch", args=[issued.pk])
    response = client.post(reverse("documents:edit", args=[issued.pk]), {"title": "改"})
    assert response["Location"] == reverse("documents:dispatch", args=[issued.pk])
    issued.refresh_from_db()
    assert issued.title == "关于召开联席会议的通知"


def test_a_correction_over_http(client, officer, issued):
    login(client, officer)
    empty = client.post(reverse("documents:correct", args=[issued.pk]), {"reason": "   "})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    response = client.post(
        reverse("documents:correct", args=[issued.pk]), {"reason": "主送单位遗漏"}
    )
    correction = Dispatch.objects.exclude(pk=issued.pk).get()
    assert response["Location"] == reverse("documents:edit", args=[correction.pk])
    walk(client, correction, officer)
    correction.refresh_from_db()
    assert correction.document.replaces == issued.document
    page = client.get(reverse("documents:dispatch", args=[issued.pk])).content.decode()
    assert correction.document.number in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "长" * 121}, "title"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"title": "通知\x00\x07"}, "title"),
        ({"body": "正文\x1b[31m"}, "body"),
        ({"to_agencies": []}, "to_agencies"),
        ({"series_code": "A1"}, "series_code"),
        ({"doc_type": "poem"}, "doc_type"),
        ({"attachment_titles": "附" * 101}, "attachment_titles"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, officer, police, overrides, field
):
    login(client, officer)
    response = client.post(reverse("documents:create"), form_post(police, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Dispatch.objects.count() == 0


def test_html_in_every_field_is_kept_as_text(client, officer, police):
    login(client, officer)
    payload = '<img src="http://127.0.0.1:9/x"><script>alert(1)</script>'
    data = form_post(
        police,
        title=payload[:120],
        body=payload,
        note=payload[:200],
        attachment_titles=payload[:100],
        recipients_extra=payload,
        cc_extra=payload,
        printed_by=payload[:60],
        issuer_name=payload[:60],
    )
    client.post(reverse("documents:create"), data)
    dispatch = Dispatch.objects.get()
    page = client.get(reverse("documents:dispatch", args=[dispatch.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    issue(dispatch)
    assert IssuedDocument.objects.get().content["body"] == payload


def test_layout_preview_is_for_office_staff_and_administrators(client, officer, agency, sysadmin):
    office = UserFactory(agency=agency, roles=[Role.MEETING_OFFICE])
    login(client, officer)
    assert client.get(reverse("documents:samples")).status_code == 403
    for user in (office, sysadmin):
        login(client, user)
        assert client.get(reverse("documents:samples")).status_code == 200
    response = client.get(reverse("documents:sample_pdf", args=["nonexistent"]))
    assert response.status_code == 404


@pytest.mark.parametrize("code", list(TYPES))
def test_every_type_has_a_sample_pdf(client, sysadmin, code):
    login(client, sysadmin)
    response = client.get(reverse("documents:sample_pdf", args=[code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_list_uses_a_constant_number_of_queries(
    client, officer, police, django_assert_max_num_queries
):
    for i in range(25):
        services.dispatch_create(
            agency=officer.agency, user=officer, data=dispatch_data(police, title=f"通知{i}")
        )
    login(client, officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("documents:index"))
    assert len(response.context["page"]) == 25


def test_anonymous_users_are_sent_to_login(client, issued):
    response = client.get(reverse("documents:download", args=[issued.document.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_methods_are_refused(client, officer, issued):
    login(client, officer)
    for step in ("submit", "check", "sign"):
        assert client.get(reverse(f"documents:{step}", args=[issued.pk])).status_code == 405
    assert client.post(reverse("documents:download", args=[issued.document.pk])).status_code == 405
