"""Meeting pages: the list with what is waiting for me, one meeting with what each person may
do in it, and the steps of a round. Thin: meetings/access.py decides who sees what, forms check
the input, meetings/services.py decides whether the step is allowed and writes."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import Ability, can
from agencies.models import Agency
from audit.models import AuditEvent
from audit.services import READ_SUFFIX, record_download, record_list_read, record_read
from cases.models import Case
from cases.selectors import visible_cases_q
from config.downloads import content_disposition, file_response
from core.forms import parse_id
from core.submissions import once_per_submission
from documents.models import IssuedDocument
from meetings import round_forms as forms
from meetings import services
from meetings.access import (
    access_meeting,
    access_meeting_file,
    access_resolution,
    can_view_body_document,
    can_view_meeting_papers,
    is_office,
    may_revise_topic,
    meeting_actions,
    resolution_actions,
    resolution_refusal,
    seat_of,
    sees_all_meetings,
    step_refusal,
    topic_revision_refusal,
    visible_meetings,
    visible_resolutions,
    visible_topics,
)
from meetings.ics import meeting_ics
from meetings.models import Meeting, MeetingFile, Participant, Resolution, Topic, TopicCase
from meetings.selectors import documents_of, joint_body, meeting_todos


def _form_page(request, form, meeting, title, template="meetings/step_form.html", **extra):
    return render(request, template, {"form": form, "meeting": meeting, "title": title, **extra})


def run_step(request, form, action, success):
    """Run a service for a valid form; a refusal becomes the form's message."""
    try:
        action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, success)
    return True


def _post_and_return(request, meeting, action, success):
    """A one-button step: run it, say what happened, back to the meeting."""
    try:
        action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("meetings:meeting", meeting.pk)


def _gate(request, meeting, step, refusal=None):
    """The page of a step (meetings.access STEPS): a 404 when it is never this user's; when it
    is theirs but not the moment (a stale link), back to the meeting saying why — a POST goes
    on to the service, which refuses with the same reason in the form. None: go ahead."""
    theirs, why_not = refusal or step_refusal(request.user, meeting, step)
    if not theirs:
        raise Http404
    if why_not and request.method != "POST":
        messages.info(request, why_not)
        return redirect("meetings:meeting", meeting.pk)
    return None


def meeting_documents(meeting):
    """The notice and the minutes (and their corrections)."""
    return documents_of(Meeting, [meeting.pk])


# -- the list and one meeting --------------------------------------------------------------


@require_safe
@login_required
def meeting_list(request):
    meetings = visible_meetings(request.user).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    meetings = list(meetings[:200])
    record_list_read(
        request.user,
        family="meetings",
        what=gettext_lazy("Meetings"),
        filters={"status": status},
        rows=meetings,
    )
    body = joint_body()
    reports = []
    if body is not None and can_view_body_document(request.user, body):
        # the reports of the years before 签发 (owned by the body) and the signed ones
        signed = IssuedDocument.objects.filter(
            doc_type="report", dispatch__joint_meeting=True, dispatch__agency=body.lead_agency
        )
        reports = (documents_of(type(body), [body.pk]) | signed).order_by("-issued_at")[:10]
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings,
            "todos": meeting_todos(request.user),
            "may_open": is_office(request.user),
            "reports": reports,
            "statuses": Meeting.Status.choices,
            "status": status,
        },
    )


def _timeline(meeting, topic_ids, sees_all):
    events = (
        AuditEvent.objects.filter(object_type="meetings.meeting", object_id=str(meeting.pk))
        .exclude(action__endswith=READ_SUFFIX)  # the auditor's reads are the log's
        .order_by("seq")
    )
    if not sees_all:
        # other units' topics that never reached the agenda stay out of their timeline
        hidden = meeting.topics.exclude(pk__in=topic_ids).values_list("pk", flat=True)
        events = events.exclude(data__topic__in=list(hidden))
    return events


