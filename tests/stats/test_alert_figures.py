"""The statistics page shows the 应移未移 alerts the reader may see: by state, overdue and by
rule, each number opening the alert list; another unit's alerts are not counted."""

import re

import pytest
from django.urls import reverse

from monitor.models import Alert
from monitor.services import alert_request_explanation, monitor_run
from tests.builders import make_closed_case, visible_text

pytestmark = pytest.mark.django_db


def counters(client, user):
    client.force_login(user)
    response = client.get(reverse("stats:index"))
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('id="xt-stats-alerts"', 1)[1].split("</section>", 1)[0]
    found = {}
    for href, number, label in re.findall(
        r'<a class="xt-counter[^"]*" href="([^"]*)"><span class="xt-counter__n">(\d+)</span>'
        r'<span class="xt-counter__label">([^<]*)</span>',
        section,
    ):
        found[visible_text(label)] = (int(number), href)
    return found, section


def test_the_procuratorate_sees_its_alerts_by_state(client, world):
    # three closed cases of 省医保局 at or above the ¥3,000 figure, none referred: the amount
    # rule fires once each (one also has 盗刷医保卡: the fraud rule fires on it too)
    make_closed_case(world, amount="50000.00", violation_types=["card_misuse"])
    make_closed_case(world, amount="8000.00")
    make_closed_case(world, amount="2999.99")  # below the figure: no alert
    make_closed_case(world, amount="12000.00")
    monitor_run()
    assert Alert.objects.count() == 4  # 3 amount + 1 fraud type, worked out above
    one = Alert.objects.order_by("pk").first()
    alert_request_explanation(alert=one, user=world["jcy_leader"], text="请说明未移送的理由。")

    found, section = counters(client, world["jcy_liaison"])
    assert found["全部预警"][0] == 4
    assert found["待处理"][0] == 3  # open: 4 raised, 1 asked to explain
    list_url = reverse("monitor:index")
    assert found["全部预警"][1] == f"{list_url}?"
    # every number opens the alert list with its filter
    assert all(href.startswith(f"{list_url}?") for _n, href in found.values())
    # the rules' table counts the amount rule thrice
    assert re.search(r">\s*3\s*</td>", section)


def test_another_unit_counts_none_of_them(client, world):
    make_closed_case(world, amount="50000.00")
    monitor_run()
    assert Alert.objects.count() == 1
    found, _section = counters(client, world["sj_liaison"])
    assert found["全部预警"][0] == 0
