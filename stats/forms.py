"""The statistics page's filters, all in the URL (the chart URLs carry the same query)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from cases.models import Case, Referral, ViolationType
from core.forms import IdChoiceField, RecordDateField
from stats.access import Compartment
from stats.selectors import DIMENSIONS, PeriodKind, StatsFilters, period_start, periods

# the most periods one table shows: five years by month, ten by quarter, any number of years
MAX_PERIODS = {PeriodKind.MONTH: 60, PeriodKind.QUARTER: 40, PeriodKind.YEAR: 50}


class StatsFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period kind"), required=False, choices=PeriodKind.CHOICES)
    date_from = RecordDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = RecordDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dimension = forms.ChoiceField(label=_("Broken down by"), required=False, choices=DIMENSIONS)
    agency = IdChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("All")
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
        choices=[("", _("All"))] + list(Referral.Channel.choices),
    )

    def __init__(self, *args, default: StatsFilters, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        if scope is not None and scope.compartment != Compartment.OWN:
            # the 纪委监委 are no unit these figures break down
            self.fields["agency"].queryset = Agency.objects.exclude(kind=Agency.Kind.DISCIPLINE)
        self.fields["date_from"].widget.attrs["placeholder"] = default.date_from.isoformat()
        self.fields["date_to"].widget.attrs["placeholder"] = default.date_to.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kind = cleaned.get("kind") or self.default.kind
        start = cleaned.get("date_from") or self.default.date_from
        end = cleaned.get("date_to") or self.default.date_to
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if len(periods(start, end, kind)) > MAX_PERIODS[kind]:
            raise forms.ValidationError(
                _("The range is too long for one table: at most %(n)s periods of this kind.")
                % {"n": MAX_PERIODS[kind]}
            )
        return cleaned

    def filters(self) -> StatsFilters:
        """The page's filters: the valid form's, or the defaults (the unfiltered page)."""
        if not (self.is_bound and self.is_valid()):
            return self.default
        data = self.cleaned_data
        kind = data["kind"] or self.default.kind
        start = data["date_from"] or self.default.date_from
        return StatsFilters(
            # a table counts whole periods: the range starts on the first day of its period,
            # never before the records begin
            date_from=max(period_start(start, kind), self.fields["date_from"].window()[0]),
            date_to=data["date_to"] or self.default.date_to,
            kind=kind,
            dimension=data["dimension"] or self.default.dimension,
            agency=data["agency"],
            level=data["level"],
            source=data["source"],
            violation=data["violation"],
            channel=data["channel"],
        )
