"""The notification centre: my notifications newest first (30 a page), opening one marks it read
and leads to its page, mark all read, my e-mail preference, the unread count in the top bar —
and nobody else's notification, by any URL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from audit.models import AuditEvent
from notifications.models import MailPreference, Notification
from notifications.services import notify
from tests.factories import UserFactory


@pytest.fixture
def me(agency):
    return UserFactory(username="me", full_name="陈海燕", agency=agency, roles=[Role.LIAISON])


def tell(person, count=1, url="/cases/", title="待签收：案件%d"):
    made = []
    for number in range(count):
        made += notify(
            recipients=[person],
            kind=Notification.Kind.RECEIVE,
            title=title % number if "%d" in title else title,
            body="正文",
            url=url,
        )
    return made


def test_i_see_my_notifications_newest_first_thirty_a_page(client, me, outsider):
    tell(me, 35)
    tell(outsider, 1, title="别人的消息")
    client.force_login(me)
    first = client.get(reverse("notifications:index"))
    assert first.status_code == 200
    titles = [n.title for n in first.context["page"]]
    assert len(titles) == 30 and titles[0] == "待签收：案件34" and titles[-1] == "待签收：案件5"
    assert "别人的消息" not in first.content.decode()
    second = client.get(reverse("notifications:index"), {"page": "2"})
    assert [n.title for n in second.context["page"]][-1] == "待签收：案件0"
    assert client.get(reverse("notifications:index"), {"page": "abc"}).status_code == 200


def test_following_a_notification_marks_it_read_and_opens_its_page(client, me):
    (notification,) = tell(me, url="/cases/tasks/12/")
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/tasks/12/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    event = AuditEvent.objects.get(action="notifications.read")
    assert event.actor == me and event.data["notifications"] == [notification.pk]
    # following it again changes nothing more
    client.get(reverse("notifications:open", args=[notification.pk]))
    assert AuditEvent.objects.filter(action="notifications.read").count() == 1
    assert notification.history.count() == 2  # created, then read


@pytest.mark.parametrize(
    "stored", ["https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com", "x/y"]
)
def test_a_notification_never_leads_off_the_site(client, me, stored):
    (notification,) = tell(me, url=stored)
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:index")


def test_another_persons_notification_is_a_404_and_stays_unread(client, me, outsider):
    (theirs,) = tell(outsider)
    client.force_login(me)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[99999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not AuditEvent.objects.filter(action="notifications.read").exists()


def test_mark_all_read_marks_mine_once_with_one_event(client, me):
    tell(me, 3)
    client.force_login(me)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    (event,) = AuditEvent.objects.filter(action="notifications.read")
    assert len(event.data["notifications"]) == 3
    client.post(reverse("notifications:read_all"))
    assert AuditEvent.objects.filter(action="notifications.read").count() == 1
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_the_top_bar_shows_my_unread_count_in_red_and_nothing_when_all_is_read(client, me):
    client.force_login(me)
    page = client.get(reverse("directory:index")).content.decode()
    assert 'class="xt-bell"' in page and "xt-bell__count" not in page
    tell(me, 2)
    page = client.get(reverse("directory:index")).content.decode()
    assert '<span class="xt-bell__count">2</span>' in page
    Notification.objects.filter(recipient=me).update(read_at=timezone.now())
    assert "xt-bell__count" not in client.get(reverse("directory:index")).content.decode()


def test_the_top_bar_count_stops_at_99_plus(client, me):
    Notification.objects.bulk_create(
        Notification(recipient=me, kind="receive", title="t", url="/", created_at=timezone.now())
        for _ in range(120)
    )
    client.force_login(me)
    page = client.get(reverse("directory:index")).content.decode()
    assert '<span class="xt-bell__count">99+</span>' in page


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_top_bar_count_is_one_query_whatever_the_number(client, me):
    client.force_login(me)
    url = reverse("directory:index")
    _queries(client, url)  # warm up the session and the caches
    before = _queries(client, url)
    tell(me, 40)
    after = _queries(client, url)
    assert len(after) == len(before)
    counting = [q for q in after if "notifications_notification" in q]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()


def test_the_centre_costs_the_same_number_of_queries_for_3_or_60_notifications(
    client, me, django_assert_max_num_queries
):
    client.force_login(me)
    tell(me, 3)
    _queries(client, reverse("notifications:index"))
    few = len(_queries(client, reverse("notifications:index")))
    tell(me, 57)
    many = len(_queries(client, reverse("notifications:index")))
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(reverse("notifications:index"))


def test_my_mail_preference_is_saved_audited_and_checked(client, me):
    client.force_login(me)
    page = client.get(reverse("notifications:index"))
    assert page.context["form"].initial["mode"] == "immediate"
    response = client.post(reverse("notifications:preference"), {"mode": "digest"})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=me).mode == "digest"
    event = AuditEvent.objects.get(action="notifications.preference_changed")
    assert event.data == {"from": "immediate", "to": "digest"}
    assert client.get(reverse("notifications:index")).context["form"].initial["mode"] == "digest"
    bad = client.post(reverse("notifications:preference"), {"mode": "hourly"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert MailPreference.objects.get(user=me).mode == "digest"
    client.post(reverse("notifications:preference"), {"mode": "digest"})  # unchanged: no event
    assert AuditEvent.objects.filter(action="notifications.preference_changed").count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, me):
    (notification,) = tell(me)
    for url in (
        reverse("notifications:index"),
        reverse("notifications:open", args=[notification.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("notifications:read_all")).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_task_notification_shows_when_the_task_was_done(client, world, agencies):
    from cases import services
    from tests.builders import open_task, refer, registered_case

    case = registered_case(world["yb_officer"])
    refer(case, world["yb_leader"], {agencies["省卫生健康委"]: "administrative"})
    services.referral_receive(
        task=open_task(case, "receive"), user=world["wj_liaison"], action="sign"
    )
    client.force_login(world["wj_liaison"])
    page = client.get(reverse("notifications:index")).content.decode()
    assert "办结" in page
    assert timezone.localdate().isoformat() in page


def test_a_done_task_no_longer_counts_in_the_bell(client, world, agencies):
    """Signing from the inbox (not from the notification) settles the notification too, for
    every colleague told of it."""
    from cases import services
    from notifications.models import Notification
    from tests.builders import open_task, referred

    case = referred(world, agencies, "省卫生健康委", "已办的事项")
    task = open_task(case, "receive")
    assert Notification.objects.filter(case_task__task=task, read_at__isnull=True).exists()
    services.referral_receive(task=task, user=world["wj_liaison"], action="sign")
    assert not Notification.objects.filter(case_task__task=task, read_at__isnull=True).exists()
