"""Every figure of the statistics page against the book (tests/stats/conftest.py), worked
out by hand from its rows — never by the selectors."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import ViolationType
from tests.stats.conftest import H1, at, grid, stats_page, table

pytestmark = pytest.mark.django_db

D = Decimal


def by_key(found) -> dict:
    """{row key: {column key: value}} (periods, levels, sources… by their codes)."""
    return {
        row.key: {c.key: cell.value for c, cell in zip(found.columns, row.cells, strict=True)}
        for row in found.rows
    }


NOTHING = {
    "registered": 0,
    "suspected": D("0.00"),
    "referred": 0,
    "signed": 0,
    "filed": 0,
    "results": 0,
    "recovered": D("0.00"),
    "fines": D("0.00"),
}


def test_by_agency_for_the_office(client, world, h1):
    # registered: 省医保局 A, B, C, F; 长春市医保局 D. Referrals sent by 省医保局: A1, A2, B1
    # (C1 to 省纪委监委 is in the compartment: the office sees nothing of it)
    found = table(stats_page(client, world["yb_office"], dimension="agency", **H1), "breakdown")
    rows = grid(found)
    assert set(rows) == {
        "省医保局",
        "省公安厅",
        "省卫生健康委",
        "省市场监管厅",
        "长春市医保局",
        "TOTAL",
    }
    assert rows["省医保局"] == {
        **NOTHING,
        "registered": 4,
        "suspected": D("446600.10"),  # 100,000.00 + 45,600.10 + 300,000.00 + 1,000.00
        "referred_out": 3,
    }
    assert rows["长春市医保局"] == {
        **NOTHING,
        "registered": 1,
        "suspected": D("8800.00"),
        "referred_out": 0,
    }
    assert rows["省公安厅"] == {
        **NOTHING,
        "referred_out": 0,
        "referred": 1,
        "signed": 1,
        "filed": 1,
        "results": 1,
        "recovered": D("80000.00"),
    }
    assert rows["省卫生健康委"] == {
        **NOTHING,
        "referred_out": 0,
        "referred": 1,
        "signed": 1,
        "results": 1,
        "recovered": D("20000.50"),
        "fines": D("40001.00"),
    }
    assert rows["省市场监管厅"] == {**NOTHING, "referred_out": 0, "referred": 1, "signed": 1}
    assert rows["TOTAL"] == {
        "registered": 5,
        "suspected": D("455400.10"),
        "referred_out": 3,
        "referred": 3,
        "signed": 3,
        "filed": 1,
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }
    assert found.compartment is None


def test_by_month(client, world, h1):
    found = table(
        stats_page(client, world["yb_office"], dimension="period", kind="month", **H1),
        "breakdown",
    )
    rows = by_key(found)
    assert list(rows) == [date(2025, m, 1) for m in range(1, 7)]
    assert rows[date(2025, 1, 1)] == NOTHING == rows[date(2025, 2, 1)]
    # March: A and F (registered 23:30 on the 31st, Shanghai time); A1, A2 sent and signed,
    # A1 filed
    assert rows[date(2025, 3, 1)] == {
        **NOTHING,
        "registered": 2,
        "suspected": D("101000.00"),
        "referred": 2,
        "signed": 2,
        "filed": 1,
    }
    # April: B, C, D; B1 sent and signed (C1 is the compartment's)
    assert rows[date(2025, 4, 1)] == {
        **NOTHING,
        "registered": 3,
        "suspected": D("354400.10"),
        "referred": 1,
        "signed": 1,
    }
    assert rows[date(2025, 5, 1)] == {
        **NOTHING,
        "results": 1,
        "recovered": D("20000.50"),
        "fines": D("40001.00"),
    }
    assert rows[date(2025, 6, 1)] == {**NOTHING, "results": 1, "recovered": D("80000.00")}
    assert grid(found)["TOTAL"] == {
        "registered": 5,
        "suspected": D("455400.10"),
        "referred": 3,
        "signed": 3,
        "filed": 1,
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }


def test_by_quarter_and_year(client, world, h1):
    quarters = by_key(
        table(
            stats_page(client, world["yb_office"], dimension="period", kind="quarter", **H1),
            "breakdown",
        )
    )
    assert quarters[date(2025, 1, 1)]["registered"] == 2
    assert quarters[date(2025, 4, 1)]["registered"] == 3
    assert quarters[date(2025, 4, 1)]["results"] == 2
    years = by_key(
        table(
            stats_page(
                client,
                world["yb_office"],
                dimension="period",
                kind="year",
                date_from="2024-01-01",
                date_to="2025-12-31",
            ),
            "breakdown",
        )
    )
    # 2024: E and E1 (省公安厅 → 省医保局)
    assert years[date(2024, 1, 1)] == {
        **NOTHING,
        "registered": 1,
        "suspected": D("5000.00"),
        "referred": 1,
    }
    assert years[date(2025, 1, 1)]["registered"] == 5


def test_a_period_is_a_day_in_shanghai(client, world, book, h1):
    # 00:30 on 1 July in Shanghai is still 30 June in UTC
    book.case("省医保局", at("2025-07-01", "00:30"), "routine", "700.00")
    rows = by_key(
        table(
            stats_page(
                client,
                world["yb_office"],
                dimension="period",
                date_from="2025-06-01",
                date_to="2025-07-31",
            ),
            "breakdown",
        )
    )
    assert rows[date(2025, 6, 1)]["registered"] == 0
    assert rows[date(2025, 7, 1)]["registered"] == 1


def test_by_level_source_violation_channel(client, world, h1):
    office = world["yb_office"]
    level = by_key(table(stats_page(client, office, dimension="level", **H1), "breakdown"))
    assert level["province"] == {
        "registered": 4,
        "suspected": D("446600.10"),
        "referred": 3,
        "signed": 3,
        "filed": 1,
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }
    assert level["city"] == {**NOTHING, "registered": 1, "suspected": D("8800.00")}

    source = by_key(table(stats_page(client, office, dimension="source", **H1), "breakdown"))
    assert source["flying_inspection"] == {
        "registered": 1,
        "suspected": D("100000.00"),
        "referred": 2,
        "signed": 2,
        "filed": 1,
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }
    assert source["routine"] == {**NOTHING, "registered": 2, "suspected": D("301000.00")}
    assert source["complaint"] == {
        **NOTHING,
        "registered": 2,
        "suspected": D("54400.10"),
        "referred": 1,
        "signed": 1,
    }

    violation = table(stats_page(client, office, dimension="violation", **H1), "breakdown")
    rows = by_key(violation)
    fictitious = ViolationType.objects.get(code="fictitious_services").pk
    swap = ViolationType.objects.get(code="pharmacy_swap").pk
    assert set(rows) == {fictitious, swap}
    assert rows[fictitious] == {
        "registered": 2,  # A and C
        "suspected": D("400000.00"),
        "referred": 2,
        "signed": 2,
        "filed": 1,
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }
    assert rows[swap] == {
        **NOTHING,
        "registered": 1,
        "suspected": D("45600.10"),
        "referred": 1,
        "signed": 1,
    }
    assert grid(violation)["TOTAL"]["registered"] == 5  # D and F have no violation type

    channel = table(stats_page(client, office, dimension="channel", **H1), "breakdown")
    rows = by_key(channel)
    assert set(rows) == {"criminal", "administrative"}
    assert rows["criminal"] == {
        "referred": 1,
        "signed": 1,
        "filed": 1,
        "results": 1,
        "recovered": D("80000.00"),
        "fines": D("0.00"),
    }
    assert rows["administrative"] == {
        "referred": 2,
        "signed": 2,
        "filed": 0,
        "results": 1,
        "recovered": D("20000.50"),
        "fines": D("40001.00"),
    }


def test_by_outcome(client, world, h1):
    found = table(stats_page(client, world["yb_office"], dimension="outcome", **H1), "breakdown")
    rows = by_key(found)
    assert rows == {
        "criminal_filing": {"results": 1, "recovered": D("80000.00"), "fines": D("0.00")},
        "admin_penalty": {"results": 1, "recovered": D("20000.50"), "fines": D("40001.00")},
        "funds_recovered": {"results": 1, "recovered": D("80000.00"), "fines": D("0.00")},
    }
    # A1 has two outcomes: it is one result in the total
    assert grid(found)["TOTAL"] == {
        "results": 2,
        "recovered": D("100000.50"),
        "fines": D("40001.00"),
    }


def test_the_filters_narrow_every_figure(client, world, agencies, h1):
    office = world["yb_office"]
    rows = grid(
        table(stats_page(client, office, dimension="agency", source="complaint", **H1), "breakdown")
    )
    assert rows["TOTAL"]["registered"] == 2 and rows["TOTAL"]["referred"] == 1
    rows = grid(
        table(
            stats_page(
                client, office, dimension="channel", agency=agencies["省卫生健康委"].pk, **H1
            ),
            "breakdown",
        )
    )
    assert set(rows) == {"行政协作", "TOTAL"}
    assert rows["TOTAL"]["recovered"] == D("20000.50")


def test_the_comparison_with_the_previous_period_and_last_year(client, world, h1):
    found = table(stats_page(client, world["yb_office"], kind="quarter", **H1), "comparison")
    rows = by_key(found)
    # this period: Q2 2025; previous: Q1 2025; last year: Q2 2024 (E and E1); the range: H1
    assert rows["registered"] == {
        "latest": 3,
        "previous": 2,
        "mom": D("50.0"),
        "year_ago": 1,
        "yoy": D("200.0"),
        "range": 5,
        "range_year_ago": 1,
        "range_yoy": D("400.0"),
    }
    assert rows["suspected"] == {
        "latest": D("354400.10"),
        "previous": D("101000.00"),
        "mom": D("250.9"),  # 253,400.10 / 101,000.00
        "year_ago": D("5000.00"),
        "yoy": D("6988.0"),
        "range": D("455400.10"),
        "range_year_ago": D("5000.00"),
        "range_yoy": D("9008.0"),
    }
    assert rows["referred"] == {
        "latest": 1,
        "previous": 2,
        "mom": D("-50.0"),
        "year_ago": 1,
        "yoy": D("0.0"),
        "range": 3,
        "range_year_ago": 1,
        "range_yoy": D("200.0"),
    }
    assert rows["results"]["latest"] == 2
    assert rows["results"]["previous"] == 0 and rows["results"]["mom"] is None
    assert rows["recovered"]["latest"] == D("100000.50")
    assert rows["fines"]["range"] == D("40001.00")


def test_the_referral_funnel(client, world, h1):
    rows = grid(table(stats_page(client, world["yb_office"], **H1), "funnel"))
    # criminal A1: signed, filed, result; administrative A2 (accepted, result) and B1 (signed)
    assert rows == {
        "行刑衔接": {"sent": 1, "signed": 1, "accepted": 1, "result": 1, "rate": D("100.0")},
        "行政协作": {"sent": 2, "signed": 2, "accepted": 1, "result": 1, "rate": D("50.0")},
        "TOTAL": {"sent": 3, "signed": 3, "accepted": 2, "result": 2, "rate": D("66.7")},
    }


def test_money_is_exact_to_the_fen(client, world, book, h1):
    for amount in ("0.10", "0.20", "0.30"):
        case = book.case("省医保局", at("2025-06-10"), "routine", amount)
        book.referral(
            case,
            "省卫生健康委",
            "administrative",
            at("2025-06-11"),
            finished_at=at("2025-06-12"),
            status="result_reported",
            outcomes=["funds_recovered"],
            recovered=Decimal(amount),
        )
    rows = grid(
        table(stats_page(client, world["yb_office"], dimension="agency", **H1), "breakdown")
    )
    assert rows["省医保局"]["suspected"] == D("446600.70")
    assert rows["省卫生健康委"]["recovered"] == D("20001.10")
    assert isinstance(rows["TOTAL"]["recovered"], Decimal)
