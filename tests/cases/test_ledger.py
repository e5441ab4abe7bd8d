"""The case ledger (案件台账): who sees which rows, the filters, the 合计, and the export that
holds exactly the rows and columns on screen. Expected figures are the amounts this file
registers, summed here."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from audit.models import AuditEvent, ChainHead
from cases import ledger_views, services
from cases.models import Case, ViolationType
from tests.builders import refer, visible_text

pytestmark = pytest.mark.django_db

AMOUNTS = {
    "甲医院虚构医疗服务案": Decimal("1234567.89"),
    "乙药店串换药品案": Decimal("45600.10"),
    "丙诊所挂床住院案": Decimal("8800.00"),
    "丁经办人员违规支付案": Decimal("300000.00"),
}


def register(officer, title, violation="fictitious_services"):
    return services.case_register(
        user=officer,
        subjects=[
            {
                "kind": "insured",
                "name": f"{title[:1]}某",
                "id_number": "220102199003071235",
                "credit_code": "",
                "institution_class": "",
                "note": "",
            }
        ],
        files=[],
        data={
            "title": title,
            "source": "routine",
            "violation_types": list(ViolationType.objects.filter(code=violation)),
            "suspected_amount": AMOUNTS[title],
            "description": "日常监管发现。",
            "confidentiality": "internal",
            "informant": "",
        },
    )


@pytest.fixture
def book(world, agencies):
    """Four cases of 省医保局: one referred to 公安 and 卫健 (一案多查), one to 市场监管, one to
    纪委监委, one still awaiting approval (an in-house row)."""
    officer, leader = world["yb_officer"], world["yb_leader"]
    a = register(officer, "甲医院虚构医疗服务案")
    refer(a, leader, {agencies["省公安厅"]: "criminal", agencies["省卫生健康委"]: "administrative"})
    b = register(officer, "乙药店串换药品案", "pharmacy_swap")
    refer(b, leader, {agencies["省市场监管厅"]: "administrative"})
    c = register(officer, "丁经办人员违规支付案")
    refer(c, leader, {agencies["省纪委监委"]: "discipline"})
    d = register(officer, "丙诊所挂床住院案")
    return {"a": a, "b": b, "c": c, "d": d}


def rows_of(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("cases:ledger"), query)
    assert response.status_code == 200
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [visible_text(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(cells) > 1:
            rows.append(cells)
    return response, rows


def test_each_unit_sees_the_rows_it_is_party_to(client, world, book):
    _r, officer_rows = rows_of(client, world["yb_officer"])
    titles = sorted(row[1] for row in officer_rows)
    # the officer does not see the 纪委监委 branch (the compartment): that case is an in-house
    # row of its own agency, without the hidden referral's facts
    assert titles == sorted(
        [
            "甲医院虚构医疗服务案",
            "甲医院虚构医疗服务案",
            "乙药店串换药品案",
            "丁经办人员违规支付案",
            "丙诊所挂床住院案",
        ]
    )
    hidden = next(r for r in officer_rows if r[1] == "丁经办人员违规支付案")
    assert "省纪委监委" not in " ".join(hidden)

    _r, police_rows = rows_of(client, world["ga_liaison"])
    assert [(r[1], r[9]) for r in police_rows] == [("甲医院虚构医疗服务案", "省公安厅")]
    _r, health_rows = rows_of(client, world["wj_liaison"])
    assert [(r[1], r[9]) for r in health_rows] == [("甲医院虚构医疗服务案", "省卫生健康委")]
    _r, discipline_rows = rows_of(client, world["jw_liaison"])
    assert [r[1] for r in discipline_rows] == ["丁经办人员违规支付案"]
    _r, auditor_rows = rows_of(client, world["auditor"])
    assert len(auditor_rows) == 5  # 甲×2, 乙, 丁 (to 纪委监委), 丙 (in-house)
    # ID numbers are masked in every unit's ledger
    assert all("220102199003071235" not in " ".join(r) for r in officer_rows + auditor_rows)


def test_the_total_is_of_every_matching_row(client, world, book):
    response, rows = rows_of(client, world["yb_officer"], channel="administrative")
    expected = AMOUNTS["甲医院虚构医疗服务案"] + AMOUNTS["乙药店串换药品案"]
    assert sorted(r[1] for r in rows) == ["乙药店串换药品案", "甲医院虚构医疗服务案"]
    footer = visible_text(response.content.decode().split("<tfoot>", 1)[1])
    assert f"{expected:,.2f}" in footer


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"channel": "criminal"}, ["甲医院虚构医疗服务案"]),
        ({"channel": "in_house"}, ["丁经办人员违规支付案", "丙诊所挂床住院案"]),
        (
            {"amount_min": "10000", "amount_max": "300000"},
            ["乙药店串换药品案", "丁经办人员违规支付案"],
        ),
        ({"q": "乙药店"}, ["乙药店串换药品案"]),
        ({"status": "awaiting_approval"}, ["丙诊所挂床住院案"]),
        ({"status": "sent"}, ["乙药店串换药品案", "甲医院虚构医疗服务案", "甲医院虚构医疗服务案"]),
    ],
)
def test_filters(client, world, book, query, titles):
    _r, rows = rows_of(client, world["yb_officer"], **query)
    assert sorted(r[1] for r in rows) == sorted(titles)


def test_the_violation_filter(client, world, book):
    swap = ViolationType.objects.get(code="pharmacy_swap")
    _r, rows = rows_of(client, world["yb_officer"], violation=swap.pk)
    assert [r[1] for r in rows] == ["乙药店串换药品案"]


@pytest.mark.parametrize(
    "query",
    [
        {"amount_min": "abc"},
        {"date_from": "2026-13-01"},
        {"violation": "99999999999999999999"},
        {"amount_min": "5", "amount_max": "1"},
        {"date_from": "2026-05-01", "date_to": "2026-01-01"},
        {"status": "nonsense"},
    ],
)
def test_bad_filters_say_so_and_show_the_unfiltered_ledger(client, world, book, query):
    response, rows = rows_of(client, world["yb_officer"], **query)
    assert len(rows) == 5
    assert "筛选条件" in visible_text(response.content.decode())


def test_the_xlsx_export_is_the_screen(client, world, book):
    _r, screen = rows_of(client, world["yb_officer"], channel="administrative")
    before = ChainHead.objects.get().seq
    response = client.get(
        reverse("cases:ledger_export", args=["xlsx"]), {"channel": "administrative"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "案件台账" in rows[0][0] and "行政协作" in rows[1][0]
    header, data, total = rows[2], rows[3:-1], rows[-1]
    assert list(header) == [
        visible_text(h) for h in re.findall(r"<th>(.*?)</th>", _r.content.decode())
    ]
    assert len(data) == len(screen)
    for exported, shown in zip(
        sorted(data, key=lambda r: (r[0], r[9])),
        sorted(screen, key=lambda r: (r[0], r[9])),
        strict=True,
    ):
        for value, text in zip(exported, shown, strict=True):
            if isinstance(value, float | int) and not isinstance(value, bool):
                if "." in text or "," in text:
                    assert f"{Decimal(str(value)):,.2f}" == text
                else:
                    assert str(value) == text
            elif hasattr(value, "strftime"):
                assert value.strftime("%Y-%m-%d") == text
            else:
                assert (value or "—") == text
    amounts = sheet["G"]
    assert amounts[3].number_format == "#,##0.00"
    assert total[0] == "合计" or total[0].startswith("合计")
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:")
    assert sheet.page_setup.orientation == "landscape"
    (event,) = AuditEvent.objects.filter(seq__gt=before, action="case.ledger_exported")
    assert event.data["count"] == 2 and event.data["filters"]["channel"] == "administrative"


def test_the_csv_export_carries_a_bom_and_a_total(client, world, book):
    client.force_login(world["yb_officer"])
    raw = b"".join(
        client.get(
            reverse("cases:ledger_export", args=["csv"]), {"channel": "criminal"}
        ).streaming_content
    )
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[3][1] == "甲医院虚构医疗服务案"
    assert rows[-1][6] == f"{AMOUNTS['甲医院虚构医疗服务案']:.2f}"


def test_an_outsider_exports_nothing_of_others(client, world, book, agencies):
    client.force_login(world["scjg_liaison"])  # 省市场监管厅: party to 乙 only
    raw = b"".join(client.get(reverse("cases:ledger_export", args=["csv"])).streaming_content)
    text = raw.decode("utf-8-sig")
    assert "乙药店串换药品案" in text
    for other in ("甲医院虚构医疗服务案", "丁经办人员违规支付案", "丙诊所挂床住院案"):
        assert other not in text


def test_an_export_over_the_cap_is_refused(client, world, book, monkeypatch):
    monkeypatch.setattr(ledger_views, "EXPORT_ROW_CAP", 2)
    client.force_login(world["yb_officer"])
    response = client.get(reverse("cases:ledger_export", args=["xlsx"]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="case.ledger_exported").exists()


def test_the_ledger_costs_the_same_queries_for_few_rows_or_many(
    client, world, agencies, django_assert_max_num_queries
):
    officer, leader = world["yb_officer"], world["yb_leader"]
    counts = []
    for n in (1, 6):
        while Case.objects.count() < n:
            case = register(officer, "甲医院虚构医疗服务案")
            refer(case, leader, {agencies["省公安厅"]: "criminal"})
        client.force_login(officer)
        with django_assert_max_num_queries(40) as captured:
            client.get(reverse("cases:ledger"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_xlsx_opens_in_libreoffice_with_the_rows_on_screen(client, world, book, tmp_path):
    """A real spreadsheet program reads the file: LibreOffice converts it to CSV, whose rows
    are the screen's (money grouped to two decimals, dates as dates, the 合计 computed)."""
    import shutil
    import subprocess

    from tests.conftest import skip_or_fail

    soffice = shutil.which("soffice")
    if soffice is None:
        skip_or_fail(
            "spreadsheet", "needs LibreOffice Calc (apt-get install libreoffice-calc-nogui)"
        )
    _r, screen = rows_of(client, world["yb_officer"], channel="administrative")
    response = client.get(
        reverse("cases:ledger_export", args=["xlsx"]), {"channel": "administrative"}
    )
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(b"".join(response.streaming_content))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(tmp_path / "ledger.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    data, total = rows[3:-1], rows[-1]
    assert len(data) == len(screen) == 2
    key = lambda r: (r[0], r[9])  # noqa: E731 - case number and receiver
    assert sorted(data, key=key) == sorted(
        ([text if text != "—" else "" for text in row] for row in screen), key=key
    )
    expected = AMOUNTS["甲医院虚构医疗服务案"] + AMOUNTS["乙药店串换药品案"]
    assert total[6] == f"{expected:,.2f}"


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        # amounts registered above: 甲 1,234,567.89 (two referrals), 丁 300,000, 乙 45,600.10,
        # 丙 8,800
        (
            "-amount",
            ["甲医院虚构医疗服务案"] * 2
            + ["丁经办人员违规支付案", "乙药店串换药品案", "丙诊所挂床住院案"],
        ),
        # registered in the order 甲, 乙, 丁, 丙
        (
            "registered",
            ["甲医院虚构医疗服务案"] * 2
            + ["乙药店串换药品案", "丁经办人员违规支付案", "丙诊所挂床住院案"],
        ),
        (
            "-registered",
            ["丙诊所挂床住院案", "丁经办人员违规支付案", "乙药店串换药品案"]
            + ["甲医院虚构医疗服务案"] * 2,
        ),
    ],
)
def test_pages_walk_every_row_once_in_the_order_asked(
    client, world, book, monkeypatch, sort, titles
):
    monkeypatch.setattr(ledger_views, "PAGE_SIZE", 2)
    seen = []
    for page in (1, 2, 3):
        _r, rows = rows_of(client, world["yb_officer"], sort=sort, page=page)
        assert len(rows) == (2 if page < 3 else 1)
        seen += [(r[1], r[9]) for r in rows]
    assert [title for title, _to in seen] == titles
    assert len(set(seen)) == 5  # 甲's two rows are its two receivers: no row twice


def test_the_outcome_filter_reads_each_referrals_outcomes(client, world, book):
    from cases.models import Referral

    # set by hand (the result step is walked elsewhere): 公安's referral has two outcomes
    police = Referral.objects.get(case=book["a"], to_agency__short_name="省公安厅")
    police.outcomes = ["criminal_filing", "funds_recovered"]
    police.save(update_fields=["outcomes"])
    _r, rows = rows_of(client, world["yb_officer"], outcome="funds_recovered")
    assert [(r[1], r[9]) for r in rows] == [("甲医院虚构医疗服务案", "省公安厅")]
    _r, rows = rows_of(client, world["yb_officer"], outcome="admin_penalty")
    assert rows == []
    # an outcome is a receiver's: with "handled in-house" nothing can match
    _r, rows = rows_of(client, world["yb_officer"], outcome="funds_recovered", channel="in_house")
    assert rows == []
