"""Every create and issue form is done once, however often it is sent.

A form carries a random token (`{% submission_token %}` in its template). The view, wrapped
in `@once_per_submission`, records the token in the same transaction as the work it does:

* the first submission inserts the token, runs the view, and — when the view answers with
  a redirect and no error message, i.e. the work was done — stores where it led;
* a second submission of the same token (double click, refresh, back and resend) cannot
  insert it: on PostgreSQL its INSERT waits on the unique index until the first commits, on
  SQLite the IMMEDIATE transaction waits for the write lock. It is then sent where the first
  one led, with a message, and nothing is done again;
* a submission the view refuses (the form shown again with its errors, or a redirect with
  an error message) leaves no token behind, so the corrected form, which carries the same
  token, goes through.

Only for views whose services may run inside an outer transaction: the case-flow task steps
take viewflow's lock as their outermost transaction and are protected by AlreadyHandled.
"""

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

TOKEN_FIELD = "_submission"  # noqa: S105 -- a form field name, not a secret
KEEP = timedelta(days=1)
REDIRECTS = (301, 302, 303)


def token_of(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


def _done(request, response) -> bool:
    """The view did the work: it redirects, and said no error on the way (one-button steps
    redirect back with an error message when they are refused)."""
    if response.status_code not in REDIRECTS or not response.has_header("Location"):
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.ERROR for message in queued)


def once_per_submission(view):
    """Decorate a view whose POST creates or issues something (see the module docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = token_of(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        from core.models import Submission

        with transaction.atomic():
            now = timezone.now()
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(
                        token=token, user=request.user, path=request.path[:200], created_at=now
                    )
            except IntegrityError:
                first = Submission.objects.filter(token=token, user=request.user).first()
                if first is None:  # somebody else's token: treat it as no token at all
                    return view(request, *args, **kwargs)
                messages.info(
                    request,
                    _("This form had already been sent; it was done once. Here is the result."),
                )
                return redirect(first.result_url)
            response = view(request, *args, **kwargs)
            if _done(request, response):
                submission.result_url = response["Location"][:500]
                submission.save(update_fields=["result_url"])
                Submission.objects.filter(created_at__lt=now - KEEP).delete()
            else:
                submission.delete()
            return response

    return wrapped
