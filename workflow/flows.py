"""The case-referral process (线索移送), as a graph. Business logic lives in cases/services.py.

A case officer registers a clue; an agency leader other than the registrant decides within
3 days: handle it in-house, close it as unfounded, or refer it to one or more agencies
(一案多查). Each referral is a parallel branch: the receiving agency's liaison signs for it
(a receipt is issued) or returns it for more material (the sender supplements and it comes
back); the receiver then accepts or refuses it with reasons; an accepted referral is
investigated and its result reported. When every branch is finished, the originating agency
closes the case with the totals recovered and fined.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from agencies.access import Ability
from cases import selectors, services
from cases import views as case_views
from workflow.models import CaseProcess
from workflow.nodes import AgencyTask, BranchIf, ForEachSplit

TASK_VIEW = case_views.task_page  # all task pages are the project's own (see cases/views.py)


class CaseFlow(flow.Flow):
    process_class = CaseProcess
    # SELECT … FOR UPDATE on the process row, waiting for the holder rather than failing fast:
    # of twenty people completing one task, one completes it and the others, once they get
    # the lock, find it done (AlreadyHandled) — never a duplicate step or a second Join.
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)
    process_title = _("Case referral")
    process_description = _("Register, approve, refer to one or more agencies, close.")

    start = (
        flow.StartHandle(this.start_case)
        .Annotation(title=_("Register the clue"))
        .Next(this.approve)
    )
    approve = (
        AgencyTask(TASK_VIEW, ability=Ability.APPROVE_CASE, side="origin")
        .Annotation(
            title=_("Decide on the case"), description=_("The agency leader decides within 3 days.")
        )
        .Next(this.route)
    )
    route = (
        flow.Switch()
        .Annotation(title=_("Route by decision"))
        .Case(this.refer, this.is_referred)
        .Case(this.handle_in_house, this.is_in_house)
        .Default(this.unfounded)
    )
    unfounded = flow.End().Annotation(title=_("Closed as unfounded"))
    handle_in_house = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="origin")
        .Annotation(title=_("Handle in-house"))
        .Next(this.close)
    )
    refer = (
        ForEachSplit(this.referral_items)
        .Annotation(title=_("Send to each receiving agency"))
        .Next(this.receive)
    )
    receive = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver")
        .Annotation(
            title=_("Sign for the referral"),
            description=_("Sign (a receipt is issued) or return it for more material."),
        )
        .Next(this.after_receive)
    )
    after_receive = (
        BranchIf(this.is_returned)
        .Annotation(title=_("Returned?"))
        .Then(this.supplement)
        .Else(this.decide)
    )
    supplement = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="sender")
        .Annotation(title=_("Supplement the material"))
        .Next(this.receive)
    )
    decide = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver")
        .Annotation(
            title=_("Accept or refuse"),
            description=_("File / accept it, or refuse with written reasons."),
        )
        .Next(this.after_decide)
    )
    after_decide = (
        BranchIf(this.is_accepted)
        .Annotation(title=_("Accepted?"))
        .Then(this.report)
        .Else(this.branch_done)
    )
    report = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="receiver")
        .Annotation(title=_("Report the result"))
        .Next(this.branch_done)
    )
    branch_done = flow.Join().Annotation(title=_("All referrals finished")).Next(this.close)
    close = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="origin")
        .Annotation(title=_("Close the case"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Closed"))

    # -- one-line hooks into the services and selectors ------------------------------------

    def start_case(self, activation, case):
        activation.process.case = case
        return activation.process

    def is_referred(self, activation):
        return selectors.case_is_referred(activation.process.case)

    def is_in_house(self, activation):
        return selectors.case_is_in_house(activation.process.case)

    def referral_items(self, activation):
        return services.referral_branches(case=activation.process.case)

    def is_returned(self, activation):
        return selectors.referral_is_returned(activation.task.data["referral_id"])

    def is_accepted(self, activation):
        return selectors.referral_is_accepted(activation.task.data["referral_id"])
