"""The joint-meeting body (联席会议) and its meetings: who sits on it, the rounds of topics,
agendas, notices, replies, attendance, minutes and resolutions.

Services (meetings/services.py) are the only writers. Follows
shared/seeds/jilin-joint-meeting-system.txt: the lead agency (医保) hosts the office; each
member unit has a deputy convenor and a member-cum-liaison; the office calls for topics, the
convenor approves the agenda, the meeting is notified, held and minuted, and its resolutions
are followed up until done.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class JointBody(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    lead_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hosts the office; notices and minutes are issued under its seal (代章)."),
    )
    convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convenor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint-meeting body")
        verbose_name_plural = _("joint-meeting bodies")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A member unit, with its deputy convenor and its member-cum-liaison (成员兼联络员)."""

    body = models.ForeignKey(JointBody, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("member unit"), on_delete=models.PROTECT, related_name="+"
    )
    deputy_convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy convenor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member and liaison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["body", "agency"], name="one_membership_per_agency")
        ]

    def __str__(self):
        return str(self.agency)


class PersonnelChange(models.Model):
    """A member unit proposes a replacement; the office confirms and records it (备案)."""

    class Position(models.TextChoices):
        DEPUTY_CONVENOR = "deputy_convenor", _("Deputy convenor")
        LIAISON = "liaison", _("Member and liaison")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the office")
        RECORDED = "recorded", _("Recorded (备案)")
        RETURNED = "returned", _("Returned")

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="changes")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previously"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("personnel change")
        verbose_name_plural = _("personnel changes")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "position"],
                condition=models.Q(status="proposed"),
                name="one_open_change_per_position",
            )
        ]

    def __str__(self):
        return f"{self.membership} {self.get_position_display()}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Full meeting (全体会议)")
        PARTIAL = "partial", _("Meeting of some member units")
        CONSULTATION = "consultation", _("Major-case consultation (重大案件会商)")

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting topics")
        AGENDA = "agenda", _("Drafting the agenda")
        AGENDA_APPROVAL = "agenda_approval", _("Agenda awaiting the convenor")
        NOTIFIED = "notified", _("Notice issued; collecting replies")
        HELD = "held", _("Held; minutes being drafted")
        MINUTES_COMMENTS = "minutes_comments", _("Minutes out for comments")
        MINUTES_APPROVAL = "minutes_approval", _("Minutes awaiting the convenor")
        MINUTES_ISSUED = "minutes_issued", _("Minutes issued")
        CANCELLED = "cancelled", _("Cancelled")

    class Form(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        VIDEO = "video", _("Video conference")

    body = models.ForeignKey(JointBody, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ad_hoc = models.BooleanField(
        _("ad hoc"),
        default=False,
        help_text=_("Called at short notice: no call for topics, the office drafts the agenda."),
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COLLECTING
    )
    topics_due = models.DateTimeField(_("topics due"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, blank=True)
    rsvp_due = models.DateTimeField(_("replies due"), null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The convenor or a deputy convenor (主持)."),
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The case a major-case consultation is about."),
    )
    convenor_notes = models.TextField(
        _("convenor's notes"),
        blank=True,
        help_text=_("Seen only by the convenor and the office."),
    )
    minutes_text = models.TextField(_("minutes (draft)"), blank=True)
    comments_due = models.DateTimeField(_("comments on the minutes due"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A unit taking part in a meeting: a member, or an invited unit (列席)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member unit")
        INVITED = "invited", _("Invited (列席)")

    class Topics(models.TextChoices):
        PENDING = "pending", _("Not answered")
        SUBMITTED = "submitted", _("Topics submitted")
        NONE = "none", _("No topics")

    class Reply(models.TextChoices):
        PENDING = "pending", _("No reply yet")
        ATTENDING = "attending", _("Attending")
        SUBSTITUTE = "substitute", _("Attending by substitute")
        LEAVE = "leave", _("On leave")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present (出席)")
        ABSENT = "absent", _("On leave (请假)")
        OBSERVER = "observer", _("Observer (列席)")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    items_only = models.BooleanField(
        _("only for some items"),
        default=False,
        help_text=_("Invited (列席) for some agenda items: sees only those."),
    )
    topics = models.CharField(
        _("topics"), max_length=20, choices=Topics.choices, default=Topics.PENDING
    )
    reply = models.CharField(_("reply"), max_length=20, choices=Reply.choices, default="pending")
    attendees = models.CharField(_("who attends"), max_length=300, blank=True)
    leave_reason = models.CharField(_("reason for leave"), max_length=300, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("reminded to reply at"), null=True, blank=True)
    topics_reminded_at = models.DateTimeField(
        _("reminded to answer the call for topics at"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["-role", "pk"]  # member units first, then invited units
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="one_seat_per_unit")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.agency}"


class Topic(models.Model):
    """An agenda topic (议题) a unit submits, screened by the office."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("On the agenda")
        RETURNED = "returned", _("Returned for revision")
        DEFERRED = "deferred", _("Deferred")
        MERGED = "merged", _("Merged into another topic")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("presenting unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    background = models.TextField(_("background"))
    proposed_resolution = models.TextField(_("proposed resolution"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    office_note = models.TextField(_("office's note"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    order = models.PositiveIntegerField(_("order"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    invited = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("units invited for this item (列席)"),
        blank=True,
        related_name="+",
    )
    carried_over = models.BooleanField(_("carried over"), default=False)
    resolution = models.ForeignKey(
        "Resolution",
        verbose_name=_("resolution followed up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_topics",
        help_text=_("An open resolution of an earlier meeting, put on this agenda."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    history = HistoricalRecords(m2m_fields=[invited])

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "submitted_at", "pk"]

    def __str__(self):
        return self.title


class TopicCase(models.Model):
    """A case linked to a topic, with only the summary its presenting unit chose to share."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="linked_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    shared_summary = models.TextField(_("summary shared with the participants"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")
        constraints = [models.UniqueConstraint(fields=["topic", "case"], name="one_link_per_case")]

    def __str__(self):
        return f"{self.topic} · {self.case_id}"


class MinutesComment(models.Model):
    """A participating unit's comment on the draft minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class Resolution(models.Model):
    """A resolution (议定事项): what the meeting decided, who leads, by when — followed up
    until the office verifies it done."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In the draft minutes")
        OPEN = "open", _("In progress")
        REPORTED = "reported", _("Reported done; awaiting the office")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    lead_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    cooperating = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("cooperating units"), blank=True, related_name="+"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("linked case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("verified done at"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"),
        default=0,
        help_text=_("0 on time; 1 lead unit reminded; 2 its leader reminded; 3 督办."),
    )
    history = HistoricalRecords(m2m_fields=[cooperating])

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "number"]
        indexes = [models.Index(fields=["lead_agency", "status"])]

    def __str__(self):
        return f"{self.meeting} #{self.number}"


class ResolutionReport(models.Model):
    """Progress on a resolution, or its completion with evidence, and the office's check."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("report"))
    is_completion = models.BooleanField(_("reports completion"), default=False)
    created_at = models.DateTimeField(_("reported at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True)
    verify_note = models.TextField(_("office's note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution report")
        verbose_name_plural = _("resolution reports")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


def _file_path(instance, filename):
    return f"meetings/{instance.uploaded_at:%Y/%m}/{instance.sha256}.{instance.extension}"


class MeetingFile(models.Model):
    """A topic's materials, or the evidence of a resolution report. Stored outside any web
    root and served only to whoever may see the topic or the resolution it belongs to."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="files")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="materials"
    )
    report = models.ForeignKey(
        ResolutionReport, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=_file_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__isnull=True) | models.Q(report__isnull=True),
                name="meeting_file_has_one_owner",
            )
        ]

    def __str__(self):
        return self.original_name
