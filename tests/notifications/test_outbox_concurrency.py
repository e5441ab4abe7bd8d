"""Several hosts sending at once on PostgreSQL: every row of the outbox is sent exactly once,
and every digest is built once (SELECT … FOR UPDATE SKIP LOCKED)."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from notifications import services
from notifications.models import MailPreference, Notification, OutgoingMail
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_at_once(callables):
    barrier = threading.Barrier(len(callables))
    results = []

    def run(fn):
        try:
            barrier.wait()
            results.append(("ok", fn()))
        except Exception as exc:  # collected and asserted by the caller
            results.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_four_senders_at_once_send_every_row_exactly_once(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.SlowBackend"
    now = timezone.now()
    people = [UserFactory(email=f"p{n}@example.org") for n in range(40)]
    OutgoingMail.objects.bulk_create(
        OutgoingMail(
            recipient=p, to=p.email, subject="s", body="b", next_attempt_at=now, created_at=now
        )
        for p in people
    )
    results = run_at_once(
        [lambda: services.outbox_send(now=now + timedelta(seconds=1), limit=3)] * 4
    )
    assert [kind for kind, _value in results] == ["ok"] * 4, results
    assert sum(sent for _kind, (sent, _failed) in results) == 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {("sent", 1)}
    # the work was shared: more than one sender sent something
    assert sum(1 for _kind, (sent, _failed) in results if sent) > 1


def test_two_hosts_at_0830_build_each_digest_once(mailoutbox):
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    people = [UserFactory() for _ in range(12)]
    MailPreference.objects.bulk_create(MailPreference(user=p, mode="digest") for p in people)
    Notification.objects.bulk_create(
        Notification(
            recipient=p,
            kind="receive",
            title=f"待签收{n}",
            url="/cases/",
            created_at=monday,
            for_digest=True,
        )
        for p in people
        for n in range(2)
    )
    tuesday = monday + timedelta(days=1, hours=-1, minutes=-29)  # 08:31
    results = run_at_once([lambda: services.digests_build(now=tuesday)] * 2)
    assert [kind for kind, _value in results] == ["ok", "ok"], results
    assert sum(built for _kind, built in results) == 12
    assert OutgoingMail.objects.count() == 12
    assert set(OutgoingMail.objects.values_list("to", flat=True)) == {p.email for p in people}
    assert not Notification.objects.filter(digest_mail__isnull=True).exists()
