"""GB/T 9704 7.4.1: no page carries the signature block (署名, 成文日期, 印章) with fewer than
three body lines — when it would stand alone the last body lines move with it — and so "此页
无正文" is never needed. Bodies are swept so that they end all over the foot of page 1."""

import pytest

from documents import layout
from documents.rendering import render_pdf
from tests.documents.conftest import (
    IDEOGRAPHS,
    ideographs,
    make_content,
    make_letter,
    paragraph_of_lines,
)
from tests.documents.pdfmeasure import open_pdf, text_lines

IDEOGRAPH_SET = set(IDEOGRAPHS)
MIN_BODY_LINES = 3


def body_lines_beside_the_signature(data: bytes, content) -> tuple[int, int]:
    """(pages, body lines on the page that carries the date) of a rendered document."""
    pdf = open_pdf(data)
    for page in pdf.pages:
        lines = text_lines(page, size=layout.BODY_PT, colour="#000000")
        if any(line.text == content.date_text for line in lines):
            body = [
                line
                for line in lines
                if set(line.text) <= IDEOGRAPH_SET and line.text != content.signature
            ]
            return len(pdf.pages), len(body)
    raise AssertionError("no page carries the date")


def one_line_paragraphs(count: int) -> str:
    return "\n".join(ideographs(20, i * 20) for i in range(count))


BODIES = {
    # many one-line paragraphs: no single paragraph can carry three lines over by itself
    **{f"{n} one-line paragraphs": one_line_paragraphs(n) for n in range(8, 20)},
    # a long paragraph then a one-line closing one
    **{
        f"{n}-line paragraph and a one-line close": paragraph_of_lines(n) + "\n" + ideographs(12)
        for n in range(9, 17)
    },
    # one paragraph of n lines
    **{f"one {n}-line paragraph": paragraph_of_lines(n) for n in (10, 12, 13, 14, 15, 16)},
}


@pytest.mark.parametrize("which", sorted(BODIES))
@pytest.mark.parametrize("make", [make_letter, make_content], ids=["letter", "standard"])
def test_the_signature_block_never_stands_with_fewer_than_three_body_lines(which, make):
    content = make(body=BODIES[which], attachments=[], note="", copy_to="", printed_by="")
    pages, lines = body_lines_beside_the_signature(render_pdf(content), content)
    assert pages == 1 or lines >= MIN_BODY_LINES, (which, pages, lines)
