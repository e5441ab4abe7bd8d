from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from agencies.access import Ability, can, require
from audit.case_record import may_read_case_record
from audit.models import AuditEvent
from audit.services import READ_SUFFIX, record_download, record_list_read
from cases import forms, selectors, services
from cases.access import (
    access_case,
    access_evidence,
    access_extension,
    access_referral,
    access_referral_package,
    access_task,
    can_request_extension,
    can_supervise,
    can_withdraw,
    case_actions,
    commentable_referrals,
    extension_decision_refusal,
    extension_refusal,
    may_act_on_task,
    may_see_id_numbers,
    task_refusal,
    urge_refusal,
)
from cases.models import Case, Referral
from config.downloads import file_response
from core.forms import parse_id, search_text
from core.submissions import once_per_submission
from workflow.models import DeadlineRule

PAGE = 30


class CappedPaginator(Paginator):
    """Counts at most CAP rows: with 100,000 cases an exact count costs more than the page.

    Past the cap the list says "more than CAP" and the user narrows it with the filters.
    """

    CAP = 3000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def _page(request, queryset):
    return CappedPaginator(queryset, PAGE).get_page(request.GET.get("page"))


CASE_SORTS = {"registered", "number", "title", "status", "due", "holder"}  # selectors.CASE_ORDER


@require_safe
@login_required
def case_list(request):
    """Every case the user's agency is party to: status tabs with counts, search, sortable
    columns, the current step and who holds it, overdue ones marked."""
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in Case.Status.values else ""
    query = search_text(request.GET.get("q", ""))
    sort = request.GET.get("sort", "")
    sort = sort if sort.lstrip("-") in CASE_SORTS else "-registered"
    page = _page(request, selectors.case_list(user=user, status=status, query=query, sort=sort))
    steps = selectors.current_steps(user=user, cases=page.object_list)
    for case in page:
        case.steps = steps.get(case.pk, [])
    record_list_read(
        user,
        family="case",
        what=gettext_lazy("All cases"),
        filters={"status": status, "q": query, "sort": request.GET.get("sort") and sort},
        rows=page,
    )
    counts = selectors.case_status_counts(user=user, query=query)
    tab_query = request.GET.copy()
    for key in ("status", "page"):
        tab_query.pop(key, None)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "sort": sort,
            "tabs": [("", _("All"), sum(counts.values()))]
            + [(value, label, counts.get(value, 0)) for value, label in Case.Status.choices],
            "tab_query": tab_query.urlencode(),
            "can_register": can(user, Ability.REGISTER_CASE),
            "now": timezone.now(),
        },
    )


