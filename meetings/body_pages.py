"""The joint-meeting body page and its personnel changes."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from agencies.access import Ability, can, people_who_can, require
from cases.forms import TextChecksMixin
from core.forms import IdChoiceField
from core.submissions import once_per_submission
from meetings import body as services
from meetings.models import PersonnelChange
from meetings.selectors import joint_body
from meetings.views import run_step


class ProposeForm(TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    position = forms.ChoiceField(
        label=gettext_lazy("Position"), choices=PersonnelChange.Position.choices
    )
    proposed = IdChoiceField(label=gettext_lazy("Proposed person"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed"].queryset = people
        self.fields["proposed"].label_from_instance = lambda u: f"{u.get_full_name()} · {u.title}"


class DecideForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    record = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", gettext_lazy("Record (备案)")), ("no", gettext_lazy("Return"))],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _body_or_404():
    body = joint_body()
    if body is None:
        raise Http404
    return body


@require_safe
@login_required
def body_detail(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    body = _body_or_404()
    office = services.is_recording_office(request.user, body)
    memberships = body.memberships.select_related("agency", "deputy_convenor", "liaison")
    mine = memberships.filter(agency_id=request.user.agency_id).first()
    changes = PersonnelChange.objects.filter(membership__body=body).select_related(
        "membership__agency", "proposed", "previous", "proposed_by"
    )
    if not office:
        changes = changes.filter(membership__agency_id=request.user.agency_id)
    return render(
        request,
        "meetings/body.html",
        {
            "body": body,
            "memberships": memberships,
            "office_people": people_who_can(Ability.RUN_MEETINGS, body.lead_agency),
            "changes": changes[:30],
            "may_propose": bool(mine and can(request.user, Ability.PROPOSE_PERSONNEL_CHANGE)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def change_propose(request):
    body = _body_or_404()
    membership = body.memberships.filter(agency_id=request.user.agency_id).first()
    if membership is None or not can(request.user, Ability.PROPOSE_PERSONNEL_CHANGE):
        raise Http404
    form = ProposeForm(request.POST or None, people=services.people_of(membership.agency))
    if request.method == "POST" and form.is_valid():
        data, made = form.cleaned_data, {}

        def action():
            made["change"] = services.change_propose(
                user=request.user,
                membership=membership,
                position=data["position"],
                proposed=data["proposed"],
                reason=data["reason"],
            )

        if run_step(request, form, action, _("The proposal was sent to the office.")):
            return redirect("meetings:change", made["change"].pk)
    return render(
        request,
        "meetings/step_form.html",
        {"form": form, "meeting": None, "title": _("Propose a personnel change")},
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def change_detail(request, pk: int):
    body = _body_or_404()
    change = (
        PersonnelChange.objects.select_related(
            "membership__agency", "proposed", "previous", "proposed_by", "decided_by"
        )
        .filter(pk=pk, membership__body=body)
        .first()
    )
    office = services.is_recording_office(request.user, body)
    if change is None or not (office or change.membership.agency_id == request.user.agency_id):
        raise Http404
    may_decide = office and change.status == PersonnelChange.Status.PROPOSED
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid() and run_step(
            request,
            form,
            lambda: services.change_decide(
                user=request.user,
                change=change,
                record=form.cleaned_data["record"],
                note=form.cleaned_data["note"],
            ),
            _("Decision recorded."),
        ):
            return redirect("meetings:change", change.pk)
    return render(
        request,
        "meetings/personnel_change.html",
        {"change": change, "form": form if may_decide else None},
    )
