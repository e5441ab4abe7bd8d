"""Benchmark: the case ledger, its export, the statistics and the 应移未移 monitor at scale.

Loads N cases (default 100,000) and about 3.3 referrals for nine cases in ten (300,000 for
100,000 cases) into a separate database — across every registering agency, source, violation
type, receiver, channel, status and outcome, registered over the last 18 months, each referral
with its steps' dates and one deadlined step (a finished or open task with its `CaseTask`) —
then times, through Django's test client (in-process, no network):

* the ledger page as a unit's liaison and as an auditor (every row), default order and two
  filters;
* the statistics page (统计分析) as the joint-meeting office (every member unit) and as a
  unit's liaison, default period and a year by quarter, and one chart;
* the ledger's .xlsx export of 100,000 rows, in a child process that reports its own peak
  memory (ru_maxrss);
* the 应移未移 monitor's daily run (`monitor_run`): the first run over this data raises its
  alerts, the second is the daily steady state;

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong_bench13 \\
        XIETONG_ENV=development .venv/bin/python bench/bench_ledger_stats.py

The data is inserted in bulk (this measures reading, not registering); a second run against
the same database reuses it. Targets and figures: bench/README.md.
"""

import argparse
import os
import random
import resource
import subprocess
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

RECEIVERS = {  # receiving agency kind → channel
    "public_security": "criminal",
    "health": "administrative",
    "market_regulation": "administrative",
    "drug_administration": "administrative",
    "discipline": "discipline",
}
OUTCOMES = {
    "criminal": ["criminal_filing", "prosecution", "judgment", "funds_recovered"],
    "administrative": ["admin_penalty", "funds_recovered", "agreement_suspended", "no_violation"],
    "discipline": ["party_discipline", "government_discipline"],
}


def load(n: int, seed: int = 13) -> None:
    """Insert n cases with their subjects, violation types, referrals and deadlined steps."""
    from django.db import connection, transaction
    from django.utils import timezone
    from viewflow.workflow.models import Process, Task
    from viewflow.workflow.status import STATUS
    from viewflow.workflow.token import Token

    from agencies.models import Agency, User
    from cases.models import Case, Referral, Subject, ViolationType
    from workflow.flows import CaseFlow
    from workflow.models import CaseTask

    rng = random.Random(seed)  # noqa: S311 - made-up data, not a secret
    agencies = list(Agency.objects.select_related("region"))
    registering = [a for a in agencies if a.kind == "medical_insurance"]
    receivers = {}
    procuratorates = {}
    for a in agencies:
        if a.kind in RECEIVERS:
            receivers.setdefault(a.region_id, []).append(a)
        if a.kind == "procuratorate":
            procuratorates[a.region_id] = a
    province_receivers = receivers[registering[0].region_id]
    officers = {
        a.pk: User.objects.filter(agency=a).order_by("pk").first() or User.objects.first()
        for a in registering
    }
    sources = [c for c, _label in Case.Source.choices]
    violations = list(ViolationType.objects.values_list("pk", flat=True))
    kinds = [c for c, _label in Subject.Kind.choices]
    now = timezone.now()
    span = 540 * 24 * 3600  # 18 months, in seconds
    through = Case.violation_types.through
    first = Case.objects.count()
    batch = 2000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            cases = []
            for i in range(start, start + size):
                agency = rng.choice(registering)
                registered = now - timedelta(seconds=rng.randrange(span))
                amount = Decimal(int(rng.lognormvariate(9.5, 1.6) * 100)) / 100
                closed = registered < now - timedelta(days=120) and rng.random() < 0.8
                cases.append(
                    Case(
                        number=f"吉医保案〔基准〕{first + i + 1}号",
                        agency=agency,
                        title=f"基准测试案件{first + i + 1}",
                        source=rng.choice(sources),
                        suspected_amount=amount,
                        description="基准",
                        registered_by=officers[agency.pk],
                        registered_at=registered,
                        decided_at=registered + timedelta(days=2),
                        status="closed" if closed else "referred",
                        closed_at=registered + timedelta(days=rng.randint(60, 110))
                        if closed
                        else None,
                        recovered_total=(amount * Decimal("0.6")).quantize(Decimal("0.01"))
                        if closed
                        else Decimal("0"),
                        fines_total=(amount * Decimal("0.3")).quantize(Decimal("0.01"))
                        if closed
                        else Decimal("0"),
                    )
                )
            cases = Case.objects.bulk_create(cases)
            through.objects.bulk_create(
                [
                    through(case_id=c.pk, violationtype_id=v)
                    for c in cases
                    for v in rng.sample(violations, rng.choice((1, 1, 2)))
                ]
            )
            Subject.objects.bulk_create(
                [
                    Subject(
                        case=c,
                        kind=rng.choice(kinds),
                        name=f"基准主体{c.pk}",
                        id_number="220102199003071235",
                    )
                    for c in cases
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
            referrals, steps = [], []
            for offset, (case, process) in enumerate(zip(cases, processes, strict=True)):
                i = start + offset
                if i % 10 == 0:
                    continue  # handled in-house
                pool = list(
                    dict.fromkeys(receivers.get(case.agency.region_id, []) + province_receivers)
                )
                for to in rng.sample(pool, min(len(pool), (2, 3, 5)[i % 3])):
                    channel = RECEIVERS[to.kind]
                    sent = case.registered_at + timedelta(days=rng.randint(2, 6))
                    signed = sent + timedelta(days=rng.randint(0, 4))
                    finished = case.closed_at
                    referrals.append(
                        Referral(
                            case=case,
                            from_agency=case.agency,
                            to_agency=to,
                            copy_to=procuratorates.get(case.agency.region_id)
                            if channel == "criminal"
                            else None,
                            channel=channel,
                            summary="基准",
                            sent_at=sent,
                            signed_at=signed if signed < now else None,
                            decided_at=signed + timedelta(days=3) if finished else None,
                            filed_at=signed + timedelta(days=5)
                            if finished and channel == "criminal"
                            else None,
                            finished_at=finished,
                            due_at=None if finished else sent + timedelta(days=30),
                            status="result_reported" if finished else "accepted",
                            outcomes=rng.sample(OUTCOMES[channel], 1) if finished else [],
                            recovered=(case.suspected_amount / 3).quantize(Decimal("0.01"))
                            if finished
                            else Decimal("0"),
                            fines=Decimal("0"),
                        )
                    )
                    steps.append((process, to, signed, sent + timedelta(days=3), finished))
            referrals = Referral.objects.bulk_create(referrals)
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        process_id=process.pk,
                        flow_task=CaseFlow.receive,
                        flow_task_type="HUMAN",
                        token=Token("start"),
                        status=STATUS.DONE if signed < now else STATUS.NEW,
                        finished=signed if signed < now else None,
                        data={
                            "referral_id": r.pk,
                            "agency_id": to.pk,
                            "ability": "receive_referral",
                        },
                    )
                    for r, (process, to, signed, _due, _f) in zip(referrals, steps, strict=True)
                ]
            )
            CaseTask.objects.bulk_create(
                [
                    CaseTask(
                        task_id=t.pk,
                        case_id=r.case_id,
                        referral_id=r.pk,
                        agency=to,
                        ability="receive_referral",
                        due_at=due,
                    )
                    for t, r, (_p, to, _s, due, _f) in zip(tasks, referrals, steps, strict=True)
                ]
            )
        print(f"  loaded {start + size:,} cases", flush=True)


