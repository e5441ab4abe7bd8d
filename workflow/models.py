"""Deadline rules and the working-day calendar they count in."""

from django.conf import settings
from django.core.exceptions import ValidationError
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

    # No period runs past five years: a due time must stay within the planning window the
    # forms allow (core.forms.planning_window), and a typo of 30000 days must not be saved.
    MAX_LENGTH = {Unit.HOURS: 5 * 366 * 24, Unit.CALENDAR_DAYS: 5 * 366, Unit.WORKING_DAYS: 1250}

    def __str__(self):
        return f"{self.name} ({self.length} {self.get_unit_display()})"

    def clean(self):
        longest = self.MAX_LENGTH.get(self.unit)
        if longest and self.length and self.length > longest:
            raise ValidationError(
                {
                    "length": _("A period is at most %(n)d %(unit)s (five years).")
                    % {"n": longest, "unit": self.get_unit_display()}
                }
            )


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


class HolidayYear(models.Model):
    """A year whose whole schedule was loaded from the State Council's notice (load_holidays).

    This row is what "the administrator has entered the year" means: a year is covered when
    chinesecalendar knows it or it has a HolidayYear. Hand-entered CalendarDay rows alone
    never make a year covered — a few corrections are not a schedule. For a loaded year the
    calendar trusts the file completely: the days it lists as off or worked are CalendarDay
    rows, every other day counts Monday–Friday (chinesecalendar is not asked for it).
    Written only by workflow.services.holiday_year_load.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice number"), max_length=60, help_text=_("e.g. 国办发明电〔2024〕12号")
    )
    title = models.CharField(_("notice title"), max_length=200)
    source_name = models.CharField(_("file"), max_length=255)
    source_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    days_off = models.PositiveSmallIntegerField(_("days off listed"))
    adjusted_working_days = models.PositiveSmallIntegerField(_("adjusted working days (调休)"))
    working_days = models.PositiveSmallIntegerField(_("working days in the year"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    loaded_by_name = models.CharField(
        _("loaded by (account)"),
        max_length=150,
        blank=True,
        help_text=_("The operating-system account that ran the command."),
    )
    loaded_at = models.DateTimeField(_("loaded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.notice}"


class CaseProcess(Process):
    """The viewflow process of one case. One case has exactly one process (a database rule)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")


class CaseTask(models.Model):
    """Who acts on a human task of a case, by when, and how far it has been escalated.

    One row per human task, written when the task is created (workflow/nodes.py). It is the
    indexed side of viewflow's task table: the agency's queue, the overdue and due-today
    filters and the 督办 list read it instead of the task's JSON data.
    """

    class Escalation(models.IntegerChoices):
        NONE = 0, _("On time")
        OVERDUE = 1, _("Overdue: assignee reminded")
        LEADER = 2, _("Overdue: agency leader reminded")
        SUPERVISED = 3, _("Supervised by the joint-meeting office (督办)")

    task = models.OneToOneField(
        "viewflow.Task", primary_key=True, on_delete=models.CASCADE, related_name="case_task"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    referral = models.ForeignKey(
        "cases.Referral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("acting agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ability = models.CharField(_("ability needed"), max_length=40)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        indexes = [
            models.Index(fields=["agency", "due_at"]),
            models.Index(fields=["escalation", "due_at"]),
        ]

    def __str__(self):
        return f"{self.task_id} {self.agency_id} {self.due_at}"


class TaskUrge(models.Model):
    """催办: the joint-meeting office urged the holders of a task under 督办 (and their leader)
    to deal with it. Written only by cases.services.task_urge."""

    case_task = models.ForeignKey(
        CaseTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="urges"
    )
    urged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("urged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    urged_at = models.DateTimeField(_("urged at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    told = models.JSONField(_("people told"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("urge (催办)")
        verbose_name_plural = _("urges (催办)")
        ordering = ["-urged_at"]

    def __str__(self):
        return f"{self.case_task_id} {self.urged_at}"
