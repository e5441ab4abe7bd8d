"""The statistics page and its charts: filters in the URL, bad input, the query budget, and
the SVG each chart URL serves."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from stats.selectors import default_filters
from tests.builders import HUGE_ID
from tests.stats.conftest import H1, stats_page, table

pytestmark = pytest.mark.django_db

CHARTS = ("comparison", "breakdown", "money", "funnel", "timeliness", "steps")


def test_the_default_is_the_last_twelve_months_by_month(client, world, h1):
    response = stats_page(client, world["yb_office"])
    assert response.context["filters"] == default_filters()
    page = response.content.decode()
    for name in CHARTS:
        assert f'src="{reverse("stats:chart", args=[name])}"' in page


def test_the_filters_travel_to_the_charts(client, world, h1):
    response = stats_page(client, world["yb_office"], dimension="source", **H1)
    page = response.content.decode()
    assert f"{reverse('stats:chart', args=['money'])}?dimension=source&amp;date_from=" in page


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2025-13-01"},
        {"date_from": "1900-01-01"},
        {"date_to": "2999-01-01"},
        {"date_from": "2025-06-01", "date_to": "2025-01-01"},
        {"agency": HUGE_ID},
        {"agency": "abc"},
        {"violation": "-1"},
        {"agency": "999999"},
        {"kind": "decade"},
        {"dimension": "<script>alert(1)</script>"},
        {"level": "planet"},
        {"channel": "x" * 5000},
    ],
)
def test_bad_filters_say_so_and_show_the_unfiltered_figures(client, world, h1, query):
    response = stats_page(client, world["yb_office"], **query)
    assert response.context["filters"] == default_filters()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "<script>alert(1)" not in response.content.decode()
    chart = client.get(reverse("stats:chart", args=["breakdown"]), query)
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")


def test_a_range_too_long_for_one_table(client, world, settings, h1):
    from datetime import date

    settings.XIETONG_SYSTEM_START = date(2015, 1, 1)
    response = stats_page(client, world["yb_office"], kind="month", date_from="2015-01-01")
    assert response.context["filters"] == default_filters()
    assert response.context["form"].non_field_errors()
    # by year the same range is fine
    response = stats_page(client, world["yb_office"], kind="year", date_from="2015-01-01")
    assert response.context["filters"].date_from == date(2015, 1, 1)


def test_a_range_starts_on_the_first_day_of_its_period(client, world, h1):
    response = stats_page(
        client, world["yb_office"], kind="quarter", date_from="2025-02-15", date_to="2025-06-30"
    )
    assert str(response.context["filters"].date_from) == "2025-01-01"


@pytest.mark.parametrize("dimension", ["agency", "period", "violation", "outcome"])
def test_the_page_costs_the_same_queries_for_few_rows_or_many(
    client, world, book, dimension, monkeypatch, django_assert_max_num_queries
):
    from workflow import selectors as calendar_selectors

    # the holiday banner's coverage is cached for a minute: not while this test counts
    monkeypatch.setattr(calendar_selectors, "_clock", lambda: 0.0)
    client.force_login(world["yb_office"])
    client.get(reverse("stats:index"))  # the session, the banner's cache
    counts = []
    for _round in range(2):
        book.deadlines_may_2025(book.h1_2025())
        with django_assert_max_num_queries(40) as captured:
            response = client.get(reverse("stats:index"), {"dimension": dimension, **H1})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert table(response, "breakdown").total.cells[0].value > 0


@pytest.mark.parametrize("name", CHARTS)
def test_a_chart_is_an_svg_without_script(client, world, book, h1, name):
    book.deadlines_may_2025(h1)
    client.force_login(world["yb_office"])
    response = client.get(reverse("stats:chart", args=[name]), {"dimension": "agency", **H1})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy and "frame-ancestors 'none'" in policy
    assert response["Cache-Control"] == "private, no-store" or set(
        response["Cache-Control"].replace(" ", "").split(",")
    ) == {"private", "no-store"}
    svg = response.content.decode()
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own output, and well-formed
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script" not in svg.lower() and "javascript:" not in svg.lower()
    for element in root.iter():
        for attribute, value in element.attrib.items():
            if attribute.endswith("href"):
                assert value.startswith("#"), (attribute, value)
    assert "url(http" not in svg and "@import" not in svg  # nothing fetched by the styles
    assert '"Noto Sans CJK SC"' in svg


def test_a_chart_carries_chinese_labels(client, world, h1):
    client.force_login(world["yb_office"])
    svg = client.get(
        reverse("stats:chart", args=["breakdown"]), {"dimension": "agency", **H1}
    ).content.decode()
    assert "省公安厅" in svg and "省医保局" in svg
    svg = client.get(reverse("stats:chart", args=["funnel"]), H1).content.decode()
    assert "行刑衔接" in svg


def test_an_unknown_chart_is_not_found(client, world):
    client.force_login(world["yb_office"])
    assert client.get(reverse("stats:chart", args=["nothing"])).status_code == 404


def test_every_number_links_to_the_ledger(client, world, book, h1):
    book.deadlines_may_2025(h1)
    response = stats_page(client, world["yb_convenor"], dimension="agency", **H1)
    ledger = reverse("cases:ledger")
    for found, _charts in response.context["tables"]:
        for row in [*found.rows, found.total, found.compartment]:
            for column, cell in zip(found.columns, row.cells if row else [], strict=False):
                if column.kind in ("count", "money") and cell.value is not None:
                    assert cell.url and cell.url.startswith(f"{ledger}?"), (found.key, row.label)


@pytest.mark.parametrize(
    "dimension", ["period", "agency", "level", "source", "violation", "channel", "outcome"]
)
def test_every_dimension_with_every_filter(client, world, agencies, book, h1, dimension):
    from cases.models import ViolationType

    book.deadlines_may_2025(h1)
    fictitious = ViolationType.objects.get(code="fictitious_services").pk
    narrowing = [
        {"agency": agencies["省公安厅"].pk},
        {"level": "province"},
        {"source": "flying_inspection"},
        {"violation": fictitious},
        {"channel": "criminal"},
    ]
    for user in ("yb_convenor", "ga_liaison", "jw_liaison"):
        for query in narrowing:
            response = stats_page(
                client, world[user], dimension=dimension, kind="quarter", **H1, **query
            )
            assert not list(response.context["messages"]), (user, query)
            breakdown = table(response, "breakdown")
            assert breakdown.compartment is None  # never a slice of the compartment
            for row in breakdown.rows:  # no group holds more than the total
                for cell, total in zip(row.cells, breakdown.total.cells, strict=True):
                    if dimension not in ("violation", "outcome") and cell.value is not None:
                        assert cell.value <= total.value, (user, query, row.label)
