from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.forms import IdChoiceField, RecordDateField

# Families of audit actions ("auth.login" belongs to "auth"): every prefix an action of the
# code takes (tests/audit/test_views.py checks that none is left out).
ACTION_FAMILIES = [
    ("auth", _("Sign-in and sign-out")),
    ("case", _("Cases")),
    ("referral", _("Referrals")),
    ("task", _("Deadlines and escalation")),
    ("meetings", _("Joint meetings")),
    ("document", _("Official documents")),
    ("notifications", _("Notifications")),
    ("directory", _("Directory and personnel")),
    ("calendar", _("Working-day calendar")),
    ("admin", _("System administration")),
    ("audit", _("Audit checks")),
]


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + ACTION_FAMILIES
    )
    agency = IdChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("All")
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = RecordDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = RecordDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
