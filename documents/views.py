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
from documents import access, selectors, services
from documents.access import access_dispatch, access_document
from documents.forms import CheckForm, CorrectionForm, DispatchForm, SignForm
from documents.models import Dispatch, DispatchReview
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


TODOS = ("check", "sign")


@require_safe
@login_required
def dispatch_list(request):
    require(request.user, Ability.VIEW_DIRECTORY)
    box = request.GET.get("box", "all")
    box = box if box in ("all", "sent", "received") else "all"
    status = request.GET.get("status", "")
    status = status if status in Dispatch.Status.values else ""
    todo = request.GET.get("todo", "")
    todo = todo if todo in TODOS else ""
    dispatches = selectors.dispatch_list(user=request.user, box=box, status=status, todo=todo)
    page = Paginator(dispatches, 30).get_page(request.GET.get("page"))
    record_list_read(
        request.user,
        family="document",
        what=gettext_lazy("Outgoing and incoming"),
        filters={"box": box, "status": status, "todo": todo},
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
            "todo": todo,
            "may_check": can(request.user, Ability.CHECK_DOCUMENTS),
            "may_sign": can(request.user, Ability.SIGN_DOCUMENTS)
            or can(request.user, Ability.SIGN_JOINT_DOCUMENTS),
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
        messages.success(
            request, _("Draft saved. Check the preview, then send it to be checked (核稿).")
        )
        return redirect("documents:dispatch", dispatch.pk)
    return render(request, "documents/dispatch_form.html", {"form": form, "dispatch": None})


@require_http_methods(["GET", "POST"])
@login_required
def dispatch_edit(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    refusal = access.edit_refusal(request.user, dispatch)
    if refusal:
        if not access.is_drafter_of(request.user, dispatch.agency_id):
            raise Http404
        messages.error(request, refusal)
        return redirect("documents:dispatch", dispatch.pk)
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


def _sheet(dispatch: Dispatch) -> dict:
    """The 稿纸: every opinion in order, and the latest check and signing."""
    reviews = list(dispatch.reviews.select_related("user", "agency"))
    latest = {}
    for review in reviews:
        latest[review.stage] = review
    return {
        "reviews": reviews,
        "check": latest.get(DispatchReview.Stage.CHECK),
        "sign": latest.get(DispatchReview.Stage.SIGN),
    }


def _detail_context(request, dispatch: Dispatch, **forms) -> dict:
    user = request.user
    document = dispatch.document
    own = dispatch.agency_id == user.agency_id
    submit_refusal = access.submit_refusal(user, dispatch)
    check_refusal = access.check_refusal(user, dispatch)
    sign_refusal = access.sign_refusal(user, dispatch)
    # the reason the step waiting now is not this user's, for the people it concerns
    waiting_refusal = None
    if access.may_see_sheet(user, dispatch) and not can(user, Ability.READ_ALL_CASES):
        if dispatch.status == Dispatch.Status.SUBMITTED:
            waiting_refusal = check_refusal
        elif dispatch.status == Dispatch.Status.CHECKED:
            waiting_refusal = sign_refusal
    return {
        "dispatch": dispatch,
        "document": document,
        "to_agencies": dispatch.to_agencies.all(),
        "cc_agencies": dispatch.cc_agencies.all(),
        "may_edit": access.edit_refusal(user, dispatch) is None,
        "may_submit": submit_refusal is None,
        "may_check": check_refusal is None,
        "may_sign": sign_refusal is None,
        "may_see_sheet": access.may_see_sheet(user, dispatch),
        "waiting_refusal": waiting_refusal,
        "check_form": forms.get("check_form") or CheckForm(auto_id="check_%s"),
        "sign_form": forms.get("sign_form") or SignForm(auto_id="sign_%s"),
        "may_correct": bool(document)
        and own
        and can(user, Ability.ISSUE_DOCUMENTS)
        and not document.is_superseded,
        "replaced_by": getattr(document, "replaced_by", None) if document else None,
    } | _sheet(dispatch)


@require_safe
@login_required
def dispatch_detail(request, pk: int):
    dispatch = access_dispatch(request.user, pk)
    return render(request, "documents/dispatch_detail.html", _detail_context(request, dispatch))


def _sheet_dispatch(request, pk: int) -> Dispatch:
    """The 稿纸 stays with the issuing agency (and the convenor for the office's papers, and
    the auditors): the agencies it is addressed to read the document, not its drafting."""
    dispatch = access_dispatch(request.user, pk)
    if not access.may_see_sheet(request.user, dispatch):
        raise Http404
    return dispatch


@require_safe
@login_required
def dispatch_sheet(request, pk: int):
    """The 稿纸 (发文稿纸) as a printable page: drafter, checker and signer with their dates and
    opinions, and the document's particulars."""
    dispatch = _sheet_dispatch(request, pk)
    context = {
        "dispatch": dispatch,
        "document": dispatch.document,
        "to_agencies": dispatch.to_agencies.all(),
        "cc_agencies": dispatch.cc_agencies.all(),
    } | _sheet(dispatch)
    return render(request, "documents/dispatch_sheet.html", context)


@require_safe
@login_required
def dispatch_draft_pdf(request, pk: int):
    """The draft as it will look, without a number (inline, for checking before issue)."""
    dispatch = access_dispatch(request.user, pk)
    if (
        dispatch.agency_id != request.user.agency_id and not dispatch.joint_meeting
    ) or dispatch.status == Dispatch.Status.ISSUED:
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


def _step_done(request, dispatch: Dispatch, call) -> object:
    try:
        result = call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    return result or True


@require_POST
@login_required
@once_per_submission
def dispatch_submit(request, pk: int):
    """送核稿 (only POST): the drafter sends the draft to the agency's checkers."""
    dispatch = access_dispatch(request.user, pk)
    done = _step_done(
        request, dispatch, lambda: services.dispatch_submit(dispatch=dispatch, user=request.user)
    )
    if done:
        messages.success(request, _("Sent to be checked (核稿)."))
    return redirect("documents:dispatch", dispatch.pk)


def _review(request, pk: int, *, form_class, key: str, service):
    dispatch = access_dispatch(request.user, pk)
    form = form_class(request.POST, auto_id=f"{key}_%s")
    if not form.is_valid():
        context = _detail_context(request, dispatch, **{f"{key}_form": form})
        return render(request, "documents/dispatch_detail.html", context)
    approve = form.cleaned_data["approve"]
    result = _step_done(
        request,
        dispatch,
        lambda: service(
            dispatch=dispatch,
            user=request.user,
            approve=approve,
            opinion=form.cleaned_data["opinion"],
        ),
    )
    return dispatch, approve, result


@require_POST
@login_required
@once_per_submission
def dispatch_check(request, pk: int):
    """核稿 (only POST): pass the draft on to 签发, or return it with an opinion."""
    outcome = _review(
        request, pk, form_class=CheckForm, key="check", service=services.dispatch_check
    )
    if not isinstance(outcome, tuple):
        return outcome
    dispatch, approve, result = outcome
    if result:
        messages.success(
            request,
            _("Checked; it now awaits signing (签发).")
            if approve
            else _("Returned to the drafter."),
        )
    return redirect("documents:dispatch", dispatch.pk)


@require_POST
@login_required
@once_per_submission
def dispatch_sign(request, pk: int):
    """签发 (only POST): sign — the document is numbered and issued — or return it."""
    outcome = _review(request, pk, form_class=SignForm, key="sign", service=services.dispatch_sign)
    if not isinstance(outcome, tuple):
        return outcome
    dispatch, approve, result = outcome
    if result and approve:
        messages.success(request, _("Signed and issued as %(number)s.") % {"number": result.number})
    elif result:
        messages.success(request, _("Returned to the drafter."))
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
            messages.success(
                request,
                _("A correction draft was created. Edit it, then send it to be checked (核稿)."),
            )
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
