from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import MailPreference


class MailPreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Tell me by e-mail"),
        choices=MailPreference.Mode.choices,
        widget=forms.RadioSelect,
    )
