"""Sign-ins and sign-outs belong in the audit trail too."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
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
