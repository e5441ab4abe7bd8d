"""GB/T 9704-2012 layout, measured on real PDFs.

Every figure comes from documents/layout.py; the PDFs are laid out by WeasyPrint with the open
fonts Debian ships, and measured with pdfplumber (positions), pypdf (fonts, metadata) and
fontTools (glyph coverage). Tolerances are ±1 mm unless GB/T 9704 or the brief says otherwise.
"""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from documents import layout
from documents.rendering import render_pdf, render_pdfs
from tests.documents.conftest import (
    END_MARKER,
    IDEOGRAPHS,
    RARE_CHARS,
    REALISTIC_BODY,
    make_content,
    make_letter,
    make_minutes,
    paragraph_of_lines,
    pure_cjk_body,
)
from tests.documents.pdfmeasure import (
    SUBSET_TAG,
    chars_coloured,
    embedded_fonts,
    font_file_for,
    font_has_char,
    mm,
    open_pdf,
    page_text,
    rules,
    same_colour,
    seal_rings,
    text_lines,
)

TOP = layout.MARGIN_TOP_MM  # 37
LEFT = layout.MARGIN_LEFT_MM  # 28
RIGHT = LEFT + layout.TYPE_WIDTH_MM  # 184
BOTTOM = TOP + layout.TYPE_HEIGHT_MM  # 262
CENTRE_X = LEFT + layout.TYPE_WIDTH_MM / 2  # 106
BODY_PT, SMALL_PT = layout.BODY_PT, layout.SMALL_PT
SMALL_CHAR = SMALL_PT * layout.MM_PER_PT  # one 4号 character, 4.94 mm
NOMINAL_PITCH = layout.TYPE_WIDTH_MM / layout.CHARS_PER_LINE  # 156/28 mm
IDEOGRAPH_SET = set(IDEOGRAPHS)
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]"
SPACE_IN_CJK = re.compile(rf"(?<={CJK})[ \u3000]+(?={CJK})")

# Paragraph lengths (ideographs) of the long pure-CJK body: short and long paragraphs, some
# ending exactly at a line end (26 = one full first line, 54 = two full lines).
CJK_PARAGRAPHS = [120, 340, 75, 26, 500, 210, 54, 38, 260, 430, 90, 160, 310, 64, 220]


# --- documents, rendered once per module ----------------------------------------------------


@pytest.fixture(scope="module")
def cjk_content():
    content = make_content(
        body=pure_cjk_body(CJK_PARAGRAPHS), attachments=[], note="", recipients="各成员单位"
    )
    # the signature must not pass for a body line (every body line is made of IDEOGRAPHS)
    assert not set(content.signature) <= IDEOGRAPH_SET
    return content


@pytest.fixture(scope="module")
def cjk_pdf(cjk_content):
    return render_pdf(cjk_content)


@pytest.fixture(scope="module")
def realistic_content():
    return make_content(body="\n".join([REALISTIC_BODY] * 5))


@pytest.fixture(scope="module")
def realistic_pdfs(realistic_content):
    """The plain PDF and the PDF/A-2b copy, from one layout."""
    return render_pdfs(realistic_content)


@pytest.fixture(scope="module")
def realistic_pdf(realistic_pdfs):
    return realistic_pdfs[0]


@pytest.fixture(scope="module")
def letter_pdf():
    return render_pdf(make_letter(body=paragraph_of_lines(30)))


@pytest.fixture(scope="module")
def minutes_content():
    return make_minutes(body=REALISTIC_BODY)


@pytest.fixture(scope="module")
def minutes_pdf(minutes_content):
    return render_pdf(minutes_content)


def body_lines(data: bytes) -> list[tuple[int, object]]:
    """(page number, line) of every pure-ideograph 3号 line, in reading order."""
    found = []
    for number, page in enumerate(open_pdf(data).pages, start=1):
        for line in text_lines(page, size=BODY_PT, colour="#000000"):
            if set(line.text) <= IDEOGRAPH_SET:
                found.append((number, line))
    return found


