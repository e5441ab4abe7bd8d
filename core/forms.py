"""Form fields every app shares: what a browser (or someone crafting a request) may send.

* Ids: a choice of rows arrives as text. Anything that is not a plain positive integer that
  fits the database's bigint is refused as an invalid choice *before* it reaches a query —
  SQLite raises OverflowError for 99999999999999999999999 instead of finding nothing.
* One-line text: titles and names go into mail subjects, PDF headings and list rows; line
  breaks pasted or forged into them are folded into spaces.
* Dates: every date a user enters has a sane range, so no arithmetic on it can overflow
  (date.max + 1 day) and no typo (20266-01-01, 0202-01-01) is stored.
"""

import datetime as dt

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


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses malformed or out-of-range ids."""

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
