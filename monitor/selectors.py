"""Reads of the monitor: the alerts a user sees, what waits for them, and the figures."""

from django.db.models import Count, Q
from django.utils import timezone

from monitor.access import awaiting_q, visible_alerts_q
from monitor.models import Alert, MonitorRule


def visible_alerts(user):
    return Alert.objects.filter(visible_alerts_q(user))


def alert_list(user, *, status="", rule=None, overdue=False, mine=False):
    alerts = visible_alerts(user).select_related("case__agency", "rule", "to_agency")
    if status:
        alerts = alerts.filter(status=status)
    if rule is not None:
        alerts = alerts.filter(rule=rule)
    if overdue:
        alerts = alerts.filter(overdue_q())
    if mine:
        alerts = alerts.filter(awaiting_q(user))
    return alerts.order_by("-created_at", "-pk")


def overdue_q(now=None) -> Q:
    """An answer of the case's agency that is past its due time."""
    return Q(status__in=Alert.AWAITING_AGENCY, due_at__lt=now or timezone.now())


def awaiting(user):
    """The alerts waiting for `user` to act (the home page's to-do), most urgent first."""
    return (
        Alert.objects.filter(awaiting_q(user))
        .select_related("case", "rule")
        .order_by("due_at", "created_at", "pk")
    )


def alert_summary(user) -> dict:
    """The figures of the alerts `user` may see: the total, by status (every status, zero
    included, in the order of the states), overdue answers, waiting for the user, and by
    rule. Two queries; the statistics dashboard shows the same."""
    alerts = visible_alerts(user)
    now = timezone.now()
    totals = alerts.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(now)),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in Alert.Status.values},
    )
    per_rule = dict(alerts.values_list("rule").annotate(n=Count("pk")).order_by())
    return {
        "total": totals["total"],
        "overdue": totals["overdue"],
        "waiting": Alert.objects.filter(awaiting_q(user)).count(),
        "by_status": [
            (value, label, totals[f"status_{value}"]) for value, label in Alert.Status.choices
        ],
        "by_rule": [
            (rule, per_rule.get(rule.pk, 0)) for rule in MonitorRule.objects.order_by("code")
        ],
    }
