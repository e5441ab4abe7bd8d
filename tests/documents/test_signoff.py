"""签发 over HTTP: draft → 送核稿 → 核稿 (a second person) → 签发 (a leader, or the convenor for
the joint-meeting office's papers) → numbered and issued; every step audited; the 稿纸."""

import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import translation

from agencies.models import Role
from audit.models import AuditEvent
from documents import access, services
from documents.models import Dispatch, DispatchReview, IssuedDocument
from notifications.models import Notification
from tests.documents.test_issuing import dispatch_data
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory


@pytest.fixture
def police(db):
    return AgencyFactory(name="吉林省公安厅", short_name="省公安厅", doc_prefix="吉公")


@pytest.fixture
def people(agency, officer, police):
    return {
        "drafter": officer,
        "officer2": UserFactory(agency=agency, roles=[Role.CASE_OFFICER]),
        "liaison": UserFactory(agency=agency, roles=[Role.LIAISON]),
        "leader": UserFactory(agency=agency, roles=[Role.AGENCY_LEADER]),
        "leader2": UserFactory(agency=agency, roles=[Role.AGENCY_LEADER]),
        "police_leader": UserFactory(agency=police, roles=[Role.AGENCY_LEADER]),
        "police_liaison": UserFactory(agency=police, roles=[Role.LIAISON]),
    }


@pytest.fixture
def draft(officer, police):
    return services.dispatch_create(agency=officer.agency, user=officer, data=dispatch_data(police))


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def post(client, user, step, dispatch, **data):
    return as_user(client, user).post(reverse(f"documents:{step}", args=[dispatch.pk]), data)


def status(dispatch):
    dispatch.refresh_from_db()
    return dispatch.status


