from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies import selectors, services
from agencies.access import Ability, can, require
from agencies.models import Agency, Region
from core.forms import search_text


@require_safe
@login_required
def agency_list(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    kind = request.GET.get("kind", "")
    level = request.GET.get("level", "")
    query = search_text(request.GET.get("q", ""))
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


class PasswordChange(auth_views.PasswordChangeView):
    """Everyone changes their own password (Django's view and form: the old password, then the
    new one twice, checked by AUTH_PASSWORD_VALIDATORS); the change goes through the service."""

    def form_valid(self, form):
        person = services.password_change(
            person=self.request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, person)  # stay signed in here, not elsewhere
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    pass