def without_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- page and type area -----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["cjk_pdf", "realistic_pdf", "letter_pdf", "minutes_pdf"])
def test_every_page_is_a4(request, which):
    pdf = open_pdf(request.getfixturevalue(which))
    assert len(pdf.pages) >= 2
    for page in pdf.pages:
        assert mm(page.width) == pytest.approx(210, abs=1)
        assert mm(page.height) == pytest.approx(297, abs=1)
        assert page.width == pytest.approx(595.28, abs=0.5)
        assert page.height == pytest.approx(841.89, abs=0.5)


def test_body_text_starts_at_the_binding_margin_and_full_lines_end_inside_the_type_area(cjk_pdf):
    lines = [line for _page, line in body_lines(cjk_pdf)]
    assert len(lines) > 60
    indented = [line for line in lines if line.x0 > LEFT + 5]
    flush = [line for line in lines if line.x0 <= LEFT + 5]
    assert indented and flush
    for line in flush:
        assert line.x0 == pytest.approx(LEFT, abs=1), line
    for line in indented:  # first lines: indented by two characters
        assert line.x0 == pytest.approx(LEFT + 2 * NOMINAL_PITCH, abs=1), line
    full = [line for line in lines if len(line.chars) == layout.CHARS_PER_LINE]
    assert len(full) > 40
    for line in full:
        assert line.x1 <= RIGHT + 0.005, line  # the 28th character's em box ends inside
        assert line.x1 >= RIGHT - 1, line


def test_every_line_is_inside_the_type_area(cjk_pdf, realistic_pdf, minutes_pdf):
    for data in (cjk_pdf, realistic_pdf, minutes_pdf):
        for page in open_pdf(data).pages:
            for line in text_lines(page):
                if PAGE_NUMBER.match(line.text):
                    continue
                assert line.top >= TOP - 0.01, line
                assert line.bottom <= BOTTOM + 0.01, line
                assert line.x0 >= LEFT - 0.01, line
                assert line.x1 <= RIGHT + 0.01, line


def test_continuation_pages_start_at_the_top_of_the_type_area(cjk_pdf):
    half_leading = (layout.LINE_PITCH_MM - BODY_PT * layout.MM_PER_PT) / 2
    first_lines = {}
    for number, line in body_lines(cjk_pdf):
        first_lines.setdefault(number, line)
    assert len(first_lines) >= 4
    for number, line in first_lines.items():
        if number == 1:
            continue
        # the first line box starts at the type area's top edge; its characters one half-leading
        # below it
        assert line.top == pytest.approx(TOP + half_leading, abs=0.5), (number, line)


def test_a_full_body_line_holds_28_characters(cjk_pdf, cjk_content):
    lines = [line for _page, line in body_lines(cjk_pdf)]
    # the extracted lines are exactly the body, character for character
    assert "".join(line.text for line in lines) == cjk_content.body.replace("\n", "")
    starts = [line.x0 > LEFT + 5 for line in lines]
    assert sum(starts) == len(CJK_PARAGRAPHS)
    checked = 0
    for i, line in enumerate(lines):
        is_first = starts[i]
        is_last = i == len(lines) - 1 or starts[i + 1]
        if is_first and not is_last:
            assert len(line.chars) == layout.CHARS_PER_LINE - 2, line
        elif not is_first and not is_last:
            assert len(line.chars) == layout.CHARS_PER_LINE, line
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("which", ["cjk_pdf", "realistic_pdf"])
def test_a_full_page_holds_22_lines_on_a_regular_grid(request, which):
    """Middle pages of long documents: 22 lines, one line pitch apart, whatever the font.

    The realistic body has 黑体 and 楷体 headings and rare name characters drawn from the
    fallback font: none of them may push a line off the grid.
    """
    pdf = open_pdf(request.getfixturevalue(which))
    assert len(pdf.pages) >= 4
    for page in pdf.pages[1:-2]:  # not the first page, nor the last two (the tail may move on)
        lines = text_lines(page, size=BODY_PT, colour="#000000")
        assert len(lines) == layout.LINES_PER_PAGE, (page.page_number, lines)
        gaps = [b.baseline - a.baseline for a, b in zip(lines, lines[1:], strict=False)]
        for gap in gaps:
            assert gap == pytest.approx(layout.LINE_PITCH_MM, abs=0.05), (page.page_number, gaps)
        assert lines[-1].bottom <= BOTTOM


