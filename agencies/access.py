"""What may this user do? The one place that answers it.

Roles (held through RoleGrant) map to abilities; views, services, menus and later flows ask
`can(user, Ability.X)` instead of looking at roles themselves. Two rules shape the map:

* an auditor is read-only: holding the auditor role withdraws every write ability, even if
  the person also holds another role by mistake;
* a system administrator (Django superuser) manages the directory and reads the audit log
  but acts in no case or meeting unless granted a role.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from agencies.models import Role


class Ability(StrEnum):
    # the directory
    VIEW_DIRECTORY = "view_directory"
    VIEW_PERSONNEL_HISTORY = "view_personnel_history"
    MANAGE_DIRECTORY = "manage_directory"
    # cases (线索移送)
    REGISTER_CASE = "register_case"
    APPROVE_CASE = "approve_case"
    HANDLE_CASE = "handle_case"
    RECEIVE_REFERRAL = "receive_referral"
    READ_ALL_CASES = "read_all_cases"
    # statistics (统计分析): aggregate figures across the member units, never case material
    VIEW_ALL_STATISTICS = "view_all_statistics"
    # joint meetings (联席会议)
    SUBMIT_TOPIC = "submit_topic"
    RSVP_MEETING = "rsvp_meeting"
    REPORT_RESOLUTION = "report_resolution"
    PROPOSE_PERSONNEL_CHANGE = "propose_personnel_change"
    RUN_MEETINGS = "run_meetings"
    RECORD_PERSONNEL_CHANGE = "record_personnel_change"
    APPROVE_AGENDA = "approve_agenda"
    APPROVE_MINUTES = "approve_minutes"
    CHAIR_MEETING = "chair_meeting"
    # documents and audit
    ISSUE_DOCUMENTS = "issue_documents"  # draft outgoing documents (拟稿) and send them to 核稿
    CHECK_DOCUMENTS = "check_documents"  # 核稿: check a colleague's draft before it is signed
    SIGN_DOCUMENTS = "sign_documents"  # 签发 the agency's outgoing documents
    SIGN_JOINT_DOCUMENTS = "sign_joint_documents"  # 签发 the joint-meeting office's papers
    PREVIEW_DOCUMENTS = "preview_documents"
    READ_AUDIT_LOG = "read_audit_log"


A = Ability

# 发文 (documents/access.py): a case officer or the joint-meeting office drafts (拟稿); 核稿 is
# the gatekeeping read of the agency's 办公室 or of the responsible head, not of a peer at the
# next desk, so it goes to the leader, the liaison (联络员, who sits in the agency's general
# office and handles its correspondence with the other units) and the joint-meeting office
# staff (who check each other's papers and the lead agency's); never to case officers.
# 签发 is the leader's (领导签发); the joint-meeting office's papers are signed by the
# convenor, who speaks for the joint meeting — a separate ability, so neither signs the
# other's papers.
ROLE_ABILITIES: dict[Role, frozenset[Ability]] = {
    Role.CASE_OFFICER: frozenset(
        {A.VIEW_DIRECTORY, A.REGISTER_CASE, A.HANDLE_CASE, A.ISSUE_DOCUMENTS}
    ),
    Role.AGENCY_LEADER: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.APPROVE_CASE,
            A.HANDLE_CASE,
            A.PROPOSE_PERSONNEL_CHANGE,
            A.CHECK_DOCUMENTS,
            A.SIGN_DOCUMENTS,
        }
    ),
    Role.LIAISON: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.RECEIVE_REFERRAL,
            A.SUBMIT_TOPIC,
            A.RSVP_MEETING,
            A.REPORT_RESOLUTION,
            A.PROPOSE_PERSONNEL_CHANGE,
            A.CHECK_DOCUMENTS,
        }
    ),
    Role.MEETING_OFFICE: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.VIEW_PERSONNEL_HISTORY,
            A.RUN_MEETINGS,
            A.RECORD_PERSONNEL_CHANGE,
            A.ISSUE_DOCUMENTS,
            A.CHECK_DOCUMENTS,
            A.PREVIEW_DOCUMENTS,
            A.VIEW_ALL_STATISTICS,
        }
    ),
    Role.CONVENOR: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.APPROVE_AGENDA,
            A.APPROVE_MINUTES,
            A.CHAIR_MEETING,
            A.SIGN_JOINT_DOCUMENTS,
            A.VIEW_ALL_STATISTICS,
        }
    ),
    Role.DEPUTY_CONVENOR: frozenset({A.VIEW_DIRECTORY, A.CHAIR_MEETING}),
    Role.AUDITOR: frozenset(
        {
            A.VIEW_DIRECTORY,
            A.VIEW_PERSONNEL_HISTORY,
            A.READ_ALL_CASES,
            A.READ_AUDIT_LOG,
            A.VIEW_ALL_STATISTICS,
        }
    ),
}

SYSTEM_ADMIN_ABILITIES = frozenset(
    {
        A.VIEW_DIRECTORY,
        A.VIEW_PERSONNEL_HISTORY,
        A.MANAGE_DIRECTORY,
        A.READ_AUDIT_LOG,
        A.PREVIEW_DOCUMENTS,
    }
)

_CACHE_ATTR = "_xietong_roles"


def roles_of(user) -> frozenset[Role]:
    """The roles an active user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(Role(r) for r in user.role_grants.values_list("role", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the per-request cache after roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def is_system_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def is_auditor(user) -> bool:
    return Role.AUDITOR in roles_of(user)


def abilities_of(user) -> frozenset[Ability]:
    roles = roles_of(user)
    if Role.AUDITOR in roles:
        abilities = set(ROLE_ABILITIES[Role.AUDITOR])  # read-only wins over any other role
    else:
        abilities = set()
        for role in roles:
            abilities |= ROLE_ABILITIES[role]
    if is_system_admin(user):
        abilities |= SYSTEM_ADMIN_ABILITIES
    return frozenset(abilities)


def can(user, ability: Ability) -> bool:
    return ability in abilities_of(user)


def require(user, ability: Ability) -> None:
    """Raise PermissionDenied unless the user has the ability."""
    if not can(user, ability):
        raise PermissionDenied


def roles_with(ability: Ability) -> list[Role]:
    """The roles that carry `ability` (never the auditor's read-only role), in Role order."""
    return [
        role for role in Role if role != Role.AUDITOR and ability in ROLE_ABILITIES.get(role, ())
    ]


def people_who_can(ability: Ability, agency=None):
    """Active people (of one agency, if given) holding `ability`; auditors never act."""
    from agencies.models import User

    roles = [str(role) for role, abilities in ROLE_ABILITIES.items() if ability in abilities]
    people = User.objects.filter(is_active=True, role_grants__role__in=roles).exclude(
        role_grants__role=Role.AUDITOR
    )
    if agency is not None:
        people = people.filter(agency=agency)
    return people.distinct().order_by("pk")
