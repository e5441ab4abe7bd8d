"""Sign-in protection: failed sign-ins counted per account and per client address.

django-axes does the counting (its AccessAttempt table, so a lock holds across every gunicorn
worker and host), refuses a locked account or address before any password is checked, and
calls back into this module for the pieces Xietong decides:

- `client_ip` — which address a request comes from: the connection's, or, behind
  settings.XIETONG_PROXY_COUNT trusted reverse proxies, the one the outermost proxy saw;
- `LockoutHandler` — two limits instead of axes' one (AXES_FAILURE_LIMIT failures for one
  account from anywhere, XIETONG_ADDRESS_FAILURE_LIMIT from one address to any accounts, which
  stops password spraying), a success clearing only that account's failures, and an audit
  event when a lock begins;
- `lockout_response` — the login page itself with a Chinese message saying until when, and
  whom to ask;
- `PersonBackend` and `SignInForm` — in production the published demo password opens demo
  accounts only (User.is_demo), with a message saying so.

A system administrator lifts a lock with agencies.services.signin_unlock (the admin's actions,
`manage.py signin_unlock`).
"""

import ipaddress
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from agencies.passwords import is_demo_password


def _address(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE; also what the audit log records).

    Without trusted proxies (XIETONG_PROXY_COUNT=0) X-Forwarded-For is ignored: anyone can send
    it. Each of N trusted proxies appends the address it received the request from, so the
    client is the N-th entry from the right; entries further left came from the client and are
    never believed. A request with fewer entries did not pass every proxy and counts by its
    connection address.
    """
    proxies = settings.XIETONG_PROXY_COUNT
    if proxies:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop]
        if len(hops) >= proxies:
            forwarded = _address(hops[-proxies])
            if forwarded:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR", ""))


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _lock_ends(attempts, limit: int, cool_off):
    """When the count of recent failures drops below `limit` again (None if it is below).

    Each row's failures leave the count `cool_off` after its last failure; nothing is added
    while locked (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), so the lock ends when
    the row that took the newest rows' sum to the limit expires.
    """
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per account and another per address."""

    def _recent(self, request):
        return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

    def lock_state(self, request, credentials=None) -> dict:
        """Failures in the cool-off window for the account and the address, which of them is
        locked, and when the lock ends."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        cool_off = get_cool_off(request)
        account_limit = get_failure_limit(request, credentials)
        address_limit = settings.XIETONG_ADDRESS_FAILURE_LIMIT
        account_rows = self._recent(request).filter(username=username)
        address_rows = self._recent(request).filter(ip_address=address) if address else None
        state = {
            "username": username,
            "ip": address,
            "account_failures": _failures(account_rows),
            "address_failures": _failures(address_rows) if address_rows is not None else 0,
        }
        state["account_locked"] = state["account_failures"] >= account_limit
        state["address_locked"] = state["address_failures"] >= address_limit
        ends = []
        if state["account_locked"]:
            ends.append(_lock_ends(account_rows, account_limit, cool_off))
        if state["address_locked"]:
            ends.append(_lock_ends(address_rows, address_limit, cool_off))
        state["ends"] = max((end for end in ends if end), default=None)
        return state

    def get_failures(self, request, credentials=None) -> int:
        """The number axes compares with AXES_FAILURE_LIMIT: the account's recent failures, or
        the limit itself once the address has reached its own limit."""
        state = self.lock_state(request, credentials)
        if state["address_locked"]:
            return max(state["account_failures"], get_failure_limit(request, credentials))
        return state["account_failures"]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in (AXES_RESET_ON_SUCCESS): forget that account's failures
        only. axes would also forget the address's, letting a sprayer reset the address count
        by signing in to an account of their own."""
        username = get_client_username(request, credentials)
        count, _detail = AccessAttempt.objects.filter(username=username).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # axes marks a request refused because of an existing lock before this runs; a request
        # marked only afterwards is the failure that set the lock.
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and request.axes_locked_out and not already_locked:
            _record_lockout(self.lock_state(request, credentials))


def _record_lockout(state: dict) -> None:
    from agencies.models import User
    from audit.services import lazy_summary, record_event

    person = User.objects.filter(username=state["username"]).first()
    reason = "account" if state["account_locked"] else "address"
    record_event(
        action="auth.locked_out",
        obj=person,
        agency=person.agency if person else None,
        summary=lazy_summary(
            _("Sign-in locked after repeated failures: “%(username)s” from %(ip)s"),
            username=state["username"] or "",
            ip=state["ip"] or "?",
        ),
        data={
            "username": state["username"] or "",
            "ip": state["ip"] or "",
            "reason": reason,
            "account_failures": state["account_failures"],
            "address_failures": state["address_failures"],
            "until": state["ends"],
        },
    )


def lockout_message(state: dict) -> str:
    if state["account_locked"]:
        what = _(
            "Too many failed sign-ins to the account “%(username)s”: it is locked for now."
        ) % {"username": state["username"] or ""}
    else:
        what = _("Too many failed sign-ins from your network address: it is locked for now.")
    ends = state["ends"]
    if ends is None:  # the lock was lifted meanwhile
        return str(what)
    minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
    when = _(
        "Please try again after %(time)s (in about %(minutes)s minutes). If you cannot wait, ask "
        "your agency's system administrator to unlock it."
    ) % {"time": timezone.localtime(ends).strftime("%H:%M"), "minutes": minutes}
    # Chinese runs the sentences together, English puts a space between them
    return _("%(what)s %(when)s") % {"what": what, "when": when}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page, with the lock explained, as HTTP 429."""
    state = AxesProxyHandler.get_implementation().lock_state(request, credentials)
    form = SignInForm(request, initial={"username": state["username"] or ""})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": request.POST.get("next", request.GET.get("next", "")),
            "lockout_message": lockout_message(state),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PersonBackend(ModelBackend):
    """Django's model backend; with settings.XIETONG_REFUSE_DEMO_PASSWORD (production) the
    published demo password opens demo accounts only, whatever password an account has."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if settings.XIETONG_REFUSE_DEMO_PASSWORD and password and is_demo_password(password):
            model = get_user_model()
            if username is None:
                username = kwargs.get(model.USERNAME_FIELD)
            lookup = {model.USERNAME_FIELD: username, "is_demo": True}
            if not model._default_manager.filter(**lookup).exists():
                if request is not None:
                    request.xietong_demo_password_refused = True
                # stops authenticate(): a failed sign-in, counted and audited like any other
                raise PermissionDenied("The demo password opens demo accounts only.")
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInForm(AuthenticationForm):
    """The login form (viewflow's look), saying why the demo password was refused."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "demo_password": _(
            "The demo password opens demo accounts only. Sign in with your own password; if you "
            "have forgotten it, ask your system administrator to set a new one."
        ),
    }

    def get_invalid_login_error(self):
        if getattr(self.request, "xietong_demo_password_refused", False):
            return ValidationError(self.error_messages["demo_password"], code="demo_password")
        return super().get_invalid_login_error()
