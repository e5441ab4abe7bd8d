"""Crafted input never ends in a 500: ids that cannot exist, negative or huge numbers, dates
at the ends of the calendar, junk in query strings, line breaks in one-line fields. Each is
refused with a message in the form (or a 404), and nothing is changed."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from audit.models import AuditEvent
from cases.models import Case
from core.forms import IdChoiceField, IdMultipleChoiceField, LineField, parse_id
from documents.models import Dispatch
from meetings.models import Meeting, Topic
from tests.builders import (
    HUGE_ID,
    as_user,
    case_form_data,
    joint_body,
    local,
    meeting_awaiting_approval,
    meeting_with_agenda,
    schedule,
    team_ids,
)

CRAFTED_IDS = [HUGE_ID, "9223372036854775808", "-1", "0", "abc", "1.5", "１２", "1e3", " ", "0x10"]


# -- the shared fields -----------------------------------------------------------------------


@pytest.mark.parametrize("value", CRAFTED_IDS)
def test_parse_id_refuses_what_cannot_be_a_bigint_primary_key(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 42 ", 42), (2**63 - 1, 2**63 - 1)])
def test_parse_id_accepts_plain_positive_integers(value, expected):
    assert parse_id(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("value", CRAFTED_IDS)
def test_id_fields_turn_crafted_ids_into_form_errors(value, agency):
    from django import forms

    class Probe(forms.Form):
        one = IdChoiceField(queryset=Agency.objects.all(), required=False)
        many = IdMultipleChoiceField(queryset=Agency.objects.all(), required=False)

    form = Probe({"one": value, "many": [str(agency.pk), value]})
    assert not form.is_valid()
    if value.strip():
        assert "one" in form.errors
    assert "many" in form.errors
    good = Probe({"one": str(agency.pk), "many": [str(agency.pk)]})
    assert good.is_valid()
    assert good.cleaned_data["one"] == agency
    assert list(good.cleaned_data["many"]) == [agency]


def test_one_line_fields_fold_line_breaks():
    field = LineField()
    assert field.clean("关于召开\r\n全体会议\n的通知") == "关于召开 全体会议 的通知"
    assert field.clean("Bcc: x@example.com\u2028Subject") == "Bcc: x@example.com Subject"


# -- multi-selects over HTTP --------------------------------------------------------------------


@pytest.fixture
def demo(world, agencies):
    joint_body()
    return world


def test_case_form_refuses_a_huge_violation_type_and_keeps_the_form(client, demo):
    as_user(client, "yb_officer")
    response = client.post(reverse("cases:create"), case_form_data(violation_types=[HUGE_ID]))
    assert response.status_code == 200
    assert "violation_types" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "长春市某医院涉嫌分解住院骗取医保基金案"
    assert not Case.objects.exists()


def _registered_case(client):
    as_user(client, "yb_officer")
    response = client.post(reverse("cases:create"), case_form_data())
    assert response.status_code == 302
    return Case.objects.get()


def _open_task(case, name):
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    return next(
        task
        for task in Task.objects.filter(
            process__caseprocess__case=case,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        if task.flow_task.name == name
    )


def test_referral_agencies_refuse_a_huge_id(client, demo):
    case = _registered_case(client)
    task = _open_task(case, "approve")
    as_user(client, "yb_leader")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("cases:task", args=[task.pk]),
        {
            "decision": "refer",
            "team": team_ids(case),
            "to_agencies": [HUGE_ID],
            "summary": "移送",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "to_agencies" in response.context["form"].errors
    assert not case.referrals.exists()
    assert AuditEvent.objects.count() == before


def test_refer_further_refuses_a_huge_id(client, demo):
    case = _registered_case(client)
    as_user(client, "yb_leader")
    client.post(
        reverse("cases:task", args=[_open_task(case, "approve").pk]),
        {
            "decision": "in_house",
            "team": team_ids(case),
            "to_agencies": [],
            "summary": "",
            "reason": "",
        },
    )
    task = _open_task(case, "handle_in_house")
    as_user(client, "yb_officer")
    response = client.post(
        reverse("cases:task", args=[task.pk]),
        {"note": "结案", "recovered": "0", "fines": "0", "refer_to": [HUGE_ID], "summary": "x"},
    )
    assert response.status_code == 200
    assert "refer_to" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED


def test_meeting_units_refuse_a_huge_id(client, demo):
    as_user(client, "yb_office")
    response = client.post(
        reverse("meetings:open"),
        {"kind": "partial", "title": "部分单位会议", "agencies": [HUGE_ID]},
    )
    assert response.status_code == 200
    assert "agencies" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_invited_units_refuse_a_huge_id(client, demo):
    meeting, topic = meeting_awaiting_approval(demo)
    chair = meeting.body.convenor
    as_user(client, "yb_convenor")
    response = client.post(
        reverse("meetings:approve", args=[meeting.pk]),
        {"approve": "yes", "chair": chair.pk, f"invited_{topic.pk}": [HUGE_ID], **schedule()},
    )
    assert response.status_code == 200
    assert f"invited_{topic.pk}" in response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_APPROVAL


@pytest.mark.parametrize("field", ["to_agencies", "cc_agencies"])
def test_dispatch_recipients_refuse_a_huge_id(client, demo, agencies, field):
    as_user(client, "yb_office")
    data = {
        "doc_type": "notice",
        "series_code": "联",
        "issuer_name": "吉林省医疗保障局",
        "title": "关于开展专项检查的通知",
        "to_agencies": [agencies["省公安厅"].pk],
        "body": "各成员单位：\n现将有关事项通知如下。",
        field: [HUGE_ID],
    }
    response = client.post(reverse("documents:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Dispatch.objects.exists()


# -- numbers and dates -----------------------------------------------------------------------


@pytest.mark.parametrize("order", ["-1", "0", HUGE_ID, "1000"])
def test_agenda_places_out_of_range_are_refused(client, demo, order):
    meeting, topic = meeting_with_agenda(demo)
    as_user(client, "yb_office")
    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        {f"order-{topic.pk}": order, f"minutes-{topic.pk}": "30"},
        follow=True,
    )
    assert response.status_code == 200
    assert "议程顺序为1至999之间的数字" in response.content.decode()
    meeting.refresh_from_db()
    topic.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA
    assert topic.order is None


@pytest.mark.parametrize(
    "query",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"agency": HUGE_ID},
    ],
)
def test_audit_filters_at_the_ends_of_the_calendar_are_form_errors(client, sysadmin, query):
    client.force_login(sysadmin)
    response = client.get(reverse("audit:index"), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["page"].object_list


def test_audit_filters_within_the_records_still_work(client, sysadmin):
    client.force_login(sysadmin)
    today = timezone.localdate()
    response = client.get(
        reverse("audit:index"),
        {"date_from": "2024-01-01", "date_to": today.isoformat()},
    )
    assert response.status_code == 200
    assert not response.context["form"].errors


@pytest.mark.parametrize("case", ["abc", HUGE_ID, "-3", "1 OR 1=1"])
def test_opening_a_consultation_for_a_malformed_case_is_a_404(client, demo, case):
    as_user(client, "yb_office")
    assert client.get(reverse("meetings:open"), {"case": case}).status_code == 404


def test_meeting_times_beyond_five_years_are_refused(client, demo):
    meeting, topic = meeting_awaiting_approval(demo)
    as_user(client, "yb_convenor")
    far = timezone.now() + timedelta(days=6 * 366)
    data = {
        "approve": "yes",
        "chair": meeting.body.convenor.pk,
        **schedule(),
        "starts_at": local(far),
        "ends_at": local(far + timedelta(hours=2)),
        "rsvp_due": "9999-12-31T23:59",
    }
    response = client.post(reverse("meetings:approve", args=[meeting.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"starts_at", "ends_at", "rsvp_due"} <= set(errors)
    assert "请输入" in str(errors["starts_at"])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_APPROVAL


def test_topics_due_at_the_end_of_the_calendar_is_refused(client, demo):
    as_user(client, "yb_office")
    response = client.post(
        reverse("meetings:open"),
        {"kind": "full", "title": "全体会议", "topics_due": "9999-12-31T23:59"},
    )
    assert response.status_code == 200
    assert "topics_due" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_work_report_periods_before_the_system_start_are_refused(client, demo, settings):
    settings.XIETONG_SYSTEM_START = date(2024, 1, 1)
    as_user(client, "yb_office")
    response = client.post(
        reverse("meetings:work_report"), {"start": "2023-12-31", "end": "2024-06-30"}
    )
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("meetings:work_report"), {"start": "2024-01-01", "end": tomorrow.isoformat()}
    )
    assert "end" in response.context["form"].errors


# -- mail headers ------------------------------------------------------------------------------


def test_a_line_break_in_a_meeting_title_never_reaches_a_mail_header(
    client, demo, mailoutbox, django_capture_on_commit_callbacks
):
    as_user(client, "yb_office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:open"),
            {
                "kind": "full",
                "title": "全体会议\r\nBcc: attacker@example.com",
                "topics_due": local(timezone.now() + timedelta(days=5)),
            },
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.title == "全体会议 Bcc: attacker@example.com"
    assert mailoutbox, "the call for topics went out"
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "attacker@example.com" not in message.recipients()


def test_a_mail_failure_never_fails_the_step(
    client, demo, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise ValueError("the relay refused the message")

    monkeypatch.setattr(mail.backends.locmem.EmailBackend, "send_messages", refuse)
    as_user(client, "yb_office")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("meetings:open"),
            {
                "kind": "full",
                "title": "全体会议",
                "topics_due": local(timezone.now() + timedelta(days=5)),
            },
        )
    assert callbacks, "the call for topics is sent after the commit"
    assert response.status_code == 302
    assert Meeting.objects.filter(status=Meeting.Status.COLLECTING).exists()


def test_subjects_from_stored_titles_with_line_breaks_are_folded():
    from meetings.mail import mail_subject

    assert mail_subject("关于\n召开\r\n会议\u2028的通知") == "关于 召开 会议 的通知"


def test_an_accepted_topic_is_on_the_agenda_builder(demo):
    # the builder the agenda tests rely on really yields an accepted topic
    meeting, topic = meeting_with_agenda(demo)
    assert topic.status == Topic.Status.ACCEPTED
    assert meeting.status == Meeting.Status.AGENDA


@pytest.mark.django_db
@pytest.mark.parametrize(("unit", "length"), [("calendar_days", 1831), ("hours", 44000)])
def test_deadline_rules_longer_than_five_years_are_refused(unit, length):
    from django.core.exceptions import ValidationError

    from workflow.models import DeadlineRule

    rule = DeadlineRule(code="probe", name="测试期限", length=length, unit=unit)
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "length" in refused.value.message_dict
    DeadlineRule(code="probe", name="测试期限", length=30, unit=unit).full_clean()


@pytest.mark.parametrize("url", ["/cases/", "/directory/"])
def test_a_nul_in_a_search_is_ignored_not_an_error(client, officer, url):
    client.force_login(officer)
    response = client.get(url, {"q": "医院\x00' OR 1=1"})
    assert response.status_code == 200
    assert response.context["q"] == "医院' OR 1=1"


@pytest.mark.django_db
def test_the_audit_log_stores_what_postgresql_cannot_hold_in_text():
    from audit.services import record_event
    from audit.verification import verify_chain

    event = record_event(
        action="probe.nul", summary="有\x00空字符", data={"q": "a\x00b", "list": ["\x00"]}
    )
    event.refresh_from_db()
    assert event.summary == "有\u2400空字符"
    assert event.data == {"q": "a\u2400b", "list": ["\u2400"]}
    assert verify_chain().ok


def test_an_id_in_a_path_that_cannot_exist_is_no_match_at_all():
    from django.urls import Resolver404, resolve

    assert resolve("/cases/9223372036854775807/").kwargs == {"pk": 2**63 - 1}
    for path in (
        f"/cases/{HUGE_ID}/",
        "/cases/9223372036854775808/",
        "/cases/0/",
        "/cases/007/",
        f"/cases/supervision/{HUGE_ID}/urge/",
        f"/notifications/{HUGE_ID}/open/",
    ):
        with pytest.raises(Resolver404):
            resolve(path)


def test_no_route_takes_a_bare_int_id():
    """Every object id in a path goes through the bounded converter (core.converters)."""
    from django.urls import URLResolver, get_resolver

    def routes(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    ours = [r for r in routes(get_resolver()) if not r.startswith("admin/")]
    assert ours and not [r for r in ours if "<int:" in r]
