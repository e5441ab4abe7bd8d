"""Deadline rules and the working-day calendar they count in."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process


class Unit(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class DeadlineRule(models.Model):
    """One statutory or internal time limit, e.g. "公安 decides on filing within 3 days".

    Length and unit are configurable by the system administrator; the code is what the
    flows refer to.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    length = models.PositiveIntegerField(_("length"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.length} {self.get_unit_display()})"


class CalendarDay(models.Model):
    """A day whose status the State Council's holiday notice sets, entered by an administrator.

    chinesecalendar knows the published years; for a year it does not know yet (each notice
    comes out in the autumn before), the administrator enters holidays and adjusted working
    days (调休) here. An entry here always wins.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. 春节"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class CaseProcess(Process):
    """The viewflow process of one case. One case has exactly one process (a database rule)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")