def export_child(username: str, query: str) -> None:
    """Run in a child process: one .xlsx export, its time, rows and this process's peak RSS."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from agencies.models import User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=username))
    t0 = time.perf_counter()
    response = client.get(f"/cases/ledger/export/xlsx/?{query}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - t0
    assert response.status_code == 200, response.status_code
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"export .xlsx ({query or 'no filter'}): {elapsed:.1f} s, {size / 1e6:.1f} MB file, "
        f"peak memory {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--export-child", nargs=2, metavar=("USER", "QUERY"))
    args = parser.parse_args()
    if args.export_child:
        export_child(*args.export_child)
        return

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from agencies.models import User
    from cases.models import Case, Referral
    from demo.directory import seed_directory

    settings.ALLOWED_HOSTS = ["*"]
    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE']} {database['NAME']}")
    call_command("migrate", verbosity=0)
    seed_directory()
    if Case.objects.count() < args.cases:
        print(f"loading {args.cases - Case.objects.count():,} cases …", flush=True)
        t0 = time.perf_counter()
        load(args.cases - Case.objects.count())
        print(f"  in {time.perf_counter() - t0:.0f} s", flush=True)
        if "postgresql" in database["ENGINE"]:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    print(f"{Case.objects.count():,} cases, {Referral.objects.count():,} referrals", flush=True)

    client = Client()
    for username in ("ga_liaison", "auditor"):
        client.force_login(User.objects.get(username=username))
        for label, query in (
            ("", ""),
            (", criminal, filed in 2026", "channel=criminal&basis=filed&date_from=2026-01-01"),
            (", by amount, page 40", "sort=-amount&page=40"),
        ):
            report(
                f"ledger as {username}{label}", timed(client, f"/cases/ledger/?{query}", args.runs)
            )

    for username in ("yb_office", "ga_liaison"):
        client.force_login(User.objects.get(username=username))
        for label, query in (
            ("", ""),
            (", a year by quarter", "kind=quarter&date_from=2026-01-01&date_to=2026-12-31"),
        ):
            report(f"statistics as {username}{label}", timed(client, f"/stats/?{query}", args.runs))
    client.force_login(User.objects.get(username="yb_office"))
    report("a chart (breakdown, SVG)", timed(client, "/stats/chart/breakdown.svg", args.runs))

    from monitor.models import Alert
    from monitor.services import monitor_run

    for label in ("first", "second"):
        t0 = time.perf_counter()
        result = monitor_run()
        print(
            f"monitor_run ({label}): {time.perf_counter() - t0:.1f} s, {result}, "
            f"{Alert.objects.count():,} alerts",
            flush=True,
        )

    # the export: 100,000 rows as the auditor (the whole ledger is larger: a period narrows it)
    auditor = User.objects.get(username="auditor")
    from cases.ledger import LedgerFilters, ledger

    rows = ledger(auditor, LedgerFilters())
    print(f"the auditor's ledger: {rows.count():,} rows", flush=True)
    query = ""
    if rows.count() > 100_000:
        # the latest registration dates that hold at most 100,000 rows
        from django.utils import timezone

        keys = ledger(auditor, LedgerFilters(sort="-registered")).keys()
        cutoff = list(keys[99_999:100_000])[0][0]
        day = timezone.localtime(cutoff).date() + timedelta(days=1)
        query = f"date_from={day.isoformat()}"
    subprocess.run(  # noqa: S603 - this script, our arguments
        [sys.executable, __file__, "--export-child", "auditor", query], check=True, env=os.environ
    )


if __name__ == "__main__":
    main()
