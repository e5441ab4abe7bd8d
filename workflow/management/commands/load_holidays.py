import argparse
import getpass
import hashlib
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import User
from workflow.holiday_file import parse_holiday_file, weekday_name
from workflow.services import HolidayYearPlan, holiday_year_load, holiday_year_plan

MAX_BYTES = 64 * 1024


class _Formatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


def _runs(days) -> str:
    """2025-01-28..2025-02-04, 2025-05-05: consecutive days as ranges."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day.toordinal() == runs[-1][-1].toordinal() + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(f"{run[0]}..{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs)


class Command(BaseCommand):
    help = """Load one year's public holidays and adjusted working days (调休) from a file.

Write the file from the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知),
one [[holiday]] table per holiday, in TOML:

    year = 2027
    notice = "国办发明电〔2026〕N号"          # the notice's number, required
    title = "国务院办公厅关于2027年部分节假日安排的通知"

    [[holiday]]
    name = "春节"
    off = ["2027-MM-DD..2027-MM-DD"]   # 放假: dates and FIRST..LAST ranges
    days = 8                           # optional: the notice's 共N天, checked
    work = ["2027-MM-DD"]              # 调休上班 (Saturdays/Sundays); omit if 不调休

workflow/holidays/example-2025.toml is the complete 2025 notice. The file is checked first;
any error is reported (one line each) and nothing is loaded. A valid file replaces the
year's calendar days with exactly its own, marks the year as loaded (the warning and the
administrators' banner go away) and writes an audit event. Days not listed count Monday to
Friday. Due times already computed are NOT recomputed; new ones use the loaded days.
Use --dry-run first: it prints the working days per month and what would change."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=_Formatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the holiday file (TOML, UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the changes, change nothing"
        )
        parser.add_argument(
            "--user", help="username of the system administrator loading it (for the audit log)"
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        loaded_by = None
        if user:
            loaded_by = User.objects.filter(
                username=user, is_active=True, is_superuser=True
            ).first()
            if loaded_by is None:
                raise CommandError(
                    _("%(user)s is not an active system administrator.") % {"user": user}
                )
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(
                    _("%(file)s is larger than %(size)s KB: not a holiday file.")
                    % {"file": file, "size": MAX_BYTES // 1024}
                )
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.") % {"file": file, "reason": exc.strerror}
            ) from None

        schedule, problems = parse_holiday_file(data, today=timezone.localdate())
        errors = [problem for problem in problems if problem.error]
        for problem in errors:
            self.stderr.write(
                _("%(file)s: error: %(message)s") % {"file": file, "message": problem.message}
            )
        if errors:
            raise CommandError(
                _("%(count)s error(s) in %(file)s: nothing was loaded.")
                % {"count": len(errors), "file": file}
            )

        plan = holiday_year_plan(schedule)
        for problem in problems + plan.warnings():
            self.stderr.write(
                _("%(file)s: warning: %(message)s") % {"file": file, "message": problem.message}
            )
        self._describe(plan)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):
            os_user = ""
        plan = holiday_year_load(
            schedule=schedule,
            source_name=str(file)[-255:],
            source_sha256=hashlib.sha256(data).hexdigest(),
            loaded_by=loaded_by,
            os_user=os_user,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded %(year)s: %(created)s calendar days added, %(updated)s changed, "
                    "%(removed)s removed."
                )
                % {
                    "year": schedule.year,
                    "created": len(plan.create),
                    "updated": len(plan.update),
                    "removed": len(plan.remove),
                }
            )
        )
        if plan.open_tasks_due_in_year:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s open tasks are due in %(year)s by the count made before this "
                        "load; their due times are not recomputed (see README)."
                    )
                    % {"count": plan.open_tasks_due_in_year, "year": schedule.year}
                )
            )

    def _describe(self, plan: HolidayYearPlan) -> None:
        schedule = plan.schedule
        write = self.stdout.write
        write(f"{schedule.year}: {schedule.title} ({schedule.notice})")
        for holiday in schedule.holidays:
            line = ngettext(
                "  %(name)s: off %(off)s (%(count)s day)",
                "  %(name)s: off %(off)s (%(count)s days)",
                len(holiday.off),
            ) % {
                "name": holiday.name,
                "off": _runs(holiday.off),
                "count": len(holiday.off),
            }
            if holiday.work:
                worked = ", ".join(f"{day} {weekday_name(day)}" for day in holiday.work)
                line += _("; working %(days)s") % {"days": worked}
            write(line)
        months = ", ".join(
            _("month %(month)s: %(days)s") % {"month": n, "days": count}
            for n, count in enumerate(plan.working_days_by_month, start=1)
        )
        write(
            _("Working days in %(year)s: %(total)s (%(months)s)")
            % {"year": schedule.year, "total": plan.working_days, "months": months}
        )
        if plan.previous is not None:
            write(
                _("Replaces the load of %(when)s from %(file)s (%(notice)s).")
                % {
                    "when": timezone.localtime(plan.previous.loaded_at).strftime("%Y-%m-%d %H:%M"),
                    "file": plan.previous.source_name,
                    "notice": plan.previous.notice,
                }
            )
        if not plan.changes:
            write(_("The calendar already holds exactly these days."))
            return
        for day, (worked, name) in plan.create.items():
            write(f"  + {day} {_state(worked)} {name}")
        for day, ((was_worked, was_name), (worked, name)) in plan.update.items():
            write(f"  ~ {day} {_state(was_worked)} {was_name} -> {_state(worked)} {name}")
        for day, (worked, name) in plan.remove.items():
            write(f"  - {day} {_state(worked)} {name}")


def _state(worked: bool) -> str:
    return _("working") if worked else _("off")
