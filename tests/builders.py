"""Builders shared by the tests: signing in as a demo persona, posting a case, setting up the
joint-meeting body and a meeting at a given step. Tests import these, never each other."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import ViolationType
from demo.directory import DEMO_PASSWORD

HUGE_ID = "99999999999999999999999"


def as_user(client, username):
    client.logout()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def local(moment) -> str:
    """A datetime as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def case_form_data(title="长春市某医院涉嫌分解住院骗取医保基金案", **overrides) -> dict:
    """A valid 登记线索 form with one institution as the party."""
    data = {
        "title": title,
        "source": "flying_inspection",
        "violation_types": [ViolationType.objects.get(code="split_admission").pk],
        "suspected_amount": "3862700.50",
        "description": "飞行检查发现分解住院、挂床住院。",
        "confidentiality": "internal",
        "informant": "",
        "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "50",
        "subjects-0-kind": "institution",
        "subjects-0-name": "长春市某医院",
        "subjects-0-credit_code": "91110000600037341L",
        "subjects-0-id_number": "",
        "subjects-0-institution_class": "public_secondary",
        "subjects-0-note": "",
    }
    data.update(overrides)
    return data


def joint_body():
    """The demo's joint-meeting body (its directory must exist: the `world` fixture)."""
    from demo.joint_body import seed_joint_body

    seed_joint_body()
    from meetings.selectors import joint_body as current

    return current()


def meeting_with_agenda(world, *, title="2027年第一季度全体会议"):
    """An ad-hoc full meeting whose agenda holds one accepted topic (status AGENDA)."""
    from meetings import services
    from meetings.models import Topic

    office = world["yb_office"]
    meeting = services.meeting_open(user=office, kind="full", ad_hoc=True, title=title)
    topic = services.topic_submit(
        user=office,
        meeting=meeting,
        title="一案多查案件进展",
        background="通报进展。",
        presenting=office.agency,
    )
    if topic.status != Topic.Status.ACCEPTED:
        services.topic_screen(user=office, topic=topic, action="accept")
    meeting.refresh_from_db()
    topic.refresh_from_db()
    return meeting, topic


def meeting_awaiting_approval(world, **kwargs):
    from meetings import services

    meeting, topic = meeting_with_agenda(world, **kwargs)
    services.agenda_submit(user=world["yb_office"], meeting=meeting, items=[(topic, 1, 30)])
    meeting.refresh_from_db()
    return meeting, topic


def schedule(days_ahead=10) -> dict:
    """A valid meeting time, end and reply deadline as the approval form sends them."""
    start = (timezone.now() + timedelta(days=days_ahead)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return {
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=2)),
        "rsvp_due": local(start - timedelta(days=2)),
        "form": "on_site",
        "place": "省医保局三楼会议室",
    }


def case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def mail_to(messages) -> dict:
    """Sent mail by its one recipient: every message goes to one person (notifications'
    outbox sends one per address), so no agency sees another's addresses."""
    by_address = {}
    for message in messages:
        assert len(message.recipients()) == 1, message.recipients()
        (address,) = message.recipients()
        assert address not in by_address, f"{address} got two messages"
        by_address[address] = message
    return by_address


# -- the case flow through its services -------------------------------------------------------


def open_task(case, name, referral=None):
    """The open human task `name` of a case (of one referral's branch, if given)."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    return next(
        t
        for t in Task.objects.filter(
            process__caseprocess__case=case,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        ).order_by("pk")
        if t.flow_task.name == name
        and (referral is None or t.data.get("referral_id") == referral.pk)
    )


def registered_case(officer, title="某医院涉嫌分解住院骗取医保基金案"):
    """A clue registered by `officer` (its approval task is open)."""
    from decimal import Decimal

    from cases import services

    return services.case_register(
        user=officer,
        subjects=[],
        files=[],
        data={
            "title": title,
            "source": "routine",
            "violation_types": [],
            "suspected_amount": Decimal("125000.00"),
            "description": "日常监管发现。",
            "confidentiality": "internal",
            "informant": "",
        },
    )


def team_of(case) -> list:
    """A case team for the leader's decision: the first two officers of the case's agency."""
    from cases.access import team_candidates

    return list(team_candidates(case)[:2])


def team_ids(case) -> list[int]:
    """The same team as form data."""
    return [member.pk for member in team_of(case)]


def refer(case, leader, to: dict):
    """The leader refers the case: `to` maps each receiving agency to its channel."""
    from cases import services

    services.case_decide(
        task=open_task(case, "approve"),
        user=leader,
        decision="refer",
        team=team_of(case),
        referrals=[
            {"to_agency": agency, "channel": channel, "summary": "请依法处理。"}
            for agency, channel in to.items()
        ],
    )
    return {r.to_agency_id: r for r in case.referrals.all()}


def fire_timers_at(moment):
    """cron's `workflow_timers` as if it ran at `moment`."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("workflow_timers", stdout=open("/dev/null", "w"))  # noqa: SIM115


def referred(world, agencies, to, title="测试案件"):
    """A case the 医保 officer registered and its leader referred (administrative channel) to
    the agencies named by short name (one name or a list)."""
    case = registered_case(world["yb_officer"], title)
    names = [to] if isinstance(to, str) else to
    refer(case, world["yb_leader"], {agencies[name]: "administrative" for name in names})
    return case


def start_tags(html: str, name: str) -> list[dict]:
    """The attributes of every <name …> start tag in `html` (stdlib parser, in order)."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == name:
                found.append({key: ("" if value is None else value) for key, value in attrs})

        handle_startendtag = handle_starttag

    Collector().feed(html)
    return found


def visible_text(html: str) -> str:
    """The text of `html` with tags dropped and whitespace folded (entities decoded)."""
    import html as html_module
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html_module.unescape(text).split())


# -- the referral monitor ---------------------------------------------------------------------


_numbers = iter(range(1, 10_000))


def make_closed_case(
    world,
    *,
    agency=None,
    amount="1000.00",
    recovered="0",
    registered=None,
    violation_types=(),
    subjects=(),
    referrals=(),
    status="closed",
    title="某医院违规收费案",
):
    """A case of `agency` (省医保局) closed with the given amount, violation type codes,
    subjects ((kind, name, id_number)…) and referrals ((to_agency, channel, status)…), as
    rows: the referral monitor reads only what a closed case holds."""
    import datetime as dt
    from decimal import Decimal

    from cases.models import Case, Referral, Subject, ViolationType

    registered = registered or dt.date(2026, 3, 2)
    officer = world["yb_officer"]
    agency = agency or officer.agency
    moment = timezone.make_aware(dt.datetime.combine(registered, dt.time(10)))
    case = Case.objects.create(
        number=f"测试案〔2026〕{next(_numbers)}号",
        agency=agency,
        title=title,
        source=Case.Source.ROUTINE,
        suspected_amount=Decimal(amount),
        recovered_total=Decimal(recovered),
        description="日常监管发现违规收费。",
        status=status,
        registered_by=officer,
        registered_at=moment,
        closed_at=moment + dt.timedelta(days=40),
    )
    case.violation_types.set(ViolationType.objects.filter(code__in=violation_types))
    for kind, name, id_number in subjects:
        Subject.objects.create(case=case, kind=kind, name=name, id_number=id_number)
    for to_agency, channel, referral_status in referrals:
        Referral.objects.create(
            case=case,
            from_agency=agency,
            to_agency=to_agency,
            channel=channel,
            status=referral_status,
            summary="请依法处理。",
            sent_at=moment,
        )
    return case
