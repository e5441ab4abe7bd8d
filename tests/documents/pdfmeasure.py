"""Measuring rendered PDFs: text lines by baseline, rules, colours, fonts — all in millimetres.

pdfplumber reports positions in PDF points from the top-left corner of the page. A character's
``top``/``bottom`` are its em box (pdfminer: baseline + font descent, one font size tall); its
baseline is taken from the text matrix. Everything here converts to millimetres from the top
and left edges of the page, the way GB/T 9704 gives its figures.
"""

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from documents import fonts

MM_PER_PT = 25.4 / 72


def mm(points: float) -> float:
    return points * MM_PER_PT


@dataclass
class Line:
    """The characters of one page sharing a baseline (and a font size)."""

    baseline: float  # mm from the top of the page
    chars: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return mm(self.chars[0]["x0"])

    @property
    def x1(self) -> float:
        return mm(max(c["x1"] for c in self.chars))

    @property
    def top(self) -> float:
        return mm(min(c["top"] for c in self.chars))

    @property
    def bottom(self) -> float:
        return mm(max(c["bottom"] for c in self.chars))

    @property
    def size(self) -> float:
        """The font size (pt) most characters of the line are set in."""
        sizes = [round(c["size"], 1) for c in self.chars]
        return max(set(sizes), key=sizes.count)

    @property
    def fontnames(self) -> set[str]:
        return {c["fontname"] for c in self.chars}

    def __repr__(self) -> str:
        return f"Line({self.baseline:.2f}mm, x {self.x0:.2f}–{self.x1:.2f}, {self.text!r})"


@lru_cache(maxsize=16)
def open_pdf(data: bytes) -> pdfplumber.PDF:
    """The parsed PDF; cached, as parsing a page's characters is the slow part of measuring."""
    return pdfplumber.open(BytesIO(data))


def baseline_mm(page, char) -> float:
    return mm(page.height - char["matrix"][5])


def text_lines(page, *, size: float | None = None, colour: str | None = None) -> list[Line]:
    """Lines of text on a page, top to bottom; characters of a line sorted left to right.

    Characters whose baselines differ by less than 0.5 mm belong to one line (a fallback font
    may sit a hair off). With ``size`` only characters of that font size (pt) count, with
    ``colour`` (e.g. "#000000", leaving out the red seal's lettering) only those of that colour.
    """
    chars = [
        c
        for c in page.chars
        if (size is None or abs(c["size"] - size) < 0.2)
        and (colour is None or same_colour(c.get("non_stroking_color"), colour))
    ]
    chars.sort(key=lambda c: (baseline_mm(page, c), c["x0"]))
    lines: list[Line] = []
    for char in chars:
        base = baseline_mm(page, char)
        if lines and abs(lines[-1].baseline - base) < 0.5:
            lines[-1].chars.append(char)
        else:
            lines.append(Line(base, [char]))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
    return lines


def page_text(page) -> str:
    """The page's text as pdfplumber extracts it (its default spacing heuristics)."""
    return page.extract_text() or ""


def rules(page, *, colour=None) -> list[dict]:
    """Filled rectangles and stroked lines that are wider than tall (rules), in mm."""
    found = []
    for obj in list(page.rects) + list(page.lines):
        x0, x1, top, bottom = (mm(obj[k]) for k in ("x0", "x1", "top", "bottom"))
        if x1 - x0 < 5 or bottom - top > 3:
            continue
        fill = obj.get("non_stroking_color") if obj.get("fill") else obj.get("stroking_color")
        if colour is not None and not same_colour(fill, colour):
            continue
        found.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "colour": fill})
    return sorted(found, key=lambda r: r["top"])


def rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))


def same_colour(colour, hex_colour: str, tolerance: float = 0.02) -> bool:
    if isinstance(colour, int | float):
        colour = (colour,)
    if colour is not None and len(colour) == 1:  # DeviceGray
        colour = tuple(colour) * 3
    if colour is None or len(colour) != 3:
        return False
    return all(abs(a - b) <= tolerance for a, b in zip(colour, rgb(hex_colour), strict=True))


def chars_coloured(page, hex_colour: str) -> list[dict]:
    return [c for c in page.chars if same_colour(c.get("non_stroking_color"), hex_colour)]


# --- fonts -------------------------------------------------------------------------------------

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def embedded_fonts(data: bytes) -> list[dict]:
    """Every font of every page: its BaseFont and which font programs its descriptor embeds."""
    found = {}
    for page in PdfReader(BytesIO(data)).pages:
        resources = page.get("/Resources")
        if not resources or "/Font" not in resources:
            continue
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            name = str(font.get("/BaseFont"))
            found[name] = {
                "name": name,
                "subtype": str(font.get("/Subtype")),
                "programs": [
                    k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor
                ],
            }
    return list(found.values())


def pdf_family(fontname: str) -> str:
    """'ABCDEF+XT-FangSong' -> 'XT-FangSong'."""
    return SUBSET_TAG.sub("", fontname)


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True, fontNumber=0)
    return frozenset(font.getBestCmap())


def font_file_for(fontname: str) -> Path | None:
    """The source file of a PDF font: WeasyPrint names an embedded font after its @font-face
    family ('ABCDEF+XT-FangSong' is "XT FangSong"), which documents.fonts binds to one file."""
    family = pdf_family(fontname).replace("-", " ")
    return next((face.path for face in fonts.font_faces() if face.family == family), None)


def font_has_char(path: Path, char: str) -> bool:
    return all(ord(c) in _cmap(path) for c in char)


# --- the seal -----------------------------------------------------------------------------------


@dataclass
class Ring:
    """A seal's ring: centre (from the stroked circle's path) and outer radius, in mm."""

    cx: float
    cy: float
    radius: float

    @property
    def top(self) -> float:
        return self.cy - self.radius

    @property
    def bottom(self) -> float:
        return self.cy + self.radius

    @property
    def x0(self) -> float:
        return self.cx - self.radius

    @property
    def x1(self) -> float:
        return self.cx + self.radius


def seal_rings(page, hex_colour: str, diameter: float) -> list[Ring]:
    """Stroked circles in the seal colour about `diameter` mm across.

    The path runs along the middle of the ring's stroke, so its box is a little smaller than
    the seal; the seal's own outer edge is `diameter` / 2 from the centre.
    """
    found = []
    for curve in page.curves:
        if not curve.get("stroke") or not same_colour(curve.get("stroking_color"), hex_colour):
            continue
        width, height = mm(curve["x1"] - curve["x0"]), mm(curve["bottom"] - curve["top"])
        if diameter * 0.8 < width <= diameter + 0.01 and abs(width - height) < 0.5:
            cx = mm(curve["x0"] + curve["x1"]) / 2
            cy = mm(curve["top"] + curve["bottom"]) / 2
            found.append(Ring(cx, cy, diameter / 2))
    return found
