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
