"""The agency directory: administrative regions, agencies, the people in them and their roles.

Every model here keeps its full history (django-simple-history): a personnel change — a
person moving agency, a role granted or withdrawn — is never overwritten, and each change
is also appended to the tamper-evident audit log (see agencies/signals.py).
"""

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PersonnelHistory(HistoricalRecords):
    """History that ignores saves touching only `last_login` or the password: a login or a
    password change is not a personnel change (the password is kept out of history anyway, and
    a password change has its own audit event, agencies.services.password_change)."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= {"last_login", "password"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


class Region(models.Model):
    """An administrative division (GB/T 2260): province, city or county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    # the level a region's parent must have
    PARENT_LEVEL = {Level.PROVINCE: None, Level.CITY: Level.PROVINCE, Level.COUNTY: Level.CITY}

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A division code has six digits (GB/T 2260)."))],
    )
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        expected = self.PARENT_LEVEL.get(self.level)
        actual = self.parent.level if self.parent_id else None
        if expected != actual:
            if expected is None:
                raise ValidationError({"parent": _("A province has no parent region.")})
            raise ValidationError(
                {
                    "parent": _("The parent of a %(level)s must be a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": self.Level(expected).label}
                }
            )


class Agency(models.Model):
    """A government body that refers cases or sits on the joint meeting (成员单位)."""

    class Kind(models.TextChoices):
        MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")
        PUBLIC_SECURITY = "public_security", _("Public security")
        PROCURATORATE = "procuratorate", _("Procuratorate")
        HEALTH = "health", _("Health")
        MARKET_REGULATION = "market_regulation", _("Market regulation")
        AUDIT = "audit", _("Audit")
        DISCIPLINE = "discipline", _("Discipline inspection and supervision")
        FINANCE = "finance", _("Finance")
        DRUG_ADMINISTRATION = "drug_administration", _("Drug administration")
        TAX = "tax", _("Taxation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies"
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("superior agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        help_text=_("The agency of the same kind one administrative level up."),
    )
    doc_prefix = models.CharField(
        _("document-number prefix"),
        max_length=12,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]{1,12}$",
                _("A document-number prefix is written in Chinese characters only, e.g. 吉医保."),
            )
        ],
        help_text=_(
            "The issuer's abbreviation in document numbers, e.g. 吉医保 in 吉医保〔2025〕3号."
        ),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["region__code", "sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def level(self):
        return self.region.level

    def get_level_display(self):
        return self.region.get_level_display()

    def clean(self):
        if self.superior_id and self.superior_id == self.pk:
            raise ValidationError({"superior": _("An agency cannot be its own superior.")})


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", _("Case officer")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    LIAISON = "liaison", _("Liaison officer")
    MEETING_OFFICE = "meeting_office", _("Joint-meeting office staff")
    CONVENOR = "convenor", _("Convenor")
    DEPUTY_CONVENOR = "deputy_convenor", _("Deputy convenor")
    AUDITOR = "auditor", _("Auditor")


class XietongUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("agency__region")


phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,30}$", _("Enter a phone number: digits, spaces, +, - and brackets.")
)


class User(AbstractUser):
    """A person who works in Xietong. Everyone but a system administrator belongs to one agency."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=50)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    must_change_password = models.BooleanField(
        _("must choose a new password"),
        default=False,
        help_text=_(
            "Set by a system administrator: until the person chooses a new password, every page "
            "takes them to the password change."
        ),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_(
            "Created by the demo (manage.py seed_demo). Only demo accounts may sign in with the "
            "published demo password."
        ),
    )

    objects = XietongUserManager()
    history = PersonnelHistory(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["agency__sort_order", "username"]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if not self.is_superuser and self.agency_id is None:
            raise ValidationError(
                {"agency": _("Everyone except system administrators belongs to an agency.")}
            )


class RoleGrant(models.Model):
    """A role held by a person. Granted and withdrawn by a system administrator in the admin."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    basis = models.CharField(
        _("basis"),
        max_length=200,
        blank=True,
        help_text=_("The appointment or notice this role rests on, e.g. a document number."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class SignInAttempt(AccessAttempt):
    """django-axes' record of failed sign-ins (one row per user name, address and browser),
    shown in the admin under the directory: where a system administrator sees who is locked
    out and lifts a lock (agencies.services.signin_unlock, audited)."""

    class Meta:
        proxy = True
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins and lockouts")
