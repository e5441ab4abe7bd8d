from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.forms import IdChoiceField, RecordDateField

# Families of audit actions ("auth.login" belongs to "auth"); later apps add theirs.
ACTION_FAMILIES = [
    ("auth", _("Sign-in and sign-out")),
    ("directory", _("Directory and personnel")),
    ("document", _("Official documents")),
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