@require_safe
@login_required
def task_list(request, box: str):
    """待办 (inbox: mine and my unit's together) or 已办 (archive: what I completed)."""
    user = request.user
    filters = forms.TaskFilterForm(request.GET or None)
    chosen = dict(filters.cleaned_data) if filters.is_valid() else {}
    scope, sort = chosen.pop("scope", ""), chosen.pop("sort", "") or "due"
    inbox = box == "inbox"
    if inbox:
        tasks = selectors.inbox(user=user, scope=scope, sort=sort)
        counts = {
            key: CappedPaginator(
                selectors.filter_tasks(selectors.inbox(user=user, scope=key), **chosen), PAGE
            ).count
            for key in ("mine", "unit")
        }
    else:
        tasks, counts = selectors.archive(user=user), {}
    page = _page(request, selectors.filter_tasks(tasks, **chosen))
    titles = {"inbox": gettext_lazy("My tasks"), "archive": gettext_lazy("Done by me")}
    record_list_read(
        user,
        family="case",
        what=titles[box],
        filters={"box": box, "scope": scope, "sort": sort, **chosen},
        rows=page,
    )
    query = request.GET.copy()
    query.pop("scope", None)
    query.pop("page", None)
    return render(
        request,
        "cases/task_list.html",
        {
            "page": page,
            "box": box,
            "title": titles[box],
            "filters": filters,
            "scope": scope,
            "counts": counts,
            "cap": CappedPaginator.CAP,
            "scope_query": query.urlencode(),
            # several referrals to sign for on the page: offer to sign them at once
            "batch": inbox and sum(t.mine and t.flow_task.name == "receive" for t in page) > 1,
            "extensions": selectors.pending_extensions(user=user) if inbox else [],
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def batch_sign(request):
    """签收 several referrals at once from the inbox: signing needs no input, so it is safe in
    a batch. Each is its own step (its own flow lock and audit event); one a colleague signed
    a moment ago, or that is not the user's, is counted and left alone."""
    from viewflow.workflow.models import Task

    ids = {parse_id(value) for value in request.POST.getlist("task")} - {None}
    tasks = Task.objects.filter(pk__in=ids, flow_task_type="HUMAN").order_by("pk")
    signed = skipped = 0
    for task in tasks:
        if task.flow_task.name != "receive" or not may_act_on_task(request.user, task):
            skipped += 1
            continue
        try:
            services.referral_receive(task=task, user=request.user, action="sign")
        except (services.AlreadyHandled, PermissionDenied, FlowLockFailed, TransitionNotAllowed):
            skipped += 1
        else:
            signed += 1
    skipped += len(ids) - len(tasks)
    if signed:
        messages.success(
            request,
            ngettext(
                "%(n)d referral signed for; its receipt (回执) was issued.",
                "%(n)d referrals signed for; their receipts (回执) were issued.",
                signed,
            )
            % {"n": signed},
        )
    if skipped or not ids:
        messages.warning(
            request,
            _("%(n)d not signed: already handled by a colleague, or not yours to sign.")
            % {"n": skipped}
            if ids
            else _("Choose the referrals to sign for."),
        )
    return redirect(f"{reverse('cases:inbox')}?scope=mine")


@require_safe
@login_required
def supervision_list(request):
    """督办: tasks overdue past the leader's reminder, for the joint-meeting office."""
    if not can_supervise(request.user):
        raise PermissionDenied
    page = _page(request, selectors.supervised_tasks().prefetch_related("urges__urged_by"))
    for case_task in page:
        case_task.urged = next(iter(case_task.urges.all()), None)
        case_task.may_urge = urge_refusal(request.user, case_task) == (True, None)
    return render(
        request,
        "cases/supervision_list.html",
        {"page": page, "now": timezone.now(), "urge_form": forms.UrgeForm()},
    )


@require_POST
@login_required
@once_per_submission
def task_urge(request, pk: int):
    """催办 from the 督办 list: the holders and their leader are told, the case records it."""
    from workflow.models import CaseTask

    case_task = (
        CaseTask.objects.select_related("task", "case", "agency", "referral__to_agency")
        .filter(pk=pk)
        .first()
    )
    if case_task is None or not urge_refusal(request.user, case_task)[0]:
        raise Http404
    form = forms.UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        urge = services.task_urge(user=request.user, case_task=case_task, note=note)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Urged: %(agency)s was told, with its leader (%(n)d people).")
            % {"agency": case_task.agency.short_name, "n": len(urge.told)},
        )
    return redirect("cases:supervision")


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
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


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def case_detail(request, pk: int):
    case = access_case(request.user, pk)
    user = request.user
    referrals = list(selectors.case_referrals(user=user, case=case))
    own = case.agency_id == user.agency_id
    extensions = selectors.referral_extensions(referrals)
    pending = {pk for pk, items in extensions.items() if any(e.status == "pending" for e in items)}
    tasks = list(
        case.process.task_set.filter(flow_task_type="HUMAN")
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
        .select_related("owner", "case_task__agency", "process__caseprocess__case")
        .order_by("created", "pk")
    )
    actions = case_actions(user, case, referrals, tasks, pending)
    comment_form = forms.CommentForm(
        request.POST or None,
        referrals=Referral.objects.filter(
            pk__in=[r.pk for r in commentable_referrals(user, referrals)]
        ).select_related("to_agency"),
        own_case=own,
    )
    if request.method == "POST":
        if not actions.comment:
            raise Http404
        if comment_form.is_valid():
            try:
                services.comment_add(
                    case=case,
                    user=user,
                    body=comment_form.cleaned_data["body"],
                    referral=comment_form.cleaned_data["referral"],
                )
            except ValidationError as exc:
                comment_form.add_error(None, exc)
            else:
                messages.success(request, _("Comment added."))
                return redirect("cases:detail", case.pk)
    visible_ids = {r.pk for r in referrals}
    hidden = (
        Referral.objects.filter(case=case).exclude(pk__in=visible_ids).values_list("pk", flat=True)
    )
    timeline = (
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .exclude(data__referral__in=list(hidden))
        .exclude(action__endswith=READ_SUFFIX)  # the auditor's reads are the log's, not the case's
        .order_by("seq")
    )
    evidence = case.evidence.filter(Q(referral__isnull=True) | Q(referral__in=visible_ids))
    documents = selectors.referral_documents(referrals)
    for referral in referrals:
        referral.docs = documents.get(referral.pk, [])
        referral.extension_list = extensions.get(referral.pk, [])
        referral.may_withdraw = referral.pk in actions.withdraw
        referral.may_extend = referral.pk in actions.extend
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "referrals": referrals,
            "timeline": timeline,
            "evidence": evidence,
            "subjects": case.subjects.all(),
            "full_id_numbers": may_see_id_numbers(user, case, referrals),
            "own": own,
            "violation_types": case.violation_types.all(),
            "team": case.team.order_by("pk"),
            "open_tasks": actions.tasks,
            "waiting_tasks": actions.waiting,
            "chart": _chart(case),
            "comments": selectors.case_comments(case=case, referrals=referrals),
            "may_consult": actions.consult,
            "meeting_followups": _meeting_followups(user, case),
            "comment_form": comment_form if actions.comment else None,
            "now": timezone.now(),
            "today": timezone.localdate(),
            "audit_links": may_read_case_record(user),
        },
    )


