"""The site shell: viewflow's Site with one Application per area of work.

Each application decides who sees it through agencies.access; the home page and the menu
list only the applications the user may use. Later issues add Cases (案件) and Meetings (会议).
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from agencies import views as agency_views
from agencies.access import Ability, can
from audit import views as audit_views
from cases import ledger_views
from cases import views as case_views
from config import views
from documents import views as document_views
from meetings import body_pages as meeting_body_views
from meetings import views as meeting_views
from monitor import views as monitor_views
from notifications import urls as notification_urls
from stats import views as stats_views
from stats.access import may_view_statistics


class XietongApplication(Application):
    """An application whose visibility is one ability from agencies.access."""

    ability: Ability
    description = ""
    menu_template_name = "xietong/app_menu.html"
    base_template_name = "xietong/base.html"
    menu_links: tuple = ()  # (title, url name within the app, icon[, ability])

    def has_view_permission(self, user, obj=None):
        return can(user, self.ability)


class DirectoryApp(XietongApplication):
    title = _("Directory")
    icon = "account_balance"
    app_name = "directory"
    ability = Ability.VIEW_DIRECTORY
    description = _("Agencies of the joint-meeting system, their people, roles and liaisons.")
    menu_links = ((_("Agencies"), "index", "account_balance"),)

    index_path = path("", agency_views.agency_list, name="index")
    agency_path = path("<id:pk>/", agency_views.agency_detail, name="agency")


class AuditApp(XietongApplication):
    title = _("Audit")
    icon = "policy"
    app_name = "audit"
    ability = Ability.READ_AUDIT_LOG
    description = _("The tamper-evident log of every change and step, and its verification.")
    menu_links = ((_("Audit log"), "index", "history"),)

    index_path = path("", audit_views.event_list, name="index")
    event_path = path("<id:seq>/", audit_views.event_detail, name="event")
    verify_path = path("verify/", audit_views.verify, name="verify")
    export_path = path("export/<slug:kind>/", audit_views.export, name="export")
    case_record_path = path("cases/<id:pk>/record.pdf", audit_views.case_record, name="case_record")


class CasesApp(XietongApplication):
    title = _("Cases")
    icon = "folder_shared"
    app_name = "cases"
    ability = Ability.VIEW_DIRECTORY
    description = _("Clues and referrals between agencies: register, approve, refer, report.")
    menu_links = (
        (_("My tasks"), "inbox", "inbox"),
        (_("Done by me"), "archive", "task_alt"),
        (_("All cases"), "index", "folder_shared"),
        (_("Case ledger (台账)"), "ledger", "table_view"),
        (_("Register a clue"), "create", "add", Ability.REGISTER_CASE),
        (_("Supervision (督办)"), "supervision", "assignment_late", Ability.RUN_MEETINGS),
    )

    index_path = path("", case_views.case_list, name="index")
    ledger_path = path("ledger/", ledger_views.ledger_page, name="ledger")
    ledger_export_path = path(
        "ledger/export/<slug:kind>/", ledger_views.ledger_export, name="ledger_export"
    )
    inbox_path = path("inbox/", case_views.task_list, {"box": "inbox"}, name="inbox")
    archive_path = path("archive/", case_views.task_list, {"box": "archive"}, name="archive")
    batch_sign_path = path("inbox/sign/", case_views.batch_sign, name="batch_sign")
    create_path = path("new/", case_views.case_create, name="create")
    detail_path = path("<id:pk>/", case_views.case_detail, name="detail")
    evidence_path = path("evidence/<id:pk>/", case_views.evidence_download, name="evidence")
    task_path = path("tasks/<id:pk>/", case_views.task_page, name="task")
    supervision_path = path("supervision/", case_views.supervision_list, name="supervision")
    urge_path = path("supervision/<id:pk>/urge/", case_views.task_urge, name="urge")
    withdraw_path = path(
        "referrals/<id:pk>/withdraw/", case_views.referral_withdraw, name="withdraw"
    )
    extend_path = path("referrals/<id:pk>/extend/", case_views.extension_request, name="extend")
    package_path = path(
        "referrals/<id:pk>/package.zip", case_views.referral_package, name="package"
    )
    extension_path = path("extensions/<id:pk>/", case_views.extension_decide, name="extension")


class DocumentsApp(XietongApplication):
    title = _("Documents")
    icon = "description"
    app_name = "documents"
    ability = Ability.VIEW_DIRECTORY
    description = _("Official documents (公文) in the national format: draft, issue, download.")
    menu_links = (
        (_("Outgoing and incoming"), "index", "inbox"),
        (_("New document"), "create", "note_add", Ability.ISSUE_DOCUMENTS),
        (_("Layout preview"), "samples", "preview", Ability.PREVIEW_DOCUMENTS),
    )

    index_path = path("", document_views.dispatch_list, name="index")
    create_path = path("new/", document_views.dispatch_create, name="create")
    dispatch_path = path("<id:pk>/", document_views.dispatch_detail, name="dispatch")
    edit_path = path("<id:pk>/edit/", document_views.dispatch_edit, name="edit")
    draft_path = path("<id:pk>/draft.pdf", document_views.dispatch_draft_pdf, name="draft_pdf")
    submit_path = path("<id:pk>/submit/", document_views.dispatch_submit, name="submit")
    check_path = path("<id:pk>/check/", document_views.dispatch_check, name="check")
    sign_path = path("<id:pk>/sign/", document_views.dispatch_sign, name="sign")
    sheet_path = path("<id:pk>/sheet/", document_views.dispatch_sheet, name="sheet")
    correct_path = path("<id:pk>/correct/", document_views.dispatch_correct, name="correct")
    download_path = path("issued/<id:pk>.pdf", document_views.document_download, name="download")
    archive_path = path(
        "issued/<id:pk>-pdfa.pdf",
        document_views.document_download,
        {"archive": True},
        name="download_archive",
    )
    samples_path = path("samples/", document_views.sample_list, name="samples")
    sample_path = path("samples/<slug:code>.pdf", document_views.sample_pdf, name="sample_pdf")


class MeetingsApp(XietongApplication):
    title = _("Joint meetings")
    icon = "groups"
    app_name = "meetings"
    ability = Ability.VIEW_DIRECTORY
    description = _("The joint-meeting body: topics, agendas, notices, minutes, resolutions.")
    menu_links = (
        (_("Meetings"), "index", "event"),
        (_("Resolutions (督办)"), "resolutions", "checklist"),
        (_("Calendar"), "calendar", "calendar_month"),
        (_("Joint-meeting body"), "body", "diversity_3"),
    )

    # meetings and their rounds (meetings/views.py)
    index_path = path("", meeting_views.meeting_list, name="index")
    open_path = path("new/", meeting_views.meeting_open, name="open")
    meeting_path = path("<id:pk>/", meeting_views.meeting_detail, name="meeting")
    topic_path = path("<id:pk>/topics/new/", meeting_views.topic_new, name="topic_new")
    no_topics_path = path("<id:pk>/topics/none/", meeting_views.topics_none, name="no_topics")
    topic_edit_path = path(
        "<id:pk>/topics/<id:topic_pk>/edit/", meeting_views.topic_edit, name="topic_edit"
    )
    screen_path = path(
        "<id:pk>/topics/<id:topic_pk>/screen/", meeting_views.topic_screen, name="screen"
    )
    agenda_path = path("<id:pk>/agenda/", meeting_views.agenda_submit, name="agenda")
    approve_path = path("<id:pk>/approve/", meeting_views.agenda_approve, name="approve")
    rsvp_path = path("<id:pk>/reply/", meeting_views.meeting_rsvp, name="rsvp")
    reschedule_path = path(
        "<id:pk>/reschedule/", meeting_views.meeting_reschedule, name="reschedule"
    )
    cancel_path = path("<id:pk>/cancel/", meeting_views.meeting_cancel, name="cancel")
    file_path = path("files/<id:pk>/", meeting_views.file_download, name="file")
    ics_path = path("<id:pk>/meeting.ics", meeting_views.meeting_calendar_file, name="ics")
    attendance_path = path("<id:pk>/attendance/", meeting_views.attendance, name="attendance")
    minutes_path = path("<id:pk>/minutes/", meeting_views.minutes, name="minutes")
    comments_path = path(
        "<id:pk>/minutes/comments/", meeting_views.minutes_comments, name="comments"
    )
    minutes_approve_path = path(
        "<id:pk>/minutes/approve/", meeting_views.minutes_approve, name="minutes_approve"
    )
    resolutions_path = path("resolutions/", meeting_views.resolution_list, name="resolutions")
    calendar_path = path("calendar/", meeting_views.calendar, name="calendar")
    report_path = path("reports/new/", meeting_views.work_report, name="work_report")
    unit_report_path = path("reports/unit/new/", meeting_views.unit_report, name="unit_report")
    resolution_path = path(
        "resolutions/<id:pk>/", meeting_views.resolution_detail, name="resolution"
    )
    # the body, its members and personnel changes (meetings/body_pages.py)
    body_path = path("body/", meeting_body_views.body_detail, name="body")
    change_new_path = path(
        "body/changes/new/", meeting_body_views.change_propose, name="change_propose"
    )
    change_path = path("body/changes/<id:pk>/", meeting_body_views.change_detail, name="change")


class MonitorApp(XietongApplication):
    title = _("Referral monitor (应移未移)")
    icon = "radar"
    app_name = "monitor"
    ability = Ability.VIEW_DIRECTORY
    description = _(
        "Closed cases that reached the criminal threshold without a referral (以罚代刑预警): "
        "explanations, recommendations to refer, answers."
    )
    menu_links = (
        (_("Alerts"), "index", "radar"),
        (_("Thresholds and rules"), "rules", "rule"),
    )

    index_path = path("", monitor_views.alert_list, name="index")
    alert_path = path("<id:pk>/", monitor_views.alert_detail, name="alert")
    act_path = path("<id:pk>/<slug:action>/", monitor_views.alert_act, name="act")
    rules_path = path("rules/", monitor_views.rules_page, name="rules")


class StatsApp(XietongApplication):
    title = _("Statistics")
    icon = "insights"
    app_name = "stats"
    ability = Ability.VIEW_ALL_STATISTICS  # and each unit its own: stats.access.stats_scope
    description = _(
        "Figures by period, agency, source, violation type, channel and outcome: referrals, "
        "money, deadlines kept, 同比 and 环比, each drilling down to the case ledger."
    )
    menu_links = ((_("Statistics (统计分析)"), "index", "insights"),)

    index_path = path("", stats_views.stats_page, name="index")
    chart_path = path("chart/<slug:name>.svg", stats_views.chart, name="chart")

    def has_view_permission(self, user, obj=None):
        return may_view_statistics(user)


class XietongSite(Site):
    title = _("Medical Insurance Fund Supervision Collaboration Platform")
    icon = "hub"
    menu_template_name = "xietong/site_menu.html"
    # the theme colours are in static/xietong/xietong.css (:root): viewflow would write them
    # into an inline <style>, which the Content-Security-Policy refuses

    index_path = path("", views.home, name="index")
    # inside the site, so that the pages have its menu
    password_change_path = path(
        "accounts/password_change/", agency_views.PasswordChange.as_view(), name="password_change"
    )
    password_change_done_path = path(
        "accounts/password_change/done/",
        agency_views.PasswordChangeDone.as_view(),
        name="password_change_done",
    )
    # every signed-in person's notification centre (not an application: nobody lacks it)
    notifications_path = path("notifications/", include(notification_urls))

    def applications_for(self, user):
        return [app for app in self.menu_items() if app.has_view_permission(user)]


site = XietongSite(
    viewsets=[
        CasesApp(),
        StatsApp(),
        MeetingsApp(),
        DocumentsApp(),
        MonitorApp(),
        DirectoryApp(),
        AuditApp(),
    ]
)
