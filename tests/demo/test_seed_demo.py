"""The demo world: built by seed_demo, idempotent, every account logs in."""

import re
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from agencies.models import Agency, Role, User
from audit.models import AuditEvent
from audit.verification import verify_chain
from cases.models import Case, Referral
from demo.directory import DEMO_PASSWORD, PEOPLE

README = Path(__file__).resolve().parents[2] / "README.md"


def snapshot():
    """Row counts of every table, history tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_is_idempotent_and_builds_the_world(demo):
    before = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before
    assert verify_chain().ok
    _the_joint_meeting_members_and_more_are_there()
    _every_role_that_matters_is_staffed()
    _the_readme_lists_every_demo_account_and_the_password()
    _the_demo_world_is_in_the_audit_log()
    _cases_in_every_state()


def _the_joint_meeting_members_and_more_are_there():
    names = set(Agency.objects.values_list("name", flat=True))
    for name in [
        "吉林省医疗保障局",
        "吉林省人民检察院",
        "吉林省公安厅",
        "吉林省财政厅",
        "吉林省卫生健康委员会",
        "吉林省审计厅",
        "吉林省市场监督管理厅",
        "吉林省纪委监委",
        "吉林省药品监督管理局",
        "长春市医疗保障局",
        "长春市公安局",
    ]:
        assert name in names
    assert Agency.objects.get(name="长春市医疗保障局").superior.name == "吉林省医疗保障局"


def _every_role_that_matters_is_staffed():
    for agency in Agency.objects.filter(region__code="220000").exclude(kind="finance"):
        held = set(User.objects.filter(agency=agency).values_list("role_grants__role", flat=True))
        assert {Role.CASE_OFFICER, Role.AGENCY_LEADER, Role.LIAISON} <= held, agency.name
    yb = Agency.objects.get(name="吉林省医疗保障局")
    yb_roles = set(User.objects.filter(agency=yb).values_list("role_grants__role", flat=True))
    assert {Role.CONVENOR, Role.MEETING_OFFICE, Role.AUDITOR} <= yb_roles
    assert User.objects.filter(is_superuser=True, username="admin").exists()


def test_every_demo_account_logs_in_and_reaches_home(demo, client):
    for user in User.objects.all():
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        response = client.get("/")
        assert response.status_code == 200, user.username
        assert user.full_name in response.content.decode()
        if user.agency:
            assert user.agency.name in response.content.decode()
        client.logout()


def _the_readme_lists_every_demo_account_and_the_password():
    text = README.read_text()
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))
    assert listed == {username for username, *_ in PEOPLE} | {"admin"}
    assert DEMO_PASSWORD in text


def _the_demo_world_is_in_the_audit_log():
    assert AuditEvent.objects.filter(action="directory.person.created").count() == len(PEOPLE) + 1


def _cases_in_every_state():
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses >= {"awaiting_approval", "referred", "in_house", "closed", "closed_unfounded"}
    referral_states = set(Referral.objects.values_list("status", flat=True))
    assert referral_states >= {
        "sent",
        "returned",
        "signed",
        "accepted",
        "result_reported",
        "reconsideration",
        "supervision",
        "handed_back",
        "withdrawn",
    }
    assert Referral.objects.filter(parent__isnull=False, status="sent").exists()  # handed back
    assert Case.objects.count() >= 17
    from cases.models import Comment, Extension
    from notifications.models import Notification
    from workflow.models import CaseTask

    assert set(CaseTask.objects.values_list("escalation", flat=True)) >= {0, 2, 3}
    assert Notification.objects.filter(kind=Notification.Kind.SUPERVISION).exists()
    assert set(Extension.objects.values_list("status", flat=True)) == {"approved", "pending"}
    assert Comment.objects.filter(is_progress=True).exists()
    assert Case.objects.filter(referrals__status="withdrawn", status="referred").exists()
    assert Referral.objects.filter(to_agency__kind="discipline").exists()
    assert Referral.objects.filter(channel="criminal", copy_to__isnull=False).exists()
    assert Case.objects.filter(status="closed", recovered_total__gt=0).exists()
    _meetings_in_every_state()


def _meetings_in_every_state():
    from meetings.models import JointBody, Meeting, PersonnelChange, Resolution

    body = JointBody.objects.get()
    assert body.memberships.count() == 7 and body.convenor.username == "yb_convenor"
    assert set(Meeting.objects.values_list("status", flat=True)) == {
        "minutes_issued",
        "notified",
        "collecting",
        "agenda_approval",
    }
    assert Meeting.objects.filter(kind="consultation", case__isnull=False).exists()
    assert PersonnelChange.objects.filter(status="proposed").exists()
    from django.utils import timezone

    overdue = Resolution.objects.filter(status="open", due_on__lt=timezone.localdate())
    assert overdue.exists() and Resolution.objects.filter(status="done").exists()


def test_every_referred_demo_case_has_its_team_period_and_attachments(demo):
    """Each case a leader referred or kept names at least two officers of its agency, states
    its 违规期间, and each referral from the case's agency went with its 案件调查报告 and
    证据材料清单."""
    from cases.access import team_candidates
    from cases.models import Case, Referral

    decided = Case.objects.exclude(
        status__in=[Case.Status.AWAITING_APPROVAL, Case.Status.CLOSED_UNFOUNDED]
    )
    assert decided.exists()
    for case in decided:
        team = set(case.team.values_list("pk", flat=True))
        assert len(team) >= 2, case.number
        assert team <= set(team_candidates(case).values_list("pk", flat=True)), case.number
        assert case.violation_start and case.violation_end, case.number
        assert case.violation_start <= case.violation_end
    referrals = Referral.objects.select_related("case")
    assert referrals.exists()
    for referral in referrals:
        kinds = set(referral.issued_documents().values_list("doc_type", flat=True))
        if referral.from_agency_id == referral.case.agency_id:
            assert {"referral", "investigation", "evidence_list"} <= kinds, referral
        else:  # 公安's hand-back goes with the evidence alone
            assert "referral" in kinds and "investigation" not in kinds, referral
