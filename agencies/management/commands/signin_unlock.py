import ipaddress

from django.core.management.base import BaseCommand, CommandError

from agencies.services import signin_unlock


class Command(BaseCommand):
    help = (
        "Lift a sign-in lock: forget the failed sign-ins to an account (--username) or from a "
        "network address (--ip). Recorded in the audit log."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--username", help="the locked account's user name")
        which.add_argument("--ip", help="the locked client address")

    def handle(self, *args, username=None, ip=None, **options):
        if ip is not None:
            try:
                ip = str(ipaddress.ip_address(ip.strip()))
            except ValueError:
                raise CommandError(f"{ip!r} is not an IP address.") from None
        try:
            count = signin_unlock(
                by=None, username=username or "", ip_address=ip or "", via="command"
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        target = f"account {username!r}" if username else f"address {ip}"
        if count:
            self.stdout.write(self.style.SUCCESS(f"Unlocked {target} ({count} records removed)."))
        else:
            self.stdout.write(f"Nothing to unlock for {target}.")
