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
    kind: str = ""  # missing | unlinked | edited | truncated | forged
    problem: str = ""

    def __str__(self):
        if self.ok:
            return _("Audit chain intact: %(n)d events, head %(hash)s.") % {
                "n": self.checked,
                "hash": self.head_hash,
            }
        return _("Audit chain broken at event #%(seq)s: %(problem)s") % {
            "seq": self.broken_seq,
            "problem": self.problem,
        }


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in seq order; stop at the first event that does not fit."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_prev,
                expected_seq,
                "missing",
                _("event #%(seq)s is missing (the next stored event is #%(next)s).")
                % {"seq": expected_seq, "next": event.seq},
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                expected_prev,
                event.seq,
                "unlinked",
                _("it does not link to the event before it (deleted, inserted or reordered)."),
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False,
                checked,
                expected_prev,
                event.seq,
                "edited",
                _("its content no longer matches its hash (the row was edited)."),
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1

    head = ChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq > checked:
        return ChainReport(
            False,
            checked,
            expected_prev,
            checked + 1,
            "truncated",
            _(
                "the chain ends at #%(last)s but its recorded head is #%(head)s "
                "(events were removed from the end)."
            )
            % {"last": checked, "head": head_seq},
        )
    if head_seq < checked or head_hash != expected_prev:
        return ChainReport(
            False,
            checked,
            expected_prev,
            head_seq + 1,
            "forged",
            _("events after the recorded head #%(head)s were written around the audit service.")
            % {"head": head_seq},
        )
    return ChainReport(True, checked, expected_prev)
