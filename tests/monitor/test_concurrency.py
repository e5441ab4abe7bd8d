"""On PostgreSQL: two hosts running the daily run at once raise each alert once; two people
taking the same step at once give one step."""

import threading

import pytest
from django.db import connections

from monitor.models import Alert, AlertStep
from monitor.services import alert_recommend_referral, monitor_run

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_at_once(callables):
    barrier = threading.Barrier(len(callables))
    results = []

    def run(fn):
        try:
            barrier.wait()
            results.append(("ok", fn()))
        except Exception as exc:  # collected and asserted by the caller
            results.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_hosts_running_at_once_raise_each_alert_once(closed_case):
    for n in range(6):
        closed_case(amount=f"{40000 + n}.00", violation_types=["impersonation"])
    results = run_at_once([monitor_run, monitor_run])
    assert [kind for kind, _ in results] == ["ok", "ok"]
    raised = sum(result["raised"] for _, result in results)
    assert raised == 12 == Alert.objects.count()
    assert AlertStep.objects.filter(stage="raised").count() == 12
    assert monitor_run()["raised"] == 0


def test_two_procurators_recommending_at_once_give_one_step(closed_case, world):
    case = closed_case(amount="50000.00")
    monitor_run()
    alert = Alert.objects.get(case=case)
    people = [world["jcy_liaison"], world["jcy_officer"], world["jcy_leader"]]
    results = run_at_once(
        [
            lambda person=person: alert_recommend_referral(
                alert=alert, user=person, text="建议移送。"
            )
            for person in people
        ]
    )
    assert sorted(kind for kind, _ in results) == ["error", "error", "ok"]
    assert AlertStep.objects.filter(alert=alert, stage="recommended").count() == 1
