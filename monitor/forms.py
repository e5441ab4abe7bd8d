"""The monitor's forms: one text form per step, the leader's referral, and the list filters
(every filter travels in the URL)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.access import TEAM_MESSAGE, TEAM_MINIMUM, team_candidates
from cases.forms import TextChecksMixin
from core.forms import IdChoiceField, IdMultipleChoiceField
from monitor.models import Alert, MonitorRule

# the label and help of each step's text
TEXTS = {
    "request": (
        _("What the agency must explain"),
        _("The agency answers in writing within 7 working days (要求说明理由)."),
    ),
    "recommend": (
        _("Grounds for recommending the referral (建议移送)"),
        _("The agency's leader must refer the case or answer with reasons."),
    ),
    "explain": (_("Reasons for not referring the case"), ""),
    "answer": (_("Reasons for not referring the case"), _("Your answer to the recommendation.")),
    "close": (_("Reasons for closing the alert"), ""),
}


class StepForm(TextChecksMixin, forms.Form):
    text_fields = ("text",)
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        label, help_text = TEXTS[action]
        self.fields["text"].label = label
        self.fields["text"].help_text = help_text


class ReferForm(TextChecksMixin, forms.Form):
    """The leader refers the case on the recommendation: the summary for the receiver (in the
    移送书) and the case team (办案人员) named in the 案件调查报告."""

    text_fields = ("summary",)
    summary = forms.CharField(
        label=_("Summary for the receiver"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    team = IdMultipleChoiceField(
        label=_("Case team (办案人员)"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "At least two officers of your agency; they are named in the investigation report."
        ),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, prefix="refer", **kwargs)
        self.fields["team"].queryset = team_candidates(case)
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.initial.setdefault("team", list(case.team.values_list("pk", flat=True)))

    def clean_team(self):
        team = self.cleaned_data["team"]
        if len(team) < TEAM_MINIMUM:
            raise forms.ValidationError(TEAM_MESSAGE)
        return team


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Alert.Status.choices
    )
    rule = IdChoiceField(
        label=_("Rule"),
        required=False,
        queryset=MonitorRule.objects.all(),
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Overdue answers only"), required=False)
    mine = forms.BooleanField(label=_("Waiting for me"), required=False)
