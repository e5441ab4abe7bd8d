from django.core.management.base import BaseCommand

from audit.checkpoints import checkpoint_write


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head and write the statement outside the database "
        "(XIETONG_AUDIT_CHECKPOINT_DIR) and into the log. Cron, daily; safe on several hosts."
    )

    def handle(self, *args, **options):
        checkpoint = checkpoint_write()
        if checkpoint is None:
            self.stdout.write("Nothing new since the last checkpoint.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint at event #{checkpoint.seq} ({checkpoint.hash}) written to "
                f"{checkpoint.path}."
            )
        )
