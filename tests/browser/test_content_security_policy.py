"""The pages work under their Content-Security-Policy: the browser refuses nothing on them,
the process chart is still drawn (its styles come from our stylesheet), and the language
switch still submits (its behaviour comes from our script, not an inline handler)."""

from decimal import Decimal

import pytest

from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def a_case(world):
    from cases import services

    return services.case_register(
        user=world["yb_officer"],
        subjects=[],
        files=[],
        data={
            "title": "长春市某医院涉嫌分解住院案",
            "source": "flying_inspection",
            "violation_types": [],
            "suspected_amount": Decimal("52000.00"),
            "description": "飞行检查发现分解住院。",
            "confidentiality": "internal",
            "informant": "",
        },
    )


def test_no_page_breaks_its_content_security_policy(page, world, a_case):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, "yb_officer")
    for url in (
        "/",
        "/cases/",
        "/cases/inbox/",
        "/cases/new/",
        f"/cases/{a_case.pk}/",
        "/meetings/",
        "/meetings/calendar/",
        "/documents/",
        "/documents/new/",
        "/directory/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # the chart's task boxes are outlined by the stylesheet that replaced viewflow's <style>
    page.goto(f"/cases/{a_case.pk}/")
    stroke = page.eval_on_selector(".xt-chart rect.task", "el => getComputedStyle(el).stroke")
    assert stroke == "rgb(0, 0, 0)"
    # a link followed through Turbo, not a fresh load
    page.locator("a[href='/cases/']").first.click()
    page.wait_for_load_state("networkidle")
    # the language switch submits from our script
    page.select_option("#xt-lang-select", "en")
    page.wait_for_selector("html[lang=en]")
    page.context.clear_cookies()
    sign_in(page, "admin")
    for url in ("/audit/", "/admin/", "/admin/agencies/user/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert refused == []
