"""Reads for outgoing documents (发文)."""

from documents.access import awaiting_q, dispatch_visible_to
from documents.models import Dispatch


def dispatch_list(*, user, box: str = "all", status: str = "", todo: str = ""):
    """Dispatches the user's agency is party to. box: "sent" (ours), "received", or "all";
    todo: "check" (待核稿) or "sign" (待签发) — those waiting for this user."""
    dispatches = Dispatch.objects.filter(dispatch_visible_to(user))
    agency_id = getattr(user, "agency_id", None)
    if box == "sent":
        dispatches = dispatches.filter(agency_id=agency_id)
    elif box == "received":
        dispatches = dispatches.exclude(agency_id=agency_id)
    if status:
        dispatches = dispatches.filter(status=status)
    if todo:
        dispatches = dispatches.filter(awaiting_q(user, todo))
    ids = dispatches.values("pk")
    return (
        Dispatch.objects.filter(pk__in=ids)
        .select_related("agency", "document", "created_by")
        .order_by("-created_at")
    )
