"""The statistics' charts as SVG, drawn on the server by pygal from the same Table the page
shows beside them.

The SVG holds no script and fetches nothing: pygal's tooltips script is left out (js=[]) and
the one configuration <script> it always writes is removed from the tree before it is
serialised; its styles are inline (the chart URL's Content-Security-Policy allows them).
Chinese labels are set in the CJK faces the site uses (Noto Sans CJK SC, fonts-noto-cjk).
"""

from xml.etree import ElementTree

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from stats.selectors import COUNT, MONEY, RATE

FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", sans-serif'
COLOURS = ("#1f5fa8", "#c8102e", "#2e8b57", "#e69500", "#6a4c93", "#00838f", "#7f8c8d", "#8d6e63")

STYLE = Style(
    font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    value_font_family=FONTS,
    value_label_font_family=FONTS,
    tooltip_font_family=FONTS,
    title_font_family=FONTS,
    legend_font_family=FONTS,
    no_data_font_family=FONTS,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#222222",
    foreground_subtle="#888888",
    colors=COLOURS,
    title_font_size=16,
    legend_font_size=12,
    label_font_size=11,
    major_label_font_size=11,
)

SVG = "http://www.w3.org/2000/svg"

# which columns each chart draws, by table
CHARTS = {
    "comparison": ("comparison", COUNT, ("latest", "previous", "year_ago")),
    "breakdown": ("breakdown", COUNT, None),
    "money": ("breakdown", MONEY, None),
    "funnel": ("funnel", COUNT, None),
    "timeliness": ("timeliness", RATE, ("rate",)),
    "steps": ("steps", "days", ("median", "p90")),
}


def _config(**extra):
    config = pygal.Config()
    config.js = []  # no tooltip script from a CDN
    config.style = STYLE
    config.width = 760
    config.height = 380
    config.disable_xml_declaration = True
    config.legend_at_bottom = True
    config.legend_at_bottom_columns = 4
    config.truncate_legend = -1
    config.truncate_label = 12
    config.x_label_rotation = 30
    config.print_values = False
    config.no_data_text = _("No data")
    config.show_y_guides = True
    for key, value in extra.items():
        setattr(config, key, value)
    return config


def _number(value):
    return None if value is None else float(value)


def build(name: str, table) -> pygal.graph.graph.Graph:
    """The pygal chart of `name` for `table` (the selector's Table)."""
    _table, kind, keys = CHARTS[name]
    columns = [
        c for c in table.columns if (keys is None and c.kind == kind) or (keys and c.key in keys)
    ]
    if name == "comparison":
        # measures along the axis, the three periods as series (counts only)
        rows = [r for r in table.rows if r.cells[0].kind == COUNT]
        chart = pygal.Bar(_config(title=table.title))
        chart.x_labels = [r.label for r in rows]
        index = {c.key: i for i, c in enumerate(table.columns)}
        for column in columns:
            chart.add(str(column.label), [_number(r.cells[index[column.key]].value) for r in rows])
        return chart
    line = table.key == "breakdown" and table.rows and hasattr(table.rows[0].key, "year")
    chart_class = pygal.Line if line and len(table.rows) > 2 else pygal.Bar
    extra = {"title": table.title}
    if kind == RATE:
        extra["range"] = (0, 100)
    if kind == MONEY:
        extra["title"] = _("%(title)s · amounts (yuan)") % {"title": table.title}
        extra["value_formatter"] = lambda v: f"{v:,.2f}"
    chart = chart_class(_config(**extra))
    chart.x_labels = [r.label for r in table.rows]
    index = {c.key: i for i, c in enumerate(table.columns)}
    for column in columns:
        chart.add(
            str(column.label), [_number(r.cells[index[column.key]].value) for r in table.rows]
        )
    return chart


def render_svg(chart) -> bytes:
    """The chart as SVG bytes without any <script> element."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    try:  # lxml, when pygal found it
        from lxml import etree

        if isinstance(root, etree._Element):
            return etree.tostring(root, encoding="utf-8")
    except ImportError:
        pass
    ElementTree.register_namespace("", SVG)
    return ElementTree.tostring(root, encoding="utf-8")
