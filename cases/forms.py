from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from cases.access import TEAM_MESSAGE, TEAM_MINIMUM, team_candidates
from cases.models import MAX_AMOUNT, Case, Referral, Subject, ViolationType
from cases.uploads import check_evidence_file
from core.forms import (
    ANY,
    BoundedDateField,
    ConditionalFieldsMixin,
    IdChoiceField,
    IdMultipleChoiceField,
    LineField,
    RecordDateField,
    ShownWhen,
    years_from,
)
from documents.content import has_control_characters
from workflow.selectors import step_choices

CONTROL_MESSAGE = _("Remove the invisible control characters (often pasted from other software).")


MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data else []
        files = [f for f in files if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(n)d files at a time."), params={"n": MAX_FILES}
            )
        for upload in files:
            check_evidence_file(upload)  # by content, not by name; raises a clear message
        return files


def decision_field(*, yes, no):
    """A yes/no decision as two radio buttons, cleaned to True (yes) or False (no)."""
    return forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", yes), ("no", no)],
    )


def money_field(label, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "min_value": _("An amount cannot be negative."),
            "max_value": _("This amount is implausibly large; check the digits."),
        },
    )


class TextChecksMixin:
    text_fields: tuple = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.text_fields:
            value = cleaned.get(name)
            if isinstance(value, str) and has_control_characters(value):
                self.add_error(name, CONTROL_MESSAGE)
        return cleaned


def violation_window():
    """违规期间: violations come to light up to twenty years on, and none lie ahead."""
    today = timezone.localdate()
    return years_from(today, -20), today


