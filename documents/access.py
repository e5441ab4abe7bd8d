"""Who may see which document: whoever may see the thing it belongs to.

Each kind of owner registers one rule (`register_owner(Model, can_view)`); a document whose
owner has no rule, or whose rule says no, is a 404 — another agency's document by URL must
not even confirm that it exists. Auditors read every agency's documents (read-only); each
read is logged — a dispatch's page here (audit.services.record_read), a download of an issued
document for everyone (documents.services.document_log_download).
"""

from collections.abc import Callable

from django.db.models import Q
from django.http import Http404

from agencies.access import Ability, can
from audit.services import record_read
from documents.models import Dispatch, IssuedDocument

_owner_rules: dict[type, Callable] = {}


def register_owner(model: type, can_view: Callable) -> None:
    _owner_rules[model] = can_view


def dispatch_visible_to(user) -> Q:
    """The dispatches a user's agency is party to: issued by it, addressed or copied to it."""
    if can(user, Ability.READ_ALL_CASES):
        return Q()
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return Q(pk__in=[])
    # drafts stay inside the issuing agency; recipients see a dispatch once it is issued
    received = Q(status=Dispatch.Status.ISSUED) & (
        Q(to_agencies__id=agency_id) | Q(cc_agencies__id=agency_id)
    )
    return Q(agency_id=agency_id) | received


def can_view_dispatch(user, dispatch: Dispatch) -> bool:
    return Dispatch.objects.filter(dispatch_visible_to(user), pk=dispatch.pk).exists()


register_owner(Dispatch, can_view_dispatch)


def access_dispatch(user, pk: int) -> Dispatch:
    dispatch = (
        Dispatch.objects.filter(dispatch_visible_to(user), pk=pk)
        .select_related("agency", "document", "corrects", "created_by")
        .distinct()
        .first()
    )
    if dispatch is None:
        raise Http404
    record_read(user, family="document", what=dispatch.title, obj=dispatch)
    return dispatch


def access_document(user, pk: int) -> IssuedDocument:
    """The issued document, if the user may see what it belongs to; otherwise 404."""
    document = (
        IssuedDocument.objects.select_related("agency", "owner_type", "issued_by", "series")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    owner_model = document.owner_type.model_class()
    rule = _owner_rules.get(owner_model)
    owner = document.owner
    if rule is None or owner is None or not rule(user, owner):
        raise Http404
    return document
