"""Meeting pages: the list, one meeting with what each person may do in it, and the steps of a
round. Thin: forms check input, meetings/services.py decides and writes."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import Ability, can
from cases.models import Case
from cases.selectors import visible_cases_q
from meetings import round_forms as forms
from meetings import services
from meetings.access import access_meeting, visible_meetings
from meetings.ics import meeting_ics
from meetings.models import Meeting, Topic


def _form_page(request, form, meeting, title, template="meetings/step_form.html", **extra):
    return render(request, template, {"form": form, "meeting": meeting, "title": title, **extra})


def _run(request, form, action, success):
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


@require_safe
@login_required
def meeting_list(request):
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IssuedDocument
    from meetings.access import can_view_body_document
    from meetings.selectors import joint_body

    meetings = visible_meetings(request.user).select_related("body").order_by("-created_at")
    body = joint_body()
    reports = []
    if body is not None and can_view_body_document(request.user, body):
        reports = IssuedDocument.objects.filter(
            owner_type=ContentType.objects.get_for_model(body), owner_id=str(body.pk)
        ).order_by("-issued_at")
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "may_open": services.is_office(request.user), "reports": reports},
    )


@require_http_methods(["GET", "POST"])
@login_required
def work_report(request):
    if not services.is_office(request.user):
        raise Http404
    form = forms.WorkReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            services.work_report_issue(
                user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )

        if _run(request, form, action, _("The work report was issued.")):
            return redirect("meetings:index")
    return _form_page(request, form, None, _("Compile the work report (情况通报)"))


@require_http_methods(["GET", "POST"])
@login_required
def meeting_open(request):
    if not services.is_office(request.user):
        raise Http404
    case = None
    if request.GET.get("case"):
        case = Case.objects.filter(visible_cases_q(request.user), pk=request.GET["case"]).first()
        if case is None:
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
                title=data["title"],
                topics_due=data["topics_due"],
                agencies=list(data["agencies"]),
                case=case,
                note=data["note"],
            )

        if _run(request, form, action, _("Meeting opened.")):
            return redirect("meetings:meeting", created["meeting"].pk)
    return _form_page(request, form, None, _("Open a meeting"), case=case)


@require_safe
@login_required
def meeting_detail(request, pk: int):
    meeting = access_meeting(request.user, pk)
    user = request.user
    office = services.is_office(user, meeting.body)
    convenor = can(user, Ability.APPROVE_AGENDA)
    mine = meeting.participants.filter(agency_id=user.agency_id).first()
    topics = meeting.topics.select_related("agency", "merged_into").prefetch_related(
        "linked_cases__case"
    )
    if not (office or convenor):
        # a unit sees the agenda, and its own topics in every state
        topics = topics.filter(status=Topic.Status.ACCEPTED) | topics.filter(
            agency_id=user.agency_id
        )
    notices = meeting_documents(meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meeting.participants.select_related("agency", "replied_by"),
            "topics": topics.distinct().order_by("order", "submitted_at", "pk"),
            "mine": mine,
            "office": office,
            "convenor": convenor,
            "sees_notes": office or convenor,
            "documents": notices,
            "may_submit": bool(
                mine
                and can(user, Ability.SUBMIT_TOPIC)
                and meeting.status == Meeting.Status.COLLECTING
            )
            or (office and meeting.status == Meeting.Status.AGENDA),
            "may_reply": bool(
                mine
                and can(user, Ability.RSVP_MEETING)
                and meeting.status == Meeting.Status.NOTIFIED
            ),
            "screening": office
            and meeting.status in (Meeting.Status.COLLECTING, Meeting.Status.AGENDA),
            "screen_form": forms.ScreenForm(meeting=meeting),
            "resolutions": meeting.resolutions.select_related("lead_agency"),
            "comments": meeting.comments.select_related("author", "agency")
            if (office or convenor or mine)
            else [],
            "now": timezone.now(),
        },
    )


def meeting_documents(meeting):
    from django.contrib.contenttypes.models import ContentType

    from documents.models import IssuedDocument

    return IssuedDocument.objects.filter(
        owner_type=ContentType.objects.get_for_model(Meeting), owner_id=str(meeting.pk)
    ).order_by("issued_at")


@require_http_methods(["GET", "POST"])
@login_required
def topic_new(request, pk: int):
    meeting = access_meeting(request.user, pk)
    cases = Case.objects.filter(visible_cases_q(request.user)).order_by("-registered_at")
    form = forms.TopicForm(request.POST or None, cases=cases)
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
            )

        if _run(request, form, action, _("Topic submitted.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Submit a topic"))


@require_POST
@login_required
def topics_none(request, pk: int):
    meeting = access_meeting(request.user, pk)
    try:
        services.topics_none(user=request.user, meeting=meeting)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded: no topics from your unit."))
    return redirect("meetings:meeting", meeting.pk)


@require_POST
@login_required
def topic_screen(request, pk: int, topic_pk: int):
    meeting = access_meeting(request.user, pk)
    topic = meeting.topics.filter(pk=topic_pk).first()
    if topic is None or not services.is_office(request.user, meeting.body):
        raise Http404
    form = forms.ScreenForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_screen(
                user=request.user,
                topic=topic,
                action=data["action"],
                note=data["note"],
                merge_into=data["merge_into"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Topic screened."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("meetings:meeting", meeting.pk)


@require_POST
@login_required
def agenda_submit(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if not services.is_office(request.user, meeting.body):
        raise Http404
    items = []
    try:
        for topic in meeting.topics.filter(status=Topic.Status.ACCEPTED):
            items.append(
                (
                    topic,
                    int(request.POST.get(f"order-{topic.pk}", "")),
                    int(request.POST.get(f"minutes-{topic.pk}", "")),
                )
            )
        services.agenda_submit(user=request.user, meeting=meeting, items=items)
    except ValueError:
        messages.error(request, _("Give every topic a place and a duration in whole minutes."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The agenda was sent to the convenor."))
    return redirect("meetings:meeting", meeting.pk)


@require_http_methods(["GET", "POST"])
@login_required
def agenda_approve(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if not can(request.user, Ability.APPROVE_AGENDA):
        raise Http404
    form = forms.ApproveForm(request.POST or None)
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
                invited=list(data["invited"]),
            )

        if _run(request, form, action, _("Decision recorded.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        meeting,
        _("Approve the agenda"),
        agenda=meeting.topics.filter(status=Topic.Status.ACCEPTED).select_related("agency"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_rsvp(request, pk: int):
    meeting = access_meeting(request.user, pk)
    participant = meeting.participants.filter(agency_id=request.user.agency_id).first()
    if participant is None:
        raise Http404
    form = forms.RsvpForm(
        request.POST or None,
        initial={"reply": participant.reply if participant.reply != "pending" else None},
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

        if _run(request, form, action, _("Reply sent.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(request, form, meeting, _("Reply to the notice"))


@require_http_methods(["GET", "POST"])
@login_required
def meeting_cancel(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if not services.is_office(request.user, meeting.body):
        raise Http404
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            services.meeting_cancel(
                user=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )

        if _run(request, form, action, _("The meeting was cancelled.")):
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
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# -- the day, the minutes, the resolutions -------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if not services.is_office(request.user, meeting.body):
        raise Http404
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
    if not services.is_office(request.user, meeting.body):
        raise Http404
    initial = [
        {
            "text": r.text,
            "lead_agency": r.lead_agency_id,
            "cooperating": list(r.cooperating.values_list("pk", flat=True)),
            "due_on": r.due_on,
        }
        for r in meeting.resolutions.all()
    ]
    form = forms.MinutesForm(request.POST or None, initial={"text": meeting.minutes_text})
    # bound: no initial, or forms equal to the saved draft would count as "unchanged" and drop
    resolutions = forms.ResolutionFormSet(
        request.POST or None, initial=None if request.POST else initial, prefix="resolutions"
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
                    }
                    for i in items
                ],
            )
            if request.POST.get("then") == "submit":
                services.minutes_submit(user=request.user, meeting=meeting)

        if _run(request, form, action, _("Minutes saved.")):
            return redirect("meetings:meeting", meeting.pk)
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "form": form, "resolutions": resolutions},
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_comments(request, pk: int):
    """The office sends the draft out for comments; participants comment."""
    meeting = access_meeting(request.user, pk)
    office = services.is_office(request.user, meeting.body)
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

        if _run(request, form, action, _("Done.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        meeting,
        _("Send the draft minutes for comments") if office else _("Comment on the minutes"),
        minutes_text=meeting.minutes_text,
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_approve(request, pk: int):
    meeting = access_meeting(request.user, pk)
    if not can(request.user, Ability.APPROVE_MINUTES):
        raise Http404
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def action():
            services.minutes_approve(
                user=request.user,
                meeting=meeting,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )

        if _run(request, form, action, _("Decision recorded.")):
            return redirect("meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        meeting,
        _("Approve the minutes"),
        minutes_text=meeting.minutes_text,
        resolution_list=meeting.resolutions.select_related("lead_agency"),
    )


@require_safe
@login_required
def resolution_list(request):
    """督办: the resolutions my unit leads (the office and the convenor: all of them)."""
    from meetings.models import Resolution

    resolutions = Resolution.objects.exclude(status="draft").select_related(
        "meeting", "lead_agency"
    )
    everyone = services.is_office(request.user) or can(request.user, Ability.APPROVE_AGENDA)
    if not everyone:
        resolutions = resolutions.filter(lead_agency_id=request.user.agency_id)
    status = request.GET.get("status", "")
    if status in Resolution.Status.values:
        resolutions = resolutions.filter(status=status)
    return render(
        request,
        "meetings/resolution_list.html",
        {
            "resolutions": resolutions.order_by("due_on", "pk"),
            "today": timezone.localdate(),
            "statuses": Resolution.Status.choices[1:],
            "status": status,
        },
    )


def _access_resolution(user, pk):
    from meetings.models import Resolution

    resolution = (
        Resolution.objects.exclude(status="draft")
        .select_related("meeting__body", "lead_agency")
        .filter(pk=pk)
        .first()
    )
    if resolution is None:
        raise Http404
    if not (
        resolution.lead_agency_id == user.agency_id
        or services.is_office(user, resolution.meeting.body)
        or can(user, Ability.APPROVE_AGENDA)
        or resolution.cooperating.filter(pk=user.agency_id).exists()
    ):
        raise Http404
    return resolution


@require_http_methods(["GET", "POST"])
@login_required
def resolution_detail(request, pk: int):
    resolution = _access_resolution(request.user, pk)
    office = services.is_office(request.user, resolution.meeting.body)
    lead = resolution.lead_agency_id == request.user.agency_id and can(
        request.user, Ability.REPORT_RESOLUTION
    )
    report_form = forms.ReportForm(request.POST if "body" in request.POST else None)
    verify_form = forms.VerifyForm(request.POST if "accept" in request.POST else None)
    if request.method == "POST":
        if lead and report_form.is_bound and report_form.is_valid():
            data = report_form.cleaned_data
            if _run(
                request,
                report_form,
                lambda: services.resolution_report(
                    user=request.user,
                    resolution=resolution,
                    body=data["body"],
                    completion=data["completion"],
                ),
                _("Report recorded."),
            ):
                return redirect("meetings:resolution", resolution.pk)
        elif office and verify_form.is_bound and verify_form.is_valid():
            data = verify_form.cleaned_data
            if _run(
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
    return render(
        request,
        "meetings/resolution_detail.html",
        {
            "resolution": resolution,
            "reports": resolution.reports.select_related("author", "agency", "verified_by"),
            "cooperating": resolution.cooperating.all(),
            "report_form": report_form if lead and resolution.status == "open" else None,
            "verify_form": verify_form if office and resolution.status == "reported" else None,
            "today": timezone.localdate(),
        },
    )


@require_safe
@login_required
def calendar(request):
    """Meetings and their deadlines, and resolution due dates, from 30 days ago on."""
    from meetings.models import Resolution

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
                        "title": meeting.title,
                        "url": reverse("meetings:meeting", args=[meeting.pk]),
                    }
                )
    resolutions = Resolution.objects.filter(status__in=["open", "reported"]).select_related(
        "lead_agency"
    )
    if not (services.is_office(request.user) or can(request.user, Ability.APPROVE_AGENDA)):
        resolutions = resolutions.filter(lead_agency_id=request.user.agency_id)
    for resolution in resolutions:
        entries.append(
            {
                "day": resolution.due_on,
                "time": None,
                "what": _("Resolution due"),
                "title": (
                    f"{resolution.number}. {resolution.text[:40]}"
                    f"（{resolution.lead_agency.short_name}）"
                ),
                "url": reverse("meetings:resolution", args=[resolution.pk]),
            }
        )
    entries.sort(key=lambda e: (e["day"], e["time"] is None, e["time"] and e["time"].time()))
    return render(
        request,
        "meetings/calendar.html",
        {"entries": entries, "today": timezone.localdate()},
    )
