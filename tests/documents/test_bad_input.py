"""Whatever people type, rendering gives a correct PDF and never raises."""

import re
import unicodedata

import pytest

from documents import layout
from documents.content import Attachment, clean_text
from documents.rendering import render_html, render_pdf
from tests.documents.conftest import (
    END_MARKER,
    ideographs,
    make_content,
    make_letter,
    make_minutes,
)
from tests.documents.pdfmeasure import open_pdf, page_text, text_lines

ONE_LINE_FIELDS = [
    "issuer_mark",
    "number",
    "title",
    "recipients",
    "signature",
    "seal_text",
    "note",
    "copy_to",
    "printed_by",
    "attendees",
    "absentees",
    "observers",
    "copy_number",
]
CONTROLS = "\x00\x07\x1b\x7f\x85\u200b\u200e\u202e\u2066\u2060\ufeff"
MARKUP = '<b>粗</b><img src="x.png"><style>p{color:red}</style></p><script>alert(1)</script>&amp;'
LEFT, RIGHT = layout.MARGIN_LEFT_MM, layout.MARGIN_LEFT_MM + layout.TYPE_WIDTH_MM
TOP, BOTTOM = layout.MARGIN_TOP_MM, layout.MARGIN_TOP_MM + layout.TYPE_HEIGHT_MM


def flat(text: str) -> str:
    return "".join(text.split())


PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$", re.MULTILINE)


def pdf_text(data: bytes) -> str:
    """The text of all pages, without the page numbers between them."""
    return PAGE_NUMBER.sub("", "\n".join(page_text(page) for page in open_pdf(data).pages))


def assert_correct_pdf(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    assert text.strip()
    invisible = [
        c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
    ]
    assert not invisible, [hex(ord(c)) for c in invisible]
    return text


def assert_inside_the_page(data: bytes):
    """No text runs out of the type area sideways or off the page (0.2 mm: a line that fills a
    table cell may end a rounding error past its edge)."""
    for page in open_pdf(data).pages:
        for line in text_lines(page):
            assert line.x0 >= LEFT - 0.2 and line.x1 <= RIGHT + 0.2, line
            assert line.bottom <= 297, line


def test_an_over_long_title_wraps_inside_the_type_area():
    title = ideographs(300)
    data = render_pdf(make_content(title=title))
    text = assert_correct_pdf(data)
    assert title in flat(text)
    assert_inside_the_page(data)
    title_lines = [
        line for page in open_pdf(data).pages for line in text_lines(page, size=layout.TITLE_PT)
    ]
    # wrapped into 20-character lines of 2号, kept together (here on a page of its own)
    assert len(title_lines) == 15
    assert all(len(line.chars) == 20 for line in title_lines)
    assert len({line.chars[0]["page_number"] for line in title_lines}) == 1


@pytest.mark.parametrize("builder", [make_content, make_letter, make_minutes])
def test_every_one_line_field_over_long(builder):
    fields = {name: f"{name}：" + ideographs(100, i * 7) for i, name in enumerate(ONE_LINE_FIELDS)}
    fields["attachments"] = [Attachment(ideographs(100))]
    content = builder(**fields)
    data = render_pdf(content)
    text = flat(assert_correct_pdf(data))
    for name in ("title", "recipients", "note", "copy_to"):
        assert flat(getattr(content, name)) in text, name
    assert_inside_the_page(data)


@pytest.mark.parametrize("builder", [make_content, make_letter, make_minutes])
def test_an_empty_body(builder):
    content = builder(body="")
    assert content.paragraphs == []
    data = render_pdf(content)
    text = assert_correct_pdf(data)
    assert content.title in flat(text)
    assert content.date_text in flat(text)


def test_whitespace_only_body():
    data = render_pdf(make_content(body=" \n\u3000\n\t\r\n"))
    assert make_content().title in flat(assert_correct_pdf(data))


@pytest.mark.parametrize("builder", [make_content, make_letter, make_minutes])
def test_control_characters_in_every_field(builder):
    fields = {name: f"{CONTROLS}{name}{CONTROLS}甲{CONTROLS}" for name in ONE_LINE_FIELDS}
    fields["body"] = f"{CONTROLS}正文{CONTROLS}第一段\n{CONTROLS}\n第二段{CONTROLS}"
    fields["attachments"] = [Attachment(f"{CONTROLS}附件{CONTROLS}"), Attachment(CONTROLS)]
    content = builder(**fields)
    html = render_html(content)
    assert not [c for c in CONTROLS if c in html]
    text = flat(assert_correct_pdf(render_pdf(content)))
    assert "正文第一段" in text and "第二段" in text
    assert "附件：附件" in text  # the attachment that was nothing but control characters is gone
    for name in ("title", "recipients", "signature", "note", "copy_to"):
        assert f"{name}甲" in text, name


def test_clean_text_removes_invisible_and_direction_controls():
    assert clean_text("甲\u202e乙\u2066丙\u2060丁\x00戊\u200b己\ufeff") == "甲乙丙丁戊己"
    assert clean_text("第一行\r\n第二行\r第三行") == "第一行\n第二行\n第三行"


def test_a_single_10000_character_paragraph():
    body = ideographs(10_000 - len(END_MARKER)) + END_MARKER
    content = make_content(body=body, attachments=[], note="")
    data = render_pdf(content)
    text = assert_correct_pdf(data)
    pdf = open_pdf(data)
    assert len(pdf.pages) >= 15
    assert body in flat(text)
    # the signature block still follows the paragraph's last line, on its page
    last = pdf.pages[-1]
    lines = [line.text for line in text_lines(last, size=layout.BODY_PT, colour="#000000")]
    assert any(line.endswith(END_MARKER) for line in lines)
    assert content.date_text in lines
    assert_inside_the_page(data)


@pytest.mark.parametrize("builder", [make_content, make_minutes])  # letters: test_fetcher
def test_markup_in_every_field_is_printed_literally(builder):
    fields = {name: f"{name}{MARKUP}" for name in ONE_LINE_FIELDS}
    fields["body"] = f"正文{MARKUP}\n一、{MARKUP}"
    fields["attachments"] = [Attachment(f"附件{MARKUP}")]
    content = builder(**fields)
    html = render_html(content)
    assert "<script" not in html and "<b>" not in html and "<style>p" not in html
    text = flat(assert_correct_pdf(render_pdf(content)))
    for name in ("title", "recipients", "signature", "note", "copy_to"):
        assert f"{name}{flat(MARKUP)}" in text, name
    assert f"正文{flat(MARKUP)}" in text
    assert f"一、{flat(MARKUP)}" in text
