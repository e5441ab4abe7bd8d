"""GB/T 9704-2012 figures, in one place. The stylesheet and the layout tests both read these.

Type area 156 × 225 mm on A4 with a 37 mm top margin and a 28 mm binding margin; body text
3号 (16 pt) in 22 lines of 28 characters. 28 characters of 16 pt would need 158 mm, so the
character pitch is tightened (negative letter-spacing) until the 28th character's em box, not
just its pitch cell, ends inside the type area: 27 × pitch + 16 pt ≤ 156 mm, i.e. a pitch of at
most 5.5687 mm; WeasyPrint/Pango round the drawn advance up by about 0.003 mm, hence 5.56. A
29th character can never fit (29 × 5.56 mm > 156 mm). The line pitch is 225/22 mm rounded
down so that the 22nd line always fits; every line box is exactly that tall (text runs get
``line-height: 0`` in the stylesheet so fonts with other metrics — 楷体, 黑体, the fallback for
rare characters — cannot push a line off the grid).
"""

MM_PER_PT = 25.4 / 72

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGIN_TOP_MM = 37.0
MARGIN_LEFT_MM = 28.0  # 订口
TYPE_WIDTH_MM, TYPE_HEIGHT_MM = 156.0, 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TYPE_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TYPE_HEIGHT_MM  # 35

CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号 (版记, page numbers)

CHAR_PITCH_MM = 5.560  # 27 × pitch + 16 pt ≤ 156 mm: the 28th character ends inside
LETTER_SPACING_MM = CHAR_PITCH_MM - BODY_PT * MM_PER_PT  # about -0.084 mm
LINE_PITCH_MM = 10.22  # ≤ 225/22 = 10.227: 22 lines fit, 23 do not
# space between a body line's line box and its 16 pt characters, above and below
HALF_LEADING_MM = (LINE_PITCH_MM - BODY_PT * MM_PER_PT) / 2  # about 2.29 mm

MARK_TOP_MM = 35.0  # top of the issuer mark below the top of the type area
MARK_MAX_PT = 40.0
MARK_BOX_MM = MARK_MAX_PT * MM_PER_PT  # the mark's box is this tall whatever its font size
RULE_BELOW_NUMBER_MM = 4.0  # below the characters of the document number
RED_RULE_MM = 0.5  # thickness of the red rule under the number
PAGE_NUMBER_GAP_MM = 7.0  # the page number's dash line sits 7 mm below the type area

# 印章: "端正、居中下压发文机关署名和成文日期，使发文机关署名和成文日期居印章中心偏下位置，
# 印章顶端应当上距正文（或附件说明）一行之内" (GB/T 9704 7.3.5.1). The signature is set two
# blank lines below the body and the seal's centre is at the top of the signature line, so the
# seal's top is within one line of the body and both signature and date are below its centre.
SEAL_DIAMETER_MM = 42.0
SEAL_BLANK_LINES_ABOVE = 2

# 信函格式 (letters)
LETTER_MARK_TOP_MM = 30.0  # from the top edge of the page
LETTER_RULE_WIDTH_MM = 170.0
LETTER_BOTTOM_RULE_MM = 20.0  # from the bottom edge of the page
LETTER_RULE_HEIGHT_MM = 1.6  # a double rule overall: thick 0.8 mm, gap, thin 0.3 mm
LETTER_RULE_GAP_MM = 4.0  # the first double rule below the issuer mark
LETTER_META_GAP_MM = BODY_PT * MM_PER_PT * 7 / 8  # 发文字号 below the double rule: 7/8 of 3号

RED = "#e60012"


def mark_font_pt(text: str) -> float:
    """The issuer mark is one line across at most the type width."""
    width_pt = TYPE_WIDTH_MM / MM_PER_PT
    return round(min(MARK_MAX_PT, width_pt / max(len(text), 1) * 0.96), 2)


def title_gap_mm() -> float:
    """The space between the red rule and the title: two blank lines, less what puts the title
    (and with it the recipients and the body) back on the type area's 22-line grid, so the
    first page holds as many lines as its type area has room for."""
    header = (
        MARK_TOP_MM
        + MARK_BOX_MM
        + 2 * LINE_PITCH_MM  # 下空二行
        + LINE_PITCH_MM  # the number's line
        + RULE_BELOW_NUMBER_MM
        - HALF_LEADING_MM
        + RED_RULE_MM
    )
    off_grid = header % LINE_PITCH_MM
    return (
        2 * LINE_PITCH_MM - off_grid
        if off_grid < LINE_PITCH_MM / 2
        else 3 * LINE_PITCH_MM - off_grid
    )


def stylesheet_context() -> dict:
    return {
        "page_w": PAGE_WIDTH_MM,
        "type_w": TYPE_WIDTH_MM,
        "page_h": PAGE_HEIGHT_MM,
        "m_top": MARGIN_TOP_MM,
        "m_right": MARGIN_RIGHT_MM,
        "m_bottom": MARGIN_BOTTOM_MM,
        "m_left": MARGIN_LEFT_MM,
        "body_pt": BODY_PT,
        "title_pt": TITLE_PT,
        "small_pt": SMALL_PT,
        "ls": f"{LETTER_SPACING_MM:.4f}",
        "line": LINE_PITCH_MM,
        "two_lines": round(LINE_PITCH_MM * 2, 3),
        "pitch": CHAR_PITCH_MM,
        "indent2": round(CHAR_PITCH_MM * 2, 3),
        "indent4": round(CHAR_PITCH_MM * 4, 3),
        "mark_top": MARK_TOP_MM,
        "mark_box": round(MARK_BOX_MM, 3),
        "red_rule": RED_RULE_MM,
        "title_gap": round(title_gap_mm(), 3),
        "rule_gap": round(RULE_BELOW_NUMBER_MM - HALF_LEADING_MM, 3),
        "page_gap": PAGE_NUMBER_GAP_MM,
        "small_char_mm": round(SMALL_PT * MM_PER_PT, 3),
        "seal_d": SEAL_DIAMETER_MM,
        "seal_r": SEAL_DIAMETER_MM / 2,
        "seal_r_line": round(SEAL_DIAMETER_MM / 2 + LINE_PITCH_MM, 3),
        "seal_gap": round(LINE_PITCH_MM * SEAL_BLANK_LINES_ABOVE, 3),
        # the seal reaches this far below the date line; the block reserves it so the seal
        # never leaves the type area
        "seal_overhang": round(max(0.0, SEAL_DIAMETER_MM / 2 - 2 * LINE_PITCH_MM), 3),
        "letter_mark_top": LETTER_MARK_TOP_MM,
        "letter_rule_overhang": (LETTER_RULE_WIDTH_MM - TYPE_WIDTH_MM) / 2,
        "letter_bottom_rule": LETTER_BOTTOM_RULE_MM,
        "letter_rule_h": LETTER_RULE_HEIGHT_MM,
        "letter_rule_gap": LETTER_RULE_GAP_MM,
        # the characters' top, not the line box, sits 7/8 of a character below the rule
        "letter_meta_gap": round(LETTER_META_GAP_MM - HALF_LEADING_MM, 3),
        "letter_bottom_top": round(
            PAGE_HEIGHT_MM - LETTER_BOTTOM_RULE_MM - LETTER_RULE_HEIGHT_MM - LETTER_MARK_TOP_MM, 3
        ),
        "red": RED,
    }
