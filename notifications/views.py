"""The notification centre: my notifications, opening one, marking all read, my mail choice.

Everyone signed in has one; each sees only their own (another person's notification by URL
is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from notifications import selectors, services
from notifications.forms import MailPreferenceForm

PER_PAGE = 30


def _centre(request, form=None):
    page = Paginator(selectors.notification_list(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    form = form or MailPreferenceForm(initial={"mode": selectors.mail_mode(request.user)})
    return render(
        request,
        "notifications/centre.html",
        {"page": page, "form": form, "unread": selectors.unread_count(request.user)},
    )


@require_safe
@login_required
def centre(request):
    return _centre(request)


def is_local_path(url: str) -> bool:
    """A path on this site (never another host, a scheme, or a protocol-relative //host)."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


@require_safe
@login_required
def notification_open(request, pk: int):
    """Follow a notification: it is marked read, then its page opens."""
    notification = selectors.access_notification(request.user, pk)
    services.notification_open(user=request.user, notification=notification)
    if not is_local_path(notification.url):
        return redirect("notifications:index")
    return redirect(notification.url)


@require_POST
@login_required
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("notifications:index")


@require_POST
@login_required
def preference(request):
    form = MailPreferenceForm(request.POST)
    if not form.is_valid():
        return _centre(request, form=form)
    services.mail_preference_set(user=request.user, mode=form.cleaned_data["mode"])
    messages.success(request, _("Your e-mail preference is saved."))
    return redirect("notifications:index")
