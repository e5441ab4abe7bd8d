"""No URL answers 500 to crafted input. Every route of the site is requested, as people of
several roles, with ids that exist, ids that cannot, and query strings and form posts full of
what a careless or hostile user sends; each must answer with a page, a form error, a redirect
or a 404 — never a server error. The route list comes from the resolver, so a new URL is in
the sweep without anyone adding it."""

from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver
from viewflow.workflow.models import Task

from agencies.models import Agency, User
from audit.models import AuditEvent
from cases.models import Case, Evidence, Extension, Referral
from documents.models import Dispatch, IssuedDocument
from meetings.models import Meeting, MeetingFile, PersonnelChange, Resolution, Topic
from monitor.models import Alert

HUGE = "99999999999999999999999"
NASTY = "<script>alert(1)</script>\x00' OR '1'='1\r\nBcc: x@example.com"
JUNK_QUERY = {
    key: value
    for key, value in {
        "page": "abc",
        "status": NASTY,
        "q": NASTY,
        "agency": HUGE,
        "due": "yesterday",
        "channel": NASTY,
        "source": NASTY,
        "box": NASTY,
        "kind": NASTY,
        "level": NASTY,
        "overdue": "1",
        "escalated": "1",
        "case": "abc",
        "date_from": "0001-01-01",
        "date_to": "9999-12-31",
        "action": NASTY,
        "next": "https://evil.example.com/",
    }.items()
}
JUNK_FORM = {
    "title": NASTY,
    "body": NASTY,
    "note": NASTY,
    "reason": NASTY,
    "text": NASTY,
    "kind": NASTY,
    "decision": "refer",
    "action": "accept",
    "approve": "yes",
    "accept": "yes",
    "reply": "attending",
    "agencies": [HUGE, "abc", "-1"],
    "to_agencies": [HUGE],
    "cc_agencies": ["abc"],
    "refer_to": [HUGE],
    "violation_types": [HUGE],
    "cooperating": [HUGE],
    "lead_agency": HUGE,
    "chair": HUGE,
    "proposed": HUGE,
    "referral": HUGE,
    "presenting": HUGE,
    "case": "abc",
    "topic": "-1",
    "merge_into": HUGE,
    "suspected_amount": "1e400",
    "recovered": "-5",
    "fines": "NaN",
    "start": "0001-01-01",
    "end": "9999-12-31",
    "starts_at": "9999-12-31T23:59",
    "ends_at": "0001-01-01T00:00",
    "rsvp_due": "99999-01-01T00:00",
    "topics_due": "9999-12-31T23:59",
    "comments_due": "0000-00-00T00:00",
    "due_on": "0001-01-01",
    "doc_type": NASTY,
    "series_code": NASTY,
    "outcome": NASTY,
    "outcomes": [NASTY],
    "subjects-TOTAL_FORMS": "99999999999999",
    "subjects-INITIAL_FORMS": "-3",
    "form-TOTAL_FORMS": "abc",
    "language": NASTY,
    "_submission": "not-a-uuid",
}

USERS = ["yb_office", "yb_officer", "yb_leader", "yb_convenor", "ga_liaison", "auditor", "admin"]


def routes():
    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            else:
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver()) if not route.startswith("admin/")]


def real_ids() -> dict[str, list[str]]:
    """One existing object per kind of id in the routes (the first of each)."""

    def first(queryset, field="pk"):
        value = queryset.order_by(field).values_list(field, flat=True).first()
        return [str(value)] if value is not None else []

    return {
        "cases/<int:pk>/": first(Case.objects),
        "cases/evidence/<int:pk>/": first(Evidence.objects),
        "cases/tasks/<int:pk>/": first(Task.objects.filter(flow_task_type="HUMAN")),
        "cases/referrals/<int:pk>/": first(Referral.objects),
        "cases/extensions/<int:pk>/": first(Extension.objects),
        "meetings/<int:pk>/": first(Meeting.objects),
        "meetings/files/<int:pk>/": first(MeetingFile.objects),
        "meetings/resolutions/<int:pk>/": first(Resolution.objects),
        "meetings/body/changes/<int:pk>/": first(PersonnelChange.objects),
        "documents/<int:pk>/": first(Dispatch.objects),
        "documents/issued/<int:pk>": first(IssuedDocument.objects),
        "directory/<int:pk>/": first(Agency.objects),
        "audit/<int:seq>/": first(AuditEvent.objects, "seq"),
        "audit/cases/<int:pk>/record.pdf": first(Case.objects),
        "monitor/<int:pk>/": first(Alert.objects),
    }


def urls_for(route: str, ids: dict) -> list[str]:
    route = route.replace("<id:", "<int:")  # the project's id converter takes the same values
    if "<" not in route:
        return ["/" + route]
    values = [HUGE, "0"]
    for prefix, found in ids.items():
        if route.startswith(prefix.split("<")[0]) and prefix.split(">")[0] in route:
            values = found + values
            break
    urls = []
    for value in values:
        url = route.replace("<int:pk>", value).replace("<int:seq>", value)
        topic = None
        if value not in (HUGE, "0"):
            topic = Topic.objects.filter(meeting_id=value).values_list("pk", flat=True).first()
        url = url.replace("<int:topic_pk>", str(topic or HUGE))
        url = url.replace("<slug:code>", "notice").replace("<slug:kind>", "xlsx")
        url = url.replace("<slug:action>", "close")
        urls.append("/" + url)
    return urls


def test_no_url_answers_500_to_crafted_input(db, django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ids = real_ids()
    all_routes = routes()
    assert len(all_routes) > 50
    failures = []
    requests = 0
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for route in all_routes:
            if route == "accounts/logout/":
                continue  # would end the session for the rest of the sweep
            for url in urls_for(route, ids):
                for method in ("get", "post"):
                    data = JUNK_QUERY if method == "get" else JUNK_FORM
                    try:
                        with django_capture_on_commit_callbacks(execute=True):
                            status = getattr(client, method)(url, data).status_code
                    except Exception as exc:  # the sweep reports every failure at once
                        failures.append((username, method, url, repr(exc)[:200]))
                        continue
                    requests += 1
                    if status >= 500:
                        failures.append((username, method, url, status))
    assert not failures, "\n".join(map(str, failures))
    assert requests > 1000
