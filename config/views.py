from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.access import Ability, abilities_of, can, is_system_admin, roles_of
from agencies.models import Role

URGENT = 5


@require_safe
@login_required
def home(request):
    """The work dashboard: what is mine and how urgent (counts in red), the most urgent tasks
    with their deadlines, for leaders what waits for their approval, for the joint-meeting
    office the open 督办, and everyone's meeting steps; then the applications."""
    from cases import selectors as cases
    from cases.access import can_supervise
    from meetings.selectors import meeting_todos
    from monitor.selectors import awaiting as alerts_awaiting
    from workflow.flows import CaseFlow

    site = request.resolver_match.site
    user = request.user
    roles = [role for role in Role if role in roles_of(user)]
    mine = cases.inbox(user=user, scope="mine")
    leader = can(user, Ability.APPROVE_CASE)
    office = can_supervise(user)
    alerts = alerts_awaiting(user)
    return render(
        request,
        "xietong/home.html",
        {
            "roles": roles,
            "counts": cases.task_counts(user=user),
            "urgent": list(mine[:URGENT]),
            "approvals": (
                list(
                    mine.filter(
                        Q(flow_task=CaseFlow.approve) | Q(flow_task=CaseFlow.approve_close)
                    )[:URGENT]
                )
                if leader
                else []
            ),
            "extensions": list(cases.pending_extensions(user=user)[:URGENT]) if leader else [],
            "supervised": cases.supervised_tasks().count() if office else None,
            "meeting_todos": meeting_todos(user),
            "alert_count": alerts.count(),
            "alert_todos": list(alerts[:URGENT]),
            "applications": site.applications_for(user),
            "is_system_admin": is_system_admin(user),
            "has_abilities": bool(abilities_of(user)),
            "now": timezone.now(),
        },
    )
