"""Notifications: what someone was told, how they want e-mail, and the mail still to send.

* `Notification` — one message to one person in the notification centre: what kind of work
  arrived, its title and text (fixed in Chinese when written, like the audit log), the page to
  act on, and when it was read. Domain data: tracked by simple-history, so when a person was
  told and when they read it stays on record (督办 asks "were they told?").
* `MailPreference` — per person: every notification by e-mail at once (the default), one
  digest a day at 08:30, or none. Tracked too; only the digest bookkeeping is not.
* `OutgoingMail` — the outbox: one row per message to one address, written in the same
  transaction as the notification and sent after the commit or by `manage.py send_mail`, with
  its attempts, next attempt and last error. Not history-tracked on purpose: it is transport
  state, not a record of the work — each attempt would copy the row (and, through the
  attachments, megabytes of PDF) into a history table, while the row itself already holds
  what a history would say (attempts, last error, sent at) and the log has every failure.
* `MailAttachment` — the bytes of a file sent with mail (a meeting's .ics, a notice's PDF),
  stored once and shared by every message of one notification round.

Written only by notifications/services.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Notification(models.Model):
    class Kind(models.TextChoices):
        # the case flow: one kind per human step (notifications/events.py STEPS)
        APPROVE = "approve", _("Case to decide on")
        HANDLE = "handle", _("Case to handle in-house")
        RECEIVE = "receive", _("Referral to sign for")
        SUPPLEMENT = "supplement", _("Returned for more material")
        DECIDE = "decide", _("Referral to accept or refuse")
        RESPOND = "respond", _("Refusal to answer")
        RECONSIDER = "reconsider", _("Reconsideration to decide")
        SUPERVISE = "supervise", _("Filing supervision")
        FILE_ON_NOTICE = "file_on_notice", _("Notice to file")
        HANDOVER = "handover", _("Evidence to hand over")
        INVESTIGATE = "investigate", _("Referral to investigate")
        CLOSE = "close", _("Case to close")
        CLOSE_APPROVAL = "close_approval", _("Closing report to approve")
        EXTENSION = "extension", _("Extension to decide")
        # overdue steps (workflow/escalation.py)
        OVERDUE = "overdue", _("Overdue task")
        OVERDUE_LEADER = "overdue_leader", _("Overdue task in your agency")
        SUPERVISION = "supervision", _("Supervision (督办)")
        URGE = "urge", _("Urged by the joint-meeting office (催办)")
        # joint meetings (meetings/services.py, meetings/reminders.py)
        MEETING_TOPICS = "meeting_topics", _("Call for topics")
        MEETING_NOTICE = "meeting_notice", _("Meeting notice")
        MEETING_INVITATION = "meeting_invitation", _("Invitation to attend (列席)")
        MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
        MEETING_MINUTES = "meeting_minutes", _("Minutes issued")
        MEETING_REMINDER = "meeting_reminder", _("Meeting reminder")
        RESOLUTION_OVERDUE = "resolution_overdue", _("Overdue resolution")
        # the 应移未移 monitor (monitor/services.py)
        MONITOR_ALERT = "monitor_alert", _("Referral-monitor alert (应移未移预警)")
        MONITOR_REQUEST = "monitor_request", _("Explanation or referral requested (应移未移)")
        MONITOR_ANSWER = "monitor_answer", _("Answer to a referral-monitor alert")
        MONITOR_URGE = "monitor_urge", _("Overdue referral-monitor alert (催办)")
        # outgoing documents (documents/services.py: 核稿, 签发)
        DOCUMENT_CHECK = "document_check", _("Draft to check (核稿)")
        DOCUMENT_SIGN = "document_sign", _("Draft to sign (签发)")
        DOCUMENT_RETURNED = "document_returned", _("Draft returned for changes")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("page"), max_length=500, help_text=_("A path on this site."))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    case_task = models.ForeignKey(
        "workflow.CaseTask",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # the daily digest: waiting for it (for_digest, no digest_mail yet) or sent in it
    for_digest = models.BooleanField(_("for the daily digest"), default=False)
    digest_mail = models.ForeignKey(
        "OutgoingMail",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digested",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_newest"),
            models.Index(fields=["for_digest", "digest_mail"], name="notification_digest"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class MailPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("An e-mail for each notification, at once")
        DIGEST = "digest", _("One digest a day, at 08:30")
        NONE = "none", _("No e-mail (only in the notification centre)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mail_preference",
    )
    mode = models.CharField(
        _("e-mail"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    # the digest's own bookkeeping changes every day; the history is of the person's choice
    history = HistoricalRecords(excluded_fields=["last_digest_at"])

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return f"{self.user_id} {self.mode}"


class MailAttachment(models.Model):
    name = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mail attachment")
        verbose_name_plural = _("mail attachments")

    def __str__(self):
        return self.name


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    attachments = models.ManyToManyField(
        MailAttachment, verbose_name=_("attachments"), blank=True, related_name="mails"
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # when a queued row is due; for a row being sent, when its claim lapses (a sender that
    # died mid-way): then another sender may take it again
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.to} {self.subject} ({self.status})"
