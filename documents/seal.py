"""The red seal (印章) drawn on sealed documents, as an SVG data URI.

A round seal in the common form: a red ring, a five-pointed star in the centre and the
issuer's name around the upper arc. It marks the document as issued by the system under
that agency's authority; it is drawn from the agency name, never from an uploaded image.

The lettering is drawn as glyph outlines (from the 小标宋 face, else the full-coverage
fallbacks), not as SVG text: a seal is a picture, and its letters scattered round the arc
must not end up in the PDF's text layer, where they would interleave with the signature and
date in every copy, search and extraction of the document.
"""

import base64
import math
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from documents import fonts, layout

RED = layout.RED
DIAMETER_MM = layout.SEAL_DIAMETER_MM


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return f'<polygon points="{" ".join(points)}" fill="{RED}"/>'


_glyph_lock = threading.Lock()  # fontTools objects are not safe to share between threads


@dataclass(frozen=True)
class _Glyph:
    path: str  # SVG path data in font units, y up
    advance: float
    units_per_em: int
    centre: float  # the em box's vertical centre above the baseline, in font units


@cache
def _font(path: Path) -> TTFont:
    return TTFont(path, lazy=True, fontNumber=0)


@cache
def _glyph(path: Path, char: str) -> _Glyph | None:
    font = _font(path)
    name = font.getBestCmap().get(ord(char))
    if name is None:
        return None
    glyph_set = font.getGlyphSet()
    pen = SVGPathPen(glyph_set)
    glyph_set[name].draw(pen)
    os2 = font["OS/2"]
    return _Glyph(
        pen.getCommands(),
        glyph_set[name].width,
        font["head"].unitsPerEm,
        (os2.sTypoAscender + os2.sTypoDescender) / 2,
    )


def _lettering_fonts() -> list[Path]:
    """The 小标宋 face, then the full-coverage fallbacks."""
    faces = fonts.font_faces()
    families = ["XT XiaoBiaoSong"] + [family for family, _candidate in fonts.FALLBACKS]
    return [face.path for family in families for face in faces if face.family == family]


def _outline(char: str, x: float, y: float, angle: float, size: float) -> str:
    """The glyph of `char` centred on (x, y), `size` mm tall, turned `angle` degrees."""
    if char.isspace():
        return ""
    with _glyph_lock:
        glyph = next(
            (g for path in _lettering_fonts() if (g := _glyph(path, char)) is not None), None
        )
    if glyph is None or not glyph.path:
        return ""  # no font has it: leave its place on the arc empty rather than draw a box
    scale = size / glyph.units_per_em
    return (
        f'<path transform="translate({x:.3f} {y:.3f}) rotate({angle:.2f}) '
        f'scale({scale:.6f} {-scale:.6f}) translate({-glyph.advance / 2:.1f} {-glyph.centre:.1f})" '
        f'd="{glyph.path}"/>'
    )


def seal_svg(name: str) -> str:
    size = DIAMETER_MM
    c = size / 2
    ring = 1.2
    text_radius = c - ring - 3.6
    chars = list(name)[:24]
    n = len(chars)
    font_size = 4.8 if n <= 12 else max(3.4, 4.8 - (n - 12) * 0.2)
    sweep = min(250.0, 24.0 * n)  # degrees of arc the name occupies, centred on the top
    glyphs = []
    for i, ch in enumerate(chars):
        angle = -sweep / 2 + (sweep * (i + 0.5) / n)
        rad = math.radians(angle)
        x = c + text_radius * math.sin(rad)
        y = c - text_radius * math.cos(rad)
        glyphs.append(_outline(ch, x, y, angle, font_size))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {size} {size}">'
        f'<circle cx="{c}" cy="{c}" r="{c - ring / 2}" fill="none" stroke="{RED}" '
        f'stroke-width="{ring}"/>'
        f"{_star(c, c, size * 0.17)}"
        f'<g fill="{RED}">{"".join(glyphs)}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
