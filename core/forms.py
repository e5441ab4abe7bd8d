"""Form fields every app shares: what a browser (or someone crafting a request) may send.

* Ids: a choice of rows arrives as text. Anything that is not a plain positive integer that
  fits the database's bigint is refused as an invalid choice *before* it reaches a query —
  SQLite raises OverflowError for 99999999999999999999999 instead of finding nothing.
* One-line text: titles and names go into mail subjects, PDF headings and list rows; line
  breaks pasted or forged into them are folded into spaces.
* Dates: every date a user enters has a sane range, so no arithmetic on it can overflow
  (date.max + 1 day) and no typo (20266-01-01, 0202-01-01) is stored.
* Choices of several rows are a checkbox list with a filter box (CheckboxList), never a
  <select multiple> that needs Ctrl-click.
* Fields that apply only to some answers (ShownWhen, ConditionalFieldsMixin): one table in the
  form says when a field applies and what it says when it is then left empty; the page hides
  the field otherwise (static/xietong/xietong.js), clean() enforces the same rule.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # BigAutoField


def parse_id(value) -> int | None:
    """The primary key `value` names, or None when it cannot be one of ours."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:20] + "…"


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses malformed or out-of-range ids with its usual message."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return super().to_python(value)
        if parse_id(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class CheckboxList(forms.CheckboxSelectMultiple):
    """A list of checkboxes with a filter box (templates/xietong/widgets/checkbox_list.html).

    Without JavaScript it is a plain checkbox list; xietong.js shows the filter box (type part
    of a name to narrow the list) and keeps the "chosen" line under it up to date.
    """

    template_name = "xietong/widgets/checkbox_list.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["chosen"] = [
            option["label"]
            for _group, options, _index in context["widget"]["optgroups"]
            for option in options
            if option["selected"]
        ]
        return context


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses malformed or out-of-range ids."""

    widget = CheckboxList

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for item in values:
            if not isinstance(item, self.queryset.model) and parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": _shown(item)},
                )
        return super()._check_values(value)


# -- fields that apply only to some answers ----------------------------------------------

ANY = "*"  # in ShownWhen.when: any value at all (a choice made, a box ticked)
UNTICKED = ""  # in ShownWhen.when: no value (a checkbox left unticked, nothing chosen)


@dataclass(frozen=True)
class ShownWhen:
    """A field that applies only when other fields of its form have some values.

    `when` maps a field name to the values it may have, e.g. {"decision": ("refer",)} or
    {"kind": ("full",), "ad_hoc": (UNTICKED,)}: every named field must have one of its values
    (as the browser sends them: "on" for a ticked checkbox). `required` is the message when
    the field applies and is left empty; without it the field is optional even when shown.
    """

    when: dict = field(default_factory=dict)
    required: str | None = None


def submitted_values(form, name) -> set[str]:
    """The values the browser sent for `name` ({""} for none), read as xietong.js reads them."""
    widget = form.fields[name].widget
    value = widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    if isinstance(value, bool):
        values = {"on"} if value else set()
    elif isinstance(value, list | tuple):
        values = {str(item) for item in value if item not in (None, "")}
    else:
        values = {str(value)} if value not in (None, "") else set()
    return values or {UNTICKED}


def _is_empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    if hasattr(value, "exists"):  # a queryset from a multiple choice
        return not value.exists()
    return False


def _empty_value(field):
    """What a field cleans to when nothing was entered in it."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return field.queryset.none()
    if isinstance(field, forms.MultipleChoiceField) or getattr(
        field.widget, "allow_multiple_selected", False
    ):
        return []
    if isinstance(field, forms.TypedChoiceField):
        return field.empty_value
    return field.to_python("")


class ConditionalFieldsMixin:
    """`shown_when = {field: ShownWhen(...)}`: the field is shown only when its condition holds
    (the field template puts the condition on its wrapper as data-show-when, xietong.js reads
    it). clean() enforces the same rule: when the condition holds and the field is empty it
    adds `required` as the field's error; when it does not hold the field does not apply —
    whatever was typed in it is sent and shown again if the form comes back, but it is never
    used (cleaned to empty, its errors dropped: the person cannot see them)."""

    shown_when: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_conditional_fields()

    def show_conditional_fields(self):
        """Mark the fields of the table for the page; again after adding fields in __init__."""
        for name, rule in self.shown_when.items():
            if name in self.fields:
                rule_json = {self.add_prefix(k): list(v) for k, v in rule.when.items()}
                field = self.fields[name]
                field.show_when = json.dumps(rule_json, ensure_ascii=False)
                field.required_when_shown = bool(rule.required)
                # on the control too, for forms laid out by hand (a row of the screening table)
                field.widget.attrs["data-show-when"] = field.show_when

    def applies(self, name) -> bool:
        """Whether the field `name` applies to what was submitted."""
        rule = self.shown_when[name]
        for other, accepted in rule.when.items():
            values = submitted_values(self, other)
            if not any(v in accepted or (ANY in accepted and v != UNTICKED) for v in values):
                return False
        return True

    def clean(self):
        cleaned = super().clean()
        for name, rule in self.shown_when.items():
            if name not in self.fields:
                continue
            if not self.applies(name):
                self._errors.pop(name, None)
                cleaned[name] = _empty_value(self.fields[name])
            elif rule.required and name not in self._errors and _is_empty(cleaned.get(name)):
                self.add_error(name, rule.required)
        return cleaned


def search_text(value, max_length: int = 50) -> str:
    """A search box's text from a query string: one line, no control characters (PostgreSQL
    refuses NUL in a query parameter), at most `max_length` characters."""
    text = "".join(char for char in str(value) if char.isprintable() or char == " ")
    return " ".join(text.split())[:max_length]


class LineField(forms.CharField):
    """One line of text: line breaks (and the runs of spaces around them) become one space."""

    def to_python(self, value):
        value = super().to_python(value)
        if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
            value = " ".join(value.split())
        return value


# -- dates -------------------------------------------------------------------------------


def system_start() -> dt.date:
    """The first day the platform can hold records for (settings.XIETONG_SYSTEM_START)."""
    return settings.XIETONG_SYSTEM_START


def years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def planning_window() -> tuple[dt.date, dt.date]:
    """Meetings, replies and resolutions are planned from a year back to five years ahead."""
    today = timezone.localdate()
    return years_from(today, -1), years_from(today, 5)


def record_window() -> tuple[dt.date, dt.date]:
    """Periods of existing records (reports, searches): from the system's start to today."""
    return system_start(), timezone.localdate()


class _Bounded:
    """Mixin: the value must fall inside window() (inclusive), else a message naming it."""

    default_window = staticmethod(planning_window)

    def __init__(self, *args, window=None, **kwargs):
        self.window = window or self.default_window
        super().__init__(*args, **kwargs)

    def _day(self, value) -> dt.date:
        return value

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = self.window()
        if not first <= self._day(value) <= last:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={
                    "first": date_format(first, "DATE_FORMAT"),
                    "last": date_format(last, "DATE_FORMAT"),
                },
            )


class BoundedDateField(_Bounded, forms.DateField):
    pass


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    def _day(self, value) -> dt.date:
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


class RecordDateField(BoundedDateField):
    """A date within the records: not before the system's start, not after today."""

    default_window = staticmethod(record_window)