def period_field(label):
    return BoundedDateField(
        label=label,
        required=False,
        window=violation_window,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PeriodMixin:
    """违规期间 (violation_start, violation_end): optional, but it cannot end before it began."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("violation_start"), cleaned.get("violation_end")
        if start and end and start > end:
            self.add_error("violation_end", _("The violations cannot end before they began."))
        return cleaned


class CaseForm(PeriodMixin, TextChecksMixin, forms.Form):
    text_fields = ("title", "description", "informant")

    title = LineField(label=_("Title"), max_length=120)
    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    violation_types = IdMultipleChoiceField(
        label=_("Violation types"),
        queryset=ViolationType.objects.filter(is_active=True),
    )
    suspected_amount = money_field(_("Suspected amount (yuan)"))
    description = forms.CharField(
        label=_("Description"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    violation_start = period_field(_("Violations from"))
    violation_end = period_field(_("Violations until"))
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Case.Confidentiality.choices,
        initial=Case.Confidentiality.INTERNAL,
    )
    informant = LineField(
        label=_("Informant and contact"),
        max_length=200,
        required=False,
        help_text=_("Only your agency will see who reported it."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"), help_text=_("PDF, JPG, PNG, DOCX, XLSX or OFD; 25 MB each.")
    )

    def clean_description(self):
        value = self.cleaned_data["description"]
        if not value.strip():
            raise forms.ValidationError(_("Describe what happened."))
        return value.strip()


ORGANISATIONS = tuple(sorted(Subject.ORGANISATIONS))
PEOPLE = tuple(sorted(Subject.PEOPLE))


class SubjectForm(ConditionalFieldsMixin, TextChecksMixin, forms.ModelForm):
    text_fields = ("name", "note")
    shown_when = {
        "credit_code": ShownWhen(
            {"kind": ORGANISATIONS},
            required=_("An institution or pharmacy needs its credit code."),
        ),
        "id_number": ShownWhen({"kind": PEOPLE}, required=_("A person needs an ID number.")),
        "institution_class": ShownWhen({"kind": ORGANISATIONS}),
    }

    class Meta:
        model = Subject
        fields = ["kind", "name", "credit_code", "id_number", "institution_class", "note"]

    def clean(self):
        for field in ("credit_code", "id_number"):
            value = self.cleaned_data.get(field)
            if value:
                self.cleaned_data[field] = "".join(value.split()).upper()
        return super().clean()


SubjectFormSet = forms.formset_factory(
    SubjectForm, extra=2, min_num=1, validate_min=True, max_num=50
)


def channel_for(agency: Agency) -> str:
    """行刑衔接 to public security, 行纪移送 to discipline inspection, otherwise 行政协作."""
    if agency.kind == Agency.Kind.PUBLIC_SECURITY:
        return "criminal"
    if agency.kind == Agency.Kind.DISCIPLINE:
        return "discipline"
    return "administrative"


class DecideForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("reason", "summary")
    shown_when = {
        "to_agencies": ShownWhen(
            {"decision": ("refer",)},
            required=_("Choose at least one agency to refer the case to."),
        ),
        "summary": ShownWhen(
            {"decision": ("refer",)}, required=_("Write the summary the receivers will read.")
        ),
        "reason": ShownWhen(
            {"decision": ("unfounded",)},
            required=_("Give the reasons for closing the case as unfounded."),
        ),
        "team": ShownWhen({"decision": ("refer", "in_house")}, required=TEAM_MESSAGE),
    }
    DECISIONS = [
        ("refer", _("Refer to other agencies")),
        ("in_house", _("Handle in-house")),
        ("unfounded", _("Close as unfounded")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    to_agencies = IdMultipleChoiceField(
        label=_("Refer to"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
    )
    summary = forms.CharField(
        label=_("Summary for the receivers"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Every receiver reads it with the referral. Each receiver's 移送书 is composed from "
            "the case and the channel, so it speaks to that receiver only."
        ),
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    team = IdMultipleChoiceField(
        label=_("Case team (办案人员)"),
        required=False,
        queryset=get_user_model().objects.filter(is_active=True),
        help_text=_(
            "At least two officers of your agency; they are named in the investigation report."
        ),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.username
        if case is not None:
            self.fields["to_agencies"].queryset = Agency.objects.filter(is_active=True).exclude(
                pk=case.agency_id
            )
            self.fields["team"].queryset = team_candidates(case)
            self.initial.setdefault("team", list(case.team.values_list("pk", flat=True)))

    def clean(self):
        cleaned = super().clean()
        team = cleaned.get("team")
        if (
            cleaned.get("decision") in ("refer", "in_house")
            and team is not None
            and 0 < len(team) < TEAM_MINIMUM
            and "team" not in self.errors
        ):
            self.add_error("team", TEAM_MESSAGE)
        return cleaned


class ReceiveForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    shown_when = {
        "reason": ShownWhen({"action": ("return",)}, required=_("Say what material is missing."))
    }
    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        choices=[
            ("sign", _("Sign for it (a receipt is issued)")),
            ("return", _("Return it for more material")),
        ],
    )
    reason = forms.CharField(
        label=_("What is missing"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupplementForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    note = forms.CharField(
        label=_("What was added"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("Files"))


class ReferralDecideForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    shown_when = {
        "reason": ShownWhen({"accept": ("no",)}, required=_("A refusal needs written reasons."))
    }
    accept = decision_field(yes=_("Accept / file the case"), no=_("Refuse"))
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _text(label, required=True, rows=3, max_length=2000, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class RespondForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    """The sender's answer to a refusal."""

    text_fields = ("reason",)
    shown_when = {
        "reason": ShownWhen(
            {"action": ("reconsider", "supervise")}, required=_("Give the grounds.")
        )
    }
    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept the refusal")),
            ("reconsider", _("Request reconsideration (复议)")),
            ("supervise", _("Ask the procuratorate for filing supervision (立案监督)")),
        ],
    )
    reason = _text(_("Grounds"), required=False)

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = self.fields["action"].choices
        if referral is not None:
            if referral.reconsideration_requested_at:
                choices = [c for c in choices if c[0] != "reconsider"]
            if referral.channel != Referral.Channel.CRIMINAL or not referral.copy_to_id:
                choices = [c for c in choices if c[0] != "supervise"]
        self.fields["action"].choices = choices


class ReconsiderForm(TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    accept = decision_field(yes=_("Accept / file the case after all"), no=_("Uphold the refusal"))
    reason = _text(_("Reasons"))


class SuperviseForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect, choices=Referral.Supervision.choices
    )
    note = _text(
        _("The police's explanation and your assessment"),
        rows=4,
        max_length=5000,
    )


class FileOnNoticeForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    note = _text(_("Filing decision (number and date)"), rows=2)


class HandoverForm(TextChecksMixin, forms.Form):
    text_fields = ("note",)
    note = _text(_("What was handed over, to whom and when"), rows=4)
    files = MultipleFileField(label=_("Hand-over list and receipts"))


REPORT = {"action": ("report",)}


class InvestigateForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    """The receiver's result (处理结果反馈), or 公安's hand-back for administrative handling."""

    text_fields = ("outcome", "reason")
    shown_when = {
        "outcomes": ShownWhen(REPORT, required=_("Choose what the result was.")),
        "outcome": ShownWhen(REPORT, required=_("Describe the result.")),
        "recovered": ShownWhen(REPORT),
        "fines": ShownWhen(REPORT),
        "files": ShownWhen(REPORT),
        "reason": ShownWhen(
            {"action": ("hand_back",)},
            required=_("Say why the facts do not call for criminal liability."),
        ),
    }
    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        initial="report",
        choices=[
            ("report", _("Report the result")),
            ("hand_back", _("Hand back for administrative handling (facts too minor for a crime)")),
        ],
    )
    outcomes = forms.MultipleChoiceField(
        label=_("What was done"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Referral.Outcome.choices,
    )
    outcome = _text(_("Result"), required=False, rows=4, max_length=5000)
    recovered = money_field(_("Funds recovered (yuan)"), required=False)
    fines = money_field(_("Fines (yuan)"), required=False)
    files = MultipleFileField(label=_("Documents"))
    reason = _text(_("Why it is handed back"), required=False)

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        if referral is not None and referral.to_agency.kind != Agency.Kind.PUBLIC_SECURITY:
            self.fields["action"].choices = self.fields["action"].choices[:1]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "report":
            for field in ("recovered", "fines"):
                if cleaned.get(field) is None and field not in self.errors:
                    cleaned[field] = Decimal("0")
        return cleaned


class CloseForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("note", "summary")
    shown_when = {
        "summary": ShownWhen(
            {"refer_to": (ANY,)}, required=_("Write the summary the receivers will read.")
        )
    }
    note = _text(_("Closing report (结案报告)"), rows=5, max_length=5000)
    recovered = money_field(_("Recovered by your agency itself (yuan)"), required=False)
    fines = money_field(_("Fined by your agency itself (yuan)"), required=False)
    refer_to = IdMultipleChoiceField(
        label=_("Refer further instead of closing (一案多处)"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        help_text=_("Leave empty to close the case. Referring further is the leader's decision."),
    )
    summary = _text(_("Summary for the further receivers"), required=False, rows=3, max_length=5000)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["refer_to"].queryset = Agency.objects.filter(is_active=True).exclude(
                pk=case.agency_id
            )


class CloseApprovalForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    """The leader's 结案审批 of the closing report."""

    text_fields = ("opinion",)
    shown_when = {
        "opinion": ShownWhen(
            {"approve": ("no",)}, required=_("Say what the closing report must change.")
        )
    }
    approve = decision_field(yes=_("Approve the closing"), no=_("Return the closing report"))
    opinion = _text(_("Opinion"), required=False)


class WithdrawForm(TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    reason = _text(_("Reasons for withdrawing"))


class ExtensionRequestForm(TextChecksMixin, forms.Form):
    text_fields = ("reason",)
    reason = _text(_("Reasons for the extension"))


class ExtensionDecideForm(ConditionalFieldsMixin, TextChecksMixin, forms.Form):
    text_fields = ("note",)
    shown_when = {
        "note": ShownWhen(
            {"approve": ("no",)}, required=_("Give the reasons for refusing the extension.")
        )
    }
    approve = decision_field(yes=_("Approve"), no=_("Refuse"))
    note = _text(_("Note"), required=False)


class CommentForm(TextChecksMixin, forms.Form):
    text_fields = ("body",)
    body = _text(_("Comment"), max_length=2000)
    referral = IdChoiceField(
        label=_("About"),
        required=False,
        queryset=Referral.objects.none(),
        empty_label=_("The whole case (every party sees it)"),
    )

    def __init__(self, *args, referrals=None, own_case=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = (
            referrals if referrals is not None else Referral.objects.none()
        )
        self.fields["referral"].label_from_instance = lambda r: str(
            _("Referral to %(agency)s") % {"agency": r.to_agency.name}
        )
        if not own_case:
            self.fields["referral"].required = True
            self.fields["referral"].empty_label = None


TASK_SORTS = ("due", "since", "case")  # cases.selectors.TASK_ORDER


class TaskFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[("", _("Mine and my unit's")), ("mine", _("Mine")), ("unit", _("My unit's"))],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("soon", _("Due within 3 working days")),
            ("supervised", _("Under supervision (督办)")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Referral type"),
        required=False,
        choices=[("", _("Any type")), *Referral.Channel.choices],
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *Case.Source.choices]
    )
    agency = IdChoiceField(
        label=_("Agency"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        empty_label=_("Any agency"),
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("", "")] + [(f"{sign}{key}", key) for key in TASK_SORTS for sign in ("", "-")],
    )


class UrgeForm(TextChecksMixin, forms.Form):
    """催办: an optional word from the office to the holders."""

    text_fields = ("note",)
    note = LineField(
        label=_("Note to the agency (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. please finish by Friday")}),
    )


class LedgerFilterForm(forms.Form):
    """The ledger's filters; all of them travel in the URL (the export reads the same)."""

    BASES = [
        ("registered", _("Registered")),
        ("sent", _("Referred")),
        ("signed", _("Signed for")),
        ("decided", _("Decided")),
        ("filed", _("Filed")),
        ("handover", _("Evidence handed over")),
        ("result", _("Result reported or closed")),
    ]
    SORTS = [
        ("-registered", _("Newest registered first")),
        ("registered", _("Oldest registered first")),
        ("number", _("Case number")),
        ("-amount", _("Largest amount first")),
        ("-sent", _("Latest referred first")),
        ("status", _("Status")),
    ]

    q = forms.CharField(label=_("Case number or title"), required=False, max_length=100)
    basis = forms.ChoiceField(label=_("Period of"), required=False, choices=BASES)
    date_from = RecordDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = RecordDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agency = IdChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("All")
    )
    party = forms.ChoiceField(
        label=_("The agency as"),
        required=False,
        choices=[
            ("", _("Any party")),
            ("registered", _("Registering unit")),
            ("sender", _("Referring unit")),
            ("receiver", _("Receiving unit")),
        ],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All"))] + list(Region.Level.choices)
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All"))] + list(Case.Source.choices)
    )
    violation = IdChoiceField(
        label=_("Violation type"),
        required=False,
        queryset=ViolationType.objects.all(),
        empty_label=_("All"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All"))]
        + list(Referral.Channel.choices)
        + [("in_house", _("Handled in-house"))],
    )
    outcome = forms.ChoiceField(
        label=_("Handling outcome"),
        required=False,
        choices=[("", _("All"))] + list(Referral.Outcome.choices),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))]
        + [(_("Referral"), list(Referral.Status.choices))]
        + [(_("Case handled in-house"), list(Case.Status.choices))],
    )
    amount_min = forms.DecimalField(
        label=_("Amount from (yuan)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )
    amount_max = forms.DecimalField(
        label=_("Amount to (yuan)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    stage = forms.ChoiceField(
        label=_("Referrals that reached"),
        required=False,
        choices=[
            ("", _("Any step")),
            ("signed", _("Signed for")),
            ("accepted", _("Accepted or filed")),
            ("result", _("Result reported")),
        ],
    )
    deadline = forms.ChoiceField(
        label=_("With a step that was"),
        required=False,
        choices=[
            ("", _("Any")),
            ("on_time", _("Done on time (deadline in the period)")),
            ("late", _("Late (deadline in the period)")),
            ("pending", _("Not yet due (deadline in the period)")),
            ("overdue", _("Overdue now")),
            ("supervised", _("Put under 督办 in the period")),
            ("done", _("Done in the period")),
        ],
        help_text=_("With this, the period is the step's, not the row's."),
    )
    step = forms.ChoiceField(
        label=_("Step"), required=False, choices=lambda: [("", _("Any step"))] + step_choices()
    )
    step_agency = IdChoiceField(
        label=_("Step taken by"),
        required=False,
        queryset=Agency.objects.all(),
        empty_label=_("Any agency"),
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The lower amount is above the upper one."))
        return cleaned

    def filters(self):
        from cases.ledger import LedgerFilters

        data = self.cleaned_data
        return LedgerFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            basis=data["basis"] or "registered",
            agency=data["agency"],
            party=data["party"],
            level=data["level"],
            source=data["source"],
            violation=data["violation"],
            channel=data["channel"],
            outcome=data["outcome"],
            status=data["status"],
            overdue=data["overdue"],
            stage=data["stage"],
            deadline=data["deadline"],
            step=data["step"],
            step_agency=data["step_agency"],
            amount_min=data["amount_min"],
            amount_max=data["amount_max"],
            query=data["q"].strip(),
            sort=data["sort"] or "-registered",
        )

    def description(self) -> str:
        """The filters in words, for the export's title row."""
        parts = []
        for name, bound in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False) or name in ("sort", "basis", "party"):
                continue
            if isinstance(bound, forms.ChoiceField) and not isinstance(bound, IdChoiceField):
                flat = {}
                for key, label in bound.choices:
                    if isinstance(label, (list, tuple)):
                        flat.update(dict(label))
                    else:
                        flat[key] = label
                value = flat.get(value, value)
            elif isinstance(value, bool):
                parts.append(str(bound.label))
                continue
            elif name == "agency" and self.cleaned_data.get("party"):
                party = dict(self.fields["party"].choices)[self.cleaned_data["party"]]
                value = f"{value}（{party}）"
            parts.append(f"{bound.label}：{value}")
        dated = self.cleaned_data.get("date_from") or self.cleaned_data.get("date_to")
        if dated and not self.cleaned_data.get("deadline"):  # else the period is the step's
            basis = dict(self.BASES).get(self.cleaned_data.get("basis") or "registered")
            parts.insert(0, f"{self.fields['basis'].label}：{basis}")
        return "；".join(parts)
