"""Every official document the demo world issued, measured on its PDF: the format its type asks
(文件格式 with the "…文件" red mark, 信函格式 with the issuer's name between double red rules,
纪要格式), its number on the first page, no page carrying only a line or two besides the
signature (GB/T 9704 §7.4.1), and for referral letters the case's facts by text extraction."""

import re
from decimal import Decimal

import pytest

from cases.models import Referral
from documents import layout
from documents.models import IssuedDocument
from documents.types import TYPES
from tests.documents.pdfmeasure import chars_coloured, mm, open_pdf, rules, text_lines

pytestmark = pytest.mark.django_db

PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
# three body lines and the signature block's two (issuer, date) at the least
FEWEST_LINES = 5


def measured(document):
    with document.pdf.open("rb") as handle:
        data = handle.read()
    pdf = open_pdf(data)
    pages = []
    for page in pdf.pages:
        lines = [line.text for line in text_lines(page) if not PAGE_NUMBER.match(line.text)]
        pages.append((page, lines))
    return pdf, pages


def grouped(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def test_every_issued_document_has_its_format_its_number_and_no_orphan_page(demo_world):
    documents = list(IssuedDocument.objects.select_related("agency").order_by("pk"))
    kinds = {d.doc_type for d in documents}
    assert {"notice", "referral", "receipt", "minutes"} <= kinds
    failures = []
    for document in documents:
        kind = TYPES[document.doc_type]
        pdf, pages = measured(document)
        first, first_lines = pages[0]
        red_text = "".join(c["text"] for c in chars_coloured(first, layout.RED))
        flat_first = "".join(first_lines).replace(" ", "")
        problems = []
        if kind.layout == "attachment":
            # an attachment (附件N) prints no number of its own: it names its letter's
            if not flat_first.startswith("附件"):
                problems.append("no 附件 mark")
        elif document.number.replace(" ", "") not in flat_first:
            problems.append("number not on page 1")
        if kind.layout == "letter":
            upper = [r for r in rules(first, colour=layout.RED) if mm(r["top"]) < 100]
            if len(upper) < 2:
                problems.append("no double red rule of a letter")
            if "文件" in red_text:
                problems.append("a letter with the 文件 mark")
        elif kind.layout == "standard" and not red_text.startswith(document.agency.name):
            problems.append(f"red mark {red_text[:30]!r}")
        if kind.layout == "standard" and kind.mark_suffix not in red_text:
            problems.append("a 文件-format document without the 文件 mark")
        thin = [i + 1 for i, (_page, lines) in enumerate(pages) if len(lines) < FEWEST_LINES]
        if thin:
            problems.append(f"pages {thin} hold fewer than {FEWEST_LINES} lines")
        if problems:
            failures.append((document.number, document.doc_type, problems))
    assert not failures, failures


def test_every_referral_letter_names_the_case_and_speaks_to_its_receiver_only(demo_world):
    referrals = Referral.objects.select_related("case", "to_agency").order_by("pk")
    letters = 0
    for referral in referrals:
        case = referral.case
        others = {
            r.to_agency.name
            for r in case.referrals.select_related("to_agency")
            # the letter's own sender and copied procuratorate are named in it, rightly
            if r.to_agency_id not in (referral.to_agency_id, referral.from_agency_id)
            and r.to_agency_id != referral.copy_to_id
        }
        for document in referral.issued_documents().filter(doc_type="referral"):
            _pdf, pages = measured(document)
            text = "".join("".join(lines) for _page, lines in pages).replace(" ", "")
            assert case.number in text, document.number
            assert referral.to_agency.name in text, document.number
            for subject in case.subjects.all():
                assert subject.name.replace(" ", "") in text, (document.number, subject.name)
            for violation in case.violation_types.all():
                assert violation.name in text, (document.number, violation.name)
            assert grouped(case.suspected_amount) in text, document.number
            for name in others:
                assert name not in text, (document.number, name)
            # the leader's summary is typed once for every receiver: never in a letter
            if len(referral.summary) > 6:
                assert referral.summary.replace(" ", "")[:30] not in text, document.number
            letters += 1
    assert letters >= 20
