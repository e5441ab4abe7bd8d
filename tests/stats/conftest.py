"""A book of known cases for the statistics tests, written row by row with the dates the
figures are counted by (the demo directory's agencies and people; no demo cases).

H1 2025, Asia/Shanghai (the figures the tests expect are worked out in each test from this):

  A  省医保局      2025-03-10  飞行检查   100,000.00  虚构医疗服务
     A1 → 省公安厅 行刑 (copied to 省检察院): sent 03-12, signed 03-13, filed 03-15,
        result 06-20 [刑事立案, 追回基金] recovered 80,000.00
     A2 → 省卫生健康委 行政: sent 03-12, signed 03-14, accepted 03-16, result 05-05
        [行政处罚] recovered 20,000.50, fines 40,001.00
  F  省医保局      2025-03-31 23:30 (still March in Shanghai, 15:30 UTC)  日常监管  1,000.00
  B  省医保局      2025-04-02  投诉举报   45,600.10   药店串换  B1 → 省市场监管厅 行政: sent 04-03,
        signed 04-08
  C  省医保局      2025-04-20  日常监管   300,000.00  虚构医疗服务
     C1 → 省纪委监委 行纪: sent 04-21, signed 04-22, accepted 04-25 (the compartment)
  D  长春市医保局  2025-04-25  投诉举报   8,800.00    (city level, in-house)
  E  省公安厅      2024-04-15  日常监管   5,000.00    E1 → 省医保局 行政: sent 2024-04-16
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from viewflow.workflow.status import STATUS

from cases.models import Case, Referral, ViolationType
from workflow.models import CaseProcess, CaseTask

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


class Book:
    """Writes cases and referrals with given dates (a test's fixture, not a service)."""

    def __init__(self, world, agencies):
        self.world, self.agencies = world, agencies
        self.serial = Case.objects.count()

    def case(self, agency, registered, source, amount, violations=(), status="referred"):
        self.serial += 1
        case = Case.objects.create(
            number=f"统计测试〔{self.serial}〕",
            agency=self.agencies[agency],
            title=f"{agency}统计测试案件{self.serial}",
            source=source,
            suspected_amount=Decimal(amount),
            description="统计测试。",
            status=status,
            registered_by=self.world["yb_officer"],
            registered_at=registered,
        )
        case.violation_types.set(ViolationType.objects.filter(code__in=violations))
        return case

    def referral(self, case, to, channel, sent, **fields):
        return Referral.objects.create(
            case=case,
            from_agency=fields.pop("from_agency", case.agency),
            to_agency=self.agencies[to],
            channel=channel,
            summary="请依法处理。",
            sent_at=sent,
            **fields,
        )

    def task(self, case, referral, agency, step, *, created, due, finished=None, **fields):
        """A deadline-bearing step: viewflow's task and its CaseTask row."""
        from viewflow.workflow.models import Task
        from viewflow.workflow.token import Token

        from workflow.flows import CaseFlow

        process = CaseProcess.objects.filter(case=case).first()
        if process is None:
            process = CaseProcess.objects.create(case=case, flow_class=CaseFlow, status="NEW")

        task = Task.objects.create(
            process=process,
            flow_task=getattr(CaseFlow, step),
            flow_task_type="HUMAN",
            token=Token("start"),
            status=STATUS.DONE if finished else STATUS.NEW,
            finished=finished,
        )
        Task.objects.filter(pk=task.pk).update(created=created)
        return CaseTask.objects.create(
            task=task,
            case=case,
            referral=referral,
            agency=self.agencies[agency],
            ability="receive_referral",
            due_at=due,
            **fields,
        )

    def h1_2025(self):
        a = self.case(
            "省医保局", at("2025-03-10"), "flying_inspection", "100000.00", ["fictitious_services"]
        )
        a1 = self.referral(
            a,
            "省公安厅",
            "criminal",
            at("2025-03-12"),
            copy_to=self.agencies["省检察院"],
            signed_at=at("2025-03-13"),
            decided_at=at("2025-03-15"),
            filed_at=at("2025-03-15"),
            finished_at=at("2025-06-20"),
            status="result_reported",
            outcomes=["criminal_filing", "funds_recovered"],
            recovered=Decimal("80000.00"),
        )
        a2 = self.referral(
            a,
            "省卫生健康委",
            "administrative",
            at("2025-03-12"),
            signed_at=at("2025-03-14"),
            decided_at=at("2025-03-16"),
            finished_at=at("2025-05-05"),
            status="result_reported",
            outcomes=["admin_penalty"],
            recovered=Decimal("20000.50"),
            fines=Decimal("40001.00"),
        )
        f = self.case(
            "省医保局", at("2025-03-31", "23:30"), "routine", "1000.00", status="in_house"
        )
        b = self.case("省医保局", at("2025-04-02"), "complaint", "45600.10", ["pharmacy_swap"])
        b1 = self.referral(
            b,
            "省市场监管厅",
            "administrative",
            at("2025-04-03"),
            signed_at=at("2025-04-08"),
            status="signed",
        )
        c = self.case("省医保局", at("2025-04-20"), "routine", "300000.00", ["fictitious_services"])
        c1 = self.referral(
            c,
            "省纪委监委",
            "discipline",
            at("2025-04-21"),
            signed_at=at("2025-04-22"),
            decided_at=at("2025-04-25"),
            status="accepted",
        )
        d = self.case("长春市医保局", at("2025-04-25"), "complaint", "8800.00", status="in_house")
        e = self.case("省公安厅", at("2024-04-15"), "routine", "5000.00")
        e1 = self.referral(e, "省医保局", "administrative", at("2024-04-16"))
        return dict(a=a, a1=a1, a2=a2, b=b, b1=b1, c=c, c1=c1, d=d, e=e, e1=e1, f=f)

    def deadlines_may_2025(self, rows):
        """Steps due in May 2025 with known durations: 省公安厅 received five referrals in
        1, 2, 3, 4 and 10 days (3 allowed), 省卫生健康委 one in half a day; one 省公安厅 decision
        is still open past its deadline (05-10) and under 督办 since 05-12."""
        start = at("2025-05-01", "00:00")
        for days in (1, 2, 3, 4, 10):
            self.task(
                rows["a"],
                rows["a1"],
                "省公安厅",
                "receive",
                created=start,
                due=start + timedelta(days=3),
                finished=start + timedelta(days=days),
            )
        self.task(
            rows["a"],
            rows["a2"],
            "省卫生健康委",
            "receive",
            created=start,
            due=start + timedelta(days=3),
            finished=start + timedelta(hours=12),
        )
        self.task(
            rows["a"],
            rows["a1"],
            "省公安厅",
            "decide",
            created=start,
            due=at("2025-05-10", "17:00"),
            escalation=CaseTask.Escalation.SUPERVISED,
            escalated_at=at("2025-05-12"),
        )
        # in the compartment: 省纪委监委 late on C1 (the convenor's total only)
        self.task(
            rows["c"],
            rows["c1"],
            "省纪委监委",
            "receive",
            created=start,
            due=start + timedelta(days=3),
            finished=start + timedelta(days=5),
        )


@pytest.fixture
def book(world, agencies):
    return Book(world, agencies)


@pytest.fixture
def h1(book):
    return book.h1_2025()


H1 = {"date_from": "2025-01-01", "date_to": "2025-06-30"}


def stats_page(client, user, **query):
    from django.urls import reverse

    client.force_login(user)
    response = client.get(reverse("stats:index"), query)
    assert response.status_code == 200
    return response


def table(response, key):
    """The page's table `key` (comparison, breakdown, funnel, timeliness, steps)."""
    return next(t for t, _charts in response.context["tables"] if t.key == key)


def _labelled(found):
    yield from ((row.label, row) for row in found.rows)
    if found.total is not None:
        yield "TOTAL", found.total
    if found.compartment is not None:
        yield "COMPARTMENT", found.compartment


def grid(found) -> dict:
    """A table as {row label: {column key: value}}; its 合计 line is "TOTAL", its
    纪委监委（合计） line "COMPARTMENT"."""
    return {
        label: {c.key: cell.value for c, cell in zip(found.columns, row.cells, strict=True)}
        for label, row in _labelled(found)
    }


def links(found) -> dict:
    """{row label: {column key: drill-down URL}}, labelled as in grid()."""
    return {
        label: {c.key: cell.url for c, cell in zip(found.columns, row.cells, strict=True)}
        for label, row in _labelled(found)
    }