@require_safe
@login_required
def meeting_detail(request, pk: int):
    meeting = access_meeting(request.user, pk)
    user = request.user
    office = is_office(user, meeting.body)
    convenor = can(user, Ability.APPROVE_AGENDA)
    sees_all = office or convenor
    reads_all = sees_all or can(user, Ability.READ_ALL_CASES)  # the auditor: all but the notes
    mine = seat_of(user, meeting)
    topics = list(
        visible_topics(user, meeting, mine)
        .select_related("agency", "merged_into")
        .prefetch_related(
            "invited",
            Prefetch("materials", queryset=MeetingFile.objects.order_by("pk")),
            Prefetch("linked_cases", queryset=TopicCase.objects.select_related("case")),
        )
        .order_by("order", "submitted_at", "pk")
    )
    readable_cases = set(
        Case.objects.filter(
            visible_cases_q(user), pk__in=[c.case_id for t in topics for c in t.linked_cases.all()]
        ).values_list("pk", flat=True)
    )
    status = meeting.status
    items_only = bool(mine and mine.items_only)
    resolutions = meeting.resolutions.select_related("lead_agency")
    if not sees_all and status != Meeting.Status.MINUTES_COMMENTS:
        resolutions = resolutions.exclude(status=Resolution.Status.DRAFT)  # drafts: the office's
    if items_only:
        resolutions = resolutions.filter(
            Q(topic__in=[t.pk for t in topics]) | Q(lead_agency=user.agency_id)
        )
    documents = meeting_documents(meeting) if can_view_meeting_papers(user, meeting) else []
    letters = documents_of(
        Participant,
        [p.pk for p in meeting.participants.all() if reads_all or p.agency_id == user.agency_id],
    )
    actions = meeting_actions(user, meeting, mine, seat_known=True)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meeting.participants.select_related("agency", "replied_by"),
            "topics": topics,
            "topic_ids": {t.pk for t in topics},
            "readable_cases": readable_cases,
            "mine": mine,
            "items_only": items_only,
            "office": office,
            "convenor": convenor,
            "sees_notes": sees_all,
            "documents": documents,
            "letters": letters,
            "actions": actions,
            "revisable": {t.pk for t in topics if may_revise_topic(user, t, meeting)},
            "screening": "screen" in actions,
            "screen_form": forms.ScreenForm(meeting=meeting),
            "resolutions": resolutions,
            "comments": meeting.comments.select_related("author", "agency")
            if (reads_all or (mine and not items_only))
            else [],
            "timeline": _timeline(meeting, [t.pk for t in topics], sees_all)
            if not items_only
            else [],
            "now": timezone.now(),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def meeting_open(request):
    if not is_office(request.user):
        raise Http404
    case = None
    if request.GET.get("case"):
        case_pk = parse_id(request.GET["case"])
        case = case_pk and Case.objects.filter(visible_cases_q(request.user), pk=case_pk).first()
        if not case:
            raise Http404
    initial = {}
    if case is not None:
        parties = {case.agency_id, *case.referrals.values_list("to_agency_id", flat=True)}
        initial = {
            "kind": Meeting.Kind.CONSULTATION,
            "title": f"{case.number}重大案件会商",
            "agencies": list(parties),
        }
    form = forms.MeetingOpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def action():
            created["meeting"] = services.meeting_open(
                user=request.user,
                kind=data["kind"],
                ad_hoc=data["ad_hoc"],
                title=data["title"],
                topics_due=data["topics_due"],
                agencies=list(data["agencies"]),
                case=case,
                note=data["note"],
            )

        if run_step(request, form, action, _("Meeting opened.")):
            return redirect("meetings:meeting", created["meeting"].pk)
    return _form_page(request, form, None, _("Open a meeting"), case=case)


