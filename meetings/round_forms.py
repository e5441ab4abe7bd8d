"""Forms of a meeting round (the body's own forms are in meetings/body_pages.py). They check
the shape of the input; meetings/services.py decides whether the step is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.forms import MultipleFileField, TextChecksMixin
from core.forms import (
    ANY,
    UNTICKED,
    BoundedDateField,
    BoundedDateTimeField,
    ConditionalFieldsMixin,
    IdChoiceField,
    IdMultipleChoiceField,
    LineField,
    RecordDateField,
    ShownWhen,
)
from meetings.models import Meeting, Participant, Topic

FILES_HELP = _("PDF, JPG, PNG, DOCX, XLSX or OFD; 25 MB each.")  # cases.uploads decides

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dt(label, required=True):
    return BoundedDateTimeField(
        label=label, required=required, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )


class MeetingOpenForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("title", "note")
    shown_when = {
        "topics_due": ShownWhen(
            {"kind": (Meeting.Kind.FULL,), "ad_hoc": (UNTICKED,)},
            required=_("A full meeting calls for topics by a deadline."),
        ),
        "agencies": ShownWhen(
            {"kind": (Meeting.Kind.PARTIAL, Meeting.Kind.CONSULTATION)},
            required=_("Choose the units taking part."),
        ),
    }
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial="full")
    ad_hoc = forms.BooleanField(
        label=_("Ad hoc: no call for topics, the office drafts the agenda"), required=False
    )
    title = LineField(label=_("Title"), max_length=120)
    topics_due = _dt(_("Topics due (regular full meetings)"), required=False)
    agencies = IdMultipleChoiceField(
        label=_("Units taking part (meetings of some units, consultations)"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    note = forms.CharField(
        label=_("Convenor's notes (convenor and office only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TopicForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("title", "background", "proposed_resolution", "case_summary")
    shown_when = {
        "case_summary": ShownWhen(
            {"case": (ANY,)},
            required=_("Write the summary of the case the participants may read."),
        )
    }
    title = LineField(label=_("Title"), max_length=120)
    background = forms.CharField(
        label=_("Background"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    proposed_resolution = forms.CharField(
        label=_("Proposed resolution"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Materials"), help_text=FILES_HELP)
    case = IdChoiceField(label=_("Linked case"), required=False, queryset=None)
    case_summary = forms.CharField(
        label=_("What the other units may read about the case"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    presenting = IdChoiceField(label=_("Presenting unit"), required=False, queryset=None)

    def __init__(self, *args, cases=None, presenting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.title}"
        if presenting is None:
            del self.fields["presenting"]
        else:
            self.fields["presenting"].queryset = presenting
            self.fields["presenting"].required = True


class TopicEditForm(TextChecksMixin, forms.Form):
    text_fields = ("title", "background", "proposed_resolution")
    title = TopicForm.base_fields["title"]
    background = TopicForm.base_fields["background"]
    proposed_resolution = TopicForm.base_fields["proposed_resolution"]
    files = MultipleFileField(label=_("More materials"), help_text=FILES_HELP)


class ScreenForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    """The office's decision on one topic. Rendered once per topic on the meeting page, so the
    topics to merge into are read once (a choice list, not a query per rendering)."""

    text_fields = ("note",)
    shown_when = {"merge_into": ShownWhen({"action": ("merge",)})}
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
    merge_into = forms.TypedChoiceField(
        label=_("Merge into"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {}
        if meeting is not None:
            self.targets = {t.pk: t for t in meeting.topics.filter(status=Topic.Status.ACCEPTED)}
        self.fields["merge_into"].choices = [("", "—")] + [
            (pk, t.title) for pk, t in self.targets.items()
        ]

    def clean_merge_into(self):
        value = self.cleaned_data.get("merge_into")
        return self.targets.get(value) if value is not None else None


def _schedule_fields():
    return {
        "starts_at": _dt(_("Starts at"), required=False),
        "ends_at": _dt(_("Ends at"), required=False),
        "form": forms.ChoiceField(
            label=_("Form"), required=False, choices=[("", "—"), *Meeting.Form.choices]
        ),
        "place": LineField(label=_("Place"), required=False, max_length=200),
        "rsvp_due": _dt(_("Replies due"), required=False),
    }


APPROVING = ShownWhen({"approve": ("yes",)})


class ApproveForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    """The convenor's decision on the agenda; approving sets the meeting, its chair and, per
    agenda item, the units invited to attend it (列席). The schedule is checked by the service
    (meetings.services.agenda_approve), whose message names what is wrong."""

    text_fields = ("note", "place")
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve and notify")), ("no", _("Return to the office"))],
    )
    chair = IdChoiceField(label=_("Chair"), required=False, queryset=None)
    note = forms.CharField(
        label=_("Note to the office (when returning)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, chairs=(), agenda=(), guests=None, **kwargs):
        self.agenda = list(agenda)
        # which fields exist depends on the agenda: the table is made per form
        self.shown_when = {
            **{name: APPROVING for name in (*_schedule_fields(), "chair")},
            **{f"invited_{topic.pk}": APPROVING for topic in self.agenda},
            "note": ShownWhen({"approve": ("no",)}),
        }
        super().__init__(*args, **kwargs)
        from agencies.models import User

        fields = {"approve": self.fields.pop("approve"), **_schedule_fields()}
        self.fields = {**fields, **self.fields}
        self.fields["chair"].queryset = User.objects.filter(pk__in=[c.pk for c in chairs])
        self.fields["chair"].label_from_instance = lambda u: f"{u.get_full_name()} · {u.title}"
        for topic in self.agenda:
            self.fields[f"invited_{topic.pk}"] = IdMultipleChoiceField(
                label=_("Invited for “%(title)s” (列席)") % {"title": topic.title},
                required=False,
                queryset=guests,
                error_messages={
                    "invalid_choice": _(
                        "A unit chosen already takes part in the meeting, or cannot be invited."
                    )
                },
            )
        self.fields["note"] = self.fields.pop("note")  # last: only for returning the agenda
        self.show_conditional_fields()  # the fields made above were not there for the mixin

    def invited(self) -> dict:
        return {
            topic: list(self.cleaned_data.get(f"invited_{topic.pk}") or [])
            for topic in self.agenda
            if self.cleaned_data.get(f"invited_{topic.pk}")
        }


class RescheduleForm(TextChecksMixin, forms.Form):
    text_fields = ("place", "reason")
    reason = forms.CharField(label=_("Why the meeting changes"), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {**_schedule_fields(), **self.fields}
        for name in ("starts_at", "ends_at", "form", "rsvp_due"):
            self.fields[name].required = True


class RsvpForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("attendees", "leave_reason")
    shown_when = {  # the same rules as meetings.services.rsvp, told at the field
        "attendees": ShownWhen(
            {"reply": (Participant.Reply.ATTENDING, Participant.Reply.SUBSTITUTE)},
            required=_("Say who attends (name and position)."),
        ),
        "leave_reason": ShownWhen(
            {"reply": (Participant.Reply.LEAVE,)}, required=_("Give the reason for leave.")
        ),
    }
    reply = forms.ChoiceField(
        label=_("Reply"),
        widget=forms.RadioSelect,
        choices=[c for c in Participant.Reply.choices if c[0] != "pending"],
    )
    attendees = LineField(
        label=_("Who attends (name and position)"), required=False, max_length=300
    )
    leave_reason = LineField(label=_("Reason for leave"), required=False, max_length=300)


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
    lead_agency = IdChoiceField(
        label=_("Lead unit"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    cooperating = IdMultipleChoiceField(
        label=_("Cooperating units"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    due_on = BoundedDateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = IdChoiceField(label=_("From the agenda item"), required=False, queryset=None)
    case = IdChoiceField(
        label=_("Follow-up on the case"),
        required=False,
        queryset=None,
        help_text=_("The lead unit's reports also go onto this case's timeline."),
    )

    def __init__(self, *args, topics=None, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.title}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("lead_agency"):
            self.add_error("lead_agency", _("A resolution needs a lead unit."))
        return cleaned


ResolutionFormSet = forms.formset_factory(ResolutionForm, extra=2, can_delete=True, max_num=50)


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
    files = MultipleFileField(label=_("Evidence"), help_text=FILES_HELP)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("completion") and not cleaned.get("files"):
            self.add_error("files", _("Attach the evidence that the resolution is done."))
        return cleaned


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
    start = RecordDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = RecordDateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
