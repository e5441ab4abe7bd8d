"""Each seeded rule fires, or does not, on hand-built closed cases; the figures are the
threshold in force in the case's province on its registration date."""

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Agency, Region
from cases.models import Case, Referral, Subject
from monitor.models import Alert, FraudThreshold
from monitor.services import monitor_run
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def fired(case):
    return {a.rule.code: a for a in Alert.objects.filter(case=case).select_related("rule")}


def test_an_amount_just_below_the_threshold_does_not_fire(closed_case):
    case = closed_case(amount="2999.99")
    monitor_run()
    assert fired(case) == {}


def test_an_amount_at_the_threshold_fires_to_the_same_level_procuratorate(closed_case, agencies):
    case = closed_case(amount="3000.00")
    monitor_run()
    alerts = fired(case)
    assert set(alerts) == {"amount_reaches_threshold"}
    alert = alerts["amount_reaches_threshold"]
    assert alert.to_agency == agencies["省检察院"]
    assert alert.status == Alert.Status.OPEN
    assert "¥3,000.00" in alert.reason and "吉林省" in alert.reason


def test_a_recovered_amount_above_the_suspected_one_counts(closed_case):
    case = closed_case(amount="1000.00", recovered="3500.00")
    monitor_run()
    assert "¥3,500.00" in fired(case)["amount_reaches_threshold"].reason


def test_the_threshold_in_force_on_the_registration_date_applies(closed_case):
    jilin = Region.objects.get(code="220000")
    FraudThreshold.objects.filter(province=jilin).update(effective_to=dt.date(2025, 12, 31))
    FraudThreshold.objects.create(
        province=jilin,
        effective_from=dt.date(2026, 1, 1),
        large=Decimal("5000"),
        huge=Decimal("50000"),
        especially_huge=Decimal("500000"),
        legal_basis="测试",
        source_note="测试",
    )
    before = closed_case(amount="4000.00", registered=dt.date(2025, 12, 31))
    after = closed_case(amount="4000.00", registered=dt.date(2026, 1, 1))
    at_new = closed_case(amount="5000.00", registered=dt.date(2026, 1, 1))
    monitor_run()
    assert set(fired(before)) == {"amount_reaches_threshold"}
    assert fired(after) == {}
    assert set(fired(at_new)) == {"amount_reaches_threshold"}


def test_another_province_uses_its_own_figures_and_its_own_procuratorate(closed_case):
    heilongjiang = Region.objects.create(code="230000", name="黑龙江省", level="province")
    FraudThreshold.objects.create(
        province=heilongjiang,
        effective_from=dt.date(2020, 1, 1),
        large=Decimal("10000"),
        huge=Decimal("100000"),
        especially_huge=Decimal("500000"),
        legal_basis="测试",
        source_note="测试",
    )
    bureau = AgencyFactory(name="黑龙江省医疗保障局", region=heilongjiang, doc_prefix="黑医保")
    procuratorate = AgencyFactory(
        name="黑龙江省人民检察院", region=heilongjiang, kind=Agency.Kind.PROCURATORATE
    )
    below = closed_case(agency=bureau, amount="9999.99")
    at = closed_case(agency=bureau, amount="10000.00")
    monitor_run()
    assert fired(below) == {}
    assert fired(at)["amount_reaches_threshold"].to_agency == procuratorate


def test_a_case_with_a_criminal_referral_never_fires(closed_case, agencies):
    case = closed_case(
        amount="80000.00",
        violation_types=["fictitious_services"],
        subjects=[(Subject.Kind.GROUP, "某骗保团伙", "")],
        referrals=[(agencies["省公安厅"], "criminal", Referral.Status.RESULT_REPORTED)],
    )
    monitor_run()
    assert fired(case) == {}


def test_a_withdrawn_criminal_referral_does_not_count(closed_case, agencies):
    case = closed_case(
        amount="80000.00",
        referrals=[(agencies["省公安厅"], "criminal", Referral.Status.WITHDRAWN)],
    )
    monitor_run()
    assert set(fired(case)) == {"amount_reaches_threshold"}


def test_an_administrative_referral_does_not_stop_the_alert(closed_case, agencies):
    case = closed_case(
        amount="80000.00",
        referrals=[(agencies["省卫生健康委"], "administrative", Referral.Status.RESULT_REPORTED)],
    )
    monitor_run()
    assert set(fired(case)) == {"amount_reaches_threshold"}


@pytest.mark.parametrize(
    "code", ["fictitious_services", "forged_documents", "impersonation", "card_misuse"]
)
def test_fraud_violation_types_fire_whatever_the_amount(closed_case, code):
    case = closed_case(amount="500.00", violation_types=[code, "split_charge"])
    monitor_run()
    alerts = fired(case)
    assert set(alerts) == {"fraud_violation_types"}
    assert "分解收费" not in alerts["fraud_violation_types"].reason


def test_other_violation_types_do_not_fire(closed_case):
    case = closed_case(amount="500.00", violation_types=["split_charge", "duplicate_charge"])
    monitor_run()
    assert fired(case) == {}


def test_an_organised_group_fires(closed_case):
    by_subject = closed_case(amount="500.00", subjects=[(Subject.Kind.GROUP, "王某等团伙", "")])
    by_type = closed_case(amount="500.00", violation_types=["organised_fraud"])
    monitor_run()
    assert set(fired(by_subject)) == {"organised_fraud_group"}
    assert "王某等团伙" in fired(by_subject)["organised_fraud_group"].reason
    assert set(fired(by_type)) == {"organised_fraud_group"}


def test_agency_staff_go_to_the_discipline_commission(closed_case, agencies):
    case = closed_case(
        amount="500.00", subjects=[(Subject.Kind.AGENCY_STAFF, "李某", "220102198001011234")]
    )
    monitor_run()
    alert = fired(case)["agency_staff_or_official"]
    assert alert.to_agency == agencies["省纪委监委"]
    assert "220102198001011234" not in alert.reason


def test_a_discipline_referral_stops_the_discipline_alert(closed_case, agencies):
    case = closed_case(
        amount="500.00",
        violation_types=["collusion"],
        referrals=[(agencies["省纪委监委"], "discipline", Referral.Status.RESULT_REPORTED)],
    )
    monitor_run()
    assert fired(case) == {}


@pytest.mark.parametrize("status", [Case.Status.CLOSED_UNFOUNDED, Case.Status.IN_HOUSE])
def test_cases_not_closed_or_closed_as_unfounded_are_not_looked_at(closed_case, status):
    case = closed_case(amount="90000.00", status=status)
    monitor_run()
    assert fired(case) == {}


def test_an_inactive_rule_does_not_fire(closed_case):
    from monitor.models import MonitorRule

    MonitorRule.objects.filter(code="amount_reaches_threshold").update(active=False)
    case = closed_case(amount="90000.00")
    monitor_run()
    assert fired(case) == {}
