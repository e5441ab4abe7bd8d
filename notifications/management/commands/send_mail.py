from django.core.management.base import BaseCommand

from notifications.services import send_mail_run


class Command(BaseCommand):
    help = (
        "Send the mail outbox: new notifications, retries of failed sends, and at 08:30 each "
        "person's daily digest (cron, every minute; safe on several hosts at once)."
    )

    def handle(self, *args, **options):
        done = send_mail_run()
        self.stdout.write(
            f"digests: {done['digests']}; sent: {done['sent']}; failed: {done['failed']}; "
            f"purged: {done['purged']}"
        )