def test_the_first_page_body_is_on_the_same_grid_and_filled_to_its_last_line(cjk_pdf):
    """After the 版头 the first page's lines are the type area's grid lines, down to the 22nd."""
    pages = open_pdf(cjk_pdf).pages
    grid = [line.baseline for line in text_lines(pages[1], size=BODY_PT, colour="#000000")]
    assert len(grid) == layout.LINES_PER_PAGE
    first = text_lines(pages[0], size=BODY_PT, colour="#000000")
    recipients = next(i for i, line in enumerate(first) if line.text.endswith("："))
    first = first[recipients:]
    assert len(first) >= 5
    for line in first:
        assert min(abs(line.baseline - g) for g in grid) < 0.05, line
    assert first[-1].baseline == pytest.approx(grid[-1], abs=0.05)


# --- page numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["cjk_pdf", "realistic_pdf", "minutes_pdf"])
def test_page_numbers(request, which):
    pdf = open_pdf(request.getfixturevalue(which))
    for number, page in enumerate(pdf.pages, start=1):
        numbers = [line for line in text_lines(page) if PAGE_NUMBER.match(line.text)]
        assert len(numbers) == 1, (number, numbers)
        line = numbers[0]
        assert PAGE_NUMBER.match(line.text).group(1) == str(number)
        assert line.size == pytest.approx(SMALL_PT, abs=0.1)
        assert line.top == pytest.approx(BOTTOM + layout.PAGE_NUMBER_GAP_MM, abs=1.5)
        if number % 2:  # odd pages: right, one character in
            assert line.x1 == pytest.approx(RIGHT - SMALL_CHAR, abs=0.5), (number, line)
        else:  # even pages: left, one character in
            assert line.x0 == pytest.approx(LEFT + SMALL_CHAR, abs=0.5), (number, line)


# --- 版头 -------------------------------------------------------------------------------------


def test_red_issuer_mark(realistic_pdf, realistic_content):
    page = open_pdf(realistic_pdf).pages[0]
    red = chars_coloured(page, layout.RED)
    assert "".join(c["text"] for c in red) == realistic_content.issuer_mark
    x0, x1 = mm(min(c["x0"] for c in red)), mm(max(c["x1"] for c in red))
    top = mm(min(c["top"] for c in red))
    assert (x0 + x1) / 2 == pytest.approx(CENTRE_X, abs=1)
    assert x1 - x0 <= layout.TYPE_WIDTH_MM
    assert top == pytest.approx(TOP + layout.MARK_TOP_MM, abs=1)  # 72 mm from the page top
    assert all(c["fontname"].endswith("XT-XiaoBiaoSong") for c in red)


def test_red_rule_four_mm_below_the_document_number(realistic_pdf, realistic_content):
    page = open_pdf(realistic_pdf).pages[0]
    number = next(line for line in text_lines(page) if line.text == realistic_content.number)
    assert (number.x0 + number.x1) / 2 == pytest.approx(CENTRE_X, abs=1)
    (rule,) = rules(page, colour=layout.RED)
    assert rule["x0"] == pytest.approx(LEFT, abs=0.1)
    assert rule["x1"] == pytest.approx(RIGHT, abs=0.1)
    assert rule["top"] - number.bottom == pytest.approx(layout.RULE_BELOW_NUMBER_MM, abs=0.5)


# --- text and fonts ---------------------------------------------------------------------------


def test_extracted_text_is_the_source_text(realistic_pdf, realistic_content):
    pages = [page_text(page) for page in open_pdf(realistic_pdf).pages]
    for text in pages:
        assert not SPACE_IN_CJK.search(text), SPACE_IN_CJK.search(text)
    joined = without_whitespace(
        "".join(PAGE_NUMBER.sub("", line) for text in pages for line in text.splitlines())
    )
    body = without_whitespace("".join(p.lead + p.text for p in realistic_content.paragraphs))
    assert body in joined
    assert without_whitespace(realistic_content.title) in joined
    assert without_whitespace(realistic_content.recipients) in joined


