"""Every list prints: a 打印 button that the print stylesheet leaves off the paper, with the
menus and filters (xt-no-print)."""

import re

import pytest
from django.urls import reverse

from tests.builders import as_user

LISTS = [
    ("wj_liaison", "cases:index"),
    ("wj_liaison", "cases:inbox"),
    ("wj_liaison", "cases:archive"),
    ("yb_office", "cases:supervision"),
    ("yb_office", "meetings:index"),
    ("yb_office", "meetings:resolutions"),
    ("yb_office", "directory:index"),
    ("yb_office", "documents:index"),
    ("auditor", "audit:index"),
]


@pytest.mark.parametrize("username, name", LISTS)
def test_every_list_offers_print_and_keeps_its_controls_off_the_paper(
    client, world, username, name
):
    as_user(client, username)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    buttons = re.findall(r"<a [^>]*data-print[^>]*>([^<]*)</a>", html)
    assert buttons == ["打印"]
    assert re.search(r'class="[^"]*xt-no-print[^"]*"[^>]*data-print', html)
    main = html[html.index("<main") : html.index("</main>")]  # the top bar is not printed
    for form in re.findall(r"<form [^>]*>", main):
        if 'method="post"' in form or "xt-filters" in form:
            assert "xt-no-print" in form or "xt-filters" in form, form


def test_the_print_stylesheet_hides_the_controls():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/xietong/xietong.css").read_text()
    rule = re.search(r"@media print \{\s*([^{]+)\{\s*display: none", css)
    assert rule and ".xt-no-print" in rule.group(1) and ".xt-filters" in rule.group(1)
