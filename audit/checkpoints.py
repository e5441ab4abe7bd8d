"""Checkpoints: the audit chain's head, signed and kept outside the database.

The hash chain proves that no event was edited, removed or reordered *unless* whoever does it
rewrites every later hash and the recorded head too — which the owner of the database can. A
checkpoint closes that gap: once a day `manage.py audit_checkpoint` (cron) signs the head
(seq, hash, time) with an HMAC key that is not in the database (XIETONG_AUDIT_CHECKPOINT_KEY,
or one derived from the secret key) and writes the statement to a file in
XIETONG_AUDIT_CHECKPOINT_DIR — a directory the database's owner cannot write — and into the log
itself (`audit.checkpoint`). Verification then checks the chain against every statement: a
rewritten chain no longer has, at a checkpoint's seq, the hash the statement signed.
"""

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent, ChainHead

FORMAT = "xietong-audit-checkpoint-1"
ACTION = "audit.checkpoint"


def _key() -> bytes:
    if settings.XIETONG_AUDIT_CHECKPOINT_KEY:
        return settings.XIETONG_AUDIT_CHECKPOINT_KEY.encode()
    # derived, so that the secret key itself never signs anything
    return hashlib.sha256(b"xietong.audit.checkpoint\0" + settings.SECRET_KEY.encode()).digest()


def key_id() -> str:
    """A public fingerprint of the key (which key signed a statement), not the key."""
    return hashlib.sha256(b"key-id\0" + _key()).hexdigest()[:16]


def _signed_text(seq: int, head_hash: str, time: str) -> bytes:
    return f"{FORMAT}\n{seq}\n{head_hash}\n{time}\n".encode()


def sign(seq: int, head_hash: str, time: str) -> str:
    return hmac.new(_key(), _signed_text(seq, head_hash, time), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    time: str  # ISO 8601, Asia/Shanghai
    key_id: str
    signature: str
    path: Path | None = None

    @property
    def genuine(self) -> bool:
        return hmac.compare_digest(self.signature, sign(self.seq, self.hash, self.time))

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "time": self.time,
                "key_id": self.key_id,
                "signature": self.signature,
            },
            indent=2,
        )


def directory() -> Path:
    return Path(settings.XIETONG_AUDIT_CHECKPOINT_DIR)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def checkpoint_write(*, now: datetime | None = None) -> Checkpoint | None:
    """Sign the chain's head, write the statement to its file, then record it in the log.

    Locks the ChainHead row, so no event is appended between reading the head and signing it,
    and two hosts running the cron at once write one checkpoint: the second finds the chain
    ending in the first one's `audit.checkpoint` event — nothing new to sign — and returns
    None. An empty chain has nothing to sign either."""
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(id=1).first()
        if head is None or head.seq == 0:
            return None
        last = AuditEvent.objects.filter(seq=head.seq).values_list("action", flat=True).first()
        if last == ACTION:
            return None
        moment = timezone.localtime(now or timezone.now()).isoformat(timespec="seconds")
        checkpoint = Checkpoint(
            seq=head.seq,
            hash=head.hash,
            time=moment,
            key_id=key_id(),
            signature=sign(head.seq, head.hash, moment),
        )
        path = directory() / f"checkpoint-{head.seq:012d}.json"
        _write_atomically(path, checkpoint.as_json())
        from audit.services import record_event

        record_event(
            action=ACTION,
            summary=_("Checkpoint: the chain up to event #%(seq)s signed (head %(hash)s).")
            % {"seq": head.seq, "hash": head.hash[:16]},
            data={
                "seq": head.seq,
                "hash": head.hash,
                "time": moment,
                "key_id": checkpoint.key_id,
                "signature": checkpoint.signature,
                "file": path.name,
            },
        )
    return Checkpoint(**{**checkpoint.__dict__, "path": path})


@dataclass(frozen=True)
class Unreadable:
    path: Path
    problem: str


def checkpoints_load() -> tuple[list[Checkpoint], list[Unreadable]]:
    """Every statement in the directory, by seq; files that are not statements apart."""
    found, unreadable = [], []
    folder = directory()
    if not folder.is_dir():
        return found, unreadable
    for path in sorted(folder.glob("checkpoint-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("format")
            found.append(
                Checkpoint(
                    seq=int(data["seq"]),
                    hash=str(data["hash"]),
                    time=str(data["time"]),
                    key_id=str(data.get("key_id", "")),
                    signature=str(data["signature"]),
                    path=path,
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            unreadable.append(Unreadable(path, _("not a checkpoint statement")))
    found.sort(key=lambda c: c.seq)
    return found, unreadable


def checkpoint_problems(checkpoints: list[Checkpoint], unreadable: list[Unreadable]):
    """Statements that cannot be trusted: a file that is not one, a signature that does not
    verify (altered, or signed with another key). Returns [(path, problem)]."""
    problems = [(u.path, u.problem) for u in unreadable]
    current = key_id()
    for checkpoint in checkpoints:
        if checkpoint.genuine:
            continue
        if checkpoint.key_id and checkpoint.key_id != current:
            problem = _("signed with another key (%(key)s); set that key to verify it") % {
                "key": checkpoint.key_id
            }
        else:
            problem = _("its signature does not verify: the statement was altered")
        problems.append((checkpoint.path, problem))
    return problems