@pytest.mark.parametrize("which", ["realistic_pdf", "letter_pdf", "minutes_pdf"])
def test_no_spaces_inside_chinese_text(request, which):
    for page in open_pdf(request.getfixturevalue(which)).pages:
        text = page_text(page)
        assert not SPACE_IN_CJK.search(text), (page.page_number, text)


def test_all_fonts_are_embedded_subsets(realistic_pdfs):
    for data in realistic_pdfs:
        found = embedded_fonts(data)
        assert len(found) >= 4  # 小标宋, 仿宋, 黑体, 楷体, 宋体 (page numbers), the fallback
        for font in found:
            assert font["programs"], font
            assert SUBSET_TAG.match(font["name"].lstrip("/")), font


def test_rare_name_characters_are_drawn(realistic_pdf):
    text = "".join(page_text(page) for page in open_pdf(realistic_pdf).pages)
    for char in RARE_CHARS:
        assert char in text


@pytest.mark.parametrize("which", ["realistic_pdf", "letter_pdf", "minutes_pdf"])
def test_no_character_is_drawn_as_notdef(request, which):
    """Each character's font (mapped back to its file) has a glyph for it in its cmap."""
    checked = 0
    for page in open_pdf(request.getfixturevalue(which)).pages:
        for char in page.chars:
            if char["text"].isspace():
                continue
            path = font_file_for(char["fontname"])
            assert path is not None, f"{char['fontname']} is not one of the documents' fonts"
            assert font_has_char(path, char["text"]), (char["text"], char["fontname"], path)
            checked += 1
    assert checked > 500


# --- 署名、成文日期和印章 ----------------------------------------------------------------------


def test_seal_presses_on_signature_and_date(realistic_pdf, realistic_content):
    """GB/T 9704 7.3.5.1: date four characters in from the right, signature centred over it,
    the seal centred on them with both below its centre, its top within a line of the text
    above, and all of it inside the type area."""
    page = open_pdf(realistic_pdf).pages[-1]
    lines = text_lines(page, size=BODY_PT, colour="#000000")
    date = next(line for line in lines if line.text == realistic_content.date_text)
    signature = next(line for line in lines if line.text == realistic_content.signature)
    above = [line for line in lines if line.baseline < signature.baseline - 1]
    above = [line for line in above if abs(line.size - BODY_PT) < 0.05 and len(line.chars) > 1]
    (ring,) = seal_rings(page, layout.RED, layout.SEAL_DIAMETER_MM)

    assert date.x1 == pytest.approx(RIGHT - 4 * layout.CHAR_PITCH_MM, abs=0.5)
    assert (signature.x0 + signature.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5)
    assert signature.baseline < date.baseline
    assert ring.cx == pytest.approx((date.x0 + date.x1) / 2, abs=1)
    assert signature.top > ring.cy and date.top > ring.cy  # both below the seal's centre
    assert ring.bottom >= date.bottom  # the seal presses on the date
    assert ring.top - above[-1].bottom <= layout.LINE_PITCH_MM
    assert ring.top >= TOP and ring.bottom <= BOTTOM + 0.01


def _tail_report(data: bytes, content, end_marker: str) -> dict:
    """On which page the last body line, the date, the signature and the seal are."""
    report = {"end": set(), "date": set(), "signature": set(), "seal": set(), "pages": 0}
    pdf = open_pdf(data)
    report["pages"] = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        lines = text_lines(page, size=BODY_PT, colour="#000000")
        if any(line.text.endswith(end_marker) for line in lines):
            report["end"].add(number)
        if any(line.text == content.date_text for line in lines):
            report["date"].add(number)
        if any(line.text == content.signature for line in lines):
            report["signature"].add(number)
        for ring in seal_rings(page, layout.RED, layout.SEAL_DIAMETER_MM):
            report["seal"].add(number)
            assert ring.top >= TOP - 0.01 and ring.bottom <= BOTTOM + 0.01, (number, ring)
    return report


