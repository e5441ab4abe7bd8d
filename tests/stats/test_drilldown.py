"""A number opens the case ledger with the rows behind it — and only rows the reader may see:
another unit following the same link finds none of the cases hidden from it."""

import pytest

from tests.stats.conftest import H1, links, stats_page, table

pytestmark = pytest.mark.django_db


def ledger_rows(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    assert not list(response.context["messages"]), url  # the filters were understood
    return list(response.context["page"].paginator.object_list)


def test_a_count_opens_exactly_its_rows(client, world, agencies, h1):
    office = world["yb_office"]
    found = table(stats_page(client, office, dimension="agency", **H1), "breakdown")
    urls = links(found)
    # 省公安厅 received A1; 省卫生健康委 reported its result on A2; 省医保局 sent A1, A2, B1
    (row,) = ledger_rows(client, office, urls["省公安厅"]["referred"])
    assert row.referral == h1["a1"]
    (row,) = ledger_rows(client, office, urls["省卫生健康委"]["results"])
    assert row.referral == h1["a2"]
    sent = ledger_rows(client, office, urls["省医保局"]["referred_out"])
    assert {r.referral for r in sent} == {h1["a1"], h1["a2"], h1["b1"]}
    filed = ledger_rows(client, office, urls["TOTAL"]["filed"])
    assert [r.referral for r in filed] == [h1["a1"]]


def test_the_funnel_opens_the_referrals_that_reached_a_step(client, world, h1):
    office = world["yb_office"]
    urls = links(table(stats_page(client, office, **H1), "funnel"))
    accepted = ledger_rows(client, office, urls["TOTAL"]["accepted"])
    assert {r.referral for r in accepted} == {h1["a1"], h1["a2"]}
    signed = ledger_rows(client, office, urls["行政协作"]["signed"])
    assert {r.referral for r in signed} == {h1["a2"], h1["b1"]}


def test_another_units_drill_down_lists_no_case_it_may_not_see(client, world, book, h1):
    """Every link of the convenor's page, followed by 省公安厅 (party to A1 and E1 only) and by
    the 省医保局 officer (not party to C1, the compartment): no hidden case shows."""
    book.deadlines_may_2025(h1)
    convenor = world["yb_convenor"]
    urls = set()
    for dimension in ("agency", "period", "source", "channel", "outcome"):
        response = stats_page(client, convenor, dimension=dimension, **H1)
        for found, _charts in response.context["tables"]:
            for row in links(found).values():
                urls |= {url for url in row.values() if url}
    assert len(urls) > 40
    visible_to = {
        "ga_liaison": {h1["a"].pk, h1["e"].pk},
        "scjg_liaison": {h1["b"].pk},
    }
    for username, cases in visible_to.items():
        for url in urls:
            rows = ledger_rows(client, world[username], url)
            assert {r.case.pk for r in rows} <= cases, (username, url)
    officer = world["yb_officer"]
    for url in urls:
        rows = ledger_rows(client, officer, url)
        assert h1["c1"] not in {r.referral for r in rows}, url


def test_the_compartment_total_opens_nothing_for_the_convenor(client, world, h1):
    convenor = world["yb_convenor"]
    urls = links(table(stats_page(client, convenor, dimension="agency", **H1), "breakdown"))
    assert "channel=discipline" in urls["COMPARTMENT"]["referred"]
    assert ledger_rows(client, convenor, urls["COMPARTMENT"]["referred"]) == []
    # the auditor, who reads every case (logged), finds C1 behind the same number
    (row,) = ledger_rows(client, world["auditor"], urls["COMPARTMENT"]["referred"])
    assert row.referral == h1["c1"]


MAY = {"date_from": "2025-05-01", "date_to": "2025-05-31"}


def test_a_deadline_count_opens_the_rows_holding_those_steps(client, world, book, h1):
    """Book.deadlines_may_2025: 省公安厅's steps are all on A1 (five receipts, two of them
    late, and an open decision past its deadline under 督办); 省卫生健康委's one on-time receipt
    is on A2."""
    book.deadlines_may_2025(h1)
    office = world["yb_office"]
    urls = links(table(stats_page(client, office, **MAY), "timeliness"))
    for column in ("on_time", "late", "overdue", "supervised"):
        rows = ledger_rows(client, office, urls["省公安厅"][column])
        assert [r.referral for r in rows] == [h1["a1"]], column
    (row,) = ledger_rows(client, office, urls["省卫生健康委"]["on_time"])
    assert row.referral == h1["a2"]
    assert ledger_rows(client, office, urls["省卫生健康委"]["late"]) == []
    # the total: A1's late steps; 纪委监委's late receipt on C1 is not the office's to see
    assert [r.referral for r in ledger_rows(client, office, urls["TOTAL"]["late"])] == [h1["a1"]]

    steps = links(table(stats_page(client, office, **MAY), "steps"))
    # receipts done in May: five on A1, one on A2; the decision is still open
    done = ledger_rows(client, office, steps["签收"]["done"])
    assert {r.referral for r in done} == {h1["a1"], h1["a2"]}
    assert ledger_rows(client, office, steps["受理决定"]["done"]) == []
    (late,) = ledger_rows(client, office, steps["受理决定"]["late"])
    assert late.referral == h1["a1"]


def test_a_deadline_outside_the_period_is_not_opened(client, world, book, h1):
    book.deadlines_may_2025(h1)
    office = world["yb_office"]
    urls = links(
        table(
            stats_page(client, office, date_from="2025-06-01", date_to="2025-06-30"), "timeliness"
        )
    )
    # in June nothing fell due: no row has a step done late with its deadline in June; the
    # decision open past its deadline is overdue now, whatever the period
    assert ledger_rows(client, office, urls["TOTAL"]["late"]) == []
    (row,) = ledger_rows(client, office, urls["TOTAL"]["overdue"])
    assert row.referral == h1["a1"]
