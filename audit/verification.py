"""Recomputing the audit chain to prove nobody edited, deleted or reordered an event."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from audit.models import GENESIS_HASH, AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    broken_seq: int | None = None
    kind: str = ""  # missing | unlinked | edited | truncated | forged | rewritten | checkpoint
    problem: str = ""
    checkpoints: int = 0  # signed statements the chain was checked against

    def __str__(self):
        if self.ok:
            text = _("Audit chain intact: %(n)d events, head %(hash)s.") % {
                "n": self.checked,
                "hash": self.head_hash,
            }
            if self.checkpoints:
                text += " " + _("It matches all %(n)d signed checkpoints.") % {
                    "n": self.checkpoints
                }
            return text
        if self.kind == "checkpoint":
            return _("Audit checkpoint not trusted: %(problem)s") % {"problem": self.problem}
        return _("Audit chain broken at event #%(seq)s: %(problem)s") % {
            "seq": self.broken_seq,
            "problem": self.problem,
        }


def verify_chain(batch_size: int = 2000, *, checkpoints=None) -> ChainReport:
    """Walk the chain in seq order; stop at the first event that does not fit. Then hold it
    against every signed checkpoint (audit/checkpoints.py; by default those in the checkpoint
    directory): a checkpoint whose signature fails is reported, and so is a chain that no
    longer has, at a checkpoint's seq, the hash it signed — rewritten as a whole."""
    from audit.checkpoints import checkpoint_problems, checkpoints_load

    if checkpoints is None:
        checkpoints, unreadable = checkpoints_load()
    else:
        unreadable = []
    problems = checkpoint_problems(checkpoints, unreadable)
    if problems:
        path, problem = problems[0]
        return ChainReport(
            False, 0, "", None, "checkpoint", f"{path.name if path else ''}: {problem}"
        )
    signed = {c.seq: c for c in checkpoints}
    checked = 0
    expected_prev = GENESIS_HASH

    def broken(seq, kind, problem):
        return ChainReport(False, checked, expected_prev, seq, kind, problem)

    expected_seq = 1
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        if event.seq != expected_seq:
            return broken(
                expected_seq,
                "missing",
                _("event #%(seq)s is missing (the next stored event is #%(next)s).")
                % {"seq": expected_seq, "next": event.seq},
            )
        if event.prev_hash != expected_prev:
            return broken(
                event.seq,
                "unlinked",
                _("it does not link to the event before it (deleted, inserted or reordered)."),
            )
        if event.compute_hash() != event.hash:
            return broken(
                event.seq,
                "edited",
                _("its content no longer matches its hash (the row was edited)."),
            )
        checkpoint = signed.get(event.seq)
        if checkpoint is not None and checkpoint.hash != event.hash:
            return broken(
                event.seq,
                "rewritten",
                _(
                    "the checkpoint signed at %(time)s names another hash for it: the chain "
                    "was rewritten since."
                )
                % {"time": checkpoint.time},
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    beyond = [c for c in checkpoints if c.seq > checked]
    if beyond:
        return broken(
            checked + 1,
            "truncated",
            _(
                "the chain ends at #%(last)s but the checkpoint signed at %(time)s covers "
                "#%(seq)s (events were removed from the end)."
            )
            % {"last": checked, "time": beyond[0].time, "seq": beyond[0].seq},
        )

    head = ChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq > checked:
        return broken(
            checked + 1,
            "truncated",
            _(
                "the chain ends at #%(last)s but its recorded head is #%(head)s "
                "(events were removed from the end)."
            )
            % {"last": checked, "head": head_seq},
        )
    if head_seq < checked or head_hash != expected_prev:
        return broken(
            head_seq + 1,
            "forged",
            _("events after the recorded head #%(head)s were written around the audit service.")
            % {"head": head_seq},
        )
    return ChainReport(True, checked, expected_prev, checkpoints=len(checkpoints))
