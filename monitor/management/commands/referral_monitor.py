import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitor.services import monitor_run


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date or time: {value!r}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "The 应移未移 monitor (cron, daily): flag closed cases that should have been referred "
        "and were not, tell the procuratorate (纪委监委 for the discipline rule), and urge "
        "overdue answers. Safe to run again and on several hosts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="Evaluate as if at this moment (ISO 8601, Asia/Shanghai when no offset).",
        )

    def handle(self, *args, now=None, **options):
        result = monitor_run(now=now)
        if result["skipped"]:
            self.stdout.write("referral monitor: another host is running it; nothing done")
            return
        self.stdout.write(
            "referral monitor: {raised} new alert(s), {existing} finding(s) already alerted, "
            "{no_recipient} without a recipient agency, {urged} overdue answer(s) urged".format(
                **result
            )
        )
