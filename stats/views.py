"""The statistics page (统计分析) and its charts.

Who sees which figures is stats.access.stats_scope; a user without statistics is refused
(403). The figures are aggregates, not case material: reading them is not an auditor's
logged read — each number links to the case ledger, which shows (and logs, for auditors)
only the rows the reader may see.
"""

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from monitor.selectors import alert_summary
from stats import charts
from stats.access import may_draft_unit_report, stats_scope
from stats.forms import StatsFilterForm
from stats.selectors import FIGURES, default_filters

PAGE_FIGURES = ("comparison", "breakdown", "funnel", "timeliness", "steps")
# the charts beside each table, by table
TABLE_CHARTS = {
    "comparison": ("comparison",),
    "breakdown": ("breakdown", "money"),
    "funnel": ("funnel",),
    "timeliness": ("timeliness",),
    "steps": ("steps",),
}


def _scope(request):
    scope = stats_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filtered(request, scope):
    form = StatsFilterForm(request.GET or None, default=default_filters(), scope=scope)
    return form, form.filters()


@require_safe
def stats_page(request):
    scope = _scope(request)
    form, filters = _filtered(request, scope)
    if form.is_bound and form.errors:
        messages.error(
            request, _("Some filters were not understood; the statistics are shown unfiltered.")
        )
    tables = [FIGURES[name](scope, filters) for name in PAGE_FIGURES]
    query = request.GET.urlencode() if not (form.is_bound and form.errors) else ""
    return render(
        request,
        "stats/index.html",
        {
            "form": form,
            "filters": filters,
            "scope": scope,
            "tables": [(table, TABLE_CHARTS[table.key]) for table in tables],
            "query": query,
            "alert_summary": alert_summary(request.user),
            "may_draft_report": may_draft_unit_report(request.user),
        },
    )


# The SVG's own inline <style> (pygal writes one) is all it may use: no script, nothing
# fetched, never framed.
@csp(
    {
        "default-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": ["data:"],
        "frame-ancestors": [NONE],
    }
)
@require_safe
def chart(request, name: str):
    if name not in charts.CHARTS:
        raise Http404
    scope = _scope(request)
    _form, filters = _filtered(request, scope)
    table_name = charts.CHARTS[name][0]
    table = FIGURES[table_name](scope, filters)
    response = HttpResponse(
        charts.render_svg(charts.build(name, table)), content_type="image/svg+xml; charset=utf-8"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
