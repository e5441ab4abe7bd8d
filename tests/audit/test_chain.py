"""The audit log is a hash chain: any edit, deletion or reordering is found by verification."""

import importlib
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from audit.models import AuditEvent, ChainHead
from audit.services import record_event
from audit.verification import verify_chain

triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")


def tamper(sql: str, params=()):
    """Run SQL with the append-only triggers out of the way, as an attacker with DB access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            for statement in triggers.SQLITE_DROP:
                cursor.execute(statement)
            cursor.execute(sql, params)
            for statement in triggers.SQLITE_CREATE:
                cursor.execute(statement)


@pytest.fixture
def chain(db):
    return [
        record_event(action=f"test.step{i}", summary=f"第{i}步", data={"amount": "1200.50", "i": i})
        for i in range(1, 6)
    ]


def test_events_link_into_an_intact_chain(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == "0" * 64
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    report = verify_chain()
    assert report.ok
    assert report.checked == 5
    assert report.head_hash == chain[-1].hash


def test_the_hash_covers_the_stored_content(chain):
    stored = AuditEvent.objects.get(seq=3)
    assert stored.compute_hash() == stored.hash == chain[2].hash


def test_editing_a_row_is_detected(chain):
    tamper("UPDATE audit_auditevent SET summary = %s WHERE seq = 3", ["改过的摘要"])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == 3
    assert report.kind == "edited"


def test_editing_data_is_detected(chain):
    tamper("UPDATE audit_auditevent SET data = %s WHERE seq = 2", ['{"amount": "1.00", "i": 2}'])
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, 2)


def test_deleting_a_row_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = 2")
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == 2
    assert report.kind == "missing"


def test_deleting_the_last_rows_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq >= 4")
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == 4
    assert report.kind == "truncated"


def test_emptying_the_log_is_detected(chain):
    tamper("DELETE FROM audit_auditevent")
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, 1)


def test_reordering_rows_is_detected(chain):
    tamper("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 2")
    tamper("UPDATE audit_auditevent SET seq = 2 WHERE seq = 4")
    tamper("UPDATE audit_auditevent SET seq = 4 WHERE seq = 1000")
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.kind) == (False, 2, "unlinked")


def test_rewriting_a_row_with_a_fresh_hash_is_detected_at_the_next_link(chain):
    forged = AuditEvent.objects.get(seq=3)
    forged.summary = "伪造"
    tamper(
        "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE seq = 3",
        [forged.summary, forged.compute_hash()],
    )
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.kind) == (False, 4, "unlinked")


def test_an_event_slipped_in_around_the_service_is_detected(chain):
    last = chain[-1]
    forged = AuditEvent(
        seq=6, time=last.time, action="x", summary="伪造", data={}, prev_hash=last.hash
    )
    forged.hash = forged.compute_hash()  # a well-formed link: only the head knows better
    tamper(
        "INSERT INTO audit_auditevent (seq, time, actor_name, agency_name, action, object_type,"
        " object_id, object_repr, summary, data, prev_hash, hash)"
        " VALUES (6, %s, '', '', 'x', '', '', '', %s, '{}', %s, %s)",
        [last.time, forged.summary, forged.prev_hash, forged.hash],
    )
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.kind) == (False, 6, "forged")


def test_the_database_refuses_updates(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(summary="改")
    assert AuditEvent.objects.get(seq=1).summary == "第1步"


@pytest.mark.postgres
def test_the_database_refuses_deletes(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 5


def test_audit_verify_command_reports_intact_chain(chain):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "共 5 个事件" in out.getvalue()


def test_audit_verify_command_fails_on_the_first_broken_link(chain):
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE seq = 4", ["冒名"])
    with pytest.raises(CommandError, match="第 4 号"):
        call_command("audit_verify", stdout=StringIO())


def test_an_empty_log_verifies(db):
    assert verify_chain().ok


def test_a_rolled_back_change_leaves_no_event_and_no_gap(chain):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action="test.doomed", summary="回滚")
        raise RuntimeError
    following = record_event(action="test.after", summary="之后")
    assert following.seq == 6
    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_never_fork_the_chain():
    workers, per_worker = 12, 5
    barrier = threading.Barrier(workers)
    errors = []

    def append(n):
        try:
            barrier.wait()
            for i in range(per_worker):
                record_event(action="test.concurrent", summary=f"线程{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = workers * per_worker
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == total
    assert ChainHead.objects.get().seq == total
    assert verify_chain().ok


def test_sqlite_allows_deletes_and_verification_finds_them(chain):
    """What audit/models.py says: SQLite's trigger refuses UPDATE only (the suite empties tables
    between transactional tests); PostgreSQL refuses DELETE too (test above)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trigger only")
    AuditEvent.objects.filter(seq=2).delete()  # the real DELETE statement, no trigger removed
    assert AuditEvent.objects.count() == 4
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.kind) == (False, 2, "missing")


@pytest.mark.postgres
def test_postgres_leaves_truncate_to_privileges_and_verification_reports_the_empty_log(chain):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 0
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, 1)
