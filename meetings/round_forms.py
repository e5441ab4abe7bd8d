"""Forms of a meeting round (the body's own forms are in meetings/forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.forms import TextChecksMixin
from meetings.models import Meeting, Participant, Topic

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dt(label, required=True):
    return forms.DateTimeField(
        label=label, required=required, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )


class MeetingOpenForm(TextChecksMixin, forms.Form):
    text_fields = ("title", "note")
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial="full")
    title = forms.CharField(label=_("Title"), max_length=120)
    topics_due = _dt(_("Topics due (full meetings)"), required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Units taking part (meetings of some units, consultations)"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("Convenor's notes (convenor and office only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Meeting.Kind.FULL and not cleaned.get("topics_due"):
            self.add_error("topics_due", _("A full meeting calls for topics by a deadline."))
        if cleaned.get("kind") in ("partial", "consultation") and not cleaned.get("agencies"):
            self.add_error("agencies", _("Choose the units taking part."))
        return cleaned


class TopicForm(TextChecksMixin, forms.Form):
    text_fields = ("title", "background", "proposed_resolution", "case_summary")
    title = forms.CharField(label=_("Title"), max_length=120)
    background = forms.CharField(
        label=_("Background"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    proposed_resolution = forms.CharField(
        label=_("Proposed resolution"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case = forms.ModelChoiceField(label=_("Linked case"), required=False, queryset=None)
    case_summary = forms.CharField(
        label=_("What the other units may read about the case"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("case") and not (cleaned.get("case_summary") or "").strip():
            self.add_error(
                "case_summary", _("Write the summary of the case the participants may read.")
            )
        return cleaned


class ScreenForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Put on the agenda")),
            ("return", _("Return for revision")),
            ("defer", _("Defer")),
            ("merge", _("Merge into another topic")),
        ],
    )
    note = forms.CharField(label=_("Note to the unit"), required=False, max_length=2000)
    merge_into = forms.ModelChoiceField(
        label=_("Merge into"), required=False, queryset=Topic.objects.none()
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["merge_into"].queryset = meeting.topics.all()


class ApproveForm(TextChecksMixin, forms.Form):
    text_fields = ("note", "place")
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve and notify")), ("no", _("Return to the office"))],
    )
    starts_at = _dt(_("Starts at"), required=False)
    ends_at = _dt(_("Ends at"), required=False)
    form = forms.ChoiceField(
        label=_("Form"), required=False, choices=[("", "—"), *Meeting.Form.choices]
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    rsvp_due = _dt(_("Replies due"), required=False)
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited units (列席)"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RsvpForm(TextChecksMixin, forms.Form):
    text_fields = ("attendees", "leave_reason")
    reply = forms.ChoiceField(
        label=_("Reply"),
        widget=forms.RadioSelect,
        choices=[c for c in Participant.Reply.choices if c[0] != "pending"],
    )
    attendees = forms.CharField(
        label=_("Who attends (name and position)"), required=False, max_length=300
    )
    leave_reason = forms.CharField(label=_("Reason for leave"), required=False, max_length=300)


class ReasonForm(TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class MinutesForm(TextChecksMixin, forms.Form):
    text_fields = ("text",)
    text = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class ResolutionForm(TextChecksMixin, forms.Form):
    text_fields = ("text",)
    text = forms.CharField(
        label=_("Resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Lead unit"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("lead_agency"):
            self.add_error("lead_agency", _("A resolution needs a lead unit."))
        return cleaned


ResolutionFormSet = forms.formset_factory(ResolutionForm, extra=1, can_delete=True, max_num=50)


class CommentsDueForm(forms.Form):
    comments_due = _dt(_("Comments due"))


class CommentForm(TextChecksMixin, forms.Form):
    text_fields = ("body",)
    body = forms.CharField(
        label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve")), ("no", _("Return to the office"))],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(TextChecksMixin, forms.Form):
    text_fields = ("body",)
    body = forms.CharField(
        label=_("Report"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    completion = forms.BooleanField(label=_("This completes the resolution"), required=False)


class VerifyForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Done")), ("no", _("Not yet: back to the lead unit"))],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
