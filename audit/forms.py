from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from core.forms import IdChoiceField, RecordDateField, parse_id

# Families of audit actions ("auth.login" belongs to "auth"): every prefix an action of the
# code takes (tests/audit/test_views.py checks that none is left out).
ACTION_FAMILIES = [
    ("auth", _("Sign-in and sign-out")),
    ("case", _("Cases")),
    ("referral", _("Referrals")),
    ("monitor", _("Referral monitor (应移未移)")),
    ("task", _("Deadlines and escalation")),
    ("meetings", _("Joint meetings")),
    ("document", _("Official documents")),
    ("notifications", _("Notifications")),
    ("directory", _("Directory and personnel")),
    ("calendar", _("Working-day calendar")),
    ("admin", _("System administration")),
    ("audit", _("Audit checks")),
]


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.username
        return f"{name}（{obj.agency.short_name or obj.agency.name}）" if obj.agency_id else name


class EventFilterForm(forms.Form):
    """The auditor's filters; every one travels in the URL, so a filtered view can be shared,
    bookmarked and exported exactly as it is on screen."""

    case = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 吉医保案〔2026〕16号")}),
    )
    action = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + ACTION_FAMILIES
    )
    agency = IdChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("All")
    )
    actor = PersonChoiceField(
        label=_("Actor"),
        required=False,
        queryset=User.objects.select_related("agency").order_by(
            "agency__name", "full_name", "username"
        ),
        empty_label=_("All"),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = RecordDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = RecordDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    hide_signin = forms.BooleanField(label=_("Hide sign-in events"), required=False)

    def clean_case(self):
        """The case named by its number (or, from a case page's link, by its id)."""
        from cases.models import Case

        text = " ".join(self.cleaned_data["case"].split())
        if not text:
            return None
        pk = parse_id(text)
        case = Case.objects.filter(pk=pk).first() if pk else None
        if case is None:
            case = Case.objects.filter(number=text).first()
        if case is None:
            raise forms.ValidationError(
                _("No case has the number %(number)s."), params={"number": text}
            )
        return case

    def filters(self) -> dict:
        """The valid filters as keyword arguments of audit.selectors.event_list."""
        data = self.cleaned_data
        return {
            "action": data["action"],
            "agency_id": data["agency"].pk if data["agency"] else None,
            "actor_id": data["actor"].pk if data["actor"] else None,
            "case": data["case"],
            "hide_signin": data["hide_signin"],
            "query": data["q"].strip(),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }

    def description(self) -> str:
        """The filters in words, for an export's title row ("All events" when none)."""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if name == "hide_signin":
                parts.append(str(field.label))
                continue
            if name == "action":
                value = dict(ACTION_FAMILIES).get(value, value)
            elif name == "case":
                value = value.number
            elif name == "actor":
                value = field.label_from_instance(value)
            parts.append(f"{field.label}：{value}")
        return "；".join(parts) if parts else str(_("All events"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
