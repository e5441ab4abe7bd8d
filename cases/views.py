from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import chart
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can, require
from audit.models import AuditEvent
from cases import forms, selectors, services
from cases.access import access_case, access_evidence, access_task
from cases.models import Case, Referral

PAGE = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE).get_page(request.GET.get("page"))


@require_safe
@login_required
def case_list(request):
    status = request.GET.get("status", "")
    status = status if status in Case.Status.values else ""
    query = request.GET.get("q", "").strip()[:50]
    cases = selectors.case_list(user=request.user, status=status, query=query)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": _page(request, cases),
            "status": status,
            "q": query,
            "statuses": Case.Status.choices,
            "can_register": can(request.user, Ability.REGISTER_CASE),
        },
    )


@require_safe
@login_required
def task_list(request, box: str):
    lists = {"inbox": selectors.inbox, "queue": selectors.queue, "archive": selectors.archive}
    tasks = lists[box](user=request.user)
    return render(request, "cases/task_list.html", {"page": _page(request, tasks), "box": box})


@require_http_methods(["GET", "POST"])
@login_required
def case_create(request):
    require(request.user, Ability.REGISTER_CASE)
    form = forms.CaseForm(request.POST or None, request.FILES or None)
    subjects = forms.SubjectFormSet(request.POST or None, prefix="subjects")
    if request.method == "POST" and form.is_valid() and subjects.is_valid():
        subject_data = [
            f.cleaned_data
            for f in subjects.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            case = services.case_register(
                user=request.user,
                data=form.cleaned_data,
                subjects=subject_data,
                files=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Case %(number)s registered; it now awaits the leader's decision.")
                % {"number": case.number},
            )
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form, "subjects": subjects})


@require_safe
@login_required
def case_detail(request, pk: int):
    case = access_case(request.user, pk)
    referrals = list(selectors.case_referrals(user=request.user, case=case))
    visible_ids = {r.pk for r in referrals}
    hidden = (
        Referral.objects.filter(case=case).exclude(pk__in=visible_ids).values_list("pk", flat=True)
    )
    timeline = (
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .exclude(data__referral__in=list(hidden))
        .order_by("seq")
    )
    own = case.agency_id == request.user.agency_id
    evidence = case.evidence.filter(Q(referral__isnull=True) | Q(referral__in=visible_ids))
    tasks = (
        case.process.task_set.filter(flow_task_type="HUMAN")
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
        .select_related("owner")
    )
    documents = selectors.referral_documents(referrals)
    for referral in referrals:
        referral.docs = documents.get(referral.pk, [])
    grid = chart.calc_layout_data(case.process.flow_class)
    chart.calc_cell_status(case.process.flow_class, grid, case.process.pk)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "referrals": referrals,
            "timeline": timeline,
            "evidence": evidence,
            "subjects": case.subjects.all(),
            "own": own,
            "violation_types": case.violation_types.all(),
            "open_tasks": [
                t for t in tasks if (t.data or {}).get("agency_id") == request.user.agency_id
            ],
            # drawn by viewflow from the flow's own node titles and task states: no user text
            "chart": mark_safe(chart.grid_to_svg(grid)),  # noqa: S308
        },
    )


@require_safe
@login_required
def evidence_download(request, pk: int):
    evidence = access_evidence(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


STEP_FORMS = {
    "approve": forms.DecideForm,
    "handle_in_house": forms.CloseForm,
    "receive": forms.ReceiveForm,
    "supplement": forms.SupplementForm,
    "decide": forms.ReferralDecideForm,
    "report": forms.ReportForm,
    "close": forms.CloseForm,
}


def _complete(step, task, user, data):
    if step == "approve":
        referrals = [
            {"to_agency": agency, "channel": forms.channel_for(agency), "summary": data["summary"]}
            for agency in data["to_agencies"]
        ]
        return services.case_decide(
            task=task,
            user=user,
            decision=data["decision"],
            reason=data["reason"],
            referrals=referrals,
        )
    if step == "receive":
        return services.referral_receive(
            task=task, user=user, action=data["action"], reason=data["reason"]
        )
    if step == "supplement":
        return services.referral_supplement(
            task=task, user=user, note=data["note"], files=data["files"]
        )
    if step == "decide":
        return services.referral_decide(
            task=task, user=user, accept=data["accept"], reason=data["reason"]
        )
    if step == "report":
        return services.referral_report(
            task=task,
            user=user,
            outcome=data["outcome"],
            recovered=data["recovered"],
            fines=data["fines"],
            files=data["files"],
        )
    if step in ("close", "handle_in_house"):
        return services.case_close(
            task=task,
            user=user,
            note=data["note"],
            recovered=data["recovered"] or Decimal("0"),
            fines=data["fines"] or Decimal("0"),
        )
    raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def task_page(request, pk: int, **kwargs):
    """Every human task of the case flow: the case in brief and the form for this step."""
    task = access_task(request.user, pk)
    case = task.process.caseprocess.case
    step = task.flow_task.name
    node = task.flow_task
    referral = None
    if "referral_id" in (task.data or {}):
        referral = Referral.objects.select_related("to_agency", "from_agency").get(
            pk=task.data["referral_id"]
        )
    form_class = STEP_FORMS[step]
    kwargs = {"case": case} if form_class is forms.DecideForm else {}
    form = form_class(request.POST or None, request.FILES or None, **kwargs)
    open_task = task.status in (STATUS.NEW, STATUS.ASSIGNED)
    may_act = open_task and (
        node.can_execute(request.user, task) or node.can_assign(request.user, task)
    )
    if request.method == "POST":
        if not may_act:
            if not open_task:
                messages.info(request, _("This task has already been handled."))
                return redirect("cases:detail", case.pk)
            raise Http404
        if form.is_valid():
            try:
                _complete(step, task, request.user, form.cleaned_data)
            except services.AlreadyHandled:
                messages.info(request, _("This task has already been handled by a colleague."))
                return redirect("cases:detail", case.pk)
            except (FlowLockFailed, TransitionNotAllowed):
                messages.error(
                    request,
                    _("Someone else is working on this case right now; try again in a moment."),
                )
                return redirect("cases:task", task.pk)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": node.task_title})
                return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/task_page.html",
        {
            "task": task,
            "case": case,
            "referral": referral,
            "form": form,
            "step": step,
            "title": node.task_title,
            "description": node.task_description,
            "may_act": may_act,
        },
    )


@require_POST
@login_required
def task_claim(request, pk: int):
    task = access_task(request.user, pk)
    try:
        services.task_claim(task=task, user=request.user)
    except services.AlreadyHandled:
        messages.info(request, _("A colleague has already taken this task."))
        return redirect("cases:queue")
    except PermissionDenied:
        raise Http404 from None
    return redirect("cases:task", task.pk)