def _body_of_lines(lines: int) -> tuple[str, str]:
    """A one-paragraph body of `lines` lines ending in a marker found nowhere else."""
    marker = END_MARKER
    assert not set(marker) & IDEOGRAPH_SET
    body = paragraph_of_lines(lines)
    return body[: -len(marker)] + marker, marker


@pytest.mark.parametrize("lines", [1, 2, 3, 5, 8])
def test_signature_block_stays_with_the_last_body_line(lines):
    """Bodies ending all over the foot of page 1 (where the signature block, then also the 版记,
    no longer fit) and on page 2."""
    body, marker = _body_of_lines(lines)
    content = make_content(body=body, attachments=[], note="")
    report = _tail_report(render_pdf(content), content, marker)
    assert len(report["end"]) == 1
    assert report["date"] == report["signature"] == report["seal"] == report["end"], report


@pytest.mark.parametrize("paragraphs", [1, 7])
def test_signature_block_stays_with_the_last_body_line_after_attachments(paragraphs):
    marker = END_MARKER
    body = "\n".join(paragraph_of_lines(3, i * 100) for i in range(paragraphs)) + "\n" + marker
    content = make_content(body=body)
    report = _tail_report(render_pdf(content), content, marker)
    assert report["date"] == report["signature"] == report["seal"] == report["end"], report


@pytest.mark.parametrize("lines", [5, 9])
def test_unsealed_minutes_signature_stays_with_the_last_body_line(lines):
    body, marker = _body_of_lines(lines)
    content = make_minutes(body=body)
    report = _tail_report(render_pdf(content), content, marker)
    assert not report["seal"]
    assert report["date"] == report["signature"] == report["end"], report


# --- 版记 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["realistic_pdf", "minutes_pdf"])
def test_imprint_sits_at_the_bottom_of_the_last_page(request, which):
    pdf = open_pdf(request.getfixturevalue(which))
    for page in pdf.pages[:-1]:
        assert not rules(page, colour="#000000"), page.page_number
    page = pdf.pages[-1]
    imprint_rules = rules(page, colour="#000000")
    assert len(imprint_rules) == 3
    first, last = imprint_rules[0], imprint_rules[-1]
    assert last["bottom"] == pytest.approx(BOTTOM, abs=1)  # on the type area's bottom edge
    for rule in imprint_rules:
        assert rule["x0"] == pytest.approx(LEFT, abs=0.1)
        assert rule["x1"] == pytest.approx(RIGHT, abs=0.1)
    for rule in (first, last):  # thick rules first and last, a thin one between
        assert rule["bottom"] - rule["top"] == pytest.approx(0.35, abs=0.05)
    assert imprint_rules[1]["bottom"] - imprint_rules[1]["top"] == pytest.approx(0.25, abs=0.05)
    lines = [line for line in text_lines(page, size=SMALL_PT) if not PAGE_NUMBER.match(line.text)]
    copy_to = next(line for line in lines if line.text.startswith("抄送："))
    assert first["bottom"] < copy_to.top and copy_to.bottom < last["top"]
    assert copy_to.x0 == pytest.approx(LEFT + SMALL_CHAR, abs=0.5)  # one character in
    colon = next(i for i, c in enumerate(copy_to.chars) if c["text"] == "：")
    gap = mm(copy_to.chars[colon + 1]["x0"] - copy_to.chars[colon]["x1"])
    assert gap == pytest.approx(0, abs=0.5)  # the names follow the colon directly


# --- 信函格式 and 纪要格式 -----------------------------------------------------------------------


