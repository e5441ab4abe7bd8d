from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from agencies.access import Ability, require
from audit import selectors
from audit.forms import EventFilterForm
from audit.models import AuditEvent
from audit.presentation import present_events
from audit.services import record_event, record_list_read, record_read
from audit.verification import verify_chain

PAGE_SIZE = 50


@require_safe
@login_required
def event_list(request):
    require(request.user, Ability.READ_AUDIT_LOG)
    form = EventFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"],
            "agency_id": data["agency"].pk if data["agency"] else None,
            "query": data["q"].strip(),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = selectors.event_list(**filters) if not form.errors else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # logged after the page is read, so the auditor's own read is not on the page it logs
    record_list_read(
        request.user, family="audit", what=gettext_lazy("Audit log"), filters=filters, rows=page
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_safe
@login_required
def event_detail(request, seq: int):
    require(request.user, Ability.READ_AUDIT_LOG)
    event = get_object_or_404(AuditEvent, seq=seq)
    record_read(request.user, family="audit", what=str(event), obj=event)
    (event,) = present_events([event], request.user)
    return render(request, "audit/event_detail.html", {"event": event})


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
