from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies import selectors
from agencies.access import Ability, can, require
from agencies.models import Agency, Region


@require_safe
@login_required
def agency_list(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    kind = request.GET.get("kind", "")
    level = request.GET.get("level", "")
    query = request.GET.get("q", "").strip()[:50]
    kind = kind if kind in Agency.Kind.values else ""
    level = level if level in Region.Level.values else ""
    agencies = list(selectors.agency_list(kind=kind, level=level, query=query))
    liaisons = selectors.liaisons_by_agency()
    for agency in agencies:
        agency.liaisons = liaisons.get(agency.pk, [])
    return render(
        request,
        "agencies/agency_list.html",
        {
            "agencies": agencies,
            "kinds": Agency.Kind.choices,
            "levels": Region.Level.choices,
            "kind": kind,
            "level": level,
            "q": query,
        },
    )


@require_safe
@login_required
def agency_detail(request, pk: int):
    require(request.user, Ability.VIEW_DIRECTORY)
    agency = selectors.agency_get(pk=pk)
    history = None
    if can(request.user, Ability.VIEW_PERSONNEL_HISTORY):
        history = selectors.personnel_history(agency=agency)
    return render(request, "agencies/agency_detail.html", {"agency": agency, "history": history})
