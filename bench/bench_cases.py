"""Benchmark: inbox and case-page latency with 100,000 cases.

Loads N cases (default 100,000) with their processes, a referral each and an open task each
into a separate database, then times the home dashboard, the inbox, the case list and case pages
through Django's test client (in-process, no network), and prints median and p95.

    XIETONG_ENV=development .venv/bin/python bench/bench_cases.py            # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong_bench \\
        XIETONG_ENV=development .venv/bin/python bench/bench_cases.py --cases 100000

The data is inserted in bulk (this measures reading, not registering). Targets: see README.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import report, timed  # noqa: E402 - bench/timing.py, beside this script

os.environ.setdefault("XIETONG_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("XIETONG_DATA_DIR", tempfile.mkdtemp(prefix="xietong-bench-"))


def load(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from viewflow.workflow.models import Process, Task
    from viewflow.workflow.status import STATUS
    from viewflow.workflow.token import Token

    from agencies.models import Agency, User
    from cases.models import Case, Referral
    from workflow.flows import CaseFlow
    from workflow.models import CaseTask

    officer = User.objects.get(username="yb_officer")
    liaison = User.objects.get(username="wj_liaison")
    yb, wj = (
        Agency.objects.get(short_name="省医保局"),
        Agency.objects.get(short_name="省卫生健康委"),
    )
    now = timezone.now()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        number=f"吉医保案〔2026〕{start + i + 1}号",
                        agency=yb,
                        title=f"基准测试案件{start + i}",
                        source="routine",
                        suspected_amount=Decimal("1000.00"),
                        description="基准",
                        registered_by=officer,
                        registered_at=now,
                        status="referred",
                    )
                    for i in range(size)
                ]
            )
            processes = Process.objects.bulk_create(
                [Process(flow_class=CaseFlow, status="NEW") for _ in cases]
            )
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO workflow_caseprocess (process_ptr_id, case_id) VALUES (%s, %s)",
                    [(p.pk, c.pk) for p, c in zip(processes, cases, strict=True)],
                )
            referrals = Referral.objects.bulk_create(
                [
                    Referral(
                        case=c,
                        from_agency=yb,
                        to_agency=wj,
                        channel="administrative",
                        summary="基准",
                        sent_at=now,
                        status="sent",
                    )
                    for c in cases
                ]
            )
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        process_id=p.pk,
                        flow_task=CaseFlow.receive,
                        flow_task_type="HUMAN",
                        token=Token("start"),
                        status=STATUS.ASSIGNED if (start + i) % 100 == 0 else STATUS.NEW,
                        owner=liaison if (start + i) % 100 == 0 else None,
                        data={
                            "referral_id": r.pk,
                            "agency_id": wj.pk,
                            "ability": "receive_referral",
                        },
                    )
                    for i, (p, r) in enumerate(zip(processes, referrals, strict=True))
                ]
            )
            CaseTask.objects.bulk_create(
                [
                    CaseTask(
                        task_id=t.pk,
                        case_id=c.pk,
                        referral_id=r.pk,
                        agency=wj,
                        ability="receive_referral",
                        # spread over two months either side of today: some overdue
                        due_at=now + timedelta(hours=(start + i) % 2880 - 1440),
                    )
                    for i, (t, c, r) in enumerate(zip(tasks, cases, referrals, strict=True))
                ]
            )
        print(f"  loaded {start + size:,} cases", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from agencies.models import User
    from cases.models import Case
    from demo.directory import seed_directory

    settings.ALLOWED_HOSTS = ["*"]
    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE']} {database['NAME']}")
    call_command("migrate", verbosity=0)
    seed_directory()
    if Case.objects.count() < args.cases:
        print(f"loading {args.cases:,} cases …")
        t0 = time.perf_counter()
        load(args.cases - Case.objects.count())
        print(f"  in {time.perf_counter() - t0:.0f} s")
    client = Client()
    client.force_login(User.objects.get(username="wj_liaison"))
    ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[: args.runs])
    report("home dashboard", timed(client, "/", args.runs))
    report("inbox (mine and my unit's)", timed(client, "/cases/inbox/", args.runs))
    report("inbox by due, latest first", timed(client, "/cases/inbox/?sort=-due", args.runs))
    report("inbox overdue", timed(client, "/cases/inbox/?due=overdue", args.runs))
    report("inbox source", timed(client, "/cases/inbox/?source=complaint", args.runs))
    report("case list", timed(client, "/cases/", args.runs))
    report("case list, referred tab", timed(client, "/cases/?status=referred", args.runs))
    report("case list by due time", timed(client, "/cases/?sort=due", args.runs))
    samples = []
    for pk in ids:
        samples += timed(client, f"/cases/{pk}/", 1)
    report("case page", samples)


if __name__ == "__main__":
    main()
