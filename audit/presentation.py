"""The audit log in words: an event's data as labelled fields, its object by business identity.

`present_events(events, user)` prepares a page (or an export) of events in a fixed number of
queries whatever the number of rows: ids named in the data (agencies, people, referrals…) and
the objects the events are about are fetched once per kind for the whole page. Each event gets
`fields` — a list of (label, text) — `object_label` (type and business identity) and
`object_url` (the object's page, when the viewer may open it). Nothing here is evidence: the
hash covers the stored row, and this is only how it is shown.
"""

import re
from datetime import date, datetime

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.access import Ability, can

# Labels of the keys the code base writes into an event's data (grep "data=" outside tests).
LABELS = {
    # the referral monitor (monitor/services.py)
    "alert": gettext_lazy("Referral-monitor alert"),
    "monitor_rule": gettext_lazy("Monitor rule"),
    "text": gettext_lazy("Text"),
    "follow_up_case": gettext_lazy("Follow-up case"),
    "follow_up_of": gettext_lazy("Follow-up of case"),
    "username": gettext_lazy("User name"),
    "ip": gettext_lazy("IP address"),
    "records": gettext_lazy("Records"),
    "via": gettext_lazy("Via"),
    "was_required": gettext_lazy("Was required"),
    "suspected_amount": gettext_lazy("Suspected amount"),
    "source": gettext_lazy("Source"),
    "referral": gettext_lazy("Referral"),
    "referrals": gettext_lazy("Referred to"),
    "team": gettext_lazy("Case team"),
    "dispatch": gettext_lazy("Outgoing document"),
    "violation_start": gettext_lazy("Violations from"),
    "violation_end": gettext_lazy("Violations until"),
    "documents": gettext_lazy("Documents"),
    "extension": gettext_lazy("Extension"),
    "task": gettext_lazy("Task"),
    "reason": gettext_lazy("Reason"),
    "opinion": gettext_lazy("Opinion"),
    "resubmitted": gettext_lazy("Sent again after a return"),
    "note": gettext_lazy("Note"),
    "files": gettext_lazy("Files"),
    "file": gettext_lazy("File"),
    "rule": gettext_lazy("Deadline rule"),
    "step": gettext_lazy("Step"),
    "comment": gettext_lazy("Comment"),
    "evidence": gettext_lazy("Evidence"),
    "sha256": gettext_lazy("SHA-256"),
    "size": gettext_lazy("Size (bytes)"),
    "previous": gettext_lazy("Previous holder"),
    "proposed": gettext_lazy("Proposed person"),
    "meeting": gettext_lazy("Meeting"),
    "topic": gettext_lazy("Topic"),
    "cases": gettext_lazy("Cases"),
    "case_id": gettext_lazy("Case"),
    "case": gettext_lazy("Case"),
    "was": gettext_lazy("Before"),
    "items": gettext_lazy("Items"),
    "reply": gettext_lazy("Reply"),
    "attendees": gettext_lazy("Attendees"),
    "attendance": gettext_lazy("Attendance"),
    "resolutions": gettext_lazy("Resolutions"),
    "resolution": gettext_lazy("Resolution"),
    "minutes": gettext_lazy("Minutes"),
    "report": gettext_lazy("Report"),
    "document": gettext_lazy("Document"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "cancel": gettext_lazy("Cancelled"),
    "participant": gettext_lazy("Participant"),
    "level": gettext_lazy("Level"),
    "ok": gettext_lazy("Chain intact"),
    "checked": gettext_lazy("Events checked"),
    "broken_seq": gettext_lazy("First broken event"),
    "notifications": gettext_lazy("Notifications"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "filters": gettext_lazy("Filters"),
    "count": gettext_lazy("Matching rows"),
    "rows": gettext_lazy("Rows"),
    "page": gettext_lazy("Page"),
    "shown": gettext_lazy("Rows shown"),
    "query": gettext_lazy("Search"),
    "q": gettext_lazy("Search"),
    "action": gettext_lazy("Kind"),
    "agency": gettext_lazy("Agency"),
    "agency_id": gettext_lazy("Agency"),
    "to_agency": gettext_lazy("To agency"),
    "actor": gettext_lazy("Person"),
    "actor_id": gettext_lazy("Person"),
    "date_from": gettext_lazy("From"),
    "date_to": gettext_lazy("To"),
    "hide_signin": gettext_lazy("Sign-in events hidden"),
    "status": gettext_lazy("Status"),
    "decision": gettext_lazy("Decision"),
    "outcome": gettext_lazy("Outcome"),
    "model": gettext_lazy("Record type"),
    "object_id": gettext_lazy("Record id"),
    "object": gettext_lazy("Record"),
    "change_message": gettext_lazy("Change"),
    "account_failures": gettext_lazy("Failures of the account"),
    "address_failures": gettext_lazy("Failures from the address"),
    "until": gettext_lazy("Locked until"),
    "format": gettext_lazy("Format"),
    "capped": gettext_lazy("Over the row limit"),
    "seq": gettext_lazy("Event"),
    "hash": gettext_lazy("Hash"),
    "ad_hoc": gettext_lazy("Ad hoc"),
    "archive_sha256": gettext_lazy("SHA-256 of the archival copy (PDF/A)"),
    "carried_over": gettext_lazy("Topics carried over"),
    "chair": gettext_lazy("Chair"),
    "changes": gettext_lazy("Changes"),
    "channel": gettext_lazy("Channel"),
    "copy_to": gettext_lazy("Copied to"),
    "due_at": gettext_lazy("Due"),
    "new_due_at": gettext_lazy("New due date"),
    "fines": gettext_lazy("Fines"),
    "recovered": gettext_lazy("Recovered"),
    "history_id": gettext_lazy("History record"),
    "invited": gettext_lazy("Units invited"),
    "kind": gettext_lazy("Kind"),
    "letters": gettext_lazy("Letters"),
    "notice": gettext_lazy("Notice"),
    "number": gettext_lazy("Number"),
    "outcomes": gettext_lazy("Outcomes"),
    "owner": gettext_lazy("Belongs to"),
    "person": gettext_lazy("Person"),
    "role": gettext_lazy("Role"),
    "reminded": gettext_lazy("Reminded"),
    "replaces": gettext_lazy("Replaces"),
    "reported_by": gettext_lazy("Reported by"),
    "topics_due": gettext_lazy("Topics due"),
    "type": gettext_lazy("Document type"),
    "units": gettext_lazy("Member units"),
    "user_agent": gettext_lazy("Browser"),
}

# Keys whose value is the id of a record, named by its business identity.
REFERENCES = {
    "agency": "agencies.agency",
    "agency_id": "agencies.agency",
    "to_agency": "agencies.agency",
    "referrals": "agencies.agency",  # cases.services writes the agencies referred to
    "actor": "agencies.user",
    "actor_id": "agencies.user",
    "previous": "agencies.user",
    "proposed": "agencies.user",
    "team": "agencies.user",
    "referral": "cases.referral",
    "case": "cases.case",
    "case_id": "cases.case",
    "cases": "cases.case",
    "evidence": "cases.evidence",
    "extension": "cases.extension",
    "meeting": "meetings.meeting",
    "topic": "meetings.topic",
    "resolution": "meetings.resolution",
    "document": "documents.issueddocument",
    "notice": "documents.issueddocument",
    "letters": "documents.issueddocument",
    "copy_to": "agencies.agency",
    "units": "agencies.agency",
    "chair": "agencies.user",
    "reminded": "agencies.user",
    "reported_by": "agencies.user",
    "documents": "documents.issueddocument",
    "dispatch": "documents.dispatch",
    "alert": "monitor.alert",
    "follow_up_case": "cases.case",
    "follow_up_of": "cases.case",
}

# How each kind of object is reached: (url name, the attribute holding the page's pk).
OBJECT_PAGES = {
    "cases.case": ("cases:detail", "pk"),
    "monitor.alert": ("monitor:alert", "pk"),
    "cases.referral": ("cases:detail", "case_id"),
    "cases.evidence": ("cases:detail", "case_id"),
    "cases.extension": ("cases:detail", "referral__case_id"),
    "meetings.meeting": ("meetings:meeting", "pk"),
    "meetings.topic": ("meetings:meeting", "meeting_id"),
    "meetings.resolution": ("meetings:meeting", "meeting_id"),
    "documents.dispatch": ("documents:dispatch", "pk"),
}

CODE_WORDS = {
    True: gettext_lazy("Yes"),
    False: gettext_lazy("No"),
}


def humanise(key: str) -> str:
    """A label for a key nobody gave words: 'broken_seq' → 'Broken seq'."""
    text = re.sub(r"[_.]+", " ", str(key)).strip()
    return text[:1].upper() + text[1:] if text else "—"


def label_for(key) -> str:
    return str(LABELS.get(key, humanise(key)))


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """The kind of object in words (the model's verbose name)."""
    model = _model(object_type) if object_type else None
    if model is None:
        return humanise(object_type.rpartition(".")[2]) if object_type else ""
    return str(model._meta.verbose_name)


def _as_ids(value):
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, bool) or item in (None, ""):
            continue
        if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            yield int(item)


def _walk(data, wanted):
    for key, value in (data or {}).items():
        if isinstance(value, dict):
            _walk(value, wanted)
        elif key in REFERENCES:
            wanted.setdefault(REFERENCES[key], set()).update(_as_ids(value))
        elif key == "owner" and isinstance(value, str) and ":" in value:
            label, _sep, pk = value.partition(":")
            wanted.setdefault(label, set()).update(_as_ids(pk))


def _identity(obj) -> str:
    return str(obj)


class Resolver:
    """Records named in a batch of events, fetched once per kind."""

    def __init__(self, events, user):
        self.user = user
        wanted: dict[str, set] = {}
        objects: dict[str, set] = {}
        for event in events:
            _walk(event.data, wanted)
            filters = (event.data or {}).get("filters")
            if isinstance(filters, dict):
                _walk(filters, wanted)
            if event.object_type in OBJECT_PAGES and str(event.object_id).isdigit():
                objects.setdefault(event.object_type, set()).add(int(event.object_id))
        self.names: dict[str, dict[int, str]] = {}
        for label, ids in wanted.items():
            model = _model(label)
            if model is None or not ids:
                continue
            manager = model._base_manager
            if label == "cases.referral":
                manager = manager.select_related("case", "to_agency")
            self.names[label] = {obj.pk: _identity(obj) for obj in manager.filter(pk__in=ids)}
        self.pages: dict[str, dict[int, int]] = {}
        for label, ids in objects.items():
            model = _model(label)
            if model is None:
                continue
            field = OBJECT_PAGES[label][1]
            self.pages[label] = dict(
                model._base_manager.filter(pk__in=ids).values_list("pk", field)
            )

    def name(self, label, value):
        names = self.names.get(label, {})
        ids = list(_as_ids(value))
        if not ids:
            return None
        return "、".join(names.get(i, f"#{i}") for i in ids)

    def object_url(self, event):
        """The object's page, when it exists and the viewer may open it: auditors read every
        agency's cases, meetings and documents (READ_ALL_CASES)."""
        if not can(self.user, Ability.READ_ALL_CASES):
            return ""
        page = OBJECT_PAGES.get(event.object_type)
        if page is None or not str(event.object_id).isdigit():
            return ""
        target = self.pages.get(event.object_type, {}).get(int(event.object_id))
        if target is None:
            return ""
        try:
            return reverse(page[0], args=[target])
        except NoReverseMatch:
            return ""


def _date_text(value: str):
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit():
        return None
    moment = parse_datetime(value) if len(value) > 10 else None
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "Y-m-d H:i")
    day = parse_date(value) if len(value) == 10 else None
    if day is not None:
        return formats.date_format(day, "Y-m-d")
    return None


