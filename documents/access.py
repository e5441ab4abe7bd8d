"""Who may see which document: whoever may see the thing it belongs to.

Each kind of owner registers one rule (`register_owner(Model, can_view)`); a document whose
owner has no rule, or whose rule says no, is a 404 — another agency's document by URL must
not even confirm that it exists. Auditors read every agency's documents (read-only); each
read is logged — a dispatch's page here (audit.services.record_read), a download of an issued
document for everyone (documents.services.document_log_download).
"""

from collections.abc import Callable

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from agencies.access import Ability, can, is_auditor
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
    mine = Q(agency_id=agency_id) | received
    if can(user, Ability.SIGN_JOINT_DOCUMENTS):
        mine |= Q(joint_meeting=True)  # the convenor signs the office's papers
    return mine


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


# --- the 稿纸: draft → 核稿 → 签发 → issued ----------------------------------------------
#
# Each rule returns None when the user may take the step now, or the reason they may not (for
# the page to show). Services enforce them under the dispatch row's lock, the detail page shows
# only the buttons whose rule says None, and the to-do filters of the list ask the same rules
# through `awaiting_q`.


def _own(user, dispatch: Dispatch) -> bool:
    return getattr(user, "agency_id", None) is not None and user.agency_id == dispatch.agency_id


def _status_refusal(dispatch: Dispatch, allowed) -> str | None:
    if dispatch.status in allowed:
        return None
    if dispatch.status == Dispatch.Status.ISSUED:
        return _("This document has already been issued.")
    return _("This step is not open: the document is “%(status)s”.") % {
        "status": dispatch.get_status_display()
    }


def is_drafter_of(user, agency_id) -> bool:
    """Whether the user drafts this agency's documents (ISSUE_DOCUMENTS in it; never auditors)."""
    return (
        not is_auditor(user)
        and can(user, Ability.ISSUE_DOCUMENTS)
        and getattr(user, "agency_id", None) is not None
        and user.agency_id == agency_id
    )


def edit_refusal(user, dispatch: Dispatch) -> str | None:
    """Drafters of the issuing agency change a draft, or a returned one — never once it has
    gone to 核稿 (the checker and the signer read what was submitted)."""
    if not is_drafter_of(user, dispatch.agency_id):
        return _("Only the issuing agency's drafters change its drafts.")
    return _status_refusal(dispatch, Dispatch.EDITABLE)


def submit_refusal(user, dispatch: Dispatch) -> str | None:
    """送核稿: the drafter, or a drafter (ISSUE_DOCUMENTS) of the issuing agency, sends a draft
    or a returned draft to be checked."""
    drafter = user.pk == dispatch.created_by_id
    if is_auditor(user) or not _own(user, dispatch):
        return _("Only the issuing agency's drafters send its drafts to be checked.")
    if not drafter and not can(user, Ability.ISSUE_DOCUMENTS):
        return _("Only the issuing agency's drafters send its drafts to be checked.")
    return _status_refusal(dispatch, Dispatch.EDITABLE)


def check_refusal(user, dispatch: Dispatch) -> str | None:
    """核稿: CHECK_DOCUMENTS in the issuing agency, a submitted draft, and not its drafter."""
    if not can(user, Ability.CHECK_DOCUMENTS) or not _own(user, dispatch):
        return _("Only a checker (核稿) of the issuing agency checks its drafts.")
    if user.pk == dispatch.created_by_id:
        return _("The drafter cannot check their own draft; another person checks it.")
    return _status_refusal(dispatch, (Dispatch.Status.SUBMITTED,))


def _checker_id(dispatch: Dispatch):
    from documents.models import DispatchReview

    review = (
        DispatchReview.objects.filter(dispatch=dispatch, stage=DispatchReview.Stage.CHECK)
        .order_by("-at", "-pk")
        .first()
    )
    return review.user_id if review else None


def sign_refusal(user, dispatch: Dispatch) -> str | None:
    """签发: a leader of the issuing agency (SIGN_DOCUMENTS) — or, for a paper of the
    joint-meeting office, the convenor (SIGN_JOINT_DOCUMENTS) — signs a checked draft; neither
    its drafter nor its checker (three people see every outgoing document)."""
    if dispatch.joint_meeting:
        if not can(user, Ability.SIGN_JOINT_DOCUMENTS):
            return _("Papers of the joint-meeting office are signed (签发) by the convenor.")
    elif not can(user, Ability.SIGN_DOCUMENTS) or not _own(user, dispatch):
        return _("Only a leader of the issuing agency signs (签发) its documents.")
    if user.pk == dispatch.created_by_id:
        return _("The drafter cannot sign their own draft.")
    refusal = _status_refusal(dispatch, (Dispatch.Status.CHECKED,))
    if refusal:
        return refusal
    if _checker_id(dispatch) == user.pk:
        return _("The checker cannot also sign the draft; another leader signs it.")
    return None


def may_see_sheet(user, dispatch: Dispatch) -> bool:
    """The 稿纸 stays with the issuing agency (and the convenor for the office's papers, and
    the auditors): the agencies it is addressed to read the document, not its drafting."""
    return (
        _own(user, dispatch)
        or (dispatch.joint_meeting and can(user, Ability.SIGN_JOINT_DOCUMENTS))
        or can(user, Ability.READ_ALL_CASES)
    )


def may_edit(user, dispatch: Dispatch) -> bool:
    return edit_refusal(user, dispatch) is None


def may_submit(user, dispatch: Dispatch) -> bool:
    return submit_refusal(user, dispatch) is None


def may_check(user, dispatch: Dispatch) -> bool:
    return check_refusal(user, dispatch) is None


def may_sign(user, dispatch: Dispatch) -> bool:
    return sign_refusal(user, dispatch) is None


def awaiting_q(user, todo: str) -> Q:
    """The dispatches waiting for this user: "check" (待核稿) or "sign" (待签发) — the rules
    above as a filter (the signer is neither the drafter nor the latest checker)."""
    agency_id = getattr(user, "agency_id", None)
    nothing = Q(pk__in=[])
    if todo == "check":
        if not can(user, Ability.CHECK_DOCUMENTS) or agency_id is None:
            return nothing
        return Q(status=Dispatch.Status.SUBMITTED, agency_id=agency_id) & ~Q(created_by_id=user.pk)
    if todo == "sign":
        q = nothing
        if can(user, Ability.SIGN_DOCUMENTS) and agency_id is not None:
            q |= Q(agency_id=agency_id, joint_meeting=False)
        if can(user, Ability.SIGN_JOINT_DOCUMENTS):
            q |= Q(joint_meeting=True)
        from documents.models import DispatchReview

        latest_check = DispatchReview.objects.filter(
            dispatch=OuterRef("pk"), stage=DispatchReview.Stage.CHECK
        ).order_by("-at", "-pk")
        return (
            q
            & Q(status=Dispatch.Status.CHECKED)
            & ~Q(created_by_id=user.pk)
            & ~Q(
                pk__in=Dispatch.objects.annotate(
                    checker=Subquery(latest_check.values("user_id")[:1])
                )
                .filter(checker=user.pk)
                .values("pk")
            )
        )
    return nothing
