"""The joint meeting's notice (会议通知) and minutes (纪要), issued through the meeting services
and measured the way tests/documents/test_layout.py measures the documents app's own: A4, the
type area, the 22-line grid, the red issuer mark and rule, the seal, page numbers, the 版记 and
the fonts. And they say what the meeting is about: the agenda in its order, time, place, the
units and the reply deadline; who attended, was on leave or observed; every resolution with its
lead unit and due date."""

import inspect
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from documents import layout
from documents.content import split_paragraphs
from documents.models import IssuedDocument
from meetings import services
from meetings.models import Meeting
from tests.documents.conftest import pure_cjk_body
from tests.documents.pdfmeasure import (
    SUBSET_TAG,
    baseline_mm,
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
from tests.documents.test_layout import (
    BODY_PT,
    BOTTOM,
    CENTRE_X,
    LEFT,
    PAGE_NUMBER,
    RIGHT,
    SMALL_CHAR,
    SMALL_PT,
    SPACE_IN_CJK,
    TOP,
    without_whitespace,
)
from tests.meetings.test_round import body  # noqa: F401 (fixture)

# every test reaches the database through `world` (which asks for `db`), as in test_round.py
pytestmark = pytest.mark.django_db

PITCH = layout.CHAR_PITCH_MM
ROW = layout.LINE_PITCH_MM
BLACK = "#000000"

TITLE = "2026年第四季度全体会议"
PLACE = "省医保局三楼第一会议室"
STARTS, ENDS, REPLIES_BY = time(9, 30), time(11, 30), time(17, 0)
# (liaison submitting, topic, its place on the agenda): the agenda is not the submission order
TOPICS = [
    ("wj_liaison", "关于联合整治分解住院问题的议题", 2),
    ("scjg_liaison", "药品价格监测信息共享机制", 3),
    ("jcy_liaison", "欺诈骗保案件行刑衔接工作情况", 1),
]
INVITED = "省药监局"
# on the day: two units on leave, the invited unit observing, every other unit present
ATTENDANCE = {"省公安厅": "absent", "省审计厅": "absent", INVITED: "observer"}
# (text, lead unit, cooperating units, (month, day) of next year)
RESOLUTIONS = [
    ("开展定点医疗机构联合专项检查", "省医保局", ["省卫生健康委"], (1, 9)),
    ("建立药品价格监测信息共享机制", "省市场监管厅", [], (3, 31)),
    ("完善欺诈骗保案件行刑衔接工作机制", "省检察院", ["省公安厅", "省医保局"], (10, 1)),
]
# paragraph lengths of a 3,000-ideograph minutes text: some end exactly at a line end (26, 54)
LONG_TEXT = [420, 26, 538, 300, 54, 610, 380, 672]
LEADS = ["省医保局", "省检察院", "省公安厅", "省财政厅", "省卫生健康委", "省审计厅"]
LONG_RESOLUTIONS = [
    (f"落实第{n}项工作任务并按时报送办理情况", LEADS[n % 6], [LEADS[(n + 1) % 6]], (n, n))
    for n in range(1, 13)
]


def cn_date(day: date) -> str:
    """GB/T 9704 dates: Arabic numerals, no leading zeros (2027年1月9日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def at(day: date, clock: time):
    return timezone.make_aware(datetime.combine(day, clock))


def issued_on(document: IssuedDocument) -> date:
    return timezone.localtime(document.issued_at).date()


# --- the meeting, through the services ---------------------------------------------------------


def notified(world, agencies) -> Meeting:
    """A full meeting with three topics on its agenda, approved and notified."""
    office = world["yb_office"]
    meeting = services.meeting_open(
        user=office, kind="full", title=TITLE, topics_due=timezone.now() + timedelta(days=1)
    )
    items = []
    for liaison, title, order in TOPICS:
        topic = services.topic_submit(
            user=world[liaison], meeting=meeting, title=title, background="背景情况。"
        )
        services.topic_screen(user=office, topic=topic, action="accept")
        items.append((topic, order, 30))
    services.agenda_submit(user=office, meeting=meeting, items=items)
    if "chair" in inspect.signature(services.agenda_approve).parameters:
        # the reworked round (meetings/papers.py) names the chair and invites units for
        # agenda items (列席) — here the drug administration for the drug-price topic
        guests = {"chair": world["yb_convenor"], "invited": {items[1][0]: [agencies[INVITED]]}}
    else:
        guests = {"invited": [agencies[INVITED]]}
    day = timezone.localdate() + timedelta(days=14)
    services.agenda_approve(
        user=world["yb_convenor"],
        meeting=meeting,
        approve=True,
        starts_at=at(day, STARTS),
        ends_at=at(day, ENDS),
        place=PLACE,
        form="on_site",
        rsvp_due=at(day - timedelta(days=3), REPLIES_BY),
        **guests,
    )
    meeting.refresh_from_db()
    return meeting


def minuted(world, agencies, *, text: str, resolutions) -> IssuedDocument:
    """The meeting held (moved into the past), attendance taken, minutes drafted and approved."""
    meeting = notified(world, agencies)
    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    office = world["yb_office"]
    services.attendance_record(
        user=office,
        meeting=meeting,
        attendance={
            p.pk: ATTENDANCE.get(p.agency.short_name, "present")
            for p in meeting.participants.select_related("agency")
        },
    )
    year = timezone.localdate().year + 1
    items = [
        {
            "text": text,
            "lead_agency": agencies[lead],
            "cooperating": [agencies[name] for name in cooperating],
            "due_on": date(year, month, day),
        }
        for text, lead, cooperating, (month, day) in resolutions
    ]
    services.minutes_draft(user=office, meeting=meeting, text=text, resolutions=items)
    services.minutes_submit(user=office, meeting=meeting)
    services.minutes_approve(user=world["yb_convenor"], meeting=meeting, approve=True)
    return IssuedDocument.objects.get(doc_type="minutes")


@pytest.fixture
def notice(world, agencies, body):  # noqa: F811
    notified(world, agencies)
    return IssuedDocument.objects.get(doc_type="notice")


@pytest.fixture
def minutes(world, agencies, body):  # noqa: F811
    text = "会议听取了各成员单位工作汇报，研究了会议议题。"
    return minuted(world, agencies, text=text, resolutions=RESOLUTIONS)


# --- measuring ----------------------------------------------------------------------------------


def flat_text(pdf) -> str:
    """The document's extracted text without whitespace and page numbers."""
    lines = [line for page in pdf.pages for line in page_text(page).splitlines()]
    return without_whitespace("".join(line for line in lines if not PAGE_NUMBER.match(line)))


def in_order(flat: str, parts) -> list[int]:
    """Where each part is in the text; all of them there, one after the other."""
    found = [flat.find(without_whitespace(part)) for part in parts]
    assert -1 not in found, [part for part, i in zip(parts, found, strict=True) if i < 0]
    assert found == sorted(found), list(zip(parts, found, strict=True))
    return found


def text_grid(pdf) -> list[tuple[int, int, object]]:
    """(page number, grid row, line) of every black 3号 line below the red rule, in reading
    order; the row is the line's place on the type area's 22-line grid (0 at the top), taken
    from its baseline and the 仿宋 face's ascent."""
    first = pdf.pages[0]
    char = next(c for c in first.chars if c["fontname"].endswith("XT-FangSong"))
    ascent = baseline_mm(first, char) - mm(char["top"])
    rule_bottom = rules(first, colour=layout.RED)[0]["bottom"]
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        for line in text_lines(page, size=BODY_PT, colour=BLACK):
            if number == 1 and line.top < rule_bottom:
                continue  # the document number
            row = (line.baseline - ascent - TOP - layout.HALF_LEADING_MM) / ROW
            assert abs(row - round(row)) * ROW < 0.05, ("off the grid", number, row, line)
            found.append((number, round(row), line))
    return found


def assert_gbt9704_pages(data: bytes) -> list[tuple[int, int, object]]:
    """What every page of a document must be (GB/T 9704 5, 7.5): A4; all text inside the
    156 × 225 mm type area, i.e. margins 37 mm top, 28 mm binding; 3号 lines on the 22-line
    grid, paragraphs flush with the binding margin or two characters in, continuation pages
    starting on the first line; one page number per page, 4号, 7 mm below the type area, odd
    pages right and even pages left, one character in; fonts embedded as subsets with a glyph
    for every character; no spaces inside Chinese text. Returns the text_grid."""
    pdf = open_pdf(data)
    for number, page in enumerate(pdf.pages, start=1):
        assert mm(page.width) == pytest.approx(layout.PAGE_WIDTH_MM, abs=1)
        assert mm(page.height) == pytest.approx(layout.PAGE_HEIGHT_MM, abs=1)
        folios = []
        for line in text_lines(page):
            if PAGE_NUMBER.match(line.text):
                folios.append(line)
                continue
            assert line.top >= TOP - 0.01 and line.bottom <= BOTTOM + 0.01, (number, line)
            assert line.x0 >= LEFT - 0.01 and line.x1 <= RIGHT + 0.01, (number, line)
        assert len(folios) == 1, (number, folios)
        folio = folios[0]
        assert PAGE_NUMBER.match(folio.text).group(1) == str(number)
        assert folio.size == pytest.approx(SMALL_PT, abs=0.1)
        assert folio.top == pytest.approx(BOTTOM + layout.PAGE_NUMBER_GAP_MM, abs=1.5)
        if number % 2:
            assert folio.x1 == pytest.approx(RIGHT - SMALL_CHAR, abs=0.5), (number, folio)
        else:
            assert folio.x0 == pytest.approx(LEFT + SMALL_CHAR, abs=0.5), (number, folio)
        assert not SPACE_IN_CJK.search(page_text(page)), (number, page_text(page))
        for char in page.chars:
            if not char["text"].isspace():
                path = font_file_for(char["fontname"])
                assert path is not None and font_has_char(path, char["text"]), char
    grid = text_grid(pdf)
    places = [(number, row) for number, row, _line in grid]
    assert len(places) == len(set(places))  # one line per grid row
    assert all(0 <= row < layout.LINES_PER_PAGE for _number, row in places)
    for number in range(2, len(pdf.pages) + 1):
        assert min((row for n, row in places if n == number), default=None) == 0, number
    for _number, _row, line in grid:
        if line.x0 < LEFT + 3 * PITCH:
            assert min(abs(line.x0 - LEFT), abs(line.x0 - LEFT - 2 * PITCH)) < 0.5, line
    for font in embedded_fonts(data):
        assert font["programs"] and SUBSET_TAG.match(font["name"].lstrip("/")), font
    return grid


def assert_header(data: bytes, *, mark: str, number: str, title: str):
    """版头 (GB/T 9704 7.2) and title: the red issuer mark in 小标宋, centred, its top 35 mm
    below the type area's; the number centred; the red rule across the type area 4 mm below
    the number; the 2号 title centred; nothing red on later pages."""
    pdf = open_pdf(data)
    page = pdf.pages[0]
    red = chars_coloured(page, layout.RED)
    assert "".join(c["text"] for c in red) == mark
    x0, x1 = mm(min(c["x0"] for c in red)), mm(max(c["x1"] for c in red))
    assert (x0 + x1) / 2 == pytest.approx(CENTRE_X, abs=1)
    assert x1 - x0 <= layout.TYPE_WIDTH_MM
    assert mm(min(c["top"] for c in red)) == pytest.approx(TOP + layout.MARK_TOP_MM, abs=1)
    assert all(c["fontname"].endswith("XT-XiaoBiaoSong") for c in red)
    number_line = next(line for line in text_lines(page, colour=BLACK) if line.text == number)
    assert (number_line.x0 + number_line.x1) / 2 == pytest.approx(CENTRE_X, abs=1)
    (rule,) = rules(page, colour=layout.RED)
    assert rule["x0"] == pytest.approx(LEFT, abs=0.1)
    assert rule["x1"] == pytest.approx(RIGHT, abs=0.1)
    assert rule["top"] - number_line.bottom == pytest.approx(layout.RULE_BELOW_NUMBER_MM, abs=0.5)
    title_lines = text_lines(page, size=layout.TITLE_PT)
    assert "".join(line.text for line in title_lines) == title
    for line in title_lines:
        assert (line.x0 + line.x1) / 2 == pytest.approx(CENTRE_X, abs=1), line
        assert all(name.endswith("XT-XiaoBiaoSong") for name in line.fontnames), line
    for later in pdf.pages[1:]:
        assert not chars_coloured(later, layout.RED) and not rules(later, colour=layout.RED)


def imprint_lines(data: bytes) -> list:
    """版记 (GB/T 9704 7.4) on the last page only, its last rule on the type area's bottom
    edge; no 抄送, so just the thick first and last rules across the type area. Returns the
    4号 lines between them."""
    pdf = open_pdf(data)
    for page in pdf.pages[:-1]:
        assert not rules(page, colour=BLACK), page.page_number
    page = pdf.pages[-1]
    first, last = rules(page, colour=BLACK)
    assert last["bottom"] == pytest.approx(BOTTOM, abs=1)
    for rule in (first, last):
        assert rule["x0"] == pytest.approx(LEFT, abs=0.1)
        assert rule["x1"] == pytest.approx(RIGHT, abs=0.1)
        assert rule["bottom"] - rule["top"] == pytest.approx(0.35, abs=0.05)
    return [
        line
        for line in text_lines(page, size=SMALL_PT)
        if not PAGE_NUMBER.match(line.text) and first["bottom"] < line.top < last["top"]
    ]


def assert_printed_by(data: bytes, *, printed_by: str, on: date):
    """印发机关 one character in from the left, 印发日期 one character in from the right."""
    lines = imprint_lines(data)
    assert lines
    assert without_whitespace("".join(line.text for line in lines)).replace(
        f"{cn_date(on)}印发", ""
    ) == without_whitespace(printed_by)
    assert lines[0].x0 == pytest.approx(LEFT + SMALL_CHAR, abs=0.5)
    assert lines[0].text.endswith(f"{cn_date(on)}印发")
    assert lines[0].x1 == pytest.approx(RIGHT - SMALL_CHAR, abs=0.5)


def signoff(data: bytes, on: date):
    """The sealed signature block on the last page: (line above it, signature, date, seal)."""
    pdf = open_pdf(data)
    page = pdf.pages[-1]
    lines = text_lines(page, size=BODY_PT, colour=BLACK)
    at_date = next(i for i, line in enumerate(lines) if line.text == cn_date(on))
    assert at_date >= 2, "the signature block starts the page"
    rings = [seal_rings(p, layout.RED, layout.SEAL_DIAMETER_MM) for p in pdf.pages]
    assert [len(found) for found in rings] == [0] * (len(pdf.pages) - 1) + [1]
    return lines[at_date - 2], lines[at_date - 1], lines[at_date], rings[-1][0]


def roll(pdf) -> dict[str, tuple[int, int, list[str]]]:
    """The 纪要's 出席 / 请假 / 列席 lists: label → (page, row, unit names), in their order.
    Each label is 黑体 two characters in (GB/T 9704 10.3), the names 仿宋 after the colon,
    running on in lines aligned with the first name."""
    lists, current = {}, None
    for number, row, line in text_grid(pdf):
        if line.text[:3] in ("出席：", "请假：", "列席："):
            current, names_x = line.text[:2], mm(line.chars[3]["x0"])
            lists[current] = (number, row, [line.text[3:]])
            assert line.x0 == pytest.approx(LEFT + 2 * PITCH, abs=0.5), line
            assert all(c["fontname"].endswith("XT-HeiTi") for c in line.chars[:3]), line
            assert all(c["fontname"].endswith("XT-FangSong") for c in line.chars[3:]), line
        elif current and abs(line.x0 - names_x) < 0.5:
            lists[current][2].append(line.text)
        else:
            current = None
    return {
        label: (number, row, "".join(parts).split("、"))
        for label, (number, row, parts) in lists.items()
    }


def attendance(joint_body, agencies, value: str) -> set[str]:
    units = [m.agency.short_name for m in joint_body.memberships.select_related("agency")]
    return {agencies[u].name for u in [*units, INVITED] if ATTENDANCE.get(u, "present") == value}


def assert_roll_follows_the_body(pdf, joint_body, agencies, last_item: str):
    """The lists come right after the body's last line, one blank line below it on the same
    page, and name every unit in the right list."""
    lists = roll(pdf)
    assert list(lists) == ["出席", "请假", "列席"]
    grid = text_grid(pdf)
    number, row, _names = lists["出席"]
    at = next(i for i, (n, r, _line) in enumerate(grid) if (n, r) == (number, row))
    before = without_whitespace("".join(line.text for _n, _r, line in grid[:at]))
    assert before.endswith(without_whitespace(last_item))
    assert grid[at - 1][0] == number and row - grid[at - 1][1] == 2  # 下空一行
    for label, value in (("出席", "present"), ("请假", "absent"), ("列席", "observer")):
        names = lists[label][2]
        assert len(names) == len(set(names))
        assert set(names) == attendance(joint_body, agencies, value), label


# --- the notice --------------------------------------------------------------------------------


def test_notice_is_laid_out_to_gbt9704_and_sealed(notice, body):  # noqa: F811
    data = notice.pdf.read()
    grid = assert_gbt9704_pages(data)
    assert_header(
        data,
        mark=f"{body.lead_agency.name}文件",
        number=notice.number,
        title=f"关于召开{TITLE}的通知",
    )
    assert notice.number == f"{body.lead_agency.doc_prefix}联〔{issued_on(notice).year}〕1号"
    pages = len(open_pdf(data).pages)
    for number in range(1, pages):  # a page that runs on is filled to its 22nd line
        assert max(row for n, row, _line in grid if n == number) == layout.LINES_PER_PAGE - 1
    # a line that runs on into the next one ends within a character of the type area's edge
    for (_n, _r, line), (_n2, _r2, after) in zip(grid, grid[1:], strict=False):
        if after.x0 == pytest.approx(LEFT, abs=0.5):
            assert RIGHT - PITCH - 0.5 < line.x1 <= RIGHT + 0.01, line
    # GB/T 9704 7.3.5.1: the seal centred on signature and date, both below its centre, its
    # top within a line of the body, all of it in the type area, on the last body line's page
    above, signature, day, ring = signoff(data, issued_on(notice))
    assert signature.text == f"{body.name}办公室（代章）"  # the office, under the lead's seal
    assert above.text.endswith("。")  # the last body line
    # the date four characters in from the right; this signature is too long to centre over
    # it inside the type area, so it is set flush with the right edge
    assert day.x1 == pytest.approx(RIGHT - 4 * PITCH, abs=0.5)
    assert signature.x1 == pytest.approx(RIGHT, abs=0.5) and signature.x0 < day.x0
    assert ring.cx == pytest.approx((day.x0 + day.x1) / 2, abs=1)
    assert signature.top > ring.cy and day.top > ring.cy
    assert ring.bottom >= day.bottom  # the seal presses on the date
    assert ring.top - above.bottom <= ROW
    assert ring.top >= TOP and ring.bottom <= BOTTOM + 0.01
    assert ring.x0 >= LEFT - 0.01 and ring.x1 <= RIGHT + 0.01
    assert not chars_coloured(open_pdf(data).pages[-1], layout.RED)  # the seal is no text
    assert_printed_by(data, printed_by=f"{body.name}办公室", on=issued_on(notice))


def test_notice_gives_agenda_time_place_units_and_reply_deadline(notice, agencies, body):  # noqa: F811
    flat = flat_text(open_pdf(notice.pdf.read()))
    # the extracted text is the source text, paragraph by paragraph
    in_order(flat, [p.lead + p.text for p in split_paragraphs(notice.content["body"])])
    in_order(flat, [title for _liaison, title, _order in sorted(TOPICS, key=lambda t: t[2])])
    meeting = Meeting.objects.get()
    assert f"{cn_date(timezone.localtime(meeting.starts_at).date())}{STARTS:%H:%M}" in flat
    assert f"{ENDS:%H:%M}" in flat and PLACE in flat
    # every member unit among the units taking part; the invited unit named too
    units = flat[flat.index("参会单位") : flat.index("会议议题")]
    members = [m.agency.name for m in body.memberships.select_related("agency")]
    assert len(members) == 7
    for name in members:
        assert name in units, name
    assert agencies[INVITED].name in flat
    reply_by = timezone.localtime(meeting.rsvp_due)
    assert f"{cn_date(reply_by.date())}{reply_by:%H:%M}前" in flat
    assert "年0" not in flat and "月0" not in flat  # no zero-padded months or days


# --- the minutes -------------------------------------------------------------------------------


def test_minutes_are_laid_out_to_gbt9704_and_not_sealed(minutes, body):  # noqa: F811
    data = minutes.pdf.read()
    assert_gbt9704_pages(data)
    assert_header(data, mark=f"{body.name}纪要", number=minutes.number, title=f"{TITLE}纪要")
    assert minutes.number == f"{body.lead_agency.doc_prefix}纪〔{issued_on(minutes).year}〕1号"
    for page in open_pdf(data).pages:  # no seal: no ring, no picture, no red drawing
        assert not seal_rings(page, layout.RED, layout.SEAL_DIAMETER_MM)
        assert not page.images
        red = [
            curve
            for curve in page.curves
            if mm(curve["bottom"] - curve["top"]) > 1
            and (
                same_colour(curve.get("stroking_color"), layout.RED)
                or same_colour(curve.get("non_stroking_color"), layout.RED)
            )
        ]
        assert not red, page.page_number
    assert "代章" not in flat_text(open_pdf(data))
    assert_printed_by(data, printed_by=f"{body.name}办公室", on=issued_on(minutes))


def test_minutes_list_attendance_and_every_resolution(minutes, agencies, body):  # noqa: F811
    pdf = open_pdf(minutes.pdf.read())
    flat = flat_text(pdf)
    paragraphs = [p.lead + p.text for p in split_paragraphs(minutes.content["body"])]
    in_order(flat, paragraphs)
    year = timezone.localdate().year + 1
    starts = in_order(flat, [text for text, *_rest in RESOLUTIONS]) + [len(flat)]
    for i, (_text, lead, cooperating, (month, day)) in enumerate(RESOLUTIONS):
        item = flat[starts[i] : starts[i + 1]]
        assert f"牵头单位：{agencies[lead].name}" in item, item
        for name in cooperating:
            assert agencies[name].name in item, item
        assert cn_date(date(year, month, day)) in item, item
    assert f"{year}年1月9日" in flat  # the form of the date, spelt out
    assert_roll_follows_the_body(pdf, body, agencies, paragraphs[-1])


@pytest.mark.parametrize("which", ["notice", "minutes"])
def test_printed_by_and_date_share_one_line(request, which):
    # GB/T 9704 7.4.3: the 20-character office name and the date on the line above the rule
    lines = imprint_lines(request.getfixturevalue(which).pdf.read())
    assert len(lines) == 1, lines


def test_long_minutes_run_over_pages_with_the_lists_after_the_body(world, agencies, body):  # noqa: F811
    text = pure_cjk_body(LONG_TEXT)
    assert len(text.replace("\n", "")) == 3000
    minutes = minuted(world, agencies, text=text, resolutions=LONG_RESOLUTIONS)
    data = minutes.pdf.read()
    pdf = open_pdf(data)
    grid = assert_gbt9704_pages(data)  # among the rest, page numbers alternating sides
    pages = len(pdf.pages)
    assert pages >= 4
    for number in range(2, pages):  # pages between the first and the last hold 22 lines
        assert len([1 for n, _r, _line in grid if n == number]) == layout.LINES_PER_PAGE
    # the minutes text: a paragraph's first line two characters in (26 characters), then
    # 28 characters a line, the 28th ending inside the type area
    lines = [line for _n, _r, line in grid]
    lines = lines[: next(i for i, line in enumerate(lines) if line.text.startswith("会议议定"))]
    assert "".join(line.text for line in lines) == text.replace("\n", "")
    expected = []
    for length in LONG_TEXT:
        first = min(length, layout.CHARS_PER_LINE - 2)
        whole, part = divmod(length - first, layout.CHARS_PER_LINE)
        expected += [(first, 2)] + [(layout.CHARS_PER_LINE, 0)] * whole + [(part, 0)] * (part > 0)
    assert [(len(line.chars), round((line.x0 - LEFT) / PITCH)) for line in lines] == expected
    for line in lines:
        assert min(abs(line.x0 - LEFT), abs(line.x0 - LEFT - 2 * PITCH)) < 0.05, line
        if len(line.chars) == layout.CHARS_PER_LINE:
            assert RIGHT - 1 <= line.x1 <= RIGHT + 0.01, line
    flat = flat_text(pdf)
    year = timezone.localdate().year + 1
    in_order(flat, [text for text, *_rest in LONG_RESOLUTIONS])
    in_order(flat, [cn_date(date(year, month, day)) for *_rest, (month, day) in LONG_RESOLUTIONS])
    last = split_paragraphs(minutes.content["body"])[-1]
    assert_roll_follows_the_body(pdf, body, agencies, last.lead + last.text)
    imprint_lines(data)