def value_text(key, value, resolver=None) -> str:
    """One value in words."""
    if key in REFERENCES and resolver is not None:
        named = resolver.name(REFERENCES[key], value)
        if named:
            return named
    if isinstance(value, bool):
        return str(CODE_WORDS[value])
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, (datetime, date)):
        return formats.date_format(value, "Y-m-d H:i" if isinstance(value, datetime) else "Y-m-d")
    if isinstance(value, dict):
        return (
            "；".join(f"{label_for(k)}：{value_text(k, v, resolver)}" for k, v in value.items())
            or "—"
        )
    if isinstance(value, list):
        return "、".join(value_text(key, item, resolver) for item in value) or "—"
    if key == "action" and isinstance(value, str):
        return _family_label(value)
    if key == "owner" and isinstance(value, str) and ":" in value:
        # "documents.dispatch:5": the kind of record in words and its id
        label, _sep, pk = value.partition(":")
        named = resolver.name(label, pk) if resolver is not None else None
        return f"{type_label(label)} {named or '#' + pk}"
    text = str(value)
    dated = _date_text(text)
    if dated:
        return dated
    return _choice_label(key, text) or text


def _family_label(code: str) -> str:
    from audit.actions import action_label
    from audit.forms import ACTION_FAMILIES

    families = dict(ACTION_FAMILIES)
    if code in families:
        return str(families[code])
    return str(action_label(code))