def _meeting_followups(user, case) -> dict:
    from meetings.selectors import case_followups

    return case_followups(user, case)


def _chart(case):
    from workflow.chart import process_chart_svg  # the flow imports these views

    return process_chart_svg(case.process)


@require_safe
@login_required
def evidence_download(request, pk: int):
    evidence = access_evidence(request.user, pk)
    record_download(
        request.user,
        action="case.evidence_downloaded",
        what=f"{evidence.case.number} · {evidence.original_name}",
        obj=evidence.case,
        data={"evidence": evidence.pk, "sha256": evidence.sha256},
    )
    return file_response(
        evidence.file.open("rb"),
        name=evidence.original_name,
        extension=evidence.extension,
        content_type=evidence.content_type,
        default_stem=f"evidence-{evidence.pk}",
    )


@require_safe
@login_required
def referral_package(request, pk: int):
    """The referral's package as one zip (cases.package): whoever may open its documents."""
    from django.http import HttpResponse

    from cases.package import PackageTampered, build_package, package_name

    referral = access_referral_package(request.user, pk)
    try:
        spool, members, sha256 = build_package(referral)
    except PackageTampered as exc:
        return HttpResponse(
            _(
                "The stored file %(name)s no longer matches its recorded SHA-256; the package "
                "was not served. Tell your system administrator."
            )
            % {"name": exc.args[0]},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    record_download(
        request.user,
        action="referral.package_downloaded",
        what=f"{referral.case.number} · {package_name(referral)}.zip",
        obj=referral.case,
        data={
            "referral": referral.pk,
            "files": len(members),
            "documents": [m.document.pk for m in members if m.document is not None],
            "sha256": sha256,
        },
    )
    return file_response(
        spool,
        name=package_name(referral),
        extension="zip",
        content_type="application/zip",
        default_stem=f"referral-{referral.pk}",
    )


STEP_FORMS = {
    "approve": forms.DecideForm,
    "handle_in_house": forms.CloseForm,
    "receive": forms.ReceiveForm,
    "supplement": forms.SupplementForm,
    "decide": forms.ReferralDecideForm,
    "respond": forms.RespondForm,
    "reconsider": forms.ReconsiderForm,
    "supervise": forms.SuperviseForm,
    "file_on_notice": forms.FileOnNoticeForm,
    "handover": forms.HandoverForm,
    "investigate": forms.InvestigateForm,
    "close": forms.CloseForm,
    "approve_close": forms.CloseApprovalForm,
}


def _referrals_to(agencies, summary):
    return [
        {"to_agency": agency, "channel": forms.channel_for(agency), "summary": summary}
        for agency in agencies
    ]


def _complete(step, task, user, data):
    if step == "approve":
        return services.case_decide(
            task=task,
            user=user,
            decision=data["decision"],
            reason=data["reason"],
            referrals=_referrals_to(data["to_agencies"], data["summary"]),
            team=list(data["team"]),
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
    if step == "respond":
        return services.referral_respond(
            task=task, user=user, action=data["action"], reason=data["reason"]
        )
    if step == "reconsider":
        return services.referral_reconsider(
            task=task, user=user, accept=data["accept"], reason=data["reason"]
        )
    if step == "supervise":
        return services.referral_supervise(
            task=task, user=user, outcome=data["outcome"], note=data["note"]
        )
    if step == "file_on_notice":
        return services.referral_file_on_notice(task=task, user=user, note=data["note"])
    if step == "handover":
        return services.referral_handover(
            task=task, user=user, note=data["note"], files=data["files"]
        )
    if step == "investigate":
        if data["action"] == "hand_back":
            return services.referral_hand_back(task=task, user=user, reason=data["reason"])
        return services.referral_report(
            task=task,
            user=user,
            outcome=data["outcome"],
            outcomes=data["outcomes"],
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
            refer_to=_referrals_to(data["refer_to"], data["summary"]),
        )
    if step == "approve_close":
        return services.case_close_approve(
            task=task, user=user, approve=data["approve"], opinion=data["opinion"]
        )
    raise Http404


def _task_context(user, case, referral) -> dict:
    """What the actor needs to decide without leaving the task: the case's description and
    parties, the evidence they may open, the incoming 移送书 and other papers of the referral,
    and the previous steps' reasons (the referral's story in the template)."""
    referrals = list(selectors.case_referrals(user=user, case=case))
    visible = {r.pk for r in referrals}
    evidence = case.evidence.filter(Q(referral__isnull=True) | Q(referral__in=visible)).order_by(
        "uploaded_at", "pk"
    )
    papers = selectors.referral_documents([referral]).get(referral.pk, []) if referral else []
    return {
        "subjects": case.subjects.all(),
        "full_id_numbers": may_see_id_numbers(user, case, referrals),
        "evidence": evidence,
        "papers": papers,
    }


def _done_message(step, data, node) -> str:
    """What the step did, in the words of its outcome (a return is 已退回, not 已签收)."""
    outcome = {
        ("receive", "return"): _("Returned to the sending agency for more material."),
        ("receive", "sign"): _("Signed for; the receipt (回执) was issued."),
        ("decide", False): _("Refused; the sending agency is told the reasons."),
        ("decide", True): _("Accepted; the sending agency is told."),
        ("respond", "accept"): _("The refusal is accepted; this referral is finished."),
        ("respond", "reconsider"): _("Reconsideration requested from the receiving agency."),
        ("respond", "supervise"): _("Filing supervision requested from the procuratorate."),
        ("reconsider", False): _("The refusal is upheld."),
        ("reconsider", True): _("Accepted after reconsideration."),
        ("investigate", "hand_back"): _("Handed back for administrative handling."),
        ("investigate", "report"): _("The result was reported to the sending agency."),
        ("approve", "refer"): _("Referred; the referral letters were issued."),
        ("approve", "in_house"): _("The case stays with your agency."),
        ("approve", "unfounded"): _("Closed as unfounded."),
        ("approve_close", True): _("The closing is approved; the case is closed."),
        ("approve_close", False): _("The closing report is returned to the officer."),
    }
    key = data.get("action", data.get("accept", data.get("decision", data.get("approve"))))
    message = outcome.get((step, key))
    if message is None and step in ("close", "handle_in_house"):
        message = (
            _("Referred further.")
            if data.get("refer_to")
            else _("The closing report is sent to the leader for approval.")
        )
    return str(message or _("Done: %(step)s.") % {"step": node.task_title})


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
        referral = Referral.objects.select_related("to_agency", "from_agency", "copy_to").get(
            pk=task.data["referral_id"]
        )
    form_class = STEP_FORMS[step]
    kwargs = {}
    if form_class in (forms.DecideForm, forms.CloseForm):
        kwargs["case"] = case
    elif form_class in (forms.RespondForm, forms.InvestigateForm):
        kwargs["referral"] = referral
    form = form_class(request.POST or None, request.FILES or None, **kwargs)
    open_task = task.status in (STATUS.NEW, STATUS.ASSIGNED)
    refusal = task_refusal(request.user, task)
    may_act = refusal is None
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
                messages.success(request, _done_message(step, form.cleaned_data, node))
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
            "refusal": refusal,
            "case_task": getattr(task, "case_task", None),
            **_task_context(request.user, case, referral),
            "may_extend": bool(referral and may_act and step == "decide")
            and can_request_extension(request.user, referral),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_withdraw(request, pk: int):
    referral = access_referral(request.user, pk)
    if not can_withdraw(request.user, referral):
        raise Http404
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                referral=referral, user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyHandled:
            messages.info(request, _("This referral has already finished."))
            return redirect("cases:detail", referral.case_id)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The referral was withdrawn."))
            return redirect("cases:detail", referral.case_id)
    return render(
        request,
        "cases/referral_action.html",
        {"referral": referral, "form": form, "title": _("Withdraw the referral")},
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def extension_request(request, pk: int):
    referral = access_referral(request.user, pk)
    if referral.to_agency_id != request.user.agency_id:
        raise Http404
    refusal = extension_refusal(request.user, referral)
    form = forms.ExtensionRequestForm(request.POST or None)
    rule = selectors.next_extension(referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                referral=referral, user=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The extension request awaits the leader's approval."))
            return redirect("cases:detail", referral.case_id)
    return render(
        request,
        "cases/referral_action.html",
        {
            "referral": referral,
            "form": form,
            "title": _("Ask for an extension"),
            "refusal": refusal,
            "rule": DeadlineRule.objects.filter(code=rule).first() if rule else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def extension_decide(request, pk: int):
    extension = access_extension(request.user, pk)
    refusal = extension_decision_refusal(request.user, extension)
    may_decide = refusal is None
    form = forms.ExtensionDecideForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise Http404
        if form.is_valid():
            try:
                services.extension_decide(
                    extension=extension,
                    user=request.user,
                    approve=form.cleaned_data["approve"],
                    note=form.cleaned_data["note"],
                )
            except services.AlreadyHandled:
                messages.info(request, _("This request has already been decided."))
                return redirect("cases:inbox")
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("cases:inbox")
    return render(
        request,
        "cases/extension.html",
        {
            "extension": extension,
            "form": form,
            "may_decide": may_decide,
            "refusal": refusal,
            "rule": DeadlineRule.objects.filter(code=extension.rule).first(),
        },
    )
