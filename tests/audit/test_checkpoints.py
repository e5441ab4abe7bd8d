"""Checkpoints catch what the chain alone cannot: an owner of the database who rewrites every
event's hash consistently, and the recorded head with them."""

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.checkpoints import checkpoint_write
from audit.models import AuditEvent, ChainHead
from audit.services import record_event
from audit.verification import verify_chain
from tests.audit.test_chain import tamper


@pytest.fixture
def chain(db):
    return [record_event(action=f"test.step{i}", summary=f"第{i}步") for i in range(1, 6)]


def rewrite_everything(summary_of_2="改写后的第2步"):
    """What an attacker with the database does: change event #2, then recompute every later
    hash and link, and the recorded head, so that the chain itself is consistent again."""
    tamper("UPDATE audit_auditevent SET summary = %s WHERE seq = 2", [summary_of_2])
    previous = "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        content = event.canonical_content()
        new = hashlib.sha256((previous + content).encode()).hexdigest()
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [previous, new, event.seq],
        )
        previous = new
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [previous])


def test_a_checkpoint_is_signed_written_outside_the_database_and_logged(chain, settings):
    settings.XIETONG_AUDIT_CHECKPOINT_KEY = "a-key-held-by-the-operator"
    checkpoint = checkpoint_write()
    stored = json.loads(checkpoint.path.read_text())
    assert checkpoint.path.parent == settings.XIETONG_AUDIT_CHECKPOINT_DIR
    assert (stored["seq"], stored["hash"]) == (5, chain[-1].hash)
    signed = f"xietong-audit-checkpoint-1\n5\n{chain[-1].hash}\n{stored['time']}\n".encode()
    expected = hmac.new(b"a-key-held-by-the-operator", signed, hashlib.sha256).hexdigest()
    assert stored["signature"] == expected
    event = AuditEvent.objects.get(action="audit.checkpoint")
    assert event.seq == 6 and event.data["signature"] == expected and event.data["seq"] == 5
    # the key itself is nowhere in the log
    assert not AuditEvent.objects.filter(data__icontains="a-key-held").exists()
    # a second run with nothing new (another host's cron) writes nothing
    assert checkpoint_write() is None
    assert len(list(settings.XIETONG_AUDIT_CHECKPOINT_DIR.iterdir())) == 1
    record_event(action="test.later", summary="之后的事件")
    assert checkpoint_write().seq == 7  # #6 the first checkpoint, #7 the later event
    report = verify_chain()
    assert report.ok and report.checkpoints == 2


def test_a_chain_rewritten_as_a_whole_is_caught_by_the_last_checkpoint(chain):
    checkpoint_write()
    record_event(action="test.after", summary="检查点之后")
    rewrite_everything()
    # the chain is consistent again: without the checkpoints nothing is seen …
    assert verify_chain(checkpoints=[]).ok
    # … against the signed statement it is
    report = verify_chain()
    assert not report.ok and report.kind == "rewritten" and report.broken_seq == 5
    assert "签署的检查点" in str(report) and "整体改写" in str(report)
    with pytest.raises(CommandError, match="第 5 号事件"):
        call_command("audit_verify", stdout=StringIO())


def test_an_altered_or_foreign_checkpoint_is_not_trusted(chain, settings):
    checkpoint = checkpoint_write()
    data = json.loads(checkpoint.path.read_text())
    rewrite_everything()
    # the attacker also edits the statement to the new hash: its signature no longer holds
    data["hash"] = ChainHead.objects.get().hash
    checkpoint.path.write_text(json.dumps(data))
    report = verify_chain()
    assert not report.ok and report.kind == "checkpoint"
    assert checkpoint.path.name in report.problem
    # a statement signed with a key this installation does not hold says which key it was
    data = json.loads(checkpoint.path.read_text())
    settings.XIETONG_AUDIT_CHECKPOINT_KEY = "a-new-key"
    report = verify_chain()
    assert not report.ok and data["key_id"] in report.problem


def test_removing_events_covered_by_a_checkpoint_is_caught(chain):
    checkpoint_write()  # covers #1–#5; the checkpoint event is #6
    tamper("DELETE FROM audit_auditevent WHERE seq >= 5")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_chainhead SET seq = 4, hash = %s WHERE id = 1", [chain[3].hash]
        )
    report = verify_chain()
    assert not report.ok and report.kind == "truncated" and "覆盖至第 5 号" in str(report)


def test_an_empty_log_has_nothing_to_sign(db):
    assert checkpoint_write() is None
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert out.getvalue().strip()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hosts_checkpointing_at_once_write_one_checkpoint(settings):
    import threading

    from django.db import connections

    for i in range(3):
        record_event(action="test.step", summary=f"第{i}步")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(checkpoint_write())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert AuditEvent.objects.filter(action="audit.checkpoint").count() == 1
    assert len(list(settings.XIETONG_AUDIT_CHECKPOINT_DIR.iterdir())) == 1
    assert verify_chain().ok
