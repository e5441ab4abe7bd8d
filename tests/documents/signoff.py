"""Walking an outgoing document through its 稿纸 in tests: 送核稿, 核稿, 签发."""

from agencies.models import Role, User
from documents import services
from tests.factories import UserFactory


def checker_of(agency) -> User:
    existing = User.objects.filter(agency=agency, role_grants__role=Role.LIAISON).first()
    return existing or UserFactory(agency=agency, roles=[Role.LIAISON])


def signer_of(dispatch) -> User:
    role = Role.CONVENOR if dispatch.joint_meeting else Role.AGENCY_LEADER
    people = User.objects.filter(role_grants__role=role)
    if not dispatch.joint_meeting:
        people = people.filter(agency=dispatch.agency)
    return people.first() or UserFactory(agency=dispatch.agency, roles=[role])


def issue(dispatch, *, by=None):
    """Submit (as `by` or the drafter), check and sign a draft; the issued document."""
    services.dispatch_submit(dispatch=dispatch, user=by or dispatch.created_by)
    services.dispatch_check(dispatch=dispatch, user=checker_of(dispatch.agency), approve=True)
    return services.dispatch_sign(dispatch=dispatch, user=signer_of(dispatch), approve=True)
