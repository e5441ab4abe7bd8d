from django.core.management.base import BaseCommand

from meetings.reminders import escalate_resolutions, remind_replies, remind_topics


class Command(BaseCommand):
    help = (
        "Remind units to answer calls for topics and to reply to meeting notices, and escalate "
        "overdue resolutions (cron, hourly)."
    )

    def handle(self, *args, **options):
        topics = remind_topics()
        replies = remind_replies()
        resolutions = escalate_resolutions()
        self.stdout.write(
            f"topic reminders: {topics}; reply reminders: {replies}; "
            f"resolutions escalated: {resolutions}"
        )
