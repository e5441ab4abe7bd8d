"""Every personnel change also goes to the tamper-evident audit log.

django-simple-history keeps the full before/after rows; this adds one chained AuditEvent per
change so that auditors see directory changes in the same trail as every case step.
"""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import post_create_historical_record

from agencies.models import Agency, Region, RoleGrant, User
from audit.services import lazy_summary, record_event

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
VERBS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
TRACKED = {
    Agency: "directory.agency",
    Region: "directory.region",
    User: "directory.person",
    RoleGrant: "directory.role",
}
# set and cleared by agencies.services, which write their own auth.* events
SIGN_IN_FIELDS = {"must_change_password"}


def _changes(history_instance) -> dict:
    previous = history_instance.prev_record
    if previous is None:
        return {}
    delta = history_instance.diff_against(previous)
    return {c.field: {"old": c.old, "new": c.new} for c in delta.changes}


@receiver(post_create_historical_record, dispatch_uid="directory_audit")
def _audit_directory_change(sender, instance, history_instance, history_user, **kwargs):
    model = type(instance)
    if model not in TRACKED:
        return
    kind = history_instance.history_type
    agency = {
        User: lambda: instance.agency,
        RoleGrant: lambda: instance.user.agency,
        Agency: lambda: instance,
    }.get(model, lambda: None)()
    changes = _changes(history_instance)
    if model is User and kind == "~" and changes and set(changes) <= SIGN_IN_FIELDS:
        return  # its service records what happened (auth.password_change_required, …)
    data = {"history_id": history_instance.history_id, "changes": changes}
    if model is RoleGrant:
        data["role"] = instance.role
        data["person"] = instance.user.username
    record_event(
        action=f"{TRACKED[model]}.{ACTIONS[kind]}",
        actor=history_user,
        agency=agency,
        obj=instance,
        summary=lazy_summary(
            _("%(model)s %(verb)s: %(object)s"),
            model=model._meta.verbose_name,
            verb=VERBS[kind],
            object=instance,
        ),
        data=data,
    )
