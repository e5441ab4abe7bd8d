"""The red seal (印章) drawn on sealed documents, as an SVG data URI.

A round seal in the common form: a red ring, a five-pointed star in the centre and the
issuer's name around the upper arc. It marks the document as issued by the system under
that agency's authority; it is drawn from the agency name, never from an uploaded image.
"""

import base64
import math
from xml.sax.saxutils import escape

from documents import layout

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


def seal_svg(name: str, font_family: str = "XT XiaoBiaoSong") -> str:
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
        glyphs.append(
            f'<text x="{x:.2f}" y="{y:.2f}" transform="rotate({angle:.2f} {x:.2f} {y:.2f})" '
            f'text-anchor="middle" dominant-baseline="central">{escape(ch)}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {size} {size}">'
        f'<circle cx="{c}" cy="{c}" r="{c - ring / 2}" fill="none" stroke="{RED}" '
        f'stroke-width="{ring}"/>'
        f"{_star(c, c, size * 0.17)}"
        f'<g fill="{RED}" font-family="{escape(font_family)}" font-size="{font_size:.2f}">'
        f"{''.join(glyphs)}</g></svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
