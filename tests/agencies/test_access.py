"""agencies.access answers "what may this user do" for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import services
from agencies.access import Ability as A
from agencies.access import abilities_of, can, is_auditor, is_system_admin, require, roles_of
from agencies.models import Role
from tests.factories import UserFactory

EXPECTED = {
    Role.CASE_OFFICER: (
        {A.REGISTER_CASE, A.HANDLE_CASE, A.ISSUE_DOCUMENTS},
        {A.APPROVE_CASE, A.RECEIVE_REFERRAL, A.RUN_MEETINGS, A.READ_AUDIT_LOG},
    ),
    Role.AGENCY_LEADER: (
        {A.APPROVE_CASE, A.HANDLE_CASE, A.PROPOSE_PERSONNEL_CHANGE},
        {A.REGISTER_CASE, A.RUN_MEETINGS, A.APPROVE_AGENDA, A.READ_ALL_CASES},
    ),
    Role.LIAISON: (
        {A.RECEIVE_REFERRAL, A.SUBMIT_TOPIC, A.RSVP_MEETING, A.REPORT_RESOLUTION},
        {A.APPROVE_CASE, A.RUN_MEETINGS, A.APPROVE_MINUTES},
    ),
    Role.MEETING_OFFICE: (
        {
            A.RUN_MEETINGS,
            A.RECORD_PERSONNEL_CHANGE,
            A.ISSUE_DOCUMENTS,
            A.PREVIEW_DOCUMENTS,
            A.VIEW_PERSONNEL_HISTORY,
        },
        {A.APPROVE_AGENDA, A.APPROVE_MINUTES, A.APPROVE_CASE},
    ),
    Role.CONVENOR: (
        {A.APPROVE_AGENDA, A.APPROVE_MINUTES, A.CHAIR_MEETING},
        {A.RUN_MEETINGS, A.REGISTER_CASE},
    ),
    Role.DEPUTY_CONVENOR: ({A.CHAIR_MEETING}, {A.APPROVE_AGENDA, A.APPROVE_MINUTES}),
    Role.AUDITOR: (
        {A.READ_ALL_CASES, A.READ_AUDIT_LOG, A.VIEW_PERSONNEL_HISTORY},
        {
            A.REGISTER_CASE,
            A.APPROVE_CASE,
            A.HANDLE_CASE,
            A.RECEIVE_REFERRAL,
            A.ISSUE_DOCUMENTS,
            A.RUN_MEETINGS,
            A.MANAGE_DIRECTORY,
        },
    ),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_abilities_and_no_others(role, agency):
    allowed, denied = EXPECTED[role]
    person = UserFactory(agency=agency, roles=[role])
    assert roles_of(person) == {role}
    assert can(person, A.VIEW_DIRECTORY)
    for ability in allowed:
        assert can(person, ability), ability
    for ability in denied:
        assert not can(person, ability), ability


def test_every_role_is_covered_by_this_test():
    assert set(EXPECTED) == set(Role)


def test_roles_combine(agency):
    person = UserFactory(agency=agency, roles=[Role.LIAISON, Role.CASE_OFFICER])
    assert can(person, A.RECEIVE_REFERRAL) and can(person, A.REGISTER_CASE)


def test_an_auditor_stays_read_only_even_with_another_role(agency):
    person = UserFactory(agency=agency, roles=[Role.AUDITOR, Role.CASE_OFFICER])
    assert is_auditor(person)
    assert not can(person, A.REGISTER_CASE)
    assert abilities_of(person) == abilities_of(UserFactory(agency=agency, roles=[Role.AUDITOR]))


def test_the_service_refuses_to_combine_auditor_with_another_role(agency):
    person = UserFactory(agency=agency, roles=[Role.CASE_OFFICER])
    with pytest.raises(ValidationError):
        services.role_grant(user=person, role=Role.AUDITOR)
    assert roles_of(person) == {Role.CASE_OFFICER}


def test_a_system_administrator_manages_the_directory_but_acts_in_no_case(sysadmin):
    assert is_system_admin(sysadmin)
    assert can(sysadmin, A.MANAGE_DIRECTORY) and can(sysadmin, A.READ_AUDIT_LOG)
    assert not can(sysadmin, A.REGISTER_CASE)
    assert not can(sysadmin, A.READ_ALL_CASES)


def test_a_person_without_roles_may_do_nothing(agency):
    person = UserFactory(agency=agency)
    assert abilities_of(person) == frozenset()
    with pytest.raises(PermissionDenied):
        require(person, A.VIEW_DIRECTORY)


def test_inactive_and_anonymous_users_may_do_nothing(agency):
    person = UserFactory(agency=agency, roles=[Role.LIAISON], is_active=False)
    assert abilities_of(person) == frozenset()
    assert abilities_of(AnonymousUser()) == frozenset()
    assert not is_system_admin(AnonymousUser())


def test_withdrawing_a_role_takes_effect_and_is_kept_in_history(agency):
    person = UserFactory(agency=agency, roles=[Role.LIAISON])
    assert can(person, A.RECEIVE_REFERRAL)
    services.role_withdraw(user=person, role=Role.LIAISON)
    assert not can(person, A.RECEIVE_REFERRAL)
    kinds = list(
        person.role_grants.model.history.filter(user_id=person.pk)
        .order_by("history_date")
        .values_list("history_type", flat=True)
    )
    assert kinds == ["+", "-"]
