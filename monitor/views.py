"""The monitor's pages: the alert list with its figures, the alert page with the steps the
user may take, and the thresholds and rules. Thin: access, form, service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from agencies.access import Ability, require
from audit.services import record_list_read
from cases.views import CappedPaginator
from core.submissions import once_per_submission
from monitor import access, selectors, services
from monitor.forms import AlertFilterForm, ReferForm, StepForm
from monitor.models import FraudThreshold, MonitorRule

PAGE = 30

SERVICES = {
    "request": services.alert_request_explanation,
    "recommend": services.alert_recommend_referral,
    "explain": services.alert_explain,
    "answer": services.alert_answer,
    "close": services.alert_close,
    "refer": services.alert_refer,
}
REFUSALS = dict(access.ACTIONS)
DONE = {
    "request": gettext_lazy("The agency has been asked to explain."),
    "recommend": gettext_lazy("The referral has been recommended to the agency's leader."),
    "explain": gettext_lazy("Your explanation has been sent."),
    "answer": gettext_lazy("Your answer has been sent."),
    "close": gettext_lazy("The alert is closed."),
    "refer": gettext_lazy("The case has been referred; the follow-up case is under way."),
}


def _form(action, alert, data=None):
    if action == "refer":
        return ReferForm(data, case=alert.case)
    return StepForm(data, action=action)


@require_safe
@login_required
def alert_list(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    form = AlertFilterForm(request.GET or None)
    chosen = {}
    if form.is_bound:
        form.is_valid()
        if form.errors:
            messages.warning(request, _("Some filters were not understood and are left out."))
        chosen = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    alerts = selectors.alert_list(
        request.user,
        status=chosen.get("status") or "",
        rule=chosen.get("rule"),
        overdue=bool(chosen.get("overdue")),
        mine=bool(chosen.get("mine")),
    )
    page = CappedPaginator(alerts, PAGE).get_page(request.GET.get("page"))
    record_list_read(
        request.user,
        family="monitor",
        what=gettext_lazy("Referral-monitor alerts"),
        filters={k: v for k, v in chosen.items()},
        rows=page,
    )
    return render(
        request,
        "monitor/alert_list.html",
        {
            "form": form,
            "page": page,
            "summary": selectors.alert_summary(request.user),
            "now": timezone.now(),
        },
    )


def _alert_page(request, alert, *, bound=None, status=200, refusal=None):
    user = request.user
    actions = access.alert_actions(user, alert)
    forms = {action: _form(action, alert) for action in actions}
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "monitor/alert_detail.html",
        {
            "alert": alert,
            "summary": access.case_summary(user, alert),
            "steps": alert.steps.select_related("actor", "agency"),
            "forms": forms,
            "may_act": bool(forms),
            "is_case_agency": access.is_case_agency(user, alert),
            "target": access.referral_target(alert),
            "refusal": refusal,
            "now": timezone.now(),
        },
        status=status,
    )


@require_safe
@login_required
def alert_detail(request, pk: int):
    alert = access.access_alert(request.user, pk)
    access.log_summary_read(request.user, alert)
    return _alert_page(request, alert)


@require_POST
@login_required
@once_per_submission
def alert_act(request, pk: int, action: str):
    alert = access.access_alert(request.user, pk)
    if action not in SERVICES:
        raise Http404
    refusal = REFUSALS[action](request.user, alert)
    if refusal:
        return _alert_page(request, alert, status=403, refusal=refusal)
    form = _form(action, alert, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        kwargs = (
            {"summary": data["summary"], "team": list(data["team"])}
            if action == "refer"
            else {"text": data["text"]}
        )
        try:
            SERVICES[action](alert=alert, user=request.user, **kwargs)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, DONE[action])
            return redirect("monitor:alert", pk=alert.pk)
    return _alert_page(request, alert, bound=(action, form))


@require_safe
@login_required
def rules_page(request):
    """The thresholds and rules in force, for everyone who works with the alerts to read;
    the system administrator edits them in the Django admin."""
    require(request.user, Ability.VIEW_DIRECTORY)
    return render(
        request,
        "monitor/rules.html",
        {
            "thresholds": FraudThreshold.objects.select_related("province"),
            "rules": MonitorRule.objects.all(),
        },
    )
