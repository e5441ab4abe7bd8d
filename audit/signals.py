"""Sign-ins and sign-outs belong in the audit trail too, and so does every change made in the
Django admin."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from audit.services import lazy_summary, record_event


def _client(request) -> dict:
    if request is None:
        return {}
    from agencies.signin import client_ip  # the address the sign-in limits count

    return {
        "ip": client_ip(request) or "",
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record_event(
        action="auth.login", actor=user, obj=user, summary=_("Signed in"), data=_client(request)
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            action="auth.logout",
            actor=user,
            obj=user,
            summary=_("Signed out"),
            data=_client(request),
        )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(
        action="auth.login_failed",
        summary=lazy_summary(_("Failed sign-in as “%(username)s”"), username=username),
        data={"username": username, **_client(request)},
    )


ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
ADMIN_VERBS = {ADDITION: _("added"), CHANGE: _("changed"), DELETION: _("deleted")}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def _admin_change(sender, instance, created, raw=False, **kwargs):
    """The admin writes one LogEntry per object it adds, changes or deletes, inside the same
    transaction as the change (the bulk "delete selected" action, which writes them without
    signals, is switched off in config.admin). Directory models also get their own
    `directory.*` event with the field changes; this one covers every other model the admin
    can change (deadline rules, the working-day calendar, groups, flow tasks)."""
    if not created or raw:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label_lower if model else ""
    params = {
        "model": model._meta.verbose_name if model else label,
        "verb": ADMIN_VERBS.get(instance.action_flag, ""),
        "object": instance.object_repr,
    }
    if instance.change_message:
        summary = lazy_summary(
            _("Administration: %(model)s %(verb)s: %(object)s. %(message)s"),
            message=lazy(instance.get_change_message, str)(),
            **params,
        )
    else:
        summary = lazy_summary(_("Administration: %(model)s %(verb)s: %(object)s"), **params)
    record_event(
        action=f"admin.{ADMIN_ACTIONS.get(instance.action_flag, 'logged')}",
        actor=instance.user,
        summary=summary,
        data={
            "model": label,
            "object_id": str(instance.object_id),
            "object": instance.object_repr,
            "change_message": instance.change_message,
        },
    )
