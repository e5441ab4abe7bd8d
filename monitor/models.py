"""The 应移未移 monitor (以罚代刑预警): criminal thresholds per province, the rules it applies
(data, seeded by a migration, edited in the admin) and the alerts it raises.

Services (monitor/services.py) are the only writers of alerts; `manage.py referral_monitor`
evaluates the rules (monitor/rules.py) once a day.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}

# 最高人民法院、最高人民检察院《关于办理诈骗刑事案件具体应用法律若干问题的解释》(法释〔2011〕7号)
# 第一条: each province fixes its figures inside these bands
BANDS = {
    "large": (Decimal("3000"), Decimal("10000")),
    "huge": (Decimal("30000"), Decimal("100000")),
    "especially_huge": (Decimal("500000"), None),
}


class FraudThreshold(models.Model):
    """诈骗罪 amount thresholds of one province for a period (法释〔2011〕7号 第一条)."""

    province = models.ForeignKey(
        "agencies.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="fraud_thresholds",
        limit_choices_to={"level": "province"},
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the figures are in force."),
    )
    large = models.DecimalField(
        _("数额较大 (yuan)"),
        help_text=_("Within ¥3,000–10,000 (法释〔2011〕7号 art. 1)."),
        **MONEY,
    )
    huge = models.DecimalField(
        _("数额巨大 (yuan)"),
        help_text=_("Within ¥30,000–100,000 (法释〔2011〕7号 art. 1)."),
        **MONEY,
    )
    especially_huge = models.DecimalField(
        _("数额特别巨大 (yuan)"),
        help_text=_("¥500,000 or more (法释〔2011〕7号 art. 1)."),
        **MONEY,
    )
    legal_basis = models.TextField(_("legal basis"))
    source_note = models.TextField(
        _("source of the figures"),
        help_text=_(
            "Where the province's figures come from (its 高级人民法院 and 人民检察院 notice); "
            "figures not yet confirmed must say so."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fraud threshold")
        verbose_name_plural = _("fraud thresholds")
        ordering = ["province__code", "-effective_from"]

    def __str__(self):
        return _("%(province)s from %(date)s") % {
            "province": self.province,
            "date": self.effective_from,
        }

    def clean(self):
        super().clean()
        errors = {}
        labels = {
            "large": _("数额较大"),
            "huge": _("数额巨大"),
            "especially_huge": _("数额特别巨大"),
        }
        for field, (low, high) in BANDS.items():
            value = getattr(self, field)
            if value is None:
                continue
            if value <= 0:
                errors[field] = _("The amount must be positive.")
            elif value < low or (high is not None and value > high):
                errors[field] = (
                    _("%(label)s must be between ¥%(low)s and ¥%(high)s (法释〔2011〕7号).")
                    % {"label": labels[field], "low": f"{low:,.0f}", "high": f"{high:,.0f}"}
                    if high is not None
                    else _("%(label)s must be at least ¥%(low)s (法释〔2011〕7号).")
                    % {"label": labels[field], "low": f"{low:,.0f}"}
                )
        amounts = (self.large, self.huge, self.especially_huge)
        if not errors and None not in amounts and not (amounts[0] < amounts[1] < amounts[2]):
            errors["huge"] = _("The amounts must rise: 数额较大 < 数额巨大 < 数额特别巨大.")
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = _("The period cannot end before it begins.")
        if self.province_id and self.province.level != "province":
            errors["province"] = _("Thresholds are fixed per province.")
        if self.province_id and self.effective_from and "effective_to" not in errors:
            overlapping = FraudThreshold.objects.filter(province_id=self.province_id).exclude(
                pk=self.pk
            )
            overlapping = overlapping.filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
            )
            if self.effective_to:
                overlapping = overlapping.filter(effective_from__lte=self.effective_to)
            if overlapping.exists():
                errors["effective_from"] = _(
                    "This period overlaps another threshold of the same province."
                )
        if errors:
            raise ValidationError(errors)


class MonitorRule(models.Model):
    """One rule the daily run applies. Rules are data: parameters say what they look for."""

    class Kind(models.TextChoices):
        AMOUNT_THRESHOLD = "amount_threshold", _("Amount reaches the 数额较大 threshold")
        FRAUD_VIOLATION = "fraud_violation", _("Fraud violation type")
        ORGANISED_GROUP = "organised_group", _("Organised fraud group")
        DISCIPLINE_SUBJECT = "discipline_subject", _("Agency staff or public official")

    class Target(models.TextChoices):
        PROCURATORATE = "procuratorate", _("Procuratorate (检察院)")
        DISCIPLINE = "discipline", _("Discipline inspection and supervision (纪委监委)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_(
            'For a violation rule {"violation_types": [codes]}; for a subject rule '
            '{"subject_kinds": [kinds]}.'
        ),
    )
    target = models.CharField(_("alerts go to"), max_length=20, choices=Target.choices)
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitor rule")
        verbose_name_plural = _("monitor rules")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Alert(models.Model):
    """One 应移未移 alert: a case one rule flagged, and its supervision by the recipient.

    Who did what and when is an `AlertStep` row per action (the services write them); the
    alert holds where it stands, who must act next (`due_at` for the case's agency) and, once
    the leader referred the case to 公安, the follow-up case and its criminal referral.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested (要求说明理由)")
        EXPLAINED = "explained", _("Explained")
        REFERRAL_RECOMMENDED = "referral_recommended", _("Referral recommended (建议移送)")
        REFERRED = "referred", _("Referred to public security")
        ANSWERED = "answered", _("Recommendation answered with reasons")
        CLOSED = "closed", _("Closed")

    class Escalation(models.IntegerChoices):
        NONE = 0, _("On time")
        OVERDUE = 1, _("Overdue: urged (催办)")
        LEADER = 2, _("Overdue: agency leader urged")
        RECIPIENT = 3, _("Overdue: reported to the supervising agency")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="alerts"
    )
    rule = models.ForeignKey(
        MonitorRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="alerts"
    )
    reason = models.TextField(_("why the rule fired"))
    to_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="monitor_alerts",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("raised at"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    follow_up_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("follow-up case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral = models.ForeignKey(
        "cases.Referral",
        verbose_name=_("criminal referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    # who must act in each state: the recipient (检察院/纪委监委) or the case's agency
    AWAITING_AGENCY = {Status.EXPLANATION_REQUESTED, Status.REFERRAL_RECOMMENDED}
    AWAITING_RECIPIENT = {Status.OPEN, Status.EXPLAINED, Status.REFERRED, Status.ANSWERED}

    class Meta:
        verbose_name = _("monitor alert")
        verbose_name_plural = _("monitor alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rule"], name="monitor_alert_once_per_rule")
        ]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self):
        return f"{self.case.number} · {self.rule.name}"

    @property
    def overdue(self):
        from django.utils import timezone

        return bool(
            self.due_at and self.status in self.AWAITING_AGENCY and self.due_at < timezone.now()
        )


class AlertStep(models.Model):
    """One action on an alert (the alert's history as the parties read it): the stage, who
    acted for which agency, when, and what they wrote. Written by monitor/services.py only."""

    class Stage(models.TextChoices):
        RAISED = "raised", _("Raised by the daily run")
        REQUESTED = "requested", _("Explanation requested (要求说明理由)")
        EXPLAINED = "explained", _("Explained")
        RECOMMENDED = "recommended", _("Referral recommended (建议移送)")
        REFERRED = "referred", _("Referred to public security")
        ANSWERED = "answered", _("Answered with reasons")
        CLOSED = "closed", _("Closed")
        URGED = "urged", _("Urged (催办)")

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("step"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert step")
        verbose_name_plural = _("alert steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.alert_id} {self.stage}"
