"""Reads for the agency directory."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from agencies.models import Agency, Role, RoleGrant, User


def agency_list(*, kind: str = "", level: str = "", query: str = ""):
    """Active agencies with their people count, in directory order."""
    agencies = (
        Agency.objects.filter(is_active=True)
        .select_related("region", "superior")
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
    )
    if kind:
        agencies = agencies.filter(kind=kind)
    if level:
        agencies = agencies.filter(region__level=level)
    if query:
        agencies = agencies.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(doc_prefix__icontains=query)
        )
    return agencies


def agency_get(*, pk: int) -> Agency:
    """One active agency, its people (with roles) and subordinates, or 404."""
    people = (
        User.objects.filter(is_active=True)
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("username")
    )
    try:
        return (
            Agency.objects.select_related("region__parent", "superior")
            .prefetch_related(
                Prefetch("people", queryset=people),
                Prefetch("subordinates", queryset=Agency.objects.filter(is_active=True)),
            )
            .get(pk=pk, is_active=True)
        )
    except Agency.DoesNotExist:
        raise Http404 from None


def liaisons_by_agency() -> dict[int, list[User]]:
    """Each agency's liaison officers, for the directory list."""
    result: dict[int, list[User]] = {}
    liaisons = User.objects.filter(is_active=True, role_grants__role=Role.LIAISON).order_by(
        "username"
    )
    for person in liaisons:
        result.setdefault(person.agency_id, []).append(person)
    return result


def personnel_history(*, agency: Agency, limit: int = 50) -> list:
    """Recent changes to the agency's people and their roles, newest first."""
    person_rows = (
        User.history.filter(agency_id=agency.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    member_ids = set(User.history.filter(agency_id=agency.pk).values_list("id", flat=True))
    role_rows = (
        RoleGrant.history.filter(user_id__in=member_ids)
        .select_related("history_user", "user")
        .order_by("-history_date")[:limit]
    )
    rows = sorted([*person_rows, *role_rows], key=lambda row: row.history_date, reverse=True)
    return rows[:limit]


def signin_locks() -> tuple[set[str], set[str]]:
    """The accounts and the addresses locked out of signing in right now: their failures within
    the cool-off time reached the limit (the same rule as agencies.signin.LockoutHandler)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())

    def over(field: str, limit: int) -> set[str]:
        totals = (
            recent.exclude(**{f"{field}__isnull": True})
            .order_by()  # group by the field alone, not by axes' default ordering too
            .values(field)
            .annotate(total=Sum("failures_since_start"))
            .filter(total__gte=limit)
        )
        return {row[field] for row in totals}

    return over("username", settings.AXES_FAILURE_LIMIT), over(
        "ip_address", settings.XIETONG_ADDRESS_FAILURE_LIMIT
    )
