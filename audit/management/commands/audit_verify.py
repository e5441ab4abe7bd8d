from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(str(report))
        self.stdout.write(self.style.SUCCESS(str(report)))
