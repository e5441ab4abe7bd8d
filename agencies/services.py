"""Writes to the agency directory. Each function is atomic and changes only what differs,
so calling it again with the same arguments writes nothing (no history row, no audit event)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.access import forget_roles
from agencies.models import Agency, Region, Role, RoleGrant, User


def _apply(obj, fields: dict) -> bool:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    return bool(changed)


@transaction.atomic
def region_ensure(*, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region.objects.filter(code=code).first()
    fields = {"name": name, "level": level, "parent": parent}
    if region is None:
        region = Region(code=code, **fields)
    elif not _apply(region, fields):
        return region
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def agency_ensure(*, name: str, **fields) -> Agency:
    """Create the agency called `name`, or bring its other fields up to date."""
    agency = Agency.objects.select_for_update(of=("self",)).filter(name=name).first()
    if agency is None:
        agency = Agency(name=name, **fields)
    elif not _apply(agency, fields):
        return agency
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def person_ensure(
    *, username: str, password: str | None = None, password_hash: str = "", **fields
) -> User:
    """Create the person, or bring their fields up to date. The password is set only on creation
    (from the clear text, or from a hash made once for many people, as the demo does)."""
    person = User.objects.select_for_update(of=("self",)).filter(username=username).first()
    if person is None:
        person = User(username=username, **fields)
        if password_hash:
            person.password = password_hash
        elif password:
            person.set_password(password)
        else:
            person.set_unusable_password()
    elif not _apply(person, fields):
        return person
    person.full_clean(exclude=["password"])
    person.save()
    return person


@transaction.atomic
def role_grant(*, user: User, role: Role, basis: str = "") -> RoleGrant:
    """Grant a role (once). The auditor role excludes every other role: separation of duties."""
    held = set(user.role_grants.values_list("role", flat=True))
    if role in held:
        return user.role_grants.get(role=role)
    if (role == Role.AUDITOR and held) or (Role.AUDITOR in held):
        raise ValidationError(_("The auditor role cannot be combined with other roles."))
    grant = RoleGrant.objects.create(user=user, role=role, basis=basis)
    forget_roles(user)
    return grant


@transaction.atomic
def role_withdraw(*, user: User, role: Role) -> bool:
    deleted = 0
    for grant in user.role_grants.filter(role=role):
        grant.delete()  # one by one, so each withdrawal is kept in history
        deleted += 1
    forget_roles(user)
    return bool(deleted)
