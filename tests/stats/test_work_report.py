"""The 情况通报 takes its figures from the statistics: the office's view (across the units,
no 纪委监委 compartment), with the change on the same period a year earlier."""

from datetime import date
from decimal import Decimal

import pytest

from meetings.papers import work_report_content
from meetings.services import work_report_figures
from tests.builders import joint_body

pytestmark = pytest.mark.django_db


def test_the_work_reports_figures_are_the_statistics(world, h1):
    figures = work_report_figures(date(2025, 1, 1), date(2025, 6, 30))
    assert figures["registered"] == 5 and figures["referrals"] == 3  # C1 left out
    assert figures["recovered"] == Decimal("100000.50")
    assert figures["fines"] == Decimal("40001.00")
    assert figures["per_agency"] == [
        {
            "to_agency__name": "吉林省公安厅",
            "sent": 1,
            "finished": 1,
            "recovered": Decimal("80000.00"),
            "fines": Decimal("0.00"),
        },
        {
            "to_agency__name": "吉林省卫生健康委员会",
            "sent": 1,
            "finished": 1,
            "recovered": Decimal("20000.50"),
            "fines": Decimal("40001.00"),
        },
        {
            "to_agency__name": "吉林省市场监督管理厅",
            "sent": 1,
            "finished": 0,
            "recovered": Decimal("0.00"),
            "fines": Decimal("0.00"),
        },
    ]
    # H1 2024: E registered, E1 sent, nothing recovered
    assert figures["year_ago"] == {"registered": 1, "referred": 1, "recovered": Decimal("0.00")}


def test_the_work_report_says_the_change_on_last_year(world, h1):
    body = joint_body()
    start, end = date(2025, 1, 1), date(2025, 6, 30)
    content = work_report_content(body, start, end, work_report_figures(start, end))
    assert "共登记医保基金监管案件线索5件，共移送医保基金监管案件线索3件" in content.body
    assert "追回医保基金100000.50元，罚款40001.00元" in content.body
    assert "与去年同期相比，登记线索增长400.0%，移送线索增长200.0%。" in content.body
    assert "吉林省公安厅：接收1件，办结1件，追回80000.00元，罚款0.00元。" in content.body
    assert "纪委" not in content.body


def test_the_drafted_report_carries_the_charts_into_its_pdf(world, h1):
    import base64
    import io

    import pdfplumber

    from documents.rendering import render_pdf
    from documents.services import dispatch_content
    from meetings.services import work_report_draft

    joint_body()
    dispatch = work_report_draft(
        user=world["yb_office"], start=date(2025, 1, 1), end=date(2025, 6, 30)
    )
    assert [f["title"] for f in dispatch.figures] == [
        "图1　各单位线索登记、移送和办理情况",
        "图2　各单位涉案金额、追回金额和罚款",
        "图3　移送办理进度",
    ]
    for figure in dispatch.figures:
        svg = base64.b64decode(figure["src"].split(",", 1)[1]).decode()
        assert svg.startswith("<svg") and "<script" not in svg
    pdf = pdfplumber.open(io.BytesIO(render_pdf(dispatch_content(dispatch))))
    text = "".join(page.extract_text() or "" for page in pdf.pages).replace("\n", "")
    assert "图1" in text and "图3" in text
    # the charts' legends, drawn as text in the PDF (the body never says them)
    assert "已受理或立案" in text and "接收移送" in text
    assert "纪委" not in text


def test_a_correction_of_the_report_keeps_its_charts(world, h1):
    from documents.services import dispatch_start_correction
    from meetings.services import work_report_draft
    from tests.documents.signoff import issue

    joint_body()
    dispatch = work_report_draft(
        user=world["yb_office"], start=date(2025, 1, 1), end=date(2025, 6, 30)
    )
    document = issue(dispatch)
    correction = dispatch_start_correction(
        document=document, user=world["yb_office"], reason="更正一处数字。"
    )
    assert correction.figures == dispatch.figures and len(correction.figures) == 3
