from django.core.management.base import BaseCommand

from meetings.reminders import escalate_resolutions, remind_replies


class Command(BaseCommand):
    help = "Remind units to reply to meeting notices and escalate overdue resolutions (cron)."

    def handle(self, *args, **options):
        replies = remind_replies()
        resolutions = escalate_resolutions()
        self.stdout.write(f"reply reminders: {replies}; resolutions escalated: {resolutions}")
