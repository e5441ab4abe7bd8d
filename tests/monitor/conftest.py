"""Hand-built closed cases for the monitor's rules (rows, not the flow: the monitor reads only
what a closed case holds), on the demo directory (省医保局, 省检察院, 省公安厅, 省纪委监委)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case, Referral, Subject, ViolationType

_numbers = iter(range(1, 10_000))


def make_closed_case(
    world,
    *,
    agency=None,
    amount="1000.00",
    recovered="0",
    registered=dt.date(2026, 3, 2),
    violation_types=(),
    subjects=(),
    referrals=(),
    status=Case.Status.CLOSED,
    title="某医院违规收费案",
):
    """A case of `agency` (省医保局) closed with the given amount, violation type codes,
    subjects ((kind, name, id_number)…) and referrals ((to_agency, channel, status)…)."""
    officer = world["yb_officer"]
    agency = agency or officer.agency
    moment = timezone.make_aware(dt.datetime.combine(registered, dt.time(10)))
    case = Case.objects.create(
        number=f"测试案〔2026〕{next(_numbers)}号",
        agency=agency,
        title=title,
        source=Case.Source.ROUTINE,
        suspected_amount=Decimal(amount),
        recovered_total=Decimal(recovered),
        description="日常监管发现违规收费。",
        status=status,
        registered_by=officer,
        registered_at=moment,
        closed_at=moment + dt.timedelta(days=40),
    )
    case.violation_types.set(ViolationType.objects.filter(code__in=violation_types))
    for kind, name, id_number in subjects:
        Subject.objects.create(case=case, kind=kind, name=name, id_number=id_number)
    for to_agency, channel, referral_status in referrals:
        Referral.objects.create(
            case=case,
            from_agency=agency,
            to_agency=to_agency,
            channel=channel,
            status=referral_status,
            summary="请依法处理。",
            sent_at=moment,
        )
    return case


@pytest.fixture
def closed_case(world):
    def build(**kwargs):
        return make_closed_case(world, **kwargs)

    return build
