"""Submitting a create or issue form twice does the work once: the second submission of the
same form (double click, refresh, back and resend) is sent to the first one's result."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from cases.models import Case
from core.models import Submission
from documents import services
from documents.models import Dispatch, IssuedDocument
from meetings import services as meeting_services
from tests.builders import (
    as_user,
    case_form_data,
    joint_body,
    local,
    meeting_awaiting_approval,
    schedule,
)

TOKEN = re.compile(r'<input type="hidden" name="_submission" value="([0-9a-f-]{36})">')


def token_in(response) -> str:
    found = TOKEN.findall(response.content.decode())
    assert found, "the form carries a submission token"
    return found[0]


@pytest.fixture
def demo(world, agencies):
    joint_body()
    return world


def test_the_case_form_carries_a_fresh_token_each_time(client, demo):
    as_user(client, "yb_officer")
    first = token_in(client.get(reverse("cases:create")))
    second = token_in(client.get(reverse("cases:create")))
    assert first != second


def test_registering_the_same_form_twice_makes_one_case(client, demo):
    as_user(client, "yb_officer")
    token = token_in(client.get(reverse("cases:create")))
    data = case_form_data(_submission=token)
    first = client.post(reverse("cases:create"), data)
    second = client.post(reverse("cases:create"), data, follow=True)
    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("cases:detail", args=[case.pk])
    assert second.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert "已经提交过" in second.content.decode()
    assert Case.objects.count() == 1


def test_a_refused_form_keeps_its_token_and_goes_through_once_corrected(client, demo):
    as_user(client, "yb_officer")
    token = token_in(client.get(reverse("cases:create")))
    refused = client.post(reverse("cases:create"), case_form_data(title="", _submission=token))
    assert refused.status_code == 200
    assert token_in(refused) == token, "the form shown again is the same submission"
    assert not Submission.objects.exists()
    corrected = client.post(reverse("cases:create"), case_form_data(_submission=token))
    assert corrected.status_code == 302
    assert Case.objects.count() == 1


def test_two_forms_with_the_same_content_are_two_cases(client, demo):
    # the token, not the content, decides: two officers' identical clues are both kept
    as_user(client, "yb_officer")
    for _ in range(2):
        token = token_in(client.get(reverse("cases:create")))
        client.post(reverse("cases:create"), case_form_data(_submission=token))
    assert Case.objects.count() == 2


def test_another_persons_token_does_not_give_away_their_result(client, demo):
    as_user(client, "yb_officer")
    token = token_in(client.get(reverse("cases:create")))
    client.post(reverse("cases:create"), case_form_data(_submission=token))
    as_user(client, "yb_officer2")
    response = client.post(
        reverse("cases:create"), case_form_data(title="另一案件", _submission=token)
    )
    assert response.status_code == 302
    assert Case.objects.filter(title="另一案件").exists()


def test_signing_a_draft_twice_takes_one_number(client, demo, agencies):
    as_user(client, "yb_office")
    token = token_in(client.get(reverse("documents:create")))
    data = {
        "doc_type": "notice",
        "series_code": "联",
        "issuer_name": "吉林省医疗保障局",
        "title": "关于开展专项检查的通知",
        "to_agencies": [agencies["省公安厅"].pk],
        "body": "各成员单位：\n现将有关事项通知如下。",
        "sealed": "on",
        "_submission": token,
    }
    client.post(reverse("documents:create"), data)
    client.post(reverse("documents:create"), data)
    dispatch = Dispatch.objects.get()
    services.dispatch_submit(dispatch=dispatch, user=dispatch.created_by)
    checker = User.objects.get(username="yb_office2")
    services.dispatch_check(dispatch=dispatch, user=checker, approve=True)
    as_user(client, "yb_convenor")  # the office's papers are signed by the convenor
    page = client.get(reverse("documents:dispatch", args=[dispatch.pk]))
    sign_token = token_in(page)
    url = reverse("documents:sign", args=[dispatch.pk])
    client.post(url, {"_submission": sign_token, "approve": "yes"})
    again = client.post(url, {"_submission": sign_token, "approve": "yes"}, follow=True)
    assert IssuedDocument.objects.count() == 1
    html = again.content.decode()
    assert "已经提交过" in html
    assert "xt-message--error" not in html


def test_a_work_report_sent_twice_is_drafted_once(client, demo):
    as_user(client, "yb_office")
    token = token_in(client.get(reverse("meetings:work_report")))
    today = timezone.localdate()
    data = {
        "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat(),
        "_submission": token,
    }
    before = Dispatch.objects.filter(doc_type="report").count()
    assert client.post(reverse("meetings:work_report"), data).status_code == 302
    assert client.post(reverse("meetings:work_report"), data).status_code == 302
    assert Dispatch.objects.filter(doc_type="report").count() == before + 1


def test_moving_a_meeting_sent_twice_issues_one_corrected_notice(client, demo):
    meeting, topic = meeting_awaiting_approval(demo)
    convenor = demo["yb_convenor"]
    times = schedule()
    meeting_services.agenda_approve(
        user=convenor,
        meeting=meeting,
        approve=True,
        starts_at=timezone.make_aware(timezone.datetime.fromisoformat(times["starts_at"])),
        ends_at=timezone.make_aware(timezone.datetime.fromisoformat(times["ends_at"])),
        rsvp_due=timezone.make_aware(timezone.datetime.fromisoformat(times["rsvp_due"])),
        place=times["place"],
        form=times["form"],
        chair=convenor,
    )
    issued_before = IssuedDocument.objects.count()
    as_user(client, "yb_office")
    url = reverse("meetings:reschedule", args=[meeting.pk])
    token = token_in(client.get(url))
    later = schedule(days_ahead=12)
    data = {**later, "reason": "与省政府常务会议时间冲突", "_submission": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    # one corrected notice (no invited units, so no 列席 letters)
    assert IssuedDocument.objects.count() == issued_before + 1
    meeting.refresh_from_db()
    assert local(meeting.starts_at) == later["starts_at"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_form_sent_at_the_same_moment_makes_one_case(world_tx):
    from demo.directory import DEMO_PASSWORD

    clients = []
    for _ in range(4):
        client = Client()
        assert client.login(username="yb_officer", password=DEMO_PASSWORD)
        clients.append(client)
    token = token_in(clients[0].get(reverse("cases:create")))
    data = case_form_data(_submission=token)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def send(client):
        try:
            barrier.wait()
            statuses.append(client.post(reverse("cases:create"), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert Case.objects.count() == 1


@pytest.fixture
def world_tx(transactional_db):
    from demo.directory import seed_directory

    seed_directory()
