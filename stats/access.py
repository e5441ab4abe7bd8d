"""Who sees which statistics — the one rule (stats_scope).

* The joint-meeting office, the convenor and auditors (Ability.VIEW_ALL_STATISTICS) see the
  figures across the units: aggregates only, never a case (their drill-down goes to the case
  ledger, which shows only the rows each of them may read).
* Everyone else who works on cases sees the figures of the rows their unit sees in the ledger
  (cases.selectors.visible_referrals_q / visible_cases_q, never a second definition).
* The 纪委监委 compartment (referrals to a discipline commission, and cases it registered)
  appears broken down only to the commission itself; the convenor and auditors see it as one
  line "纪委监委（合计）" of totals; nobody else sees it in any figure — not the office, not the
  unit that referred the clue.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from agencies.access import Ability, can, roles_of
from agencies.models import Agency, Role
from cases.models import Case, Referral
from cases.selectors import visible_cases_q, visible_referrals_q
from workflow.models import CaseTask

DISCIPLINE = Agency.Kind.DISCIPLINE

# the abilities of people who work on cases (a unit's own figures)
CASE_ABILITIES = (
    Ability.REGISTER_CASE,
    Ability.APPROVE_CASE,
    Ability.HANDLE_CASE,
    Ability.RECEIVE_REFERRAL,
)


class Compartment(StrEnum):
    HIDDEN = "hidden"  # no 纪委监委 figure at all
    TOTAL = "total"  # one line of totals, 纪委监委（合计）
    OWN = "own"  # the commission's own rows, broken down like any other


def compartment_referrals_q() -> Q:
    """Referrals inside the 纪委监委 compartment."""
    return Q(to_agency__kind=DISCIPLINE) | Q(case__agency__kind=DISCIPLINE)


def compartment_cases_q() -> Q:
    return Q(agency__kind=DISCIPLINE)


def compartment_tasks_q() -> Q:
    return Q(referral__to_agency__kind=DISCIPLINE) | Q(case__agency__kind=DISCIPLINE)


@dataclass(frozen=True)
class StatsScope:
    """What a user's figures are counted over: `across_units` (every unit's rows) or the rows
    the user's unit sees, and how the 纪委监委 compartment shows."""

    user: object
    across_units: bool
    compartment: Compartment

    # -- the rows broken down in the tables -------------------------------------------------

    def cases(self):
        cases = Case.objects.all()
        if not self.across_units:
            cases = cases.filter(visible_cases_q(self.user))
        if self.compartment != Compartment.OWN:
            cases = cases.exclude(compartment_cases_q())
        return cases

    def referrals(self):
        referrals = Referral.objects.all()
        if not self.across_units:
            referrals = referrals.filter(visible_referrals_q(self.user))
        if self.compartment != Compartment.OWN:
            referrals = referrals.exclude(compartment_referrals_q())
        return referrals

    def tasks(self):
        """The deadline-bearing steps (CaseTask) behind the rows: a visible referral's steps,
        and a case's own steps (approval, in-house handling, closing) for its agency."""
        tasks = CaseTask.objects.all()
        if not self.across_units:
            visible = Referral.objects.filter(
                visible_referrals_q(self.user), pk=OuterRef("referral")
            )
            tasks = tasks.filter(
                Q(Exists(visible)) | Q(referral__isnull=True, case__agency_id=self.user.agency_id)
            )
        if self.compartment != Compartment.OWN:
            tasks = tasks.exclude(compartment_tasks_q())
        return tasks

    # -- the 纪委监委（合计） line ------------------------------------------------------------

    @property
    def shows_compartment_total(self) -> bool:
        return self.compartment == Compartment.TOTAL

    def compartment_cases(self):
        return Case.objects.filter(compartment_cases_q())

    def compartment_referrals(self):
        return Referral.objects.filter(compartment_referrals_q())

    def compartment_tasks(self):
        return CaseTask.objects.filter(compartment_tasks_q())


def stats_scope(user) -> StatsScope | None:
    """The user's statistics, or None: they see none (the page is refused)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if can(user, Ability.VIEW_ALL_STATISTICS):
        roles = roles_of(user)
        total = Role.CONVENOR in roles or Role.AUDITOR in roles
        return StatsScope(
            user=user,
            across_units=True,
            compartment=Compartment.TOTAL if total else Compartment.HIDDEN,
        )
    if user.agency_id is None or not any(can(user, ability) for ability in CASE_ABILITIES):
        return None
    own = user.agency.kind == DISCIPLINE
    return StatsScope(
        user=user,
        across_units=False,
        compartment=Compartment.OWN if own else Compartment.HIDDEN,
    )


def office_scope() -> StatsScope:
    """The joint-meeting office's figures without a reader: across the units, the 纪委监委
    compartment left out (the 情况通报 to the member units, meetings.services)."""
    return StatsScope(user=None, across_units=True, compartment=Compartment.HIDDEN)


def may_view_statistics(user) -> bool:
    return stats_scope(user) is not None


def unit_report_refusal(user) -> str | None:
    """Why `user` may not draft their unit's own 情况通报 (None: they may): it takes a unit's
    own figures (not the cross-unit view of the office, the convenor and auditors, whose
    report is the joint meeting's) and the ability to draft documents (拟稿)."""
    scope = stats_scope(user)
    if scope is None or scope.across_units:
        return _("Only a member unit drafts its own work report from its own figures.")
    if not can(user, Ability.ISSUE_DOCUMENTS):
        return _("Drafting documents (拟稿) is for the unit's case officers.")
    return None


def may_draft_unit_report(user) -> bool:
    return unit_report_refusal(user) is None
