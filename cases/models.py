"""Case data: clues, the parties involved, evidence, and one referral per receiving agency.

Business data lives here in ordinary models; where a case stands in its process lives in the
viewflow process (workflow/). Services (cases/services.py) are the only writers.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.validators import mask, validate_credit_code, validate_id_number

MONEY = {"max_digits": 14, "decimal_places": 2}
# 涉案金额 is at most one hundred billion yuan: anything larger is a typing mistake
MAX_AMOUNT = Decimal("99999999999.99")
money_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]


class ViolationType(models.Model):
    """The catalogue of violations (shared/seeds/county-district-inspection-plans.txt, 篇3 三)."""

    class Category(models.TextChoices):
        INSTITUTION = "institution", _("Designated medical institution")
        PHARMACY = "pharmacy", _("Designated retail pharmacy")
        INSURED = "insured", _("Insured person")
        AGENCY = "agency", _("Insurance agency and its staff")
        GROUP = "group", _("Organised fraud group")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["category", "sort_order", "code"]

    def __str__(self):
        return self.name


class Case(models.Model):
    class Source(models.TextChoices):
        FLYING_INSPECTION = "flying_inspection", _("Flying inspection (飞行检查)")
        SPECIAL_RECTIFICATION = "special_rectification", _("Special rectification (专项整治)")
        ROUTINE = "routine", _("Routine supervision (日常监管)")
        RANDOM = "random", _("Random inspection (双随机一公开)")
        SMART_MONITORING = "smart_monitoring", _("Smart-monitoring rule hit (智能监控)")
        COMPLAINT = "complaint", _("Complaint or report (投诉举报)")
        AUDIT_FINDING = "audit_finding", _("Audit finding (审计发现)")
        POLICE_NOTICE = "police_notice", _("Police notice (公安通报)")
        CROSS_REGION = "cross_region", _("Cross-region verification (异地就医协查)")
        SELF_INSPECTION = "self_inspection", _("Self-inspection (自查自纠)")
        ASSIGNED = "assigned", _("Assigned from above (上级交办)")
        REFERRED_IN = "referred_in", _("Referred by another agency")

    class Confidentiality(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        INTERNAL = "internal", _("Internal (内部)")
        SENSITIVE = "sensitive", _("Sensitive (敏感)")

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        IN_HOUSE = "in_house", _("Handled in-house")
        REFERRED = "referred", _("Referred")
        CLOSING = "closing", _("Closing report awaiting approval")
        CLOSED_UNFOUNDED = "closed_unfounded", _("Closed as unfounded")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("case number"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("originating agency"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField(_("title"), max_length=120)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    violation_types = models.ManyToManyField(ViolationType, verbose_name=_("violation types"))
    suspected_amount = models.DecimalField(
        _("suspected amount (yuan)"), validators=money_validators, **MONEY
    )
    description = models.TextField(_("description"))
    # 违规期间: when the violations took place (printed in the 移送书 and the 调查报告)
    violation_start = models.DateField(_("violations from"), null=True, blank=True)
    violation_end = models.DateField(_("violations until"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    informant = models.CharField(
        _("informant and contact"),
        max_length=200,
        blank=True,
        help_text=_("Only the originating agency sees who reported it."),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.AWAITING_APPROVAL
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    # 办案人员: at least two officers of the agency (医保发〔2021〕49号), recorded by the leader
    # when the case is referred or kept in-house; named in the 案件调查报告
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case team"),
        blank=True,
        related_name="case_teams",
    )
    # 结案审批: the officer's closing report, then the leader's approval (or return)
    closing_report = models.TextField(_("closing report"), blank=True)
    closing_recovered = models.DecimalField(
        _("recovered by the agency itself (yuan)"),
        default=Decimal("0"),
        validators=money_validators,
        **MONEY,
    )
    closing_fines = models.DecimalField(
        _("fined by the agency itself (yuan)"),
        default=Decimal("0"),
        validators=money_validators,
        **MONEY,
    )
    closing_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closing report by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_reported_at = models.DateTimeField(_("closing report at"), null=True, blank=True)
    closing_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closing approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_opinion = models.TextField(_("leader's opinion on the closing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recovered_total = models.DecimalField(
        _("recovered (yuan)"), default=Decimal("0"), validators=money_validators, **MONEY
    )
    fines_total = models.DecimalField(
        _("fines (yuan)"), default=Decimal("0"), validators=money_validators, **MONEY
    )
    history = HistoricalRecords(m2m_fields=[violation_types, team])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            # the case list walks this index newest first and stops at a page
            models.Index(fields=["registered_at"], name="cases_case_registered_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        super().clean()
        if (
            self.violation_start
            and self.violation_end
            and self.violation_start > self.violation_end
        ):
            raise ValidationError(
                {"violation_end": _("The violations cannot end before they began.")}
            )


class Subject(models.Model):
    """A party the case is about (涉案主体)."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("Designated medical institution")
        PHARMACY = "pharmacy", _("Designated retail pharmacy")
        INSURED = "insured", _("Insured person")
        STAFF = "staff", _("Medical staff")
        AGENCY_STAFF = "agency_staff", _("Insurance agency staff")
        GROUP = "group", _("Organised fraud group")

    ORGANISATIONS = {Kind.INSTITUTION, Kind.PHARMACY}
    PEOPLE = {Kind.INSURED, Kind.STAFF, Kind.AGENCY_STAFF}

    class InstitutionClass(models.TextChoices):
        PUBLIC_SECONDARY = "public_secondary", _("Public, level 2 or above")
        PRIMARY = "primary", _("Primary care")
        PRIVATE = "private", _("Privately run")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    institution_class = models.CharField(
        _("institution class"), max_length=20, blank=True, choices=InstitutionClass.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def identifier_for(self, *, full_id_numbers: bool) -> str:
        """What a reader of the case is shown: an institution's unified social credit code in
        full (it is public, 国家企业信用信息公示系统); a person's ID number only when their
        role needs it (cases.access.may_see_id_numbers), otherwise masked."""
        if self.credit_code:
            return self.credit_code
        if self.id_number:
            return self.id_number if full_id_numbers else mask(self.id_number)
        return ""


def _evidence_path(instance, filename):
    return f"evidence/{instance.case.registered_at:%Y/%m}/{instance.sha256}.{instance.extension}"


class Evidence(models.Model):
    """An evidence file. Stored outside any web root; served only through the access check."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    referral = models.ForeignKey(
        "Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        help_text=_("Set when the file was added for one referral (a supplement or feedback)."),
    )
    file = models.FileField(_("file"), upload_to=_evidence_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class Referral(models.Model):
    """One branch of a case: the case (or part of it) sent to one receiving agency.

    一案多查: a case may have several at once; 公安's hand-back for administrative handling is
    a referral in the other direction (from_agency=公安, parent=the criminal referral).
    """

    class Channel(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal (行刑衔接)")
        ADMINISTRATIVE = "administrative", _("Administrative (行政协作)")
        DISCIPLINE = "discipline", _("Discipline (行纪移送)")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, awaiting receipt")
        RETURNED = "returned", _("Returned for more material")
        SIGNED = "signed", _("Signed for, awaiting decision")
        ACCEPTED = "accepted", _("Accepted, under investigation")
        REFUSED = "refused", _("Refused")
        RECONSIDERATION = "reconsideration", _("Reconsideration requested")
        SUPERVISION = "supervision", _("Under filing supervision")
        NOTICE_TO_FILE = "notice_to_file", _("Notice to file received")
        RESULT_REPORTED = "result_reported", _("Result reported")
        HANDED_BACK = "handed_back", _("Handed back for administrative handling")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFUSAL_ACCEPTED = "refusal_accepted", _("Refused; the refusal stands")

    class Outcome(models.TextChoices):
        """What a receiving agency did (处理结果反馈)."""

        CRIMINAL_FILING = "criminal_filing", _("Criminal case filed (刑事立案)")
        PROSECUTION = "prosecution", _("Prosecuted (提起公诉)")
        JUDGMENT = "judgment", _("Judgment (判决)")
        ADMIN_PENALTY = "admin_penalty", _("Administrative penalty (行政处罚)")
        PARTY_DISCIPLINE = "party_discipline", _("Party discipline (党纪处分)")
        GOVERNMENT_DISCIPLINE = "government_discipline", _("Government discipline (政务处分)")
        FUNDS_RECOVERED = "funds_recovered", _("Funds recovered (追回基金)")
        AGREEMENT_SUSPENDED = "agreement_suspended", _("Service agreement suspended (暂停协议)")
        AGREEMENT_TERMINATED = "agreement_terminated", _("Service agreement terminated (解除协议)")
        NO_VIOLATION = "no_violation", _("No violation found (查无实据)")

    class Supervision(models.TextChoices):
        REASONS_SOUND = "reasons_sound", _("Reasons for not filing are sound (不立案理由成立)")
        NOTICE_TO_FILE = "notice_to_file", _("Notice to file the case (通知立案)")

    FINISHED = {
        Status.RESULT_REPORTED,
        Status.HANDED_BACK,
        Status.WITHDRAWN,
        Status.REFUSAL_ACCEPTED,
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    copy_to = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("copied to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_copied",
        help_text=_("Criminal referrals are copied to the same-level procuratorate."),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="handbacks"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    summary = models.TextField(_("summary for the receiver"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    recovered = models.DecimalField(
        _("recovered (yuan)"), default=Decimal("0"), validators=money_validators, **MONEY
    )
    fines = models.DecimalField(
        _("fines (yuan)"), default=Decimal("0"), validators=money_validators, **MONEY
    )
    outcomes = models.JSONField(_("outcomes"), default=list, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    handover_at = models.DateTimeField(_("evidence handed over at"), null=True, blank=True)
    handover_note = models.TextField(_("evidence hand-over"), blank=True)
    reconsideration_reason = models.TextField(_("grounds for reconsideration"), blank=True)
    reconsideration_requested_at = models.DateTimeField(
        _("reconsideration requested at"), null=True, blank=True
    )
    reconsideration_decided_at = models.DateTimeField(
        _("reconsideration decided at"), null=True, blank=True
    )
    reconsideration_decision = models.TextField(_("reconsideration decision"), blank=True)
    supervision_reason = models.TextField(_("grounds for filing supervision"), blank=True)
    supervision_requested_at = models.DateTimeField(
        _("supervision requested at"), null=True, blank=True
    )
    supervision_outcome = models.CharField(
        _("supervision outcome"), max_length=20, blank=True, choices=Supervision.choices
    )
    supervision_note = models.TextField(_("supervision note"), blank=True)
    supervision_decided_at = models.DateTimeField(
        _("supervision decided at"), null=True, blank=True
    )
    withdrawal_reason = models.TextField(_("reasons for withdrawal"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_at"]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self):
        return f"{self.case.number} → {self.to_agency.short_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    # what `decision_reason` holds in each state, as its label reads; a state not listed has
    # none (a return's reason is not shown once the material came and the referral was signed)
    REASON_LABELS = {
        Status.SENT: _("Material asked for when it was returned"),
        Status.RETURNED: _("What is missing"),
        Status.ACCEPTED: _("Acceptance and filing"),
        Status.REFUSED: _("Reasons for refusing"),
        Status.RECONSIDERATION: _("Reasons for refusing"),
        Status.SUPERVISION: _("Reasons for refusing"),
        Status.REFUSAL_ACCEPTED: _("Reasons for refusing"),
        Status.NOTICE_TO_FILE: _("Filing decision"),
        Status.RESULT_REPORTED: _("Result (处理结果)"),
        Status.HANDED_BACK: _("Why it was handed back"),
    }

    @property
    def reason_label(self):
        """The label of `decision_reason` in the current state, or None: not to be shown."""
        return self.REASON_LABELS.get(self.status) if self.decision_reason else None

    @property
    def outcome_labels(self) -> list[str]:
        labels = dict(self.Outcome.choices)
        return [labels.get(code, code) for code in self.outcomes or []]

    def issued_documents(self):
        """The official documents of this referral (移送书, 回执, …)."""
        from django.contrib.contenttypes.models import ContentType

        from documents.models import IssuedDocument

        return IssuedDocument.objects.filter(
            owner_type=ContentType.objects.get_for_model(Referral), owner_id=str(self.pk)
        ).order_by("issued_at")


class Extension(models.Model):
    """A request to extend a referral's decision period (公安: 3 → 10 → 30 → +30 days).

    The liaison asks with reasons; a leader of the agency (for the last step, of its superior
    agency) approves or refuses; an approval moves the task's due time and its timers.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="extensions")
    rule = models.CharField(_("extension"), max_length=60)
    reason = models.TextField(_("reasons"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    approver_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("approving agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    old_due_at = models.DateTimeField(_("due before"))
    new_due_at = models.DateTimeField(_("due after"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_referral",
            )
        ]

    def __str__(self):
        return f"{self.referral} {self.rule}"


class Comment(models.Model):
    """A comment or progress note on a case.

    A comment on one referral is seen by whoever may see that referral (the 纪委监委
    compartment holds); a case-wide comment by the originating agency is seen by every party.
    Receivers always comment on their own referral.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="comments")
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    is_progress = models.BooleanField(_("progress report"), default=False)
    created_at = models.DateTimeField(_("written at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]
