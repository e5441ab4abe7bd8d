from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.forms import IdMultipleChoiceField, LineField
from documents.content import has_control_characters
from documents.models import SERIES_HELP, series_code_validator
from documents.types import CHOICES

CONTROL_MESSAGE = _("Remove the invisible control characters (often pasted from other software).")
TEXT_FIELDS = (
    "issuer_name",
    "title",
    "recipients_extra",
    "cc_extra",
    "body",
    "attachment_titles",
    "note",
    "printed_by",
)
MAX_BODY = 60000


class DispatchForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type"), choices=CHOICES)
    series_code = forms.CharField(
        label=_("Series code"),
        max_length=4,
        validators=[series_code_validator],
        help_text=SERIES_HELP,
    )
    issuer_name = LineField(label=_("Issuer"), max_length=60)
    title = LineField(label=_("Title"), max_length=120)
    to_agencies = IdMultipleChoiceField(
        label=_("Addressed to"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    recipients_extra = LineField(label=_("Other recipients"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Body"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("One paragraph per line. Headings start with 一、 （一） 1． or （1）."),
    )
    attachment_titles = forms.CharField(
        label=_("Attachments"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One attachment title per line."),
    )
    note = LineField(label=_("Note (附注)"), max_length=200, required=False)
    cc_agencies = IdMultipleChoiceField(
        label=_("Copied to"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    cc_extra = LineField(label=_("Other copy-to"), max_length=300, required=False)
    printed_by = LineField(label=_("Printed by"), max_length=60, required=False)
    sealed = forms.BooleanField(label=_("Seal the document"), required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            if has_control_characters(cleaned.get(name, "")):
                self.add_error(name, CONTROL_MESSAGE)
        for name in ("title", "body"):
            value = cleaned.get(name)
            if value is not None and not value.strip():
                self.add_error(name, _("This field cannot be only spaces."))
        if not cleaned.get("to_agencies") and not (cleaned.get("recipients_extra") or "").strip():
            self.add_error("to_agencies", _("Address the document to at least one recipient."))
        to = set(cleaned.get("to_agencies") or [])
        cc = set(cleaned.get("cc_agencies") or [])
        if to & cc:
            self.add_error("cc_agencies", _("An agency cannot be both addressed and copied."))
        for line in (cleaned.get("attachment_titles") or "").splitlines():
            if len(line) > 100:
                self.add_error(
                    "attachment_titles", _("An attachment title is at most 100 characters.")
                )
                break
        return cleaned


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it corrected?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if has_control_characters(reason):
            raise forms.ValidationError(CONTROL_MESSAGE)
        if not reason.strip():
            raise forms.ValidationError(_("Say why the document is corrected."))
        return reason.strip()


class _ReviewForm(forms.Form):
    """核稿 or 签发: pass the draft on, or return it — a return says what to change."""

    opinion = forms.CharField(
        label=_("Opinion"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_opinion(self):
        opinion = self.cleaned_data["opinion"]
        if has_control_characters(opinion):
            raise forms.ValidationError(CONTROL_MESSAGE)
        return opinion.strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approve") is False and not cleaned.get("opinion") and "opinion" in cleaned:
            self.add_error(
                "opinion", _("Say what should be changed: a returned draft needs an opinion.")
            )
        return cleaned


def _decision(yes, no):
    """Two radio buttons cleaned to True (yes) or False (no), as cases.forms.decision_field."""
    return forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", yes), ("no", no)],
    )


class CheckForm(_ReviewForm):
    field_order = ("approve", "opinion")
    approve = _decision(_("Checked: pass it on to 签发"), _("Return it for changes"))


class SignForm(_ReviewForm):
    field_order = ("approve", "opinion")
    approve = _decision(_("Sign (签发) and issue with the next number"), _("Return it for changes"))
