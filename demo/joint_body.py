"""The joint-meeting body of the demo world (shared/seeds/jilin-joint-meeting-system.txt): the
lead agency, the convenor, every provincial member unit with its deputy convenor and its
member-cum-liaison, and one personnel change awaiting the office."""

from agencies.models import Agency, Role, User
from meetings import body as services
from meetings.models import PersonnelChange

NAME = "吉林省医疗保障基金监管部门联席会议"
MEMBERS = [
    "省医保局",
    "省检察院",
    "省公安厅",
    "省财政厅",
    "省卫生健康委",
    "省审计厅",
    "省市场监管厅",
]


def _holder(agency, role):
    return agency.people.filter(role_grants__role=role).order_by("username").first()


def seed_joint_body(*, propose_change: bool = True) -> dict:
    lead = Agency.objects.get(short_name="省医保局")
    body = services.body_ensure(
        name=NAME, lead_agency=lead, convenor=User.objects.get(username="yb_convenor")
    )
    for order, short in enumerate(MEMBERS):
        agency = Agency.objects.get(short_name=short)
        services.membership_ensure(
            body=body,
            agency=agency,
            deputy_convenor=_holder(agency, Role.DEPUTY_CONVENOR),
            liaison=_holder(agency, Role.LIAISON),
            sort_order=(order + 1) * 10,
        )
    if propose_change:
        propose_personnel_change()
    return {"member units": body.memberships.count()}


def propose_personnel_change() -> None:
    """卫健 proposes a new liaison; the change awaits the office (once)."""
    from meetings.models import JointBody

    body = JointBody.objects.get(name=NAME)
    health = body.memberships.get(agency__short_name="省卫生健康委")
    if not PersonnelChange.objects.filter(membership=health).exists():
        services.change_propose(
            user=User.objects.get(username="wj_liaison"),
            membership=health,
            position=PersonnelChange.Position.LIAISON,
            proposed=User.objects.get(username="wj_officer"),
            reason="吕晓红同志工作调整，拟由施俊杰同志接任联席会议成员兼联络员。",
        )
