"""The append-only, hash-chained audit log.

Each AuditEvent stores `hash = SHA-256(prev_hash + canonical JSON of its own content)`, where
prev_hash is the previous event's hash; `seq` numbers events 1, 2, 3… without gaps. Editing,
deleting or reordering a stored row therefore breaks the chain, and `manage.py audit_verify`
finds the first broken link. Appends are serialized through the single ChainHead row, so the
chain never forks. The application never updates or deletes events, and database triggers
(migration 0002) make the database refuse as well:

* PostgreSQL refuses UPDATE and DELETE of any row;
* SQLite (the embedded development database) refuses UPDATE but allows DELETE, because the
  test suite empties every table between transactional tests; a deleted row still breaks the
  chain, and verification names the gap.

Neither trigger stops TRUNCATE (PostgreSQL) or dropping the trigger: that is left to the
database's privileges, and verification reports an emptied or shortened log from ChainHead.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    time = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the log outlives anything it mentions
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    agency_name = models.CharField(_("agency name"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    @property
    def action_label(self):
        """The action in words (audit/actions.py)."""
        from audit.actions import action_label

        return action_label(self.action)

    def canonical_content(self) -> str:
        """The JSON that the hash covers: every field but the hashes themselves."""
        content = {
            "seq": self.seq,
            "time": self.time.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "agency_id": self.agency_id,
            "agency_name": self.agency_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "summary": self.summary,
            "data": self.data,
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical_content()).encode()).hexdigest()


class ChainHead(models.Model):
    """The single row that serializes appends and remembers the chain's tip.

    Locking it (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize
    writers anyway) makes concurrent appends queue, so no two events share a predecessor.
    Its `seq`/`hash` also let verification notice events cut off the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash}"