def actions(dispatch):
    return list(
        AuditEvent.objects.filter(
            object_type="documents.dispatch",
            object_id=str(dispatch.pk),
            action__startswith="document.",
        )
        .exclude(action__endswith=".read_by_auditor")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def to_checked(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    post(client, people["liaison"], "check", draft, approve="yes", opinion="文字已核")
    assert status(draft) == Dispatch.Status.CHECKED


def test_the_whole_path_issues_once_with_a_full_sheet_and_every_step_audited(client, people, draft):
    assert post(client, people["drafter"], "submit", draft).status_code == 302
    assert status(draft) == Dispatch.Status.SUBMITTED
    post(client, people["liaison"], "check", draft, approve="yes", opinion="文字已核")
    assert status(draft) == Dispatch.Status.CHECKED
    response = post(client, people["leader"], "sign", draft, approve="yes", opinion="同意印发")
    assert response["Location"] == reverse("documents:dispatch", args=[draft.pk])
    assert status(draft) == Dispatch.Status.ISSUED
    document = IssuedDocument.objects.get()
    assert draft.document == document and document.issued_by == people["leader"]
    assert actions(draft) == [
        "document.drafted",
        "document.submitted",
        "document.checked",
        "document.signed",
    ]
    assert AuditEvent.objects.filter(action="document.issued", object_id=str(document.pk)).count()
    check, sign = draft.reviews.order_by("at", "pk")
    assert (check.stage, check.user, check.opinion) == ("check", people["liaison"], "文字已核")
    assert (sign.stage, sign.user, sign.opinion) == ("sign", people["leader"], "同意印发")
    assert sign.history.count() == 1
    sheet = client.get(reverse("documents:sheet", args=[draft.pk]))
    page = sheet.content.decode()
    for text in (
        people["drafter"].get_full_name(),
        people["liaison"].get_full_name(),
        people["leader"].get_full_name(),
        "文字已核",
        "同意印发",
        document.number,
        "data-print",
    ):
        assert text in page
    detail = client.get(reverse("documents:dispatch", args=[draft.pk])).content.decode()
    assert "同意印发" in detail and reverse("documents:sheet", args=[draft.pk]) in detail


def test_a_drafter_cannot_issue(client, people, draft, police):
    drafter = people["drafter"]
    page = as_user(client, drafter).get(reverse("documents:dispatch", args=[draft.pk]))
    assert page.context["may_submit"] and not page.context["may_sign"]
    assert reverse("documents:sign", args=[draft.pk]) not in page.content.decode()
    post(client, drafter, "sign", draft, approve="yes")
    assert status(draft) == Dispatch.Status.DRAFT
    to_checked(client, people, draft)
    response = post(client, drafter, "sign", draft, approve="yes")
    assert response.status_code == 302
    assert status(draft) == Dispatch.Status.CHECKED and not IssuedDocument.objects.exists()
    # a drafter who is also a leader still cannot sign their own draft
    both = UserFactory(agency=drafter.agency, roles=[Role.AGENCY_LEADER, Role.CASE_OFFICER])
    own = services.dispatch_create(agency=both.agency, user=both, data=dispatch_data(police))
    post(client, both, "submit", own)
    post(client, people["liaison"], "check", own, approve="yes")
    post(client, both, "sign", own, approve="yes")
    assert status(own) == Dispatch.Status.CHECKED
    with translation.override("en"):
        assert "drafter" in access.sign_refusal(both, own)


def test_the_old_direct_issue_url_is_gone(client, people, draft):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("documents:issue", args=[draft.pk])
    assert not hasattr(services, "dispatch_issue")


def test_the_checker_cannot_be_the_drafter(client, people, agency, police):
    # a leader drafts (leaders hold CHECK_DOCUMENTS): they may not check their own draft
    leader = people["leader"]
    grant = UserFactory(agency=agency, roles=[Role.AGENCY_LEADER, Role.CASE_OFFICER])
    own = services.dispatch_create(agency=agency, user=grant, data=dispatch_data(police))
    post(client, grant, "submit", own)
    assert status(own) == Dispatch.Status.SUBMITTED
    page = as_user(client, grant).get(reverse("documents:dispatch", args=[own.pk]))
    assert not page.context["may_check"] and page.context["waiting_refusal"]
    post(client, grant, "check", own, approve="yes")
    assert status(own) == Dispatch.Status.SUBMITTED
    assert not own.reviews.exists()
    post(client, leader, "check", own, approve="yes")
    assert status(own) == Dispatch.Status.CHECKED


@pytest.mark.parametrize("who", ["officer2", "police_leader", "police_liaison"])
def test_only_a_checker_of_the_issuing_agency_checks(client, people, draft, who):
    post(client, people["drafter"], "submit", draft)
    response = post(client, people[who], "check", draft, approve="yes")
    assert response.status_code in (302, 404)
    if who.startswith("police"):
        assert response.status_code == 404  # drafts stay inside the issuing agency
    assert status(draft) == Dispatch.Status.SUBMITTED


@pytest.mark.parametrize("who", ["officer2", "liaison", "police_leader"])
def test_only_a_leader_of_the_issuing_agency_signs(client, people, draft, who):
    to_checked(client, people, draft)
    response = post(client, people[who], "sign", draft, approve="yes")
    assert response.status_code in (302, 404)
    assert status(draft) == Dispatch.Status.CHECKED
    assert not IssuedDocument.objects.exists()


def test_the_checker_does_not_also_sign(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    post(client, people["leader"], "check", draft, approve="yes")
    post(client, people["leader"], "sign", draft, approve="yes")
    assert status(draft) == Dispatch.Status.CHECKED
    post(client, people["leader2"], "sign", draft, approve="yes")
    assert status(draft) == Dispatch.Status.ISSUED


def test_check_cannot_skip_submission_and_sign_cannot_skip_check(client, people, draft):
    post(client, people["liaison"], "check", draft, approve="yes")
    assert status(draft) == Dispatch.Status.DRAFT
    post(client, people["drafter"], "submit", draft)
    post(client, people["leader"], "sign", draft, approve="yes")
    assert status(draft) == Dispatch.Status.SUBMITTED


def test_a_return_needs_an_opinion_and_goes_back_to_the_drafter(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    response = post(client, people["liaison"], "check", draft, approve="no", opinion="  ")
    assert response.status_code == 200 and response.context["check_form"].errors["opinion"]
    assert status(draft) == Dispatch.Status.SUBMITTED
    post(client, people["liaison"], "check", draft, approve="no", opinion="主送单位不全")
    assert status(draft) == Dispatch.Status.RETURNED
    told = Notification.objects.get(kind=Notification.Kind.DOCUMENT_RETURNED)
    assert told.recipient == people["drafter"] and "主送单位不全" in told.body
    # the drafter edits the returned draft and sends it again; it is checked and signed
    edit = as_user(client, people["drafter"]).get(reverse("documents:edit", args=[draft.pk]))
    assert edit.status_code == 200
    post(client, people["drafter"], "submit", draft)
    post(client, people["liaison"], "check", draft, approve="yes")
    post(client, people["leader"], "sign", draft, approve="no", opinion="请补充联系人")
    assert status(draft) == Dispatch.Status.RETURNED
    post(client, people["drafter"], "submit", draft)
    post(client, people["liaison"], "check", draft, approve="yes")
    post(client, people["leader"], "sign", draft, approve="yes")
    assert status(draft) == Dispatch.Status.ISSUED
    assert actions(draft) == [
        "document.drafted",
        "document.submitted",
        "document.check_returned",
        "document.submitted",
        "document.checked",
        "document.sign_returned",
        "document.submitted",
        "document.checked",
        "document.signed",
    ]
    sheet = client.get(reverse("documents:sheet", args=[draft.pk])).content.decode()
    assert "主送单位不全" in sheet and "请补充联系人" in sheet
    returned = AuditEvent.objects.get(action="document.sign_returned")
    assert returned.data["opinion"] == "请补充联系人"


def test_editing_only_while_draft_or_returned(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    response = as_user(client, people["drafter"]).post(
        reverse("documents:edit", args=[draft.pk]), {"title": "改过"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "关于召开联席会议的通知"
    page = client.get(reverse("documents:dispatch", args=[draft.pk]))
    assert not page.context["may_edit"] and not page.context["may_submit"]


def test_the_next_person_is_told(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    checkers = set(
        Notification.objects.filter(kind=Notification.Kind.DOCUMENT_CHECK).values_list(
            "recipient__username", flat=True
        )
    )
    # the agency's checkers (liaison, leaders), never the drafter, never another agency
    assert checkers == {
        p.username for k, p in people.items() if k in ("liaison", "leader", "leader2")
    }
    post(client, people["liaison"], "check", draft, approve="yes")
    signers = set(
        Notification.objects.filter(kind=Notification.Kind.DOCUMENT_SIGN).values_list(
            "recipient__username", flat=True
        )
    )
    assert signers == {people["leader"].username, people["leader2"].username}


def test_the_page_offers_only_the_step_of_the_user(client, people, draft):
    def offered(user):
        page = as_user(client, user).get(reverse("documents:dispatch", args=[draft.pk]))
        return {k for k in ("may_edit", "may_submit", "may_check", "may_sign") if page.context[k]}

    assert offered(people["drafter"]) == {"may_edit", "may_submit"}
    assert offered(people["liaison"]) == set()
    post(client, people["drafter"], "submit", draft)
    assert offered(people["drafter"]) == set()
    assert offered(people["liaison"]) == {"may_check"}
    assert offered(people["leader"]) == {"may_check"}
    post(client, people["liaison"], "check", draft, approve="yes")
    assert offered(people["liaison"]) == set()
    assert offered(people["leader"]) == {"may_sign"}


def test_the_to_do_filters(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    listed = as_user(client, people["liaison"]).get(reverse("documents:index"), {"todo": "check"})
    assert [d.pk for d in listed.context["page"]] == [draft.pk]
    listed = client.get(reverse("documents:index"), {"todo": "sign"})
    assert list(listed.context["page"]) == []
    post(client, people["liaison"], "check", draft, approve="yes")
    listed = as_user(client, people["leader"]).get(reverse("documents:index"), {"todo": "sign"})
    assert [d.pk for d in listed.context["page"]] == [draft.pk]
    listed = as_user(client, people["drafter"]).get(reverse("documents:index"), {"todo": "sign"})
    assert list(listed.context["page"]) == []
    assert client.get(reverse("documents:index"), {"todo": "junk"}).status_code == 200


def test_the_sheet_stays_with_the_issuing_agency(client, people, draft, auditor):
    to_checked(client, people, draft)
    post(client, people["leader"], "sign", draft, approve="yes")
    url = reverse("documents:sheet", args=[draft.pk])
    assert as_user(client, people["police_liaison"]).get(url).status_code == 404
    page = client.get(reverse("documents:dispatch", args=[draft.pk]))
    assert page.status_code == 200 and not page.context["may_see_sheet"]
    assert as_user(client, auditor).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="document.read_by_auditor", actor=auditor).exists()


def test_a_correction_goes_the_same_way(client, people, draft):
    to_checked(client, people, draft)
    post(client, people["leader"], "sign", draft, approve="yes")
    draft.refresh_from_db()
    correction = services.dispatch_start_correction(
        document=draft.document, user=people["drafter"], reason="日期有误"
    )
    assert correction.status == Dispatch.Status.DRAFT
    post(client, people["drafter"], "sign", correction, approve="yes")
    assert status(correction) == Dispatch.Status.DRAFT
    to_checked(client, people, correction)
    post(client, people["leader"], "sign", correction, approve="yes")
    assert status(correction) == Dispatch.Status.ISSUED
    assert correction.document.replaces == draft.document


def test_joint_meeting_papers_are_signed_by_the_convenor(client, agency, police):
    from meetings.models import JointBody

    convenor = UserFactory(agency=agency, roles=[Role.CONVENOR])
    JointBody.objects.create(name="联席会议", lead_agency=agency, convenor=convenor)
    office = UserFactory(agency=agency, roles=[Role.MEETING_OFFICE])
    office2 = UserFactory(agency=agency, roles=[Role.MEETING_OFFICE])
    leader = UserFactory(agency=agency, roles=[Role.AGENCY_LEADER])
    paper = services.dispatch_create(agency=agency, user=office, data=dispatch_data(police))
    assert paper.joint_meeting
    post(client, office, "submit", paper)
    post(client, office, "check", paper, approve="yes")
    assert status(paper) == Dispatch.Status.SUBMITTED
    post(client, office2, "check", paper, approve="yes")
    assert status(paper) == Dispatch.Status.CHECKED
    assert set(
        Notification.objects.filter(kind=Notification.Kind.DOCUMENT_SIGN).values_list(
            "recipient", flat=True
        )
    ) == {convenor.pk}
    post(client, leader, "sign", paper, approve="yes")
    assert status(paper) == Dispatch.Status.CHECKED
    post(client, convenor, "sign", paper, approve="yes", opinion="同意")
    assert status(paper) == Dispatch.Status.ISSUED
    # an ordinary draft of the lead agency is the leader's, not the convenor's
    officer = UserFactory(agency=agency, roles=[Role.CASE_OFFICER])
    own = services.dispatch_create(agency=agency, user=officer, data=dispatch_data(police))
    assert not own.joint_meeting
    post(client, officer, "submit", own)
    post(client, office2, "check", own, approve="yes")
    post(client, convenor, "sign", own, approve="yes")
    assert status(own) == Dispatch.Status.CHECKED
    post(client, leader, "sign", own, approve="yes")
    assert status(own) == Dispatch.Status.ISSUED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_leaders_signing_one_draft_at_once_issue_one_number():
    agency = AgencyFactory(doc_prefix="吉医保")
    recipient = AgencyFactory(doc_prefix="吉公")
    officer = UserFactory(agency=agency, roles=[Role.CASE_OFFICER])
    checker = UserFactory(agency=agency, roles=[Role.LIAISON])
    leaders = [UserFactory(agency=agency, roles=[Role.AGENCY_LEADER]) for _ in range(2)]
    draft = services.dispatch_create(agency=agency, user=officer, data=dispatch_data(recipient))
    services.dispatch_submit(dispatch=draft, user=officer)
    services.dispatch_check(dispatch=draft, user=checker, approve=True)
    barrier = threading.Barrier(len(leaders))
    outcomes = []

    def sign(leader):
        try:
            barrier.wait()
            services.dispatch_sign(dispatch=draft, user=leader, approve=True)
            outcomes.append("issued")
        except Exception as exc:  # the second is told it has been issued
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(leader,)) for leader in leaders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "issued"]
    assert IssuedDocument.objects.count() == 1
    assert IssuedDocument.objects.get().sequence == 1
    assert DispatchReview.objects.filter(stage="sign").count() == 1
    assert AuditEvent.objects.filter(action="document.signed").count() == 1
    assert AuditEvent.objects.filter(action="document.issued").count() == 1


def test_a_leader_who_checked_a_draft_does_not_find_it_to_sign(client, people, draft):
    post(client, people["drafter"], "submit", draft)
    post(client, people["leader"], "check", draft, approve="yes")
    checker = as_user(client, people["leader"]).get(reverse("documents:index"), {"todo": "sign"})
    assert list(checker.context["page"]) == []
    other = as_user(client, people["leader2"]).get(reverse("documents:index"), {"todo": "sign"})
    assert [d.pk for d in other.context["page"]] == [draft.pk]
