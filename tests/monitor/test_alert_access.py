"""Who sees an alert: its recipient, the case's agency, auditors (logged); anyone else —
another agency, a case officer of an unrelated agency, 公安 before any referral — a 404 on
every alert URL. Lists and counts hold only the alerts a user may see."""

import pytest
from django.urls import reverse

from agencies.models import Role
from audit.models import AuditEvent
from monitor.models import Alert
from monitor.selectors import alert_summary
from monitor.services import monitor_run
from tests.builders import as_user
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("request", "recommend", "explain", "answer", "refer", "close")


@pytest.fixture
def alerts(closed_case):
    criminal = closed_case(amount="50000.00")
    discipline = closed_case(amount="100.00", violation_types=["collusion"])
    monitor_run()
    return Alert.objects.get(case=criminal), Alert.objects.get(case=discipline)


def urls(alert):
    yield reverse("monitor:alert", args=[alert.pk]), "get"
    for action in ACTIONS:
        yield reverse("monitor:act", args=[alert.pk, action]), "post"


@pytest.mark.parametrize("username", ["ga_liaison", "wj_officer", "ccjcy_liaison", "jw_leader"])
def test_other_agencies_get_404_on_every_alert_url(client, alerts, username):
    criminal, _discipline = alerts
    as_user(client, username)
    for url, method in urls(criminal):
        response = getattr(client, method)(url, {"x-text": "x"})
        assert response.status_code == 404, (username, url)


def test_the_procuratorate_does_not_see_the_discipline_alert(client, alerts):
    _criminal, discipline = alerts
    as_user(client, "jcy_leader")
    for url, method in urls(discipline):
        assert getattr(client, method)(url, {}).status_code == 404
    as_user(client, "jw_liaison")
    assert client.get(reverse("monitor:alert", args=[discipline.pk])).status_code == 200


def test_an_officer_of_an_unrelated_agency_gets_404(client, alerts):
    criminal, _ = alerts
    stranger = UserFactory(agency=AgencyFactory(name="某县医疗保障局"), roles=[Role.CASE_OFFICER])
    client.login(username=stranger.username, password=TEST_PASSWORD)
    for url, method in urls(criminal):
        assert getattr(client, method)(url, {}).status_code == 404
    listing = client.get(reverse("monitor:index"))
    assert listing.status_code == 200
    assert criminal.case.number not in listing.content.decode()


def test_anonymous_is_sent_to_sign_in_and_get_is_not_an_action(client, alerts):
    criminal, _ = alerts
    response = client.get(reverse("monitor:alert", args=[criminal.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    as_user(client, "jcy_liaison")
    assert client.get(reverse("monitor:act", args=[criminal.pk, "close"])).status_code == 405
    assert client.post(reverse("monitor:alert", args=[criminal.pk])).status_code == 405


def test_an_auditors_read_is_logged_and_offers_no_action(client, alerts):
    criminal, _ = alerts
    as_user(client, "auditor")
    response = client.get(reverse("monitor:alert", args=[criminal.pk]))
    assert response.status_code == 200
    assert "/request/" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="monitor.read_by_auditor", data__alert=criminal.pk
    ).exists()
    assert client.get(reverse("monitor:index")).status_code == 200
    assert AuditEvent.objects.filter(action="monitor.read_by_auditor", object_id="").exists()
    refused = client.post(reverse("monitor:act", args=[criminal.pk, "close"]), {"close-text": "x"})
    assert refused.status_code == 403
    assert "审计人员" in refused.content.decode()


def test_the_summary_counts_only_visible_alerts(alerts, world):
    criminal, discipline = alerts
    jcy = alert_summary(world["jcy_liaison"])
    assert jcy["total"] == 1 and jcy["waiting"] == 1
    assert dict((v, n) for v, _label, n in jcy["by_status"])["open"] == 1
    assert {r.code: n for r, n in jcy["by_rule"]}["amount_reaches_threshold"] == 1
    assert {r.code: n for r, n in jcy["by_rule"]}["agency_staff_or_official"] == 0
    assert alert_summary(world["yb_officer"])["total"] == 2
    assert alert_summary(world["yb_officer"])["waiting"] == 0
    assert alert_summary(world["ga_liaison"])["total"] == 0
    assert alert_summary(world["auditor"])["total"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "?status=nonsense",
        "?rule=abc",
        "?rule=99999999999999999999999",
        "?overdue=&page=-1",
        "?page=99999999999",
        "?status=%00",
    ],
)
def test_bad_filters_give_the_unfiltered_list(client, alerts, query):
    as_user(client, "jcy_liaison")
    response = client.get(reverse("monitor:index") + query)
    assert response.status_code == 200
    assert alerts[0].case.number in response.content.decode()


def test_the_list_filters_by_status_rule_and_waiting(client, alerts):
    criminal, _ = alerts
    as_user(client, "yb_officer")
    assert (
        criminal.case.number
        in client.get(reverse("monitor:index") + f"?rule={criminal.rule_id}").content.decode()
    )
    assert (
        criminal.case.number
        not in client.get(reverse("monitor:index") + "?status=closed").content.decode()
    )
    assert (
        criminal.case.number
        not in client.get(reverse("monitor:index") + "?mine=on").content.decode()
    )


def test_the_list_takes_a_bounded_number_of_queries(
    client, closed_case, django_assert_max_num_queries
):
    for n in range(12):
        closed_case(amount=f"{50000 + n}.00")
    monitor_run()
    as_user(client, "jcy_liaison")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("monitor:index")).status_code == 200


def test_the_thresholds_page_is_readable(client, alerts):
    as_user(client, "jcy_officer")
    response = client.get(reverse("monitor:rules"))
    assert response.status_code == 200
    assert "3,000.00" in response.content.decode()
