"""Who sees which statistics (stats.access.stats_scope): each unit its own rows, the office,
the convenor and auditors across the units, and the 纪委监委 compartment — broken down for the
commission only, one line of totals for the convenor and auditors, nothing for anyone else."""

from decimal import Decimal

import pytest
from django.urls import reverse

from stats.access import Compartment, stats_scope
from tests.stats.conftest import H1, grid, stats_page, table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "across", "compartment"),
    [
        ("yb_office", True, Compartment.HIDDEN),
        ("yb_convenor", True, Compartment.TOTAL),
        ("auditor", True, Compartment.TOTAL),
        ("yb_officer", False, Compartment.HIDDEN),
        ("yb_leader", False, Compartment.HIDDEN),
        ("ga_liaison", False, Compartment.HIDDEN),
        ("jw_liaison", False, Compartment.OWN),
        ("jw_leader", False, Compartment.OWN),
    ],
)
def test_the_scope_of_each_role(world, username, across, compartment):
    scope = stats_scope(world[username])
    assert (scope.across_units, scope.compartment) == (across, compartment)


@pytest.mark.parametrize("username", ["jcy_deputy", "root"])
def test_who_works_on_no_case_has_no_statistics(client, world, sysadmin, username):
    user = sysadmin if username == "root" else world[username]
    assert stats_scope(user) is None
    client.force_login(user)
    assert client.get(reverse("stats:index")).status_code == 403
    assert client.get(reverse("stats:chart", args=["breakdown"])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    for url in (reverse("stats:index"), reverse("stats:chart", args=["funnel"])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_get(client, world):
    client.force_login(world["yb_office"])
    assert client.post(reverse("stats:index")).status_code == 405
    assert client.post(reverse("stats:chart", args=["funnel"])).status_code == 405


def test_the_menu_and_the_home_page_offer_statistics(client, world):
    client.force_login(world["yb_office"])
    assert reverse("stats:index") in client.get(reverse("index")).content.decode()
    client.force_login(world["jcy_deputy"])
    assert reverse("stats:index") not in client.get(reverse("index")).content.decode()


def test_a_unit_sees_the_figures_of_its_own_rows(client, world, h1):
    # 省公安厅 is party to A1 (received) and E1 (2024): its H1 figures are A and A1 only
    rows = grid(
        table(stats_page(client, world["ga_liaison"], dimension="agency", **H1), "breakdown")
    )
    assert set(rows) == {"省医保局", "省公安厅", "TOTAL"}
    assert rows["省医保局"]["registered"] == 1 and rows["省医保局"]["referred_out"] == 1
    assert rows["省公安厅"]["recovered"] == Decimal("80000.00")
    assert rows["TOTAL"]["registered"] == 1 and rows["TOTAL"]["referred"] == 1
    # 长春市医保局 sees its in-house case D only
    rows = grid(
        table(stats_page(client, world["ccyb_officer"], dimension="agency", **H1), "breakdown")
    )
    assert set(rows) == {"长春市医保局", "TOTAL"}
    assert rows["TOTAL"]["registered"] == 1 and rows["TOTAL"]["referred"] == 0


def test_the_referring_leader_sees_no_compartment_figure(client, world, h1):
    # the 省医保局 leader reads C1 in the ledger, but no statistic counts it
    for username in ("yb_leader", "yb_officer", "yb_office"):
        response = stats_page(client, world[username], dimension="channel", **H1)
        rows = grid(table(response, "breakdown"))
        assert "行纪移送" not in rows and rows["TOTAL"]["referred"] == 3, username
        assert grid(table(response, "funnel"))["TOTAL"]["sent"] == 3
        assert "纪委监委" not in response.content.decode(), username


def test_the_convenor_and_auditors_see_the_compartment_as_one_total(client, world, h1, book):
    book.deadlines_may_2025(h1)
    for username in ("yb_convenor", "auditor"):
        response = stats_page(client, world[username], dimension="agency", **H1)
        rows = grid(table(response, "breakdown"))
        assert "省纪委监委" not in rows
        assert rows["COMPARTMENT"] == {
            "registered": 0,
            "suspected": Decimal("0.00"),
            "referred_out": 1,
            "referred": 1,
            "signed": 1,
            "filed": 0,
            "results": 0,
            "recovered": Decimal("0.00"),
            "fines": Decimal("0.00"),
        }
        assert rows["TOTAL"]["referred"] == 3  # the breakdown's total leaves it out
        assert grid(table(response, "funnel"))["COMPARTMENT"] == {
            "sent": 1,
            "signed": 1,
            "accepted": 1,
            "result": 0,
            "rate": Decimal("0.0"),
        }
        timeliness = grid(table(response, "timeliness"))
        assert "省纪委监委" not in timeliness
        assert timeliness["COMPARTMENT"]["late"] == 1
        assert "纪委监委（合计）" in response.content.decode()
        # broken down by period or channel, still one line of totals
        for dimension in ("period", "channel", "source"):
            found = table(
                stats_page(client, world[username], dimension=dimension, **H1), "breakdown"
            )
            assert "行纪移送" not in grid(found)
            assert grid(found)["COMPARTMENT"]["referred"] == 1


def test_a_slice_of_the_compartment_is_never_shown(client, world, h1):
    # a total of a slice (one source, one agency…) would be a breakdown: the line goes
    found = table(
        stats_page(client, world["yb_convenor"], dimension="agency", source="routine", **H1),
        "breakdown",
    )
    assert found.compartment is None


def test_the_office_sees_no_compartment_figure(client, world, h1, book):
    book.deadlines_may_2025(h1)
    response = stats_page(client, world["yb_office"], dimension="agency", **H1)
    for key in ("breakdown", "funnel", "timeliness"):
        assert table(response, key).compartment is None
    assert "纪委监委" not in response.content.decode()
    assert "省纪委监委" not in grid(table(response, "timeliness"))


def test_the_commission_sees_its_own_rows_broken_down(client, world, h1):
    response = stats_page(client, world["jw_liaison"], dimension="channel", **H1)
    rows = grid(table(response, "breakdown"))
    assert rows["行纪移送"]["referred"] == 1 and rows["行纪移送"]["signed"] == 1
    assert set(rows) == {"行纪移送", "TOTAL"}
    agency = grid(
        table(stats_page(client, world["jw_liaison"], dimension="agency", **H1), "breakdown")
    )
    assert agency["省纪委监委"]["referred"] == 1
    assert agency["省医保局"]["registered"] == 1  # case C, the one it received
    assert agency["TOTAL"]["suspected"] == Decimal("300000.00")
