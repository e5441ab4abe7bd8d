"""Issued official documents, their number series, and outgoing documents (发文).

An IssuedDocument is frozen the moment it exists: its number, PDF and SHA-256 never change
(the model refuses updates and deletes, and so does the database on PostgreSQL). A mistake
is corrected by issuing a new document that names the one it replaces and why.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.types import CHOICES

SERIES_HELP = _("The code after the issuer prefix in the number, e.g. 联 in 吉医保联〔2025〕3号.")
series_code_validator = RegexValidator(
    r"^[\u4e00-\u9fff]{1,4}$", _("A series code is one to four Chinese characters, e.g. 联.")
)


class DocumentSeries(models.Model):
    """A numbering series: one per (issuer prefix, series code, year). Numbers are 1, 2, 3…"""

    prefix = models.CharField(_("issuer prefix"), max_length=12)
    code = models.CharField(_("series code"), max_length=4, validators=[series_code_validator])
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document series")
        verbose_name_plural = _("document series")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "code", "year"], name="unique_series_year")
        ]

    def __str__(self):
        return f"{self.prefix}{self.code}〔{self.year}〕"

    def format_number(self, number: int) -> str:
        """GB/T 9704 7.2.4: 吉医保联〔2025〕3号 — full year in 〔〕, no leading zeros."""
        return f"{self.prefix}{self.code}〔{self.year}〕{number}号"


def _pdf_path(instance, filename):
    return f"documents/{instance.issued_at:%Y/%m}/{uuid.uuid4().hex}-{filename}"


class ImmutableError(ValidationError):
    pass


class IssuedDocument(models.Model):
    doc_type = models.CharField(_("type"), max_length=20, choices=CHOICES)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    series = models.ForeignKey(DocumentSeries, on_delete=models.PROTECT, related_name="documents")
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.CharField(max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    content = models.JSONField(_("content as issued"))
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    archive_pdf = models.FileField(_("archival PDF/A-2b"), upload_to=_pdf_path)
    archive_sha256 = models.CharField(_("archival SHA-256"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="unique_number_in_series")
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(_("An issued document cannot be changed; issue a correction."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("An issued document cannot be deleted."))

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "replaced_by")

    def get_doc_type_label(self):
        return self.get_doc_type_display()


class Dispatch(models.Model):
    """An outgoing document (发文) drafted in Xietong and issued as an official document.

    Visible to the issuing agency and to the agencies it is addressed or copied to.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting check (送核稿)")
        CHECKED = "checked", _("Checked, awaiting signing (待签发)")
        RETURNED = "returned", _("Returned for changes (退回修改)")
        ISSUED = "issued", _("Issued")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    doc_type = models.CharField(_("type"), max_length=20, choices=CHOICES)
    series_code = models.CharField(
        _("series code"),
        max_length=4,
        validators=[series_code_validator],
        help_text=SERIES_HELP,
    )
    issuer_name = models.CharField(
        _("issuer"),
        max_length=60,
        help_text=_("The issuer named in the red mark and the signature, e.g. 吉林省医疗保障局."),
    )
    title = models.CharField(_("title"), max_length=120)
    to_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("addressed to"),
        related_name="dispatches_received",
    )
    recipients_extra = models.CharField(
        _("other recipients"),
        max_length=300,
        blank=True,
        help_text=_("Recipients outside the directory, as they should appear on the document."),
    )
    cc_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("copied to"),
        blank=True,
        related_name="dispatches_copied",
    )
    cc_extra = models.CharField(_("other copy-to"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    attachment_titles = models.TextField(
        _("attachments"), blank=True, help_text=_("One attachment title per line.")
    )
    note = models.CharField(_("note (附注)"), max_length=200, blank=True)
    printed_by = models.CharField(_("printed by"), max_length=60, blank=True)
    sealed = models.BooleanField(_("sealed"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    figures = models.JSONField(
        _("figures"),
        default=list,
        blank=True,
        help_text=_("Charts set in the body: [{title, src}], src an SVG data: URL."),
    )
    joint_meeting = models.BooleanField(
        _("joint-meeting paper"),
        default=False,
        help_text=_(
            "Drafted by the joint-meeting office for the joint meeting: signed by the convenor."
        ),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted for checking at"), null=True, blank=True)
    document = models.OneToOneField(
        IssuedDocument,
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    corrects = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_drafts",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    history = HistoricalRecords(m2m_fields=[to_agencies, cc_agencies])

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class DispatchReview(models.Model):
    """One opinion on the 稿纸 of a dispatch: its 核稿 (check) or its 签发 (signing).

    Written only by documents.services (dispatch_check, dispatch_sign); a returned draft keeps
    every earlier round, so the 稿纸 shows who returned it and why.
    """

    class Stage(models.TextChoices):
        CHECK = "check", _("Check (核稿)")
        SIGN = "sign", _("Signing (签发)")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        RETURN = "return", _("Returned for changes")

    dispatch = models.ForeignKey(
        Dispatch,
        verbose_name=_("outgoing document"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review of an outgoing document")
        verbose_name_plural = _("reviews of outgoing documents")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.dispatch} · {self.get_stage_display()} · {self.get_decision_display()}"