def _choice_label(key, text):
    """Decision and status codes in words, where the models name their choices."""
    from agencies.models import Role
    from cases.models import Case, Referral
    from documents.types import TYPES
    from meetings.models import Meeting

    if key == "type":
        return str(TYPES[text].label) if text in TYPES else None
    choices = {
        "source": Case.Source,
        "status": Case.Status,
        "decision": Case.Status,
        "outcome": Referral.Outcome,
        "outcomes": Referral.Outcome,
        "channel": Referral.Channel,
        "kind": Meeting.Kind,
        "role": Role,
    }.get(key)
    if choices is None:
        return None
    try:
        return str(choices(text).label)
    except ValueError:
        return None


def fields(data, resolver=None, *, prefix=""):
    """The event's data as (label, text) pairs; nested dicts are flattened with labels."""
    rows = []
    for key, value in (data or {}).items():
        label = label_for(key)
        if isinstance(value, dict) and key in ("filters",):
            inner = fields(value, resolver, prefix=f"{prefix}{label} · ")
            rows.extend(inner or [(f"{prefix}{label}", "—")])
        else:
            rows.append((f"{prefix}{label}", value_text(key, value, resolver)))
    return rows


def details_text(event) -> str:
    return "\n".join(f"{label}：{text}" for label, text in event.fields)


def present_events(events, user):
    """Give each event `fields`, `object_type_label`, `object_label` and `object_url`."""
    events = list(events)
    resolver = Resolver(events, user)
    for event in events:
        event.fields = fields(event.data, resolver)
        event.object_type_label = type_label(event.object_type)
        event.object_label = (
            f"{event.object_type_label} {event.object_repr}".strip() if event.object_type else ""
        )
        event.object_url = resolver.object_url(event)
    return events


__all__ = ["present_events", "details_text", "fields", "type_label", "LABELS", "_"]
