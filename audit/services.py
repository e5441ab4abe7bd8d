"""Writing to the audit log. `record_event` is the only way events are created.

`record_read` is the one home of "log an auditor's read": the auditor reads every agency's
cases and meetings (read-only), so each page of case material an auditor opens writes one
`<family>.read_by_auditor` event — one per page view, naming the object read, or for a list
the filters and the number of rows, never one event per row.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, can
from audit.models import GENESIS_HASH, AuditEvent, ChainHead


def lazy_summary(template, **params):
    """A summary that is rendered when the event is written, in the log's language.

    `lazy_summary(_("%(who)s signed %(what)s"), who=..., what=...)`: both the template and any
    lazy parameters are translated under record_event's language override.
    """
    return lazy(lambda: str(template) % {k: str(v) for k, v in params.items()}, str)()


def _without_nul(value):
    """PostgreSQL stores no NUL character in text or jsonb; an event must never fail for one
    that a user typed or sent (it is shown as U+2400 ␀, so the log still says it was there)."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _normalise(data) -> dict:
    """What the database will give back: Decimals, dates and UUIDs as strings; no NUL."""
    return _without_nul(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def _object_fields(obj) -> dict:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_repr": ""}
    if isinstance(obj, models.Model):
        return {
            "object_type": obj._meta.label_lower,
            "object_id": str(obj.pk),
            "object_repr": _without_nul(str(obj))[:200],
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
        summary = _without_nul(str(summary))
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


READ_SUFFIX = ".read_by_auditor"


def record_download(user, *, action: str, what, obj=None, data: dict | None = None):
    """Log a file leaving the system — evidence, meeting material, an issued document, a draft
    preview, a calendar invitation — whoever takes it (auditors included: for them this is
    also the read). `action` names the kind (`case.evidence_downloaded` …), `what` the file as
    the log should name it, `data` its id and SHA-256. Call it after the access check, just
    before the response is built; every file-serving view does (tests/audit)."""
    return record_event(
        action=action,
        actor=user,
        obj=obj,
        summary=lazy_summary(_("Downloaded %(what)s"), what=what),
        data=data,
    )


def record_read(user, *, family: str, what, obj=None, data: dict | None = None):
    """Log a read of case material by an auditor (READ_ALL_CASES); nobody else's reads.

    `family` is the first part of the area's actions ("case", "meetings", "document",
    "audit"), `what` the thing read as the log should name it, `obj` the record (None for a
    list or search, whose `data` then holds the filters and the count). Returns the event, or
    None when the user is not an auditor. Call it after the access check, once per page view.
    """
    if not can(user, Ability.READ_ALL_CASES):
        return None
    return record_event(
        action=f"{family}{READ_SUFFIX}",
        actor=user,
        obj=obj,
        summary=lazy_summary(_("Auditor read %(what)s"), what=what),
        data=data,
    )


def record_list_read(user, *, family: str, what, filters: dict, rows, count: int | None = None):
    """Log an auditor's read of a list or search: one event with the filters, how many rows
    matched and which were shown — never one event per row.

    `rows` is a Django Page (its paginator gives the count and the page number) or the list
    of rows shown; `count` the number of matches when `rows` is only part of them. Give
    already-evaluated rows: the template shows the same objects, so no query is repeated.
    """
    if not can(user, Ability.READ_ALL_CASES):
        return None
    data = {
        "filters": {
            key: value.pk if isinstance(value, models.Model) else value
            for key, value in filters.items()
            if value not in (None, "", False, [])
        }
    }
    paginator = getattr(rows, "paginator", None)
    if paginator is not None:
        data.update(count=paginator.count, page=rows.number)
    else:
        data["count"] = len(rows) if count is None else count
    data["shown"] = [row.pk for row in rows]
    return record_read(user, family=family, what=what, data=data)
