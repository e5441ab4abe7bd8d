"""The case process chart without the escalation machinery.

Every human task carries three escalation timers leading to one escalation node; drawn, they
bury the process in crossing lines. The chart shown to users is laid out once from the flow
with those nodes left out, and each case's task states are painted onto a copy of it.
"""

import copy
import re
import threading
from types import SimpleNamespace

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from viewflow.workflow import chart
from viewflow.workflow.nodes import TimerBoundary

from workflow.flows import CaseFlow

ESCALATION_NODES = {"escalate", "escalated"}
_lock = threading.Lock()
_layout = None


def _hidden(node) -> bool:
    return isinstance(node, TimerBoundary) or node.name in ESCALATION_NODES


def _visible_layout():
    """Lay the visible nodes out with viewflow's own layout; runs once per process."""
    nodes = [node for node in CaseFlow.instance.nodes() if not _hidden(node)]
    saved = []
    for node in nodes:
        incoming = [edge for edge in node._incoming() if not _hidden(edge.src)]
        outgoing = [edge for edge in node._outgoing() if not _hidden(edge.dst)]
        saved.append((node, node.__dict__.get("_boundary_events")))
        node._incoming = lambda edges=incoming: iter(edges)
        node._outgoing = lambda edges=outgoing: iter(edges)
        node._boundary_events = []
    try:
        grid = chart.calc_layout_data(
            SimpleNamespace(instance=SimpleNamespace(nodes=lambda: nodes))
        )
    finally:
        for node, boundary_events in saved:
            del node._incoming, node._outgoing
            node._boundary_events = boundary_events
    grid.flow_class = CaseFlow
    return grid


def process_chart_svg(process) -> str:
    """The chart of one case's process, with the steps done and the current one marked."""
    global _layout
    with _lock:
        if _layout is None:
            _layout = _visible_layout()
        grid = copy.copy(_layout)
        grid.grid = {node: copy.copy(cell) for node, cell in _layout.grid.items()}
    for cell in grid.cells:
        cell.status = None
    chart.calc_cell_status(CaseFlow, grid, process.pk)
    # drawn by viewflow from the flow's own node titles and task states: no user text
    return mark_safe(at_natural_size(without_inline_styles(chart.grid_to_svg(grid))))  # noqa: S308


_SVG_ROOT = re.compile(r'<svg ([^>]*?)width="100%" height="100%" viewBox="0 0 (\d+) (\d+)"')


def at_natural_size(svg: str) -> str:
    """The chart one user unit to a pixel, so its 12 px labels are 12 px on the screen.

    viewflow stretches the drawing to its box (width and height 100%), which shrinks a chart
    1775 units wide to a third of that on a phone. At its natural size it scrolls in its
    container (.xt-chart); xietong.js adds the zoom buttons, labelled by the attributes here.
    """

    def natural(match):
        return format_html(
            '<svg {}width="{}" height="{}" viewBox="0 0 {} {}" data-label-tools="{}" '
            'data-label-in="{}" data-label-out="{}" data-label-reset="{}"',
            mark_safe(match.group(1)),  # noqa: S308 — viewflow's own attributes
            match.group(2),
            match.group(3),
            match.group(2),
            match.group(3),
            _("Zoom the process chart"),
            _("Zoom in"),
            _("Zoom out"),
            _("Actual size"),
        )

    return _SVG_ROOT.sub(natural, svg, count=1)


_STYLE_ELEMENT = re.compile(r"<style\b.*?</style>", re.DOTALL)


def without_inline_styles(svg: str) -> str:
    """viewflow's chart with its <style> element and style attributes taken out.

    The page's Content-Security-Policy refuses inline styles; the chart's look lives in
    static/xietong/xietong.css under .xt-chart, and the one style attribute viewflow sets
    has an SVG presentation attribute of its own.
    """
    svg = _STYLE_ELEMENT.sub("", svg)
    return svg.replace('style="pointer-events: none"', 'pointer-events="none"')
