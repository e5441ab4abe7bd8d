"""What an official document says, independent of how it is laid out.

Everything here is plain text typed by people; it is cleaned (control characters removed),
split into paragraphs and classified into the heading levels of GB/T 9704 (一、 （一） 1． （1）).
Templates escape it; nothing here is ever treated as markup.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

CN_NUMERALS = "零一二三四五六七八九十百"

# GB/T 9704 7.3.3: 第一层 "一、" 黑体, 第二层 "（一）" 楷体, 第三层 "1．" 仿宋, 第四层 "（1）" 仿宋
HEADING_PATTERNS = [
    (1, re.compile(r"^[一二三四五六七八九十百]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
    (3, re.compile(r"^\d+[．.](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
]
SENTENCE_END = "。：；！？"

# C0/C1 controls (but tab, LF, CR), zero-width and direction marks, line/paragraph separators,
# bidi embeddings/overrides/isolates (U+202A–202E, U+2066–2069: they can make a name or a
# number display reversed), invisible operators (U+2060–2064) and the BOM
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    r"\u2066-\u2069\ufeff]"
)


def clean_text(value: str) -> str:
    """Normalise to NFC, turn CR/CRLF into LF, drop control and invisible formatting chars."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "  ")
    return _CONTROL.sub("", value)


def clean_line(value: str) -> str:
    """One-line fields (titles, names): also fold newlines into nothing."""
    return " ".join(clean_text(value).split("\n")).strip()


def has_control_characters(value: str) -> bool:
    normalised = (value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return bool(_CONTROL.search(normalised))


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: int = 0  # 0 = ordinary body text, 1-4 = heading levels
    lead: str = ""  # the heading part set in the heading face; text is the rest

    @property
    def css_class(self) -> str:
        return f"h{self.level}" if self.level else "p"


def split_paragraphs(body: str) -> list[Paragraph]:
    """Paragraphs of body text with their GB/T 9704 heading level.

    A heading may run on into its paragraph ("一、总体要求。各成员单位……"): only the part up to
    the first sentence-ending mark is set in the heading face.
    """
    paragraphs = []
    for raw in clean_text(body).split("\n"):
        text = raw.strip().replace("\u3000", "")
        if not text:
            continue
        level = next((lvl for lvl, pattern in HEADING_PATTERNS if pattern.match(text)), 0)
        lead, rest = "", text
        if level in (1, 2):
            cut = next((i + 1 for i, ch in enumerate(text) if ch in SENTENCE_END), len(text))
            lead, rest = text[:cut], text[cut:]
        paragraphs.append(Paragraph(text=rest, level=level, lead=lead))
    return paragraphs


def _width_in_characters(text: str) -> float:
    """Full-width characters count one, ASCII (digits in dates) half."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


# GB/T 9704 7.4.1: the body lines that go to a page with the signature block, at least
TAIL_LINES = 3
CHARS_PER_LINE = 28  # documents.layout.CHARS_PER_LINE (layout imports nothing from here)


def estimated_lines(paragraph: Paragraph) -> int:
    """How many 28-character lines a paragraph takes, its two-character indent included."""
    width = 2 + _width_in_characters(paragraph.lead + paragraph.text)
    return max(1, -int(-width // CHARS_PER_LINE))


def chinese_date(value: date) -> str:
    """GB/T 9704 7.3.5.1: Arabic numerals, no leading zeros: 2025年3月5日."""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass
class Attachment:
    title: str


SVG_DATA_URL = "data:image/svg+xml;base64,"


@dataclass
class Figure:
    """A chart set in the body (the 情况通报's statistics): its caption, and the chart as an
    SVG data: URL drawn on the server (stats.charts: no script, nothing fetched)."""

    title: str
    src: str

    def __post_init__(self):
        self.title = clean_line(self.title)
        if not self.src.startswith(SVG_DATA_URL):
            raise ValueError("a figure is an SVG data: URL")


@dataclass
class DocumentContent:
    """Everything a document shows.

    Layouts: "standard" (文件), "letter" (信函), "minutes" (纪要), "attachment" (附件: a paper
    that goes with another document, under its mark "附件1" and without a number printed).
    """

    layout: str
    issuer_mark: (
        str  # 发文机关标志, e.g. 吉林省医疗保障局文件 / 吉林省医疗保障基金监管部门联席会议纪要
    )
    number: str  # 发文字号, e.g. 吉医保联〔2025〕3号 ("" in a preview before issue)
    title: str
    body: str
    issued_on: date
    recipients: str = ""  # 主送机关
    signature: str = ""  # 发文机关署名
    sealed: bool = True  # 加盖印章 (minutes are usually not sealed)
    seal_text: str = ""  # the name around the seal (defaults to the signature)
    attachments: list[Attachment] = field(default_factory=list)
    note: str = ""  # 附注, printed in round brackets
    copy_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关
    printed_on: date | None = None  # 印发日期
    attendees: str = ""  # 纪要: 出席
    absentees: str = ""  # 纪要: 请假
    observers: str = ""  # 纪要: 列席
    copy_number: str = ""  # 份号 (letter)
    annex_mark: str = ""  # 附件标识 (attachment), e.g. 附件1
    figures: list[Figure] = field(default_factory=list)  # charts after the body's lead

    def __post_init__(self):
        for name in (
            "issuer_mark",
            "number",
            "title",
            "recipients",
            "signature",
            "seal_text",
            "note",
            "copy_to",
            "printed_by",
            "copy_number",
            "annex_mark",
        ):
            setattr(self, name, clean_line(getattr(self, name)))
        self.body = clean_text(self.body)
        for name in ("attendees", "absentees", "observers"):
            setattr(self, name, clean_line(getattr(self, name)))
        self.attachments = [
            Attachment(clean_line(a.title)) for a in self.attachments if clean_line(a.title)
        ]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return split_paragraphs(self.body)

    @property
    def _tail_start(self) -> int:
        """Where the paragraphs kept with the signature block begin: the last ones holding at
        least TAIL_LINES lines (counted pessimistically, one line short). The stylesheet allows
        no break between them and leaves at least three lines of a paragraph it breaks at the
        top of the next page, so a page never carries the signature block with fewer than three
        body lines (GB/T 9704 7.4.1), and "此页无正文" is never needed."""
        paragraphs = self.paragraphs
        lines, start = 0, len(paragraphs)
        while start > 0 and lines < TAIL_LINES + 1:
            start -= 1
            lines += estimated_lines(paragraphs[start])
        return start

    @property
    def lead_paragraphs(self) -> list[Paragraph]:
        return self.paragraphs[: self._tail_start]

    @property
    def tail_paragraphs(self) -> list[Paragraph]:
        return self.paragraphs[self._tail_start :]

    @property
    def date_text(self) -> str:
        return chinese_date(self.issued_on)

    @property
    def long_signature(self) -> bool:
        """A signature too long to centre over the date without leaving the type area (it may
        use four characters on either side of the date): it is then set flush with the type
        area's right edge, the date staying four characters in from the right."""
        return _width_in_characters(self.signature) > _width_in_characters(self.date_text) + 8

    @property
    def printed_date_text(self) -> str:
        return chinese_date(self.printed_on or self.issued_on)
