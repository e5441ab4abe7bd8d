"""Reminders of the joint meetings, sent by `manage.py meeting_reminders` (cron, hourly):

* units that have not replied to a notice are reminded once, a day before replies are due;
* overdue resolutions escalate like overdue case tasks: at the due date the lead unit's
  liaisons are reminded, one working day later its leaders, three working days later the
  resolution is marked for the office's 督办 (the resolutions list shows it).

Each step is sent once (the participant's `reminded_at`, the resolution's `escalation`) and
recorded in the audit log. Mail failures are logged and retried on the next run.
"""

import logging
from datetime import datetime, time, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, people_who_can
from audit.services import lazy_summary, record_event
from meetings.models import Meeting, Participant, Resolution
from workflow.calendar_rules import rule_due

logger = logging.getLogger("xietong.meetings")


def _mail(people, subject: str, body: str) -> bool:
    addresses = sorted({p.email for p in people if p.email})
    if not addresses:
        return True
    try:
        send_mail(subject, body, None, addresses)
    except OSError:
        logger.exception("reminder could not be sent: %s", subject)
        return False
    return True


def remind_replies(now=None) -> int:
    now = now or timezone.now()
    sent = 0
    pending = Participant.objects.filter(
        meeting__status=Meeting.Status.NOTIFIED,
        meeting__rsvp_due__gt=now,
        meeting__rsvp_due__lte=now + timedelta(days=1),
        reply=Participant.Reply.PENDING,
        reminded_at__isnull=True,
    ).select_related("meeting", "agency")
    for participant in pending:
        people = people_who_can(Ability.RSVP_MEETING, participant.agency)
        due = timezone.localtime(participant.meeting.rsvp_due).strftime("%Y-%m-%d %H:%M")
        if not _mail(
            people,
            f"【回执提醒】{participant.meeting.title}",
            f"请于{due}前通过协同平台报送参会回执。",
        ):
            continue
        with transaction.atomic():
            Participant.objects.filter(pk=participant.pk).update(reminded_at=now)
            record_event(
                action="meetings.reply_reminded",
                agency=participant.agency,
                obj=participant.meeting,
                summary=lazy_summary(
                    _("%(agency)s reminded to reply"), agency=participant.agency.name
                ),
                data={"participant": participant.pk},
            )
        sent += 1
    return sent


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
            # each level once, in order, even when cron was not running for a while
            people = []
            if level == 1:
                people = people_who_can(Ability.REPORT_RESOLUTION, resolution.lead_agency)
            elif level == 2:
                people = people_who_can(Ability.APPROVE_CASE, resolution.lead_agency)
            subject = f"【议定事项逾期】{resolution.meeting.title}第{resolution.number}项"
            if people and not _mail(people, subject, resolution.text):
                break
            with transaction.atomic():
                Resolution.objects.filter(pk=resolution.pk).update(escalation=level)
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
