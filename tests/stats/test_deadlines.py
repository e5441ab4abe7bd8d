"""Deadlines kept (按时率), overdue and 督办 counts, and the days each step took (median and
90th percentile), on steps with known durations (Book.deadlines_may_2025)."""

from decimal import Decimal

import pytest

from stats.selectors import percentile
from tests.stats.conftest import grid, stats_page, table

pytestmark = pytest.mark.django_db

MAY = {"date_from": "2025-05-01", "date_to": "2025-05-31"}


def test_on_time_by_agency(client, world, book, h1):
    book.deadlines_may_2025(h1)
    rows = grid(table(stats_page(client, world["yb_office"], **MAY), "timeliness"))
    # 省公安厅: received in 1, 2, 3 days (on time: 3 allowed), 4 and 10 (late); one decision
    # open past its deadline (late, overdue now, under 督办)
    assert rows == {
        "省公安厅": {
            "on_time": 3,
            "late": 3,
            "rate": Decimal("50.0"),
            "pending": 0,
            "overdue": 1,
            "supervised": 1,
        },
        "省卫生健康委": {
            "on_time": 1,
            "late": 0,
            "rate": Decimal("100.0"),
            "pending": 0,
            "overdue": 0,
            "supervised": 0,
        },
        "TOTAL": {
            "on_time": 4,
            "late": 3,
            "rate": Decimal("57.1"),  # 4 of 7
            "pending": 0,
            "overdue": 1,
            "supervised": 1,
        },
    }


def test_days_per_step(client, world, book, h1):
    book.deadlines_may_2025(h1)
    found = table(stats_page(client, world["yb_office"], **MAY), "steps")
    rows = {row.key: row for row in found.rows}
    assert list(rows) == ["receive", "decide"]  # in the order of the flow
    values = {
        key: {c.key: cell.value for c, cell in zip(found.columns, row.cells, strict=True)}
        for key, row in rows.items()
    }
    # receive: 0.5, 1, 2, 3, 4 and 10 days — median (2 + 3) / 2, the 90th percentile the 6th of 6
    assert values["receive"] == {
        "on_time": 4,
        "late": 2,
        "rate": Decimal("66.7"),
        "pending": 0,
        "overdue": 0,
        "supervised": 0,
        "median": Decimal("2.5"),
        "p90": Decimal("10.0"),
        "done": 6,
    }
    assert values["decide"] == {
        "on_time": 0,
        "late": 1,
        "rate": Decimal("0.0"),
        "pending": 0,
        "overdue": 1,
        "supervised": 1,
        "median": None,
        "p90": None,
        "done": 0,
    }


def test_a_unit_counts_only_the_steps_of_its_rows(client, world, book, h1):
    book.deadlines_may_2025(h1)
    # 省卫生健康委 is party to A2 only: its own step, none of 省公安厅's on A1
    rows = grid(table(stats_page(client, world["wj_liaison"], **MAY), "timeliness"))
    assert set(rows) == {"省卫生健康委", "TOTAL"}
    assert rows["TOTAL"]["on_time"] == 1
    # the 纪委监委 sees its late step on C1
    rows = grid(table(stats_page(client, world["jw_liaison"], **MAY), "timeliness"))
    assert rows["省纪委监委"]["late"] == 1 and rows["TOTAL"]["late"] == 1


def test_the_nearest_rank_percentile():
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([7.5], 0.9) == 7.5
    assert percentile([3, 1, 2], 0.5) == 2
    assert percentile([], 0.9) is None
