"""Reminders of the joint meetings, sent by `manage.py meeting_reminders` (cron, hourly):

* units that have not answered a call for topics are reminded once, a day before it closes;
* units that have not replied to a notice are reminded once, a day before replies are due;
* overdue resolutions escalate like overdue case tasks: at the due date the lead unit's
  liaisons are reminded, one working day later its leaders, three working days later the
  resolution is marked for the office's 督办 (the resolutions list shows it).

Each step is sent once (the participant's `reminded_at`, the resolution's `escalation`): the
marker, the notifications and the audit event commit together, and the e-mail goes out after
the commit through the outbox (notifications/), which retries what the relay refused.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, people_who_can
from audit.services import lazy_summary, record_event
from meetings.mail import mail_people, meeting_url
from meetings.models import Meeting, Participant, Resolution
from notifications.models import Notification
from workflow.calendar_rules import rule_due


def _remind(pending, *, marker: str, ability, subject: str, body, action: str, summary) -> int:
    """Remind each pending participant's unit once: mark it, tell its people and record it."""
    sent = 0
    for participant in pending.select_related("meeting", "agency"):
        people = people_who_can(ability, participant.agency)
        with transaction.atomic():
            Participant.objects.filter(pk=participant.pk).update(**{marker: timezone.now()})
            mail_people(
                people,
                subject % participant.meeting.title,
                body(participant),
                kind=Notification.Kind.MEETING_REMINDER,
                url=meeting_url(participant.meeting),
                meeting=participant.meeting,
            )
            record_event(
                action=action,
                agency=participant.agency,
                obj=participant.meeting,
                summary=lazy_summary(summary, agency=participant.agency.name),
                data={"participant": participant.pk},
            )
        sent += 1
    return sent


def _due(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def remind_topics(now=None) -> int:
    now = now or timezone.now()
    pending = Participant.objects.filter(
        meeting__status=Meeting.Status.COLLECTING,
        meeting__topics_due__gt=now,
        meeting__topics_due__lte=now + timedelta(days=1),
        topics=Participant.Topics.PENDING,
        topics_reminded_at__isnull=True,
    )
    return _remind(
        pending,
        marker="topics_reminded_at",
        ability=Ability.SUBMIT_TOPIC,
        subject="【议题征集提醒】%s",
        body=lambda p: f"请于{_due(p.meeting.topics_due)}前通过协同平台报送议题或报告无议题。",
        action="meetings.topics_reminded",
        summary=_("%(agency)s reminded to answer the call for topics"),
    )


def remind_replies(now=None) -> int:
    now = now or timezone.now()
    pending = Participant.objects.filter(
        meeting__status=Meeting.Status.NOTIFIED,
        meeting__rsvp_due__gt=now,
        meeting__rsvp_due__lte=now + timedelta(days=1),
        reply=Participant.Reply.PENDING,
        reminded_at__isnull=True,
    )
    return _remind(
        pending,
        marker="reminded_at",
        ability=Ability.RSVP_MEETING,
        subject="【回执提醒】%s",
        body=lambda p: f"请于{_due(p.meeting.rsvp_due)}前通过协同平台报送参会回执。",
        action="meetings.reply_reminded",
        summary=_("%(agency)s reminded to reply"),
    )


def _level_due(resolution: Resolution, level: int) -> datetime:
    end_of_due_day = timezone.make_aware(datetime.combine(resolution.due_on, time(23, 59, 59)))
    if level == 1:
        return end_of_due_day
    return rule_due("escalate_leader" if level == 2 else "escalate_office", end_of_due_day)


def escalate_resolutions(now=None) -> int:
    now = now or timezone.now()
    raised = 0
    for resolution in Resolution.objects.filter(
        status=Resolution.Status.OPEN, escalation__lt=3, due_on__lt=timezone.localdate(now)
    ).select_related("lead_agency", "meeting"):
        target = resolution.escalation
        while target < 3 and _level_due(resolution, target + 1) <= now:
            target += 1
        for level in range(resolution.escalation + 1, target + 1):
            # each level once, in order, even when cron was not running for a while; level 3
            # (督办) tells the office, whose resolutions list marks it
            if level == 1:
                people = people_who_can(Ability.REPORT_RESOLUTION, resolution.lead_agency)
            elif level == 2:
                people = people_who_can(Ability.APPROVE_CASE, resolution.lead_agency)
            else:
                people = people_who_can(Ability.RUN_MEETINGS)
            subject = f"【议定事项逾期】{resolution.meeting.title}第{resolution.number}项"
            with transaction.atomic():
                Resolution.objects.filter(pk=resolution.pk).update(escalation=level)
                mail_people(
                    people,
                    subject,
                    f"{resolution.lead_agency.name}牵头办理的议定事项已于"
                    f"{resolution.due_on.isoformat()}到期：{resolution.text}",
                    kind=Notification.Kind.RESOLUTION_OVERDUE,
                    url=reverse("meetings:resolution", args=[resolution.pk]),
                    meeting=resolution.meeting,
                )
                record_event(
                    action=f"meetings.resolution_escalated.{level}",
                    agency=resolution.lead_agency,
                    obj=resolution.meeting,
                    summary=lazy_summary(
                        _("Resolution %(n)s overdue at %(agency)s (level %(level)s)"),
                        n=resolution.number,
                        agency=resolution.lead_agency.name,
                        level=level,
                    ),
                    data={"resolution": resolution.pk, "level": level},
                )
        if target == resolution.escalation:
            continue
        raised += 1
    return raised
