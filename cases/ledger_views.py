"""The case ledger (案件台账) on screen and as .xlsx / CSV — the same columns, in the same order,
for the same rows (one table, LEDGER_COLUMNS, feeds both)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from audit.services import lazy_summary, record_download, record_list_read
from cases.forms import LedgerFilterForm
from cases.ledger import LedgerFilters, fill, label, ledger
from core import exports
from core.exports import DATE, INTEGER, MONEY, TEXT, Column

PAGE_SIZE = 50
EXPORT_ROW_CAP = 100_000

# (header, kind, width, value of a row)
LEDGER_COLUMNS = (
    (gettext_lazy("Case number"), TEXT, 20, lambda r: r.case.number),
    (gettext_lazy("Case title"), TEXT, 30, lambda r: r.case.title),
    (gettext_lazy("Source"), TEXT, 12, lambda r: label(r.case, "source")),
    (gettext_lazy("Date registered"), DATE, 11, lambda r: r.date("registered")),
    (gettext_lazy("Subjects"), TEXT, 30, lambda r: "；".join(r.subjects)),
    (gettext_lazy("Violation types"), TEXT, 22, lambda r: "、".join(r.violations)),
    (gettext_lazy("Suspected amount (yuan)"), MONEY, 15, lambda r: r.case.suspected_amount),
    (gettext_lazy("Channel"), TEXT, 10, lambda r: r.channel_label),
    (
        gettext_lazy("Referring unit"),
        TEXT,
        14,
        lambda r: (r.referral.from_agency if r.referral else r.case.agency).short_name,
    ),
    (
        gettext_lazy("Receiving unit"),
        TEXT,
        14,
        lambda r: r.referral.to_agency.short_name if r.referral else "",
    ),
    (gettext_lazy("Date referred"), DATE, 11, lambda r: r.date("sent")),
    (gettext_lazy("Date signed for"), DATE, 11, lambda r: r.date("signed")),
    (gettext_lazy("Date decided"), DATE, 11, lambda r: r.date("decided")),
    (gettext_lazy("Date filed"), DATE, 11, lambda r: r.date("filed")),
    (gettext_lazy("Date evidence handed over"), DATE, 11, lambda r: r.date("handover")),
    (gettext_lazy("Date of result or closing"), DATE, 11, lambda r: r.date("result")),
    (gettext_lazy("Current deadline"), DATE, 11, lambda r: r.date("due")),
    (gettext_lazy("Steps with a deadline"), INTEGER, 8, lambda r: r.steps_due),
    (gettext_lazy("Of them late"), INTEGER, 8, lambda r: r.steps_late),
    (gettext_lazy("Extensions"), INTEGER, 8, lambda r: r.extensions),
    (gettext_lazy("Reconsideration or supervision"), TEXT, 16, lambda r: r.review),
    (gettext_lazy("Outcomes"), TEXT, 22, lambda r: r.outcome_labels),
    (gettext_lazy("Recovered (yuan)"), MONEY, 14, lambda r: r.recovered),
    (gettext_lazy("Fines (yuan)"), MONEY, 14, lambda r: r.fines),
    (gettext_lazy("Current status"), TEXT, 16, lambda r: r.status_label),
    (gettext_lazy("Now with"), TEXT, 12, lambda r: r.holder),
)
TOTALS = {6, 22, 23}  # the money columns summed in the 合计 row


def _filtered(request):
    """The form, its filters and whether they were refused (then the ledger is unfiltered)."""
    form = LedgerFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.filters(), True
    return form, LedgerFilters(), not form.is_bound


def _logged(form) -> dict:
    if not (form.is_bound and form.is_valid()):
        return {}
    return {
        key: (value.pk if hasattr(value, "pk") else str(value) if value is not None else None)
        for key, value in form.cleaned_data.items()
        if value not in (None, "", False)
    }


def _values(row):
    return [value(row) for _header, _kind, _width, value in LEDGER_COLUMNS]


def _cells(row):
    """(header, kind, value) of each column: the screen's cells, the export's values."""
    return [(h, k, v) for (h, k, _w, _f), v in zip(LEDGER_COLUMNS, _values(row), strict=True)]


def _totals(ledger_rows) -> list:
    """The 合计 cells: the money columns summed in the database over every matching row (not
    only the page's), None elsewhere."""
    sums = ledger_rows.totals()
    by_column = {6: sums["suspected"], 22: sums["recovered"], 23: sums["fines"]}
    return [
        (header, kind if i in TOTALS else None, by_column.get(i))
        for i, (header, kind, _width, _value) in enumerate(LEDGER_COLUMNS)
    ]


@require_safe
@login_required
def ledger_page(request):
    user = request.user
    form, filters, _ok = _filtered(request)
    if form.is_bound and form.errors:
        messages.error(
            request, _("Some filters were not understood; the ledger is shown unfiltered.")
        )
    rows = ledger(user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    fill(page.object_list, now=rows.now)
    for row in page:
        row.cells = _cells(row)
    totals = _totals(rows)
    record_list_read(
        user,
        family="case",
        what=gettext_lazy("Case ledger"),
        filters=_logged(form),
        rows=page,
    )
    return render(
        request,
        "cases/ledger.html",
        {
            "form": form,
            "page": page,
            "headers": [c[0] for c in LEDGER_COLUMNS],
            "totals": totals,
            "count": rows.count(),
            "query": exports.query_without(request, "page"),
            "export_cap": EXPORT_ROW_CAP,
        },
    )


@require_safe
@login_required
def ledger_export(request, kind: str):
    if kind not in exports.FORMATS:
        raise Http404
    user = request.user
    form, filters, ok = _filtered(request)
    back = f"{reverse('cases:ledger')}?{exports.query_without(request, 'page')}"
    if not ok:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    rows = ledger(user, filters)
    count = rows.count()
    if count > EXPORT_ROW_CAP:
        messages.error(
            request,
            _(
                "%(count)s rows match these filters; an export holds at most %(cap)s. "
                "Narrow the filters (a period, an agency or a status) and export again."
            )
            % {"count": count, "cap": EXPORT_ROW_CAP},
        )
        return redirect(back)
    now = timezone.localtime()
    description = (form.description() if form.is_bound else "") or _("No filter")
    record_download(
        user,
        action="case.ledger_exported",
        what=lazy_summary(
            _("the case ledger as %(format)s, %(count)s rows (%(filters)s)"),
            format=kind,
            count=count,
            filters=description,
        ),
        data={"format": kind, "filters": _logged(form), "count": count},
    )
    agency = user.agency.name if user.agency_id else ""
    return exports.export_response(
        kind,
        filename_stem=_("case-ledger") + f"-{now:%Y%m%d-%H%M%S}",
        title=f"{agency}{_('Case ledger (案件台账)')}",
        subtitle=str(
            _("Filters: %(filters)s · exported %(time)s by %(user)s · %(count)s rows")
            % {
                "filters": description,
                "time": now.strftime("%Y-%m-%d %H:%M:%S"),
                "user": user.get_full_name() or user.username,
                "count": count,
            }
        ),
        columns=[
            Column(str(header), kind_, width, total=i in TOTALS)
            for i, (header, kind_, width, _value) in enumerate(LEDGER_COLUMNS)
        ],
        rows=(_values(row) for chunk in rows.chunks() for row in chunk),
        total_label=_("Total (合计)"),
        sheet=_("Case ledger"),
    )
