"""The joint-meeting body and its people: the only writers of JointBody, Membership and
PersonnelChange.

A member unit proposes a replacement for its deputy convenor or its member-cum-liaison; the
joint-meeting office confirms and records it (备案). The membership then names the new person
(simple-history keeps who held the seat before). Roles (RoleGrant) are a separate matter,
granted by the system administrator: recording a change here does not grant or withdraw any.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Ability, can
from agencies.models import User
from audit.services import lazy_summary, record_event
from meetings.models import JointBody, Membership, PersonnelChange


@transaction.atomic
def body_ensure(*, name: str, lead_agency, convenor) -> JointBody:
    body, _created = JointBody.objects.get_or_create(
        name=name, defaults={"lead_agency": lead_agency, "convenor": convenor}
    )
    return body


@transaction.atomic
def membership_ensure(*, body, agency, deputy_convenor=None, liaison=None, sort_order=100):
    membership, created = Membership.objects.get_or_create(
        body=body,
        agency=agency,
        defaults={
            "deputy_convenor": deputy_convenor,
            "liaison": liaison,
            "sort_order": sort_order,
        },
    )
    return membership


def is_recording_office(user, body) -> bool:
    return can(user, Ability.RECORD_PERSONNEL_CHANGE) and user.agency_id == body.lead_agency_id


def change_propose(*, user, membership, position: str, proposed, reason: str) -> PersonnelChange:
    """A member unit proposes who should take its deputy convenor's or liaison's seat."""
    if user.agency_id != membership.agency_id or not can(user, Ability.PROPOSE_PERSONNEL_CHANGE):
        raise PermissionDenied
    if position not in PersonnelChange.Position.values:
        raise ValidationError(_("Choose the position."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."))
    if proposed is None or proposed.agency_id != membership.agency_id or not proposed.is_active:
        raise ValidationError(_("Propose an active person of your own unit."))
    current = getattr(membership, position)
    if current is not None and current.pk == proposed.pk:
        raise ValidationError(_("This person already holds the position."))
    try:
        with transaction.atomic():
            change = PersonnelChange.objects.create(
                membership=membership,
                position=position,
                previous=current,
                proposed=proposed,
                reason=reason.strip(),
                proposed_by=user,
                proposed_at=timezone.now(),
            )
            record_event(
                action="meetings.personnel_proposed",
                actor=user,
                obj=change,
                summary=lazy_summary(
                    _("%(agency)s proposes %(person)s as %(position)s"),
                    agency=membership.agency.name,
                    person=proposed.get_full_name(),
                    position=PersonnelChange.Position(position).label,
                ),
                data={"previous": current.pk if current else None, "proposed": proposed.pk},
            )
    except IntegrityError:
        raise ValidationError(
            _("A proposal for this position is already awaiting the office.")
        ) from None
    return change


def change_decide(*, user, change, record: bool, note: str = "") -> PersonnelChange:
    """The office records the change (the seat changes hands) or returns it with a note."""
    with transaction.atomic():
        change = (
            PersonnelChange.objects.select_for_update()
            .select_related("membership__body", "membership__agency", "proposed")
            .get(pk=change.pk)
        )
        if not is_recording_office(user, change.membership.body):
            raise PermissionDenied
        if change.status != PersonnelChange.Status.PROPOSED:
            raise ValidationError(_("This proposal has already been decided."))
        if not record and not note.strip():
            raise ValidationError(_("Say why the proposal is returned."))
        change.status = (
            PersonnelChange.Status.RECORDED if record else PersonnelChange.Status.RETURNED
        )
        change.decided_by, change.decided_at, change.note = user, timezone.now(), note.strip()
        change.save()
        if record:
            membership = Membership.objects.select_for_update().get(pk=change.membership_id)
            setattr(membership, change.position, change.proposed)
            membership.save()
        record_event(
            action="meetings.personnel_" + ("recorded" if record else "returned"),
            actor=user,
            obj=change,
            summary=lazy_summary(
                _("Personnel change at %(agency)s: %(status)s"),
                agency=change.membership.agency.name,
                status=PersonnelChange.Status(change.status).label,
            ),
            data={"proposed": change.proposed_id, "note": note.strip()},
        )
    return change


def people_of(agency):
    return User.objects.filter(agency=agency, is_active=True).order_by("full_name")
