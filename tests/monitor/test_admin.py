"""The thresholds and rules in the Django admin: the add page works, figures are validated
(positive, within the legal band, rising, no overlapping period), the source is stated."""

import pytest
from django.urls import reverse

from agencies.models import Region
from monitor.models import FraudThreshold, MonitorRule
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ADD = "admin:monitor_fraudthreshold_add"


@pytest.fixture
def admin_client(client, sysadmin):
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    return client


def threshold(**overrides):
    data = {
        "province": Region.objects.get(code="220000").pk,
        "effective_from": "2027-01-01",
        "effective_to": "",
        "large": "5000",
        "huge": "50000",
        "especially_huge": "500000",
        "legal_basis": "法释〔2011〕7号第一条",
        "source_note": "吉林省高级人民法院、吉林省人民检察院通知（测试）",
    }
    data.update(overrides)
    return data


def close_seeded():
    FraudThreshold.objects.filter(effective_to__isnull=True).update(effective_to="2026-12-31")


def test_the_add_page_says_where_the_figures_come_from(admin_client):
    response = admin_client.get(reverse(ADD))
    assert response.status_code == 200
    text = response.content.decode()
    assert "法释〔2011〕7号" in text and "法发〔2024〕6号" in text


def test_a_valid_new_period_is_saved(admin_client):
    close_seeded()
    response = admin_client.post(reverse(ADD), threshold())
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert FraudThreshold.objects.filter(effective_from="2027-01-01", large=5000).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("large", "0", "金额必须大于零"),
        ("large", "-3000", "金额必须大于零"),
        ("large", "2999.99", "3,000"),
        ("large", "10000.01", "10,000"),
        ("huge", "29999", "30,000"),
        ("huge", "100001", "100,000"),
        ("especially_huge", "499999", "500,000"),
        ("large", "abc", ""),
    ],
)
def test_figures_outside_the_band_are_form_errors(admin_client, field, value, message):
    close_seeded()
    response = admin_client.post(reverse(ADD), threshold(**{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not FraudThreshold.objects.filter(effective_from="2027-01-01").exists()


def test_an_overlapping_period_is_refused(admin_client):
    response = admin_client.post(reverse(ADD), threshold())  # the seeded row is open-ended
    assert response.status_code == 200
    assert "重叠" in " ".join(response.context["adminform"].form.errors["effective_from"])


def test_a_period_ending_before_it_begins_is_refused(admin_client):
    close_seeded()
    response = admin_client.post(reverse(ADD), threshold(effective_to="2026-06-01"))
    assert "effective_to" in response.context["adminform"].form.errors


def test_a_rule_with_unknown_parameters_is_refused(admin_client):
    rule = MonitorRule.objects.get(code="fraud_violation_types")
    url = reverse("admin:monitor_monitorrule_change", args=[rule.pk])
    data = {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "target": rule.target,
        "parameters": '{"amounts": [1]}',
        "active": "on",
        "description": rule.description,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "amounts" in " ".join(response.context["adminform"].form.errors["parameters"])
    data["parameters"] = '{"violation_types": ["card_misuse"]}'
    assert admin_client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.parameters == {"violation_types": ["card_misuse"]}
