import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from agencies.access import Ability, require
from audit import selectors
from audit.case_record import case_record_pdf, may_read_case_record
from audit.forms import EventFilterForm
from audit.models import AuditEvent
from audit.presentation import details_text, present_events
from audit.services import (
    lazy_summary,
    record_download,
    record_event,
    record_list_read,
    record_read,
)
from audit.verification import verify_chain
from cases.models import Case
from core import exports
from core.exports import Column

PAGE_SIZE = 50


# An export holds at most this many events; a wider filter is refused with a message.
EXPORT_ROW_CAP = 20_000
EXPORT_BATCH = 500


def _filtered(request):
    """The filter form on the request's query and the events it selects (none when invalid)."""
    form = EventFilterForm(request.GET or None)
    if not form.is_bound:
        return form, {}, selectors.event_list()
    if not form.is_valid():
        return form, {}, AuditEvent.objects.none()
    filters = form.filters()
    return form, filters, selectors.event_list(**filters)


def _logged_filters(filters: dict) -> dict:
    """The filters as the log stores them: records by id."""
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in filters.items()}


@require_safe
@login_required
def event_list(request):
    require(request.user, Ability.READ_AUDIT_LOG)
    form, filters, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    present_events(page.object_list, request.user)
    # logged after the page is read, so the auditor's own read is not on the page it logs
    record_list_read(
        request.user,
        family="audit",
        what=gettext_lazy("Audit log"),
        filters=_logged_filters(filters),
        rows=page,
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": exports.query_without(request, "page"),
            "export_cap": EXPORT_ROW_CAP,
            "case": filters.get("case") if may_read_case_record(request.user) else None,
        },
    )


EXPORT_COLUMNS = (
    Column(gettext_lazy("Event"), exports.INTEGER, 8),
    Column(gettext_lazy("Time"), exports.DATETIME, 19),
    Column(gettext_lazy("Actor"), width=12),
    Column(gettext_lazy("Agency"), width=20),
    Column(gettext_lazy("Action"), width=22),
    Column(gettext_lazy("Object"), width=34),
    Column(gettext_lazy("Summary"), width=40),
    Column(gettext_lazy("Details"), width=48),
    Column(gettext_lazy("Hash"), width=20),
)


def _export_rows(events, user):
    """The events as rows, presented a batch at a time (a fixed number of queries per batch)."""
    batch = []
    for event in events.iterator(chunk_size=EXPORT_BATCH):
        batch.append(event)
        if len(batch) == EXPORT_BATCH:
            yield from _rows_of(batch, user)
            batch = []
    yield from _rows_of(batch, user)


def _rows_of(batch, user):
    for event in present_events(batch, user):
        yield (
            event.seq,
            event.time,
            event.actor_name or _("system"),
            event.agency_name,
            str(event.action_label),
            event.object_label,
            event.summary,
            details_text(event),
            event.hash,
        )


@require_safe
@login_required
def export(request, kind: str):
    """The filtered log as .xlsx or CSV, exactly the events the list shows; audited."""
    require(request.user, Ability.READ_AUDIT_LOG)
    if kind not in exports.FORMATS:
        raise Http404
    form, filters, events = _filtered(request)
    back = f"{reverse('audit:index')}?{exports.query_without(request, 'page')}"
    if form.errors:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    count = events.count()
    if count > EXPORT_ROW_CAP:
        messages.error(
            request,
            _(
                "%(count)s events match these filters; an export holds at most %(cap)s. "
                "Narrow the filters (a period, a case or a kind) and export again."
            )
            % {"count": count, "cap": EXPORT_ROW_CAP},
        )
        return redirect(back)
    now = timezone.localtime()
    description = form.description() if form.is_bound else str(_("All events"))
    exported = record_download(
        request.user,
        action="audit.exported",
        what=lazy_summary(
            _("the audit log as %(format)s, %(count)s events (%(filters)s)"),
            count=count,
            format=kind,
            filters=description,
        ),
        data={"format": kind, "filters": _logged_filters(filters), "count": count},
    )
    return exports.export_response(
        kind,
        filename_stem=_("audit-log") + f"-{now:%Y%m%d-%H%M%S}",
        title=str(_("Audit log")),
        subtitle=str(
            _("Filters: %(filters)s · exported %(time)s by %(user)s · %(count)s events")
            % {
                "filters": description,
                "time": now.strftime("%Y-%m-%d %H:%M:%S"),
                "user": request.user.get_full_name() or request.user.username,
                "count": count,
            }
        ),
        columns=[Column(str(c.header), c.kind, c.width) for c in EXPORT_COLUMNS],
        # the rows counted above: not this export's own event, nor any written since
        rows=_export_rows(events.filter(seq__lt=exported.seq), request.user),
    )


@require_safe
@login_required
def event_detail(request, seq: int):
    require(request.user, Ability.READ_AUDIT_LOG)
    event = get_object_or_404(AuditEvent, seq=seq)
    record_read(request.user, family="audit", what=str(event), obj=event)
    (event,) = present_events([event], request.user)
    return render(request, "audit/event_detail.html", {"event": event})


@require_safe
@login_required
def case_record(request, pk: int):
    """案件办理记录 of one case as a PDF, for auditors (who read every agency's cases)."""
    if not may_read_case_record(request.user):
        raise Http404  # a case's URL says nothing to someone who may not read it
    case = get_object_or_404(Case.objects.select_related("agency"), pk=pk)
    pdf = case_record_pdf(case, request.user)
    record_download(
        request.user,
        action="audit.case_record_downloaded",
        what=lazy_summary(_("the case record of %(case)s"), case=case.number),
        obj=case,
        data={"sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _("case-record") + f"-{case.number}.pdf"
    response["Content-Disposition"] = exports.disposition(name, inline=True)
    return response


@require_POST
@login_required
def verify(request):
    require(request.user, Ability.READ_AUDIT_LOG)
    report = verify_chain()
    record_event(
        action="audit.verified",
        actor=request.user,
        summary=str(report),
        data={"ok": report.ok, "checked": report.checked, "broken_seq": report.broken_seq},
    )
    level = messages.SUCCESS if report.ok else messages.ERROR
    messages.add_message(request, level, str(report))
    return redirect("audit:index")
