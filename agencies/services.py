"""Writes to the agency directory. Each function is atomic and changes only what differs,
so calling it again with the same arguments writes nothing (no history row, no audit event)."""

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.access import forget_roles
from agencies.models import Agency, Region, Role, RoleGrant, User
from audit.services import lazy_summary, record_event


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


# --- sign-in and passwords --------------------------------------------------------------


def _person_locked(pk: int) -> User:
    return User.objects.select_for_update(of=("self",)).get(pk=pk)


@transaction.atomic
def signin_unlock(*, by: User | None, username: str = "", ip_address: str = "", via: str) -> int:
    """Lift a sign-in lock: forget the failed sign-ins to one account (from every address) or
    from one address (to every account), and record who did it. Returns how many records of
    failures were removed; removing none is not an unlock and is not recorded.

    `via` says where it was done ("admin", "command"). Deleting the rows takes their row locks,
    so a failure being counted at the same moment is either removed too or counted after.
    """
    if bool(username) == bool(ip_address):
        raise ValueError("unlock one account or one address")
    attempts = AccessAttempt.objects.all()
    attempts = (
        attempts.filter(username=username) if username else attempts.filter(ip_address=ip_address)
    )
    _total, removed = attempts.delete()
    count = removed.get(AccessAttempt._meta.label, 0)
    if not count:
        return 0
    person = User.objects.filter(username=username).first() if username else None
    if username:
        summary = lazy_summary(
            _("Sign-in unlocked for the account “%(username)s”"), username=username
        )
    else:
        summary = lazy_summary(_("Sign-in unlocked for the address %(ip)s"), ip=ip_address)
    record_event(
        action="auth.unlocked",
        actor=by,
        agency=person.agency if person else None,
        obj=person,
        summary=summary,
        data={"username": username, "ip": ip_address, "records": count, "via": via},
    )
    return count


@transaction.atomic
def password_change_require(*, person: User, by: User) -> bool:
    """A system administrator requires `person` to choose a new password: until they do, every
    page takes them to the password change (agencies.middleware). Locks the person's row.
    Returns False when it was already required."""
    person = _person_locked(person.pk)
    if person.must_change_password:
        return False
    person.must_change_password = True
    person._history_user = by
    person.save(update_fields=["must_change_password"])
    record_event(
        action="auth.password_change_required",
        actor=by,
        agency=person.agency,
        obj=person,
        summary=lazy_summary(_("New password required at next sign-in: %(person)s"), person=person),
        data={"username": person.username},
    )
    return True


@transaction.atomic
def password_change(*, person: User, new_password: str) -> User:
    """The person sets their own new password (already checked by the password change form:
    the old password and AUTH_PASSWORD_VALIDATORS). Clears an administrator's requirement to
    change it. Locks the person's row; returns it, for the session's auth hash. The password
    itself is never in the audit log nor in the history."""
    person = _person_locked(person.pk)
    person.set_password(new_password)
    fields = ["password"]
    required = person.must_change_password
    if required:
        person.must_change_password = False
        fields.append("must_change_password")
    person._history_user = person
    person.save(update_fields=fields)
    record_event(
        action="auth.password_changed",
        actor=person,
        obj=person,
        summary=_("Changed their password"),
        data={"username": person.username, "was_required": required},
    )
    if required:
        record_event(
            action="auth.password_change_requirement_cleared",
            actor=person,
            obj=person,
            summary=lazy_summary(
                _("New password chosen as required; the requirement is lifted: %(person)s"),
                person=person,
            ),
            data={"username": person.username},
        )
    return person
