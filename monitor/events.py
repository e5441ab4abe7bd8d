"""Who is told about an alert, with which words: the people of the one agency that must act
next, linked to the alert's page. Called from monitor/services.py inside the step's
transaction (notifications.services.notify queues the mail for after the commit)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, people_who_can
from notifications.models import Notification
from notifications.services import notify

K = Notification.Kind


def _people(agency, *abilities):
    seen = {}
    for ability in abilities:
        for person in people_who_can(ability, agency):
            seen.setdefault(person.pk, person)
    return list(seen.values())


def recipient_people(alert):
    """The recipient's supervisors: its leader, liaison and officers."""
    return _people(
        alert.to_agency, Ability.APPROVE_CASE, Ability.RECEIVE_REFERRAL, Ability.HANDLE_CASE
    )


def _context(alert, **extra):
    context = {
        "number": alert.case.number,
        "title": alert.case.title,
        "agency": alert.case.agency.name,
        "to": alert.to_agency.name,
        "rule": alert.rule.name,
        "due": timezone.localtime(alert.due_at).strftime("%Y-%m-%d %H:%M") if alert.due_at else "",
    }
    context.update(extra)
    return context


def _send(alert, people, kind, title, body, **extra):
    context = _context(alert, **extra)
    return notify(
        recipients=people,
        kind=kind,
        title=str(title) % context,
        body=str(body) % context,
        url=reverse("monitor:alert", args=[alert.pk]),
    )


def alert_raised(alert):
    return _send(
        alert,
        recipient_people(alert),
        K.MONITOR_ALERT,
        _("应移未移 alert: case %(number)s of %(agency)s"),
        _(
            "The referral monitor flagged case %(number)s “%(title)s” of %(agency)s.\n"
            "%(reason)s\nReview it: ask the agency to explain, recommend the referral, or "
            "close the alert with reasons."
        ),
        reason=alert.reason,
    )


def explanation_requested(alert, text):
    return _send(
        alert,
        _people(alert.case.agency, Ability.HANDLE_CASE),
        K.MONITOR_REQUEST,
        _("%(to)s asks why case %(number)s was not referred"),
        _(
            "%(to)s asks your agency to explain in writing why case %(number)s “%(title)s” "
            "was not referred (要求说明理由). Answer by %(due)s.\nRule: %(rule)s\n%(text)s"
        ),
        text=text,
    )


def referral_recommended(alert, text):
    return _send(
        alert,
        _people(alert.case.agency, Ability.APPROVE_CASE),
        K.MONITOR_REQUEST,
        _("%(to)s recommends referring case %(number)s (建议移送)"),
        _(
            "%(to)s recommends that your agency refer case %(number)s “%(title)s” "
            "(建议移送). Refer it, or answer with your reasons, by %(due)s.\n%(text)s"
        ),
        text=text,
    )


def agency_answered(alert, text, *, what):
    """The case's agency explained, answered or referred: the recipient decides next."""
    return _send(
        alert,
        recipient_people(alert),
        K.MONITOR_ANSWER,
        _("%(agency)s answered on case %(number)s: %(what)s"),
        _("%(agency)s has answered the alert on case %(number)s “%(title)s”: %(what)s.\n%(text)s"),
        text=text,
        what=what,
    )


def alert_closed(alert, text):
    """The case's agency learns that the supervision ended."""
    return _send(
        alert,
        _people(alert.case.agency, Ability.APPROVE_CASE),
        K.MONITOR_ANSWER,
        _("%(to)s closed the alert on case %(number)s"),
        _("%(to)s closed its alert on case %(number)s “%(title)s”.\nReasons: %(text)s"),
        text=text,
    )


def alert_urged(alert, level, people):
    if level == 3:
        title = _("Still unanswered: alert on case %(number)s at %(agency)s")
        body = _(
            "%(agency)s has not answered your alert on case %(number)s “%(title)s”, due "
            "%(due)s. Decide how to follow it up."
        )
    else:
        title = _("Overdue (催办): alert on case %(number)s")
        body = _(
            "The answer to %(to)s's alert on case %(number)s “%(title)s” was due %(due)s. "
            "Answer it now."
        )
    return _send(alert, people, K.MONITOR_URGE, title, body)
