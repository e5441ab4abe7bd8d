import hashlib
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import Ability, can, require
from audit.services import record_download, record_list_read
from config.downloads import file_response
from core.submissions import once_per_submission
from documents import selectors, services
from documents.access import access_dispatch, access_document
from documents.forms import CorrectionForm, DispatchForm
from documents.models import Dispatch
from documents.rendering import render_pdf
from documents.types import TYPES, get_type, sample_content


def _pdf_response(data: bytes, name: str, *, default_stem: str, inline: bool) -> FileResponse:
    return file_response(
        BytesIO(data),
        name=name,
        extension="pdf",
        content_type="application/pdf",
        default_stem=default_stem,
        inline=inline,
    )


def _may_edit(user, dispatch: Dispatch) -> bool:
    return (
        can(user, Ability.ISSUE_DOCUMENTS)
        and dispatch.agency_id == user.agency_id
        and dispatch.status == Dispatch.Status.DRAFT
    )


@require_safe
@login_required
def dispatch_list(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    box = request.GET.get("box", "all")
    box = box if box in ("all", "sent", "received") else "all"
    status = request.GET.get("status", "")
    status = status if status in Dispatch.Status.values else ""
    dispatches = selectors.dispatch_list(user=request.user, box=box, status=status)
    page = Paginator(dispatches, 30).get_page(request.GET.get("page"))
    record_list_read(
        request.user,
        family="document",
        what=gettext_lazy("Outgoing and incoming"),
        filters={"box": box, "status": status},
        rows=page,
    )
    return render(
        request,
        "documents/dispatch_list.html",
        {
            "page": page,
            "box": box,
            "status": status,
            "statuses": Dispatch.Status.choices,
            "can_issue": can(request.user, Ability.ISSUE_DOCUMENTS) and request.user.agency_id,
        },
    )


def _initial_for(user) -> dict:
    agency = user.agency
    return {
        "doc_type": "notice",
        "series_code": get_type("notice").series,
        "issuer_name": agency.name,
        "printed_by": f"{agency.name}办公室",
        "sealed": True,
    }


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def dispatch_create(request):
    require(request.user, Ability.ISSUE_DOCUMENTS)
    if request.user.agency is None:
        raise Http404
    form = DispatchForm(request.POST or None, initial=_initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        dispatch = services.dispatch_create(
            agency=request.user.agency, user=request.user, data=form.cleaned_data
        )
        messages.success(request, _("Draft saved. Check the preview, then issue it."))
        return redirect("documents:dispatch", dispatch.pk)
    return render(request, "documents/dispatch_form.html", {"form": form, "dispatch": None})


@require_http_methods(["GET", "POST"])
@login_required
def dispatch_edit(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    if not _may_edit(request.user, dispatch):
        raise Http404
    form = DispatchForm(request.POST or None, initial=services.dispatch_data(dispatch))
    if request.method == "POST" and form.is_valid():
        try:
            services.dispatch_update(dispatch=dispatch, user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Draft saved."))
        return redirect("documents:dispatch", dispatch.pk)
    return render(request, "documents/dispatch_form.html", {"form": form, "dispatch": dispatch})


@require_safe
@login_required
def dispatch_detail(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    document = dispatch.document
    own = dispatch.agency_id == request.user.agency_id
    context = {
        "dispatch": dispatch,
        "document": document,
        "to_agencies": dispatch.to_agencies.all(),
        "cc_agencies": dispatch.cc_agencies.all(),
        "may_edit": _may_edit(request.user, dispatch),
        "may_correct": bool(document)
        and own
        and can(request.user, Ability.ISSUE_DOCUMENTS)
        and not document.is_superseded,
        "replaced_by": getattr(document, "replaced_by", None) if document else None,
    }
    return render(request, "documents/dispatch_detail.html", context)


@require_safe
@login_required
def dispatch_draft_pdf(request, pk: int):
    """The draft as it will look, without a number (inline, for checking before issue)."""
    dispatch = access_dispatch(request.user, pk)
    if dispatch.agency_id != request.user.agency_id or dispatch.status != Dispatch.Status.DRAFT:
        raise Http404
    content = services.dispatch_content(dispatch)
    year = timezone.localdate().year
    content.number = f"{dispatch.agency.doc_prefix}{dispatch.series_code}〔{year}〕　号"
    name = f"draft-{dispatch.pk}"
    data = render_pdf(content)
    record_download(
        request.user,
        action="document.draft_downloaded",
        what=f"{dispatch.title} · {name}.pdf",
        obj=dispatch,
        data={"sha256": hashlib.sha256(data).hexdigest()},
    )
    return _pdf_response(data, name, default_stem=name, inline=True)


@require_POST
@login_required
@once_per_submission
def dispatch_issue(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    if not _may_edit(request.user, dispatch):
        # already issued by a colleague a moment ago, or not ours to issue
        if dispatch.status == Dispatch.Status.ISSUED:
            messages.info(request, _("This document has already been issued."))
            return redirect("documents:dispatch", dispatch.pk)
        raise Http404
    try:
        document = services.dispatch_issue(dispatch=dispatch, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Issued as %(number)s.") % {"number": document.number})
    return redirect("documents:dispatch", dispatch.pk)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def dispatch_correct(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    document = dispatch.document
    if (
        document is None
        or dispatch.agency_id != request.user.agency_id
        or not can(request.user, Ability.ISSUE_DOCUMENTS)
    ):
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.dispatch_start_correction(
                document=document, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("A correction draft was created. Edit it, then issue it."))
            return redirect("documents:edit", draft.pk)
    return render(
        request,
        "documents/correction_form.html",
        {"form": form, "dispatch": dispatch, "document": document},
    )


@require_safe
@login_required
def document_download(request, pk: int, archive: bool = False):
    document = access_document(request.user, pk)
    try:
        data = services.document_read(document=document, archive=archive)
    except services.DocumentTampered:
        return HttpResponse(
            _(
                "The stored file of %(number)s no longer matches its recorded SHA-256; it was "
                "not served. Tell your system administrator."
            )
            % {"number": document.number},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    services.document_log_download(document=document, user=request.user, archive=archive)
    suffix = "-PDFA" if archive else ""
    return _pdf_response(
        data,
        f"{document.number}{suffix}",
        default_stem=f"document-{document.pk}{suffix}",
        inline=False,
    )


@require_safe
@login_required
def sample_list(request):
    require(request.user, Ability.PREVIEW_DOCUMENTS)
    return render(request, "documents/sample_list.html", {"types": TYPES.values()})


@require_safe
@login_required
def sample_pdf(request, code: str):
    require(request.user, Ability.PREVIEW_DOCUMENTS)
    if code not in TYPES:
        raise Http404
    name = f"sample-{code}"
    data = render_pdf(sample_content(code))
    record_download(
        request.user,
        action="document.sample_downloaded",
        what=f"{name}.pdf",
        data={"type": code, "sha256": hashlib.sha256(data).hexdigest()},
    )
    return _pdf_response(data, name, default_stem=name, inline=True)