# -- topics ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def topic_new(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "submit_topic"):
        return stop
    cases = Case.objects.filter(visible_cases_q(request.user)).order_by("-registered_at")
    presenting = None
    if is_office(request.user, meeting.body) and meeting.status == Meeting.Status.AGENDA:
        presenting = Agency.objects.filter(
            pk__in=meeting.participants.filter(items_only=False).values("agency_id")
        )
    form = forms.TopicForm(
        request.POST or None,
        request.FILES or None,
        cases=cases,
        presenting=presenting,
        initial={"presenting": request.user.agency_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        linked = [(data["case"], data["case_summary"])] if data["case"] else []

        def action():
            services.topic_submit(
                user=request.user,
                meeting=meeting,
                title=data["title"],
                background=data["background"],
                proposed_resolution=data["proposed_resolution"],
                cases=linked,
                files=data["files"],
                presenting=data.get("presenting"),
            )

        if run_step(request, form, action, _("Topic submitted.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Submit a topic"), multipart=True)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def topic_edit(request, pk: int, topic_pk: int):
    meeting = access_meeting(request.user, pk)
    topic = meeting.topics.filter(pk=topic_pk, agency_id=request.user.agency_id).first()
    if topic is None:
        raise Http404
    if stop := _gate(request, meeting, None, topic_revision_refusal(request.user, topic, meeting)):
        return stop
    form = forms.TopicEditForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "title": topic.title,
            "background": topic.background,
            "proposed_resolution": topic.proposed_resolution,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action():
            services.topic_revise(
                user=request.user,
                topic=topic,
                title=data["title"],
                background=data["background"],
                proposed_resolution=data["proposed_resolution"],
                files=data["files"],
            )

        if run_step(request, form, action, _("The revised topic was sent to the office.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request, form, meeting, _("Revise the topic"), multipart=True, office_note=topic.office_note
    )


@require_POST
@login_required
def topics_none(request, pk: int):
    meeting = access_meeting(request.user, pk)
    return _post_and_return(
        request,
        meeting,
        lambda: services.topics_none(user=request.user, meeting=meeting),
        _("Recorded: no topics from your unit."),
    )


@require_POST
@login_required
def topic_screen(request, pk: int, topic_pk: int):
    meeting = access_meeting(request.user, pk)
    topic = meeting.topics.filter(pk=topic_pk).first()
    if topic is None:
        raise Http404
    _gate(request, meeting, "screen")
    form = forms.ScreenForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("meetings:meeting", meeting.pk)
    data = form.cleaned_data
    return _post_and_return(
        request,
        meeting,
        lambda: services.topic_screen(
            user=request.user,
            topic=topic,
            action=data["action"],
            note=data["note"],
            merge_into=data["merge_into"],
        ),
        _("Topic screened."),
    )


@require_POST
@login_required
def agenda_submit(request, pk: int):
    meeting = access_meeting(request.user, pk)
    _gate(request, meeting, "submit_agenda")

    def action():
        items = []
        for topic in meeting.topics.filter(status=Topic.Status.ACCEPTED):
            try:
                order = int(request.POST.get(f"order-{topic.pk}", ""))
                minutes = int(request.POST.get(f"minutes-{topic.pk}", ""))
            except ValueError:
                raise ValidationError(
                    _("Give every topic a place and a duration in whole minutes.")
                ) from None
            items.append((topic, order, minutes))
        services.agenda_submit(user=request.user, meeting=meeting, items=items)

    return _post_and_return(request, meeting, action, _("The agenda was sent to the convenor."))


# -- approval, notice, changes ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def agenda_approve(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "approve_agenda"):
        return stop
    agenda = list(
        meeting.topics.filter(status=Topic.Status.ACCEPTED)
        .select_related("agency")
        .order_by("order", "pk")
    )
    guests = Agency.objects.filter(is_active=True).exclude(
        pk__in=meeting.participants.filter(items_only=False).values("agency_id")
    )
    form = forms.ApproveForm(
        request.POST or None,
        chairs=services.chairs(meeting.body),
        agenda=agenda,
        guests=guests,
        initial={"chair": meeting.body.convenor_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action():
            services.agenda_approve(
                user=request.user,
                meeting=meeting,
                approve=data["approve"],
                note=data["note"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                form=data["form"],
                rsvp_due=data["rsvp_due"],
                chair=data["chair"],
                invited=form.invited(),
            )

        if run_step(request, form, action, _("Decision recorded.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Approve the agenda"), agenda=agenda)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def meeting_reschedule(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "reschedule"):
        return stop
    form = forms.RescheduleForm(
        request.POST or None,
        initial={
            "starts_at": meeting.starts_at and timezone.localtime(meeting.starts_at),
            "ends_at": meeting.ends_at and timezone.localtime(meeting.ends_at),
            "rsvp_due": meeting.rsvp_due and timezone.localtime(meeting.rsvp_due),
            "form": meeting.form,
            "place": meeting.place,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action():
            services.meeting_reschedule(
                user=request.user,
                meeting=meeting,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                form=data["form"],
                rsvp_due=data["rsvp_due"],
                reason=data["reason"],
            )

        done = _("The meeting was changed; the invitations were resent.")
        if run_step(request, form, action, done):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Change the time or place"))


@require_http_methods(["GET", "POST"])
@login_required
def meeting_rsvp(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "reply"):
        return stop
    participant = seat_of(request.user, meeting)
    form = forms.RsvpForm(
        request.POST or None,
        initial={
            "reply": participant.reply if participant.reply != "pending" else None,
            "attendees": participant.attendees,
            "leave_reason": participant.leave_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action():
            services.rsvp(
                user=request.user,
                meeting=meeting,
                reply=data["reply"],
                attendees=data["attendees"],
                leave_reason=data["leave_reason"],
            )

        if run_step(request, form, action, _("Reply sent.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Reply to the notice"))


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def meeting_cancel(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "cancel"):
        return stop
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            services.meeting_cancel(
                user=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )

        if run_step(request, form, action, _("The meeting was cancelled.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Cancel the meeting"))


@require_safe
@login_required
def meeting_calendar_file(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if meeting.starts_at is None:
        raise Http404
    cancelled = meeting.status == Meeting.Status.CANCELLED
    response = HttpResponse(
        meeting_ics(meeting, cancel=cancelled), content_type="text/calendar; charset=utf-8"
    )
    name = f"meeting-{meeting.pk}.ics"
    record_download(
        request.user,
        action="meetings.calendar_downloaded",
        what=f"{meeting.title} · {name}",
        obj=meeting,
        data={"cancel": cancelled},
    )
    response["Content-Disposition"] = content_disposition(name, fallback=name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def file_download(request, pk: int):
    item = access_meeting_file(request.user, pk)
    record_download(
        request.user,
        action="meetings.file_downloaded",
        what=f"{item.meeting.title} · {item.original_name}",
        obj=item.meeting,
        data={"file": item.pk, "sha256": item.sha256},
    )
    return file_response(
        item.file.open("rb"),
        name=item.original_name,
        extension=item.extension,
        content_type=item.content_type,
        default_stem=f"meeting-file-{item.pk}",
    )


# -- the day, the minutes -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "attendance"):
        return stop
    participants = list(meeting.participants.select_related("agency"))
    error = ""
    if request.method == "POST":
        marks = {p.pk: request.POST.get(f"attendance-{p.pk}", "") for p in participants}
        try:
            services.attendance_record(user=request.user, meeting=meeting, attendance=marks)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("meetings:meeting", meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "participants": participants, "error": error},
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "draft_minutes"):
        return stop
    agenda = meeting.topics.filter(status=Topic.Status.ACCEPTED).order_by("order", "pk")
    linked = TopicCase.objects.filter(topic__in=agenda).values("case_id")
    cases = Case.objects.filter(visible_cases_q(request.user)).filter(
        Q(pk__in=linked) | Q(pk=meeting.case_id)
    )
    initial = [
        {
            "text": r.text,
            "lead_agency": r.lead_agency_id,
            "cooperating": list(r.cooperating.values_list("pk", flat=True)),
            "due_on": r.due_on,
            "topic": r.topic_id,
            "case": r.case_id,
        }
        for r in meeting.resolutions.all()
    ]
    form = forms.MinutesForm(request.POST or None, initial={"text": meeting.minutes_text})
    # bound: no initial, or forms equal to the saved draft would count as "unchanged" and drop
    resolutions = forms.ResolutionFormSet(
        request.POST or None,
        initial=None if request.POST else initial,
        prefix="resolutions",
        form_kwargs={"topics": agenda, "cases": cases},
    )
    if request.method == "POST" and form.is_valid() and resolutions.is_valid():
        items = [
            f.cleaned_data
            for f in resolutions.forms
            if f.cleaned_data and f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
        ]

        def action():
            services.minutes_draft(
                user=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                resolutions=[
                    {
                        "text": i["text"],
                        "lead_agency": i["lead_agency"],
                        "cooperating": list(i["cooperating"]),
                        "due_on": i["due_on"],
                        "topic": i["topic"],
                        "case": i["case"],
                    }
                    for i in items
                ],
            )
            if request.POST.get("then") == "submit":
                services.minutes_submit(user=request.user, meeting=meeting)

        if run_step(request, form, action, _("Minutes saved.")):
            return redirect("meetings:meeting", meeting.pk)
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "form": form, "resolutions": resolutions},
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def minutes_comments(request, pk: int):
    """The office sends the draft out for comments; the units taking part comment."""
    meeting = access_meeting(request.user, pk)
    office = is_office(request.user, meeting.body)
    # the office sends the draft out; units read it only while it is out for their comments
    if stop := _gate(request, meeting, "send_for_comments" if office else "comment_minutes"):
        return stop
    form = (forms.CommentsDueForm if office else forms.CommentForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            if office:
                services.minutes_for_comments(
                    user=request.user,
                    meeting=meeting,
                    comments_due=form.cleaned_data["comments_due"],
                )
            else:
                services.minutes_comment(
                    user=request.user, meeting=meeting, body=form.cleaned_data["body"]
                )

        if run_step(request, form, action, _("Done.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        meeting,
        _("Send the draft minutes for comments") if office else _("Comment on the minutes"),
        minutes_text=meeting.minutes_text,
        resolution_list=meeting.resolutions.select_related("lead_agency"),
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def minutes_approve(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if stop := _gate(request, meeting, "approve_minutes"):
        return stop
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            services.minutes_approve(
                user=request.user,
                meeting=meeting,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )

        if run_step(request, form, action, _("Decision recorded.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        meeting,
        _("Approve the minutes"),
        minutes_text=meeting.minutes_text,
        resolution_list=meeting.resolutions.select_related("lead_agency"),
        comments=meeting.comments.select_related("author", "agency"),
    )


# -- resolutions (督办) ----------------------------------------------------------------------


@require_safe
@login_required
def resolution_list(request):
    """督办: the resolutions my unit leads or cooperates on (the office and the convenor: all
    of them), filtered by status, overdue or escalated to the office."""
    everyone = sees_all_meetings(request.user)
    resolutions = visible_resolutions(request.user).select_related("meeting", "lead_agency")
    if not everyone:
        agency_id = request.user.agency_id
        resolutions = resolutions.filter(
            Q(lead_agency_id=agency_id) | Q(cooperating=agency_id)
        ).distinct()
    status = request.GET.get("status", "")
    if status in Resolution.Status.values:
        resolutions = resolutions.filter(status=status)
    today = timezone.localdate()
    if request.GET.get("overdue"):
        resolutions = resolutions.filter(status=Resolution.Status.OPEN, due_on__lt=today)
    if request.GET.get("escalated"):
        resolutions = resolutions.filter(status=Resolution.Status.OPEN, escalation__gte=3)
    resolutions = list(resolutions.order_by("due_on", "pk")[:500])
    record_list_read(
        request.user,
        family="meetings",
        what=gettext_lazy("Resolutions (督办)"),
        filters={
            "status": status,
            "overdue": bool(request.GET.get("overdue")),
            "escalated": bool(request.GET.get("escalated")),
        },
        rows=resolutions,
    )
    return render(
        request,
        "meetings/resolution_list.html",
        {
            "resolutions": resolutions,
            "today": today,
            "statuses": Resolution.Status.choices[1:],
            "status": status,
            "overdue": bool(request.GET.get("overdue")),
            "escalated": bool(request.GET.get("escalated")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def resolution_detail(request, pk: int):
    resolution = access_resolution(request.user, pk)
    # the lead unit reports, the office checks (meetings.access.resolution_refusal); a POST of
    # either is refused in the form with the reason when it is no longer the moment
    lead = resolution_refusal(request.user, resolution, "report")[0]
    office = resolution_refusal(request.user, resolution, "verify")[0]
    actions = resolution_actions(request.user, resolution)
    report_form = forms.ReportForm(
        request.POST if "body" in request.POST else None, request.FILES or None
    )
    verify_form = forms.VerifyForm(request.POST if "accept" in request.POST else None)
    if request.method == "POST":
        if lead and report_form.is_bound and report_form.is_valid():
            data = report_form.cleaned_data
            if run_step(
                request,
                report_form,
                lambda: services.resolution_report(
                    user=request.user,
                    resolution=resolution,
                    body=data["body"],
                    completion=data["completion"],
                    files=data["files"],
                ),
                _("Report recorded."),
            ):
                return redirect("meetings:resolution", resolution.pk)
        elif office and verify_form.is_bound and verify_form.is_valid():
            data = verify_form.cleaned_data
            if run_step(
                request,
                verify_form,
                lambda: services.resolution_verify(
                    user=request.user,
                    resolution=resolution,
                    accept=data["accept"],
                    note=data["note"],
                ),
                _("Decision recorded."),
            ):
                return redirect("meetings:resolution", resolution.pk)
        elif not (lead or office):
            raise Http404
    case_visible = bool(
        resolution.case_id
        and Case.objects.filter(visible_cases_q(request.user), pk=resolution.case_id).exists()
    )
    return render(
        request,
        "meetings/resolution_detail.html",
        {
            "resolution": resolution,
            "meeting_visible": visible_meetings(request.user)
            .filter(pk=resolution.meeting_id)
            .exists(),
            "case_visible": case_visible,
            "reports": resolution.reports.select_related(
                "author", "agency", "verified_by"
            ).prefetch_related("files"),
            "cooperating": resolution.cooperating.all(),
            "report_form": report_form if "report" in actions or report_form.is_bound else None,
            "verify_form": verify_form if "verify" in actions or verify_form.is_bound else None,
            "today": timezone.localdate(),
        },
    )


# -- the calendar ---------------------------------------------------------------------------


@require_safe
@login_required
def calendar(request):
    """Meetings and their deadlines, and resolution due dates, from 30 days ago on, by month."""
    since = timezone.now() - timedelta(days=30)
    entries = []
    meetings = visible_meetings(request.user).exclude(status=Meeting.Status.CANCELLED)
    for meeting in meetings:
        for moment, label in (
            (meeting.topics_due, _("Topics due")),
            (meeting.rsvp_due, _("Replies due")),
            (meeting.starts_at, _("Meeting")),
            (meeting.comments_due, _("Comments on the minutes due")),
        ):
            if moment and moment >= since:
                entries.append(
                    {
                        "day": timezone.localtime(moment).date(),
                        "time": timezone.localtime(moment),
                        "what": label,
                        "is_meeting": moment == meeting.starts_at,
                        "title": meeting.title,
                        "url": reverse("meetings:meeting", args=[meeting.pk]),
                    }
                )
    resolutions = visible_resolutions(request.user).filter(
        status__in=[Resolution.Status.OPEN, Resolution.Status.REPORTED]
    )
    if not sees_all_meetings(request.user):
        resolutions = resolutions.filter(
            Q(lead_agency_id=request.user.agency_id) | Q(cooperating=request.user.agency_id)
        ).distinct()
    resolutions = list(resolutions.select_related("lead_agency"))
    for resolution in resolutions:
        entries.append(
            {
                "day": resolution.due_on,
                "time": None,
                "what": _("Resolution due"),
                "is_meeting": False,
                "title": (
                    f"{resolution.number}. {resolution.text[:40]}"
                    f"（{resolution.lead_agency.short_name}）"
                ),
                "url": reverse("meetings:resolution", args=[resolution.pk]),
            }
        )
    entries.sort(key=lambda e: (e["day"], e["time"] is None, e["time"] and e["time"].time()))
    record_read(
        request.user,
        family="meetings",
        what=gettext_lazy("Calendar"),
        data={
            "count": len(entries),
            "meetings": [m.pk for m in meetings],
            "resolutions": [r.pk for r in resolutions],
        },
    )
    months: dict = {}
    for entry in entries:
        months.setdefault(entry["day"].replace(day=1), []).append(entry)
    return render(
        request,
        "meetings/calendar.html",
        {"months": months.items(), "today": timezone.localdate()},
    )


def _report_page(request, draft, done, title):
    """The period form of a 情况通报; `draft(user=, start=, end=)` writes the draft, and the
    drafter goes on to edit it."""
    form = forms.WorkReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        drafted = []

        def action():
            drafted.append(
                draft(
                    user=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            )

        if run_step(request, form, action, done):
            return redirect("documents:dispatch", drafted[0].pk)
    return _form_page(request, form, None, title)


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def work_report(request):
    if not is_office(request.user):
        raise Http404
    done = _(
        "The work report was drafted with the period's figures. Edit its narrative, check "
        "the preview, then send it to be checked (核稿); the convenor signs it (签发)."
    )
    return _report_page(
        request, services.work_report_draft, done, _("Compile the work report (情况通报)")
    )


@require_http_methods(["GET", "POST"])
@login_required
@once_per_submission
def unit_report(request):
    """A member unit's own 情况通报 from its figures (stats.access.unit_report_refusal)."""
    from stats.access import may_draft_unit_report

    if not may_draft_unit_report(request.user):
        raise Http404
    done = _(
        "Your unit's work report was drafted with its figures. Edit its narrative, check "
        "the preview, then send it to be checked (核稿); your leader signs it (签发)."
    )
    return _report_page(
        request,
        services.unit_report_draft,
        done,
        _("Compile your unit's work report (情况通报)"),
    )