def test_letter_layout(letter_pdf):
    pdf = open_pdf(letter_pdf)
    assert len(pdf.pages) >= 2
    first = pdf.pages[0]
    red = chars_coloured(first, layout.RED)
    assert mm(min(c["top"] for c in red)) == pytest.approx(layout.LETTER_MARK_TOP_MM, abs=1)
    mark_bottom = mm(max(c["bottom"] for c in red))
    assert not [line for line in text_lines(first) if PAGE_NUMBER.match(line.text)]
    assert [line for line in text_lines(pdf.pages[1]) if PAGE_NUMBER.match(line.text)]
    red_rules = rules(first, colour=layout.RED)
    overhang = (layout.LETTER_RULE_WIDTH_MM - layout.TYPE_WIDTH_MM) / 2
    for rule in red_rules:
        assert rule["x0"] == pytest.approx(LEFT - overhang, abs=0.2)
        assert rule["x1"] == pytest.approx(RIGHT + overhang, abs=0.2)
    upper = [r for r in red_rules if r["top"] < 100]
    lower = [r for r in red_rules if r["top"] > 200]
    assert len(upper) >= 2 and len(lower) >= 2  # double rules: two lines each
    assert min(r["top"] for r in upper) - mark_bottom == pytest.approx(4, abs=1)
    lower_edge = 297 - max(r["bottom"] for r in lower)
    assert lower_edge == pytest.approx(layout.LETTER_BOTTOM_RULE_MM, abs=1)
    for page in pdf.pages[1:]:
        assert not rules(page, colour=layout.RED)


def test_minutes_layout(minutes_pdf, minutes_content):
    pdf = open_pdf(minutes_pdf)
    text = "".join(page_text(page) for page in pdf.pages)
    flat = without_whitespace(text)
    body_end = flat.index(without_whitespace(minutes_content.paragraphs[-1].text))
    attended = flat.index("出席：")
    excused = flat.index("请假：")
    observed = flat.index("列席：")
    assert body_end < attended < excused < observed
    assert flat.index(without_whitespace(minutes_content.attendees)) > attended
    assert flat.index(without_whitespace(minutes_content.observers)) > observed
    labels = [
        c
        for page in pdf.pages
        for line in text_lines(page, size=BODY_PT, colour="#000000")
        if line.text.startswith(("出席", "请假", "列席"))
        for c in line.chars[:3]
    ]
    assert len(labels) == 9
    assert all(c["fontname"].endswith("XT-HeiTi") for c in labels)
    assert not any(seal_rings(page, layout.RED, layout.SEAL_DIAMETER_MM) for page in pdf.pages)
    red = chars_coloured(pdf.pages[0], layout.RED)
    assert "".join(c["text"] for c in red) == minutes_content.issuer_mark
    assert mm(min(c["top"] for c in red)) == pytest.approx(TOP + layout.MARK_TOP_MM, abs=1)
    # unsealed: signature two characters in from the right, the date two right of its start
    last = text_lines(pdf.pages[-1], size=BODY_PT, colour="#000000")
    signature = next(line for line in last if line.text == minutes_content.signature)
    date = next(line for line in last if line.text == minutes_content.date_text)
    assert signature.x1 == pytest.approx(RIGHT - 2 * layout.CHAR_PITCH_MM, abs=0.5)
    assert date.x0 - signature.x0 == pytest.approx(2 * layout.CHAR_PITCH_MM, abs=0.5)


# --- the archival copy ------------------------------------------------------------------------


def test_pdfa_copy_identifies_as_pdfa_2b(realistic_pdfs):
    plain, archival = realistic_pdfs
    reader = PdfReader(BytesIO(archival))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(=\"|>)2(\"|<)", metadata), metadata
    assert re.search(r"pdfaid:conformance(=\"|>)B(\"|<)", metadata), metadata
    assert "/OutputIntents" in reader.trailer["/Root"]
    root = PdfReader(BytesIO(plain)).trailer["/Root"]
    if "/Metadata" in root:
        assert "pdfaid:part" not in root["/Metadata"].get_object().get_data().decode()
    # the archival copy shows the same document
    assert len(reader.pages) == len(PdfReader(BytesIO(plain)).pages)


def test_colours_are_exact(realistic_pdf):
    """Red means the GB/T red of layout.RED, text otherwise black."""
    page = open_pdf(realistic_pdf).pages[0]
    for char in page.chars:
        colour = char.get("non_stroking_color")
        assert same_colour(colour, layout.RED) or same_colour(colour, "#000000"), char
