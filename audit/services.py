"""Writing to the audit log. `record_event` is the only way events are created."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import lazy

from audit.models import GENESIS_HASH, AuditEvent, ChainHead


def lazy_summary(template, **params):
    """A summary that is rendered when the event is written, in the log's language.

    `lazy_summary(_("%(who)s signed %(what)s"), who=..., what=...)`: both the template and any
    lazy parameters are translated under record_event's language override.
    """
    return lazy(lambda: str(template) % {k: str(v) for k, v in params.items()}, str)()


def _normalise(data) -> dict:
    """What the database will give back: Decimals, dates and UUIDs as strings."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _object_fields(obj) -> dict:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_repr": ""}
    if isinstance(obj, models.Model):
        return {
            "object_type": obj._meta.label_lower,
            "object_id": str(obj.pk),
            "object_repr": str(obj)[:200],
        }
    raise TypeError(f"audit events are about model instances, not {type(obj).__name__}")


def record_event(
    *,
    action: str,
    summary: str,
    actor=None,
    agency=None,
    obj=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Locks the ChainHead row for the rest of the caller's transaction, so concurrent appends
    are serialized and each event links to the one before it. Call it inside the same
    transaction as the change it records: if that change rolls back, so does the event.
    """
    # The log reads the same whoever looks at it: summaries are fixed in the default language.
    with translation.override(settings.LANGUAGE_CODE):
        summary = str(summary)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if agency is None and actor is not None:
        agency = getattr(actor, "agency", None)
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            time=timezone.now(),
            actor=actor,
            actor_name=(actor.get_full_name() if actor else "")[:150],
            agency=agency,
            agency_name=(agency.name if agency else "")[:100],
            action=action,
            summary=summary,
            data=_normalise(data),
            prev_hash=head.hash,
            **_object_fields(obj),
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
