"""Benchmark: the 应移未移 monitor's daily run over 100,000 closed cases.

Loads N closed cases (default 100,000) in bulk into a separate database — each with three
finished referrals (300,000), one in four of them criminal; one case in twenty reaches the
threshold; a (non-fraud) violation type and a party each — then times `monitor_run()` twice:
the first run raises the alerts (one in twenty of the cases without a criminal referral), the
second finds them all alerted already (the daily steady state), and prints both.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong_bench_monitor \\
        XIETONG_ENV=development .venv/bin/python bench/bench_monitor.py --cases 100000

Target (issue 13): the daily run ≤ 30 s. Notifications are written (one per person of the
procuratorate per alert) but no mail is sent.
"""

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("XIETONG_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("XIETONG_DATA_DIR", tempfile.mkdtemp(prefix="xietong-bench-"))


def load(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from agencies.models import Agency, User
    from cases.models import Case, Referral, Subject, ViolationType

    officer = User.objects.get(username="yb_officer")
    yb = Agency.objects.get(short_name="省医保局")
    police = Agency.objects.get(short_name="省公安厅")
    health = Agency.objects.get(short_name="省卫生健康委")
    flagged = {
        "fictitious_services",
        "forged_documents",
        "impersonation",
        "impersonated_admission",
        "card_misuse",
        "organised_fraud",
        "collusion",
    }
    types = list(ViolationType.objects.exclude(code__in=flagged).order_by("pk"))
    now = timezone.now()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        number=f"吉医保案〔2025〕{start + i + 1}号",
                        agency=yb,
                        title=f"基准测试案件{start + i}",
                        source="routine",
                        # one in twenty reaches the threshold, the others stay below it
                        suspected_amount=Decimal(
                            50_000 if (start + i) % 20 == 0 else 100 + (start + i) * 7919 % 2800
                        ),
                        description="基准",
                        registered_by=officer,
                        registered_at=now,
                        closed_at=now,
                        status="closed",
                    )
                    for i in range(size)
                ]
            )
            through = Case.violation_types.through
            through.objects.bulk_create(
                [
                    through(case_id=c.pk, violationtype_id=types[(start + i) % len(types)].pk)
                    for i, c in enumerate(cases)
                ]
            )
            Subject.objects.bulk_create(
                [Subject(case=c, kind="institution", name=f"某医院{c.pk}") for c in cases]
            )
            referrals = []
            for i, c in enumerate(cases):
                for to, channel in ((health, "administrative"), (health, "administrative")):
                    referrals.append(
                        Referral(
                            case=c,
                            from_agency=yb,
                            to_agency=to,
                            channel=channel,
                            summary="基准",
                            sent_at=now,
                            status="result_reported",
                        )
                    )
                if (start + i) % 4 == 1:
                    channel, to = "criminal", police
                else:
                    channel, to = "administrative", health
                referrals.append(
                    Referral(
                        case=c,
                        from_agency=yb,
                        to_agency=to,
                        channel=channel,
                        summary="基准",
                        sent_at=now,
                        status="result_reported",
                    )
                )
            Referral.objects.bulk_create(referrals)
        print(f"  loaded {start + size:,} cases", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from cases.models import Case
    from demo.directory import seed_directory
    from monitor.models import Alert
    from monitor.services import monitor_run

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE']} {database['NAME']}")
    call_command("migrate", verbosity=0)
    seed_directory()
    if Case.objects.count() < args.cases:
        print(f"loading {args.cases:,} closed cases …")
        t0 = time.perf_counter()
        load(args.cases - Case.objects.count())
        print(f"  in {time.perf_counter() - t0:.0f} s")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for label in ("first run (raises the alerts)", "second run (nothing new)"):
            t0 = time.perf_counter()
            result = monitor_run()
            elapsed = time.perf_counter() - t0
            verdict = "PASS" if elapsed <= 30 else "FAIL"
            print(f"{label:<32} {elapsed:6.1f} s  {verdict}  {result}")
    print(f"alerts: {Alert.objects.count():,}")


if __name__ == "__main__":
    main()
