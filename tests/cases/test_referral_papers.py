"""The referral's papers as issued, read back from their PDFs with pdfplumber: the 移送书 to
each receiver (信函格式, composed from the case, speaking to that receiver only) and the 回执.

Expected words are written here from the case as registered, not taken from the code."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import ViolationType
from documents import layout
from tests.builders import open_task
from tests.documents.pdfmeasure import open_pdf, page_text, text_lines

INSTITUTION = "长春市某骨科医院"
CREDIT_CODE = "91110000600037341L"
AMOUNT = Decimal("1234567.89")
FIGURES = "1,234,567.89"
WORDS = "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"
FINDING = "该院将普通耗材串换为高值耗材申报结算"
# a description long enough that the letters run onto a second page
DESCRIPTION = "\n".join(
    [
        f"{FINDING}，涉及参保人员住院病历{n}份，经比对进销存记录和结算明细予以确认。"
        for n in range(30, 44)
    ]
)
RECEIVERS = {  # short name: (channel, words only that receiver's letter holds)
    "省公安厅": ("criminal", ["涉嫌犯罪案件移送书", "立案或者不予立案", "吉林省人民检察院"]),
    "省卫生健康委": ("administrative", ["案件移送函", "医疗机构和医务人员"]),
    "省纪委监委": ("discipline", ["问题线索移送函", "监察法"]),
}


PERIOD = "违规期间：2025年3月1日至2026年1月31日"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
    b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def two_page_pdf() -> bytes:
    """A real PDF of two blank pages (the list gives a PDF's page count)."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def referred(world, agencies):
    violations = list(ViolationType.objects.order_by("pk")[:2])
    case = services.case_register(
        user=world["yb_officer"],
        subjects=[
            {
                "kind": "institution",
                "name": INSTITUTION,
                "credit_code": CREDIT_CODE,
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        files=[
            SimpleUploadedFile("飞检记录.pdf", two_page_pdf(), content_type="application/pdf"),
            SimpleUploadedFile("结算明细.png", PNG, content_type="image/png"),
        ],
        data={
            "title": "某骨科医院涉嫌串换耗材案",
            "source": "flying_inspection",
            "violation_types": violations,
            "suspected_amount": AMOUNT,
            "description": DESCRIPTION,
            "violation_start": date(2025, 3, 1),
            "violation_end": date(2026, 1, 31),
            "confidentiality": "internal",
            "informant": "",
        },
    )
    services.case_decide(
        task=open_task(case, "approve"),
        user=world["yb_leader"],
        decision="refer",
        team=[world["yb_officer"], world["yb_officer2"]],
        referrals=[
            {"to_agency": agencies[name], "channel": channel, "summary": "请依法处理。"}
            for name, (channel, _words) in RECEIVERS.items()
        ],
    )
    return case, [v.name for v in violations]


def pdf_of(document) -> bytes:
    document.pdf.open("rb")
    try:
        return document.pdf.read()
    finally:
        document.pdf.close()


def full_text(data: bytes) -> str:
    return "".join("".join(page_text(p).split()) for p in open_pdf(data).pages)


def body_lines_beside_signature(data: bytes, signature: str, date_text: str) -> int | None:
    """Body lines on a page after the first that carries the date (None: it is on page 1)."""
    pages = open_pdf(data).pages
    for number, page in enumerate(pages, start=1):
        lines = [line.text for line in text_lines(page, size=layout.BODY_PT, colour="#000000")]
        if date_text in lines:
            if number == 1:
                return None
            return len(
                [t for t in lines if t not in (signature, date_text) and not t.startswith("附件")]
            )
    raise AssertionError("no date")


def test_each_receivers_letter_is_a_letter_composed_from_the_case_for_it_only(referred):
    case, violations = referred
    for referral in case.referrals.select_related("to_agency", "from_agency"):
        letter = referral.issued_documents().get(doc_type="referral")
        data = pdf_of(letter)
        text = full_text(data)
        channel, own_words = RECEIVERS[referral.to_agency.short_name]
        assert referral.channel == channel
        # 信函格式: the issuer's name as the mark, no "…文件" red header
        first = "".join(page_text(open_pdf(data).pages[0]).split())
        assert first.startswith(case.agency.name) and "医疗保障局文件" not in first
        assert f"{referral.to_agency.name}：" in text
        for words in [INSTITUTION, CREDIT_CODE, case.number, *violations, FIGURES, WORDS]:
            assert words in text, (referral.to_agency.short_name, words)
        assert "飞行检查" in text and FINDING in text
        assert letter.number in text
        assert "联系人" in text and world_officer_name(case) in text
        for words in own_words:
            assert words in text, (referral.to_agency.short_name, words)
        for other, (_channel, other_words) in RECEIVERS.items():
            if other == referral.to_agency.short_name:
                continue
            for words in other_words:
                if words not in own_words:
                    assert words not in text, (referral.to_agency.short_name, words)
        others = case.referrals.exclude(pk=referral.pk).select_related("to_agency")
        for other in others:
            assert other.to_agency.name not in text
        assert len(open_pdf(data).pages) >= 2  # the sweep below is about something
        lines = body_lines_beside_signature(data, case.agency.name, chinese(letter.issued_at))
        assert lines is None or lines >= 3, (referral.to_agency.short_name, lines)


def world_officer_name(case) -> str:
    return case.registered_by.get_full_name()


def chinese(moment) -> str:
    from django.utils import timezone

    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_receipt_names_the_letter_its_attachments_and_the_day(referred, world):
    case, _violations = referred
    referral = case.referrals.get(to_agency__short_name="省卫生健康委")
    letter = referral.issued_documents().get(doc_type="referral")
    services.referral_receive(
        task=open_task(case, "receive", referral), user=world["wj_liaison"], action="sign"
    )
    receipt = referral.issued_documents().get(doc_type="receipt")
    data = pdf_of(receipt)
    text = full_text(data)
    first = "".join(page_text(open_pdf(data).pages[0]).split())
    assert first.startswith(referral.to_agency.name) and "文件" not in first[:20]
    assert f"{case.agency.name}：" in text
    for words in [
        letter.number,
        letter.title,
        case.number,
        "案件调查报告、证据材料清单、证据材料：飞检记录.pdf",
    ]:
        assert words in text, words
    assert f"已于{chinese(receipt.issued_at)}收到" in text
    assert receipt.number in text


def test_the_case_page_shows_the_leaders_approval_as_the_letters_signing_off(
    client, referred, world
):
    from django.urls import reverse
    from django.utils import timezone

    from tests.builders import as_user, visible_text

    case, _violations = referred
    as_user(client, "yb_officer")
    text = visible_text(client.get(reverse("cases:detail", args=[case.pk])).content.decode())
    leader = world["yb_leader"].get_full_name()
    for referral in case.referrals.all():
        letter = referral.issued_documents().get(doc_type="referral")
        assert letter.issued_by == world["yb_leader"]
        day = timezone.localtime(letter.issued_at)
        assert f"签发): {leader} {day:%Y-%m-%d}" in text or f"签发：{leader} {day:%Y-%m-%d}" in text


def test_the_letter_states_the_period_and_lists_report_list_and_evidence_in_order(referred):
    case, _violations = referred
    for referral in case.referrals.all():
        text = full_text(pdf_of(referral.issued_documents().get(doc_type="referral")))
        assert PERIOD in text
        assert (
            "附件：1．案件调查报告2．证据材料清单3．证据材料：飞检记录.pdf4．证据材料：结算明细.png"
            in text
        ), text[-300:]


def without_page_numbers(text: str) -> str:
    """The text of the pages run together, without their numbers (— 2 —)."""
    import re

    return re.sub(r"—\d+—", "", text)


def test_the_investigation_report_is_composed_from_the_case_and_names_the_team(referred, world):
    case, violations = referred
    team = [world["yb_officer"].get_full_name(), world["yb_officer2"].get_full_name()]
    assert sorted(m.get_full_name() for m in case.team.all()) == sorted(team)
    for referral in case.referrals.select_related("to_agency"):
        letter = referral.issued_documents().get(doc_type="referral")
        report = referral.issued_documents().get(doc_type="investigation")
        assert report.issued_by == world["yb_leader"] and report.sha256
        text = without_page_numbers(full_text(pdf_of(report)))
        assert text.startswith("附件1案件调查报告")
        for words in [INSTITUTION, CREDIT_CODE, case.number, FIGURES, WORDS, *violations, *team]:
            assert words in text, words
        assert PERIOD in text and "飞行检查" in text and FINDING in text
        assert f"办案人员：{'、'.join(team)}" in text
        assert f"建议移送{referral.to_agency.name}依法处理" in text
        assert f"本件为《{letter.title}》（{letter.number}）的附件" in text
        assert report.number not in text  # an attachment prints no number of its own


def test_the_evidence_list_names_each_file_with_its_size_pages_and_sha256(referred, world):
    case, _violations = referred
    referral = case.referrals.get(to_agency__short_name="省公安厅")
    listing = referral.issued_documents().get(doc_type="evidence_list")
    text = without_page_numbers(full_text(pdf_of(listing)))
    assert text.startswith("附件2证据材料清单") and case.number in text
    assert "共2件" in text
    pdf, png = case.evidence.order_by("uploaded_at", "pk")
    assert f"1．飞检记录.pdf（{pdf.size}B，共2页）。SHA-256：{pdf.sha256}" in text
    assert f"2．结算明细.png（{png.size}B）。SHA-256：{png.sha256}" in text
    assert f"{world['yb_officer'].get_full_name()}于" in text
