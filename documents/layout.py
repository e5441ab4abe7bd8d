"""GB/T 9704-2012 figures, in one place. The stylesheet and the layout tests both read these.

Type area 156 × 225 mm on A4 with a 37 mm top margin and a 28 mm binding margin; body text
3号 (16 pt) in 22 lines of 28 characters. 28 characters of 16 pt would need 158 mm, so the
character pitch is tightened to just under 156/28 mm (letter-spacing), and the line pitch is
225/22 mm rounded down so that the 22nd line always fits.
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

CHAR_PITCH_MM = 5.570  # ≤ 156/28 = 5.5714: 28 characters fit, 29 do not
LETTER_SPACING_MM = CHAR_PITCH_MM - BODY_PT * MM_PER_PT  # about -0.074 mm
LINE_PITCH_MM = 10.22  # ≤ 225/22 = 10.227: 22 lines fit, 23 do not

MARK_TOP_MM = 35.0  # top of the issuer mark below the top of the type area
MARK_MAX_PT = 40.0
RULE_BELOW_NUMBER_MM = 4.0
PAGE_NUMBER_GAP_MM = 7.0  # the page number's dash line sits 7 mm below the type area

# 信函格式 (letters)
LETTER_MARK_TOP_MM = 30.0  # from the top edge of the page
LETTER_RULE_WIDTH_MM = 170.0
LETTER_BOTTOM_RULE_MM = 20.0  # from the bottom edge of the page

RED = "#e60012"


def mark_font_pt(text: str) -> float:
    """The issuer mark is one line across at most the type width."""
    width_pt = TYPE_WIDTH_MM / MM_PER_PT
    return round(min(MARK_MAX_PT, width_pt / max(len(text), 1) * 0.96), 2)


def stylesheet_context() -> dict:
    return {
        "page_w": PAGE_WIDTH_MM,
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
        "rule_gap": RULE_BELOW_NUMBER_MM,
        "page_gap": PAGE_NUMBER_GAP_MM,
        "small_char_mm": round(SMALL_PT * MM_PER_PT, 3),
        "letter_mark_top": LETTER_MARK_TOP_MM,
        "letter_rule_overhang": (LETTER_RULE_WIDTH_MM - TYPE_WIDTH_MM) / 2,
        "letter_bottom_rule": LETTER_BOTTOM_RULE_MM,
        "letter_bottom_top": round(
            PAGE_HEIGHT_MM - LETTER_BOTTOM_RULE_MM - 1.6 - LETTER_MARK_TOP_MM, 3
        ),
        "red": RED,
    }
