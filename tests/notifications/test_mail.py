"""E-mail of notifications: one line of subject, an absolute link to act on, each person's
preference (at once, the 08:30 digest, none), sent after the commit through the outbox — a
relay that refuses never undoes the step, and the row is retried later with growing delays."""

import logging
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Role
from cases.models import Case, Referral
from notifications import services
from notifications.models import MailPreference, Notification, OutgoingMail
from tests.builders import open_task, refer, registered_case
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def tell(people, title="请签收移送案件", url="/cases/tasks/7/", **kwargs):
    return services.notify(
        recipients=people,
        kind=Notification.Kind.RECEIVE,
        title=title,
        body="正文",
        url=url,
        **kwargs,
    )


@pytest.fixture
def person(agency):
    return UserFactory(username="liaison", full_name="吕晓红", agency=agency, roles=[Role.LIAISON])


def test_the_mail_links_to_the_task_on_the_public_site_and_its_subject_is_one_line(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell([person], title="关于\n召开\r\n会议\u2028的通知\r\nBcc: x@example.com")
    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject == "【协同平台】关于 召开 会议 的通知 Bcc: x@example.com"
    assert "x@example.com" not in message.recipients()
    assert "https://xietong.example.gov.cn/cases/tasks/7/" in message.body
    assert "https://xietong.example.gov.cn/notifications/" in message.body
    assert message.body.startswith("吕晓红同志：")
    notification = Notification.objects.get()
    assert "\n" not in notification.title


def test_mail_waits_for_the_commit_and_goes_nowhere_when_the_step_rolls_back(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell([person])
        raise RuntimeError("the step failed")
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.exists() and not OutgoingMail.objects.exists()


def test_no_email_preference_keeps_the_notification_without_mail(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    services.mail_preference_set(user=person, mode="none")
    with django_capture_on_commit_callbacks(execute=True):
        tell([person])
    assert Notification.objects.filter(recipient=person).count() == 1
    assert mailoutbox == [] and not OutgoingMail.objects.exists()


def test_inactive_people_and_people_without_address_get_no_mail(
    agency, mailoutbox, django_capture_on_commit_callbacks
):
    gone = UserFactory(agency=agency, is_active=False)
    silent = UserFactory(agency=agency, email="")
    with django_capture_on_commit_callbacks(execute=True):
        tell([gone, silent])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [silent.pk]
    assert mailoutbox == []


def test_the_daily_digest_goes_at_0830_with_what_arrived_since_the_last_one(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    services.mail_preference_set(user=person, mode="digest")
    with django_capture_on_commit_callbacks(execute=True):
        with at(MONDAY_10):
            tell([person], title="待签收：案件一", url="/cases/tasks/1/")
        with at(MONDAY_10 + timedelta(hours=5)):
            tell([person], title="待签收：案件二", url="/cases/tasks/2/")
    assert mailoutbox == []  # nothing at once

    tuesday = MONDAY_10.replace(day=3)
    assert services.send_mail_run(now=tuesday.replace(hour=8, minute=29))["digests"] == 0
    assert mailoutbox == []
    done = services.send_mail_run(now=tuesday.replace(hour=8, minute=30))
    assert (done["digests"], done["sent"]) == (1, 1)
    (digest,) = mailoutbox
    assert digest.to == [person.email] and "2" in digest.subject
    assert digest.body.index("待签收：案件一") < digest.body.index("待签收：案件二")
    assert "https://xietong.example.gov.cn/cases/tasks/1/" in digest.body
    assert "https://xietong.example.gov.cn/cases/tasks/2/" in digest.body

    # one digest a day: a later run, or another arrival after 08:30, waits for tomorrow
    with django_capture_on_commit_callbacks(execute=True), at(tuesday.replace(hour=9)):
        tell([person], title="待签收：案件三", url="/cases/tasks/3/")
    assert services.send_mail_run(now=tuesday.replace(hour=12))["digests"] == 0
    assert services.send_mail_run(now=tuesday.replace(hour=17))["digests"] == 0
    assert len(mailoutbox) == 1
    services.send_mail_run(now=tuesday.replace(day=4, hour=8, minute=35))
    assert len(mailoutbox) == 2
    wednesday = mailoutbox[1]
    assert "待签收：案件三" in wednesday.body and "待签收：案件一" not in wednesday.body
    assert "2026-03-03 08:30" in wednesday.body  # since the previous digest
    assert set(Notification.objects.values_list("digest_mail__to", flat=True)) == {person.email}


def test_a_digest_person_who_turns_mail_off_gets_no_digest(person, mailoutbox):
    services.mail_preference_set(user=person, mode="digest")
    with at(MONDAY_10):
        tell([person])
    services.mail_preference_set(user=person, mode="none")
    services.send_mail_run(now=MONDAY_10 + timedelta(days=1))
    assert mailoutbox == [] and not OutgoingMail.objects.exists()
    notification = Notification.objects.get()
    assert notification.read_at is None and not notification.for_digest  # still in the centre


def test_a_refusing_relay_never_undoes_the_step_and_the_outbox_retries_later(
    world, agencies, mailoutbox, django_capture_on_commit_callbacks, refusing_relay, caplog
):
    health = agencies["省卫生健康委"]
    case = registered_case(world["yb_officer"])
    caplog.set_level(logging.WARNING, logger="xietong.notifications")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refer(case, world["yb_leader"], {health: "administrative"})
    assert callbacks, "the mail is sent after the commit"
    # the step is done: the referral is out, its task open, the liaison told in the app
    assert Case.objects.get(pk=case.pk).status == Case.Status.REFERRED
    receive = open_task(case, "receive")
    assert Notification.objects.filter(case_task__task=receive, recipient=world["wj_liaison"])
    # the mail is kept for the retry, with its error, and the failure is in the log
    row = OutgoingMail.objects.get(recipient=world["wj_liaison"])
    assert (row.status, row.attempts) == (OutgoingMail.Status.QUEUED, 1)
    assert "the relay refused" in row.last_error
    assert mailoutbox == []
    assert any("failed (attempt 1)" in r.getMessage() for r in caplog.records)

    # not before its next attempt; then, the relay back, it goes out once
    refusing_relay.restore()
    first_retry = row.next_attempt_at
    services.outbox_send(now=first_retry - timedelta(seconds=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingMail.Status.QUEUED, 1)
    assert not mail_for(mailoutbox, world["wj_liaison"].email)
    sent, failed = services.outbox_send(now=first_retry + timedelta(seconds=1))
    assert failed == 0 and sent >= 1
    assert len(mail_for(mailoutbox, world["wj_liaison"].email)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutgoingMail.Status.SENT, 2, "")
    assert services.outbox_send(now=first_retry + timedelta(days=1)) == (0, 0)  # never again
    assert Referral.objects.get(case=case).status == Referral.Status.SENT


def mail_for(messages, address):
    return [m for m in messages if m.to == [address]]


def test_retries_back_off_and_give_up_after_a_day_with_an_error_in_the_log(
    person, refusing_relay, caplog
):
    with at(MONDAY_10):
        tell([person])
    row = OutgoingMail.objects.get()
    moments = []
    now = MONDAY_10
    for _attempt in range(len(services.RETRY_DELAYS) + 1):
        services.outbox_send(now=now)
        row.refresh_from_db()
        moments.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert row.status == OutgoingMail.Status.FAILED
    assert row.attempts == len(services.RETRY_DELAYS) + 1
    delays = moments[:-1]
    assert delays == sorted(delays) and delays[0] == timedelta(minutes=1)
    assert delays[-1] >= timedelta(hours=6)
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    assert services.outbox_send(now=now + timedelta(days=7)) == (0, 0)


def test_a_sender_that_died_mid_send_leaves_the_row_to_be_taken_again_after_its_lease(
    person, mailoutbox
):
    with at(MONDAY_10):
        tell([person])
    claimed = services._claim(now=MONDAY_10)  # a sender took it … and died
    assert [r.status for r in claimed] == [OutgoingMail.Status.SENDING]
    assert services.outbox_send(now=MONDAY_10 + timedelta(minutes=5)) == (0, 0)
    assert services.outbox_send(now=MONDAY_10 + services.CLAIM_LEASE) == (1, 0)
    assert len(mailoutbox) == 1


def test_meeting_attachments_are_stored_once_and_sent_with_each_mail(
    agency, mailoutbox, django_capture_on_commit_callbacks
):
    people = [UserFactory(agency=agency) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        tell(people, attachments=[("meeting.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    assert len(mailoutbox) == 3
    assert {m.attachments[0] for m in mailoutbox} == {
        ("meeting.ics", "BEGIN:VCALENDAR", "text/calendar")
    }
    from notifications.models import MailAttachment

    assert MailAttachment.objects.count() == 1


def test_the_send_mail_command_sends_what_is_due(person, mailoutbox):
    tell([person])
    out = open("/dev/null", "w")  # noqa: SIM115
    call_command("send_mail", stdout=out)
    assert len(mailoutbox) == 1 and OutgoingMail.objects.get().status == "sent"
    call_command("send_mail", stdout=out)
    assert len(mailoutbox) == 1


def test_the_preference_page_link_is_in_every_mail(person, mailoutbox):
    tell([person])
    services.outbox_send()
    assert reverse("notifications:index") in mailoutbox[0].body
    assert MailPreference.objects.filter(user=person).count() == 0  # the default: at once
