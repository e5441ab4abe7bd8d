"""案件办理记录: a case's whole history on paper, for the auditor's file.

One PDF holds what the system knows of a case's handling:

1. the case as it stands (number, title, agency, source, amount, status, subjects with ID
   numbers masked, referrals with their outcome);
2. every audit event of the case (audit.selectors.case_events_q), in words
   (audit.presentation), with each event's hash;
3. the changes of its records, from django-simple-history: the case, its subjects, evidence,
   referrals, extensions and comments, each change as the fields it changed (before → after);
4. the official documents issued for it, with their SHA-256;
5. the chain head (seq and hash) when the record was made and the last signed checkpoint, so
   that the paper can later be checked against the log (`manage.py audit_verify`).

Left out on purpose: the informant (举报人) and ID numbers in full, which an auditor's file
need not carry. The record is composed from the database as it is when asked; it is not an
issued document and has no number.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.checkpoints import checkpoints_load
from audit.models import ChainHead
from audit.presentation import present_events
from audit.selectors import case_events_q

# Fields never printed, whoever reads the record.
LEFT_OUT = {"informant"}
# Fields printed masked.
MASKED = {"id_number"}
# simple-history's own bookkeeping.
BOOKKEEPING = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "id",
}

HISTORY_TYPES = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def may_read_case_record(user) -> bool:
    """The one home of "may this person print a case's record": an auditor, who reads the
    log and every agency's cases. (Nobody else reads the log of a case.)"""
    from agencies.access import Ability, can

    return can(user, Ability.READ_AUDIT_LOG) and can(user, Ability.READ_ALL_CASES)


@dataclass
class Change:
    time: datetime
    record: str
    kind: str
    user: str
    fields: list = field(default_factory=list)  # (label, before, after)


def _shown(model, name, value) -> str:
    from cases.validators import mask

    if value in (None, ""):
        return "—"
    if name in MASKED:
        return mask(str(value))
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field the model no longer has
        return str(value)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _label(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _tracked_fields(record):
    model = record.instance_type
    for f in record._meta.fields:
        if f.attname in BOOKKEEPING or f.name in BOOKKEEPING or f.name in LEFT_OUT:
            continue
        yield model, f.name, f.attname


def _changes_of(queryset, label) -> list[Change]:
    """Each historical row of `queryset` as a Change: a creation lists the fields it set, a
    later change the fields that differ from the row before it."""
    changes = []
    previous = {}
    for record in queryset.order_by("history_date", "history_id").select_related("history_user"):
        before = previous.get(record.id)
        rows = []
        for model, name, attname in _tracked_fields(record):
            value = getattr(record, attname)
            old = getattr(before, attname) if before is not None else None
            if before is None and value in (None, ""):
                continue
            if before is not None and old == value:
                continue
            rows.append(
                (
                    _label(model, name),
                    _shown(model, name, old) if before is not None else "",
                    _shown(model, name, value),
                )
            )
        previous[record.id] = record
        if before is not None and not rows and record.history_type == "~":
            continue  # a save that changed nothing printable
        user = record.history_user
        changes.append(
            Change(
                time=record.history_date,
                record=f"{label} {record.instance}" if record.history_type != "-" else label,
                kind=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                user=(user.get_full_name() or user.username) if user else _("system"),
                fields=rows,
            )
        )
    return changes


def record_changes(case) -> list[Change]:
    from cases.models import Case, Comment, Evidence, Extension, Referral, Subject

    referral_ids = list(Referral.objects.filter(case=case).values_list("pk", flat=True))
    sources = [
        (Case.history.filter(id=case.pk), Case._meta.verbose_name),
        (Subject.history.filter(case_id=case.pk), Subject._meta.verbose_name),
        (Evidence.history.filter(case_id=case.pk), Evidence._meta.verbose_name),
        (Referral.history.filter(case_id=case.pk), Referral._meta.verbose_name),
        (Extension.history.filter(referral_id__in=referral_ids), Extension._meta.verbose_name),
        (Comment.history.filter(case_id=case.pk), Comment._meta.verbose_name),
    ]
    changes = []
    for queryset, label in sources:
        changes += _changes_of(queryset, str(label))
    return sorted(changes, key=lambda c: c.time)


def case_documents(case):
    from cases.models import Case, Referral
    from documents.models import IssuedDocument

    referral_ids = [
        str(pk) for pk in Referral.objects.filter(case=case).values_list("pk", flat=True)
    ]
    case_type = ContentType.objects.get_for_model(Case)
    referral_type = ContentType.objects.get_for_model(Referral)
    documents = IssuedDocument.objects.filter(owner_type=case_type, owner_id=str(case.pk))
    documents |= IssuedDocument.objects.filter(owner_type=referral_type, owner_id__in=referral_ids)
    return documents.select_related("agency", "issued_by").order_by("issued_at", "pk")


def record_context(case, user) -> dict:
    from audit.models import AuditEvent

    events = present_events(AuditEvent.objects.filter(case_events_q(case)).order_by("seq"), user)
    head = ChainHead.objects.filter(id=1).first()
    checkpoints, _unreadable = checkpoints_load()
    subjects = [
        (subject, subject.identifier_for(full_id_numbers=False)) for subject in case.subjects.all()
    ]
    return {
        "case": case,
        "subjects": subjects,
        "referrals": case.referrals.select_related("from_agency", "to_agency").order_by("pk"),
        "events": events,
        "changes": record_changes(case),
        "documents": case_documents(case),
        "head": head,
        "checkpoint": checkpoints[-1] if checkpoints else None,
        "made_at": timezone.localtime(),
        "made_by": user,
    }


STYLESHEET = """
@page { size: A4; margin: 18mm 15mm 18mm 15mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; }
  @top-right { content: string(casenumber); font-size: 8pt; color: #555; } }
html { font-family: "XT SongTi", %(fallbacks)s; font-size: 9.5pt; line-height: 1.45; }
h1 { font-family: "XT HeiTi", %(fallbacks)s; font-size: 18pt; text-align: center; margin: 0 0 4mm; }
h2 { font-family: "XT HeiTi", %(fallbacks)s; font-size: 12pt; margin: 6mm 0 2mm;
     border-bottom: 0.5pt solid #000; }
.number { string-set: casenumber content(); text-align: center; margin: 0 0 4mm; }
table { width: 100%%; border-collapse: collapse; margin: 0 0 2mm; }
th, td { border: 0.4pt solid #777; padding: 1mm 1.4mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background: #eee; font-family: "XT HeiTi", %(fallbacks)s; font-weight: normal; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
dl { margin: 0; display: grid; }
.facts th { width: 22%%; }
.hash { font-family: monospace; font-size: 7pt; overflow-wrap: anywhere; }
.fields { margin: 0; padding: 0; list-style: none; font-size: 8.5pt; }
.muted { color: #555; }
.seq { width: 8mm; }
.time { width: 22mm; }
"""


def case_record_pdf(case, user) -> bytes:
    from documents.rendering import font_fallbacks, render_working_paper

    html = render_to_string("audit/case_record.html", record_context(case, user))
    return render_working_paper(html, STYLESHEET % {"fallbacks": font_fallbacks()})
