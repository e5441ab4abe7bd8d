from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.access import abilities_of, is_system_admin, roles_of
from agencies.models import Role


@require_safe
@login_required
def home(request):
    """Who you are, your agency and roles, and the applications you can use."""
    site = request.resolver_match.site
    user = request.user
    roles = [role for role in Role if role in roles_of(user)]
    from cases import selectors as cases
    from meetings.selectors import meeting_todos

    return render(
        request,
        "xietong/home.html",
        {
            "roles": roles,
            "inbox_count": cases.inbox(user=user, scope="mine").count(),
            "meeting_todos": meeting_todos(user),
            "applications": site.applications_for(user),
            "is_system_admin": is_system_admin(user),
            "has_abilities": bool(abilities_of(user)),
        },
    )
