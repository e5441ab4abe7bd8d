"""The case-referral process (线索移送), as a graph. Business logic lives in cases/services.py.

A case officer registers a clue; an agency leader other than the registrant decides within
3 days: handle it in-house, close it as unfounded, or refer it to one or more agencies
(一案多查). Each referral is a parallel branch:

* the receiver's liaison signs for it (a receipt is issued) or returns it for more material
  (the sender supplements and it comes back);
* the receiver accepts (files) or refuses it with reasons; a criminal filing is followed by
  the sender's evidence hand-over (3 days); the receiver investigates, records progress and
  reports its result — or, for 公安, hands the case back for administrative handling, and the
  branch goes on with that reverse referral;
* after a refusal the sender accepts it, requests reconsideration (复议, once) or, for a
  criminal referral, asks the procuratorate for filing supervision (立案监督); a notice to
  file sends it back to the receiver to file;
* the originating agency's leader may withdraw a branch at any open step (with reasons).

When every branch is finished, the originating agency's officer writes the closing report
with the totals — or the leader refers the case to further agencies first (一案多处), which
starts a new round of branches. A closing report is the leader's to approve (结案审批, by a
leader other than its author): approved, the case is closed; returned with an opinion, it
goes back to the officer.

Every human task has a due time; three non-interrupting timers per task escalate an overdue
one (assignee, agency leader, joint-meeting office 督办). They are fired by
`manage.py workflow_timers` from cron.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from agencies.access import Ability
from cases import selectors, services
from cases import views as case_views
from workflow import escalation
from workflow.models import CaseProcess
from workflow.nodes import AgencyTask, BranchSwitch, ForEachSplit, HandBack

TASK_VIEW = case_views.task_page  # all task pages are the project's own (see cases/views.py)


class CaseFlow(flow.Flow):
    process_class = CaseProcess
    # SELECT … FOR UPDATE on the process row, waiting for the holder rather than failing fast:
    # of twenty people completing one task, one completes it and the others, once they get
    # the lock, find it done (AlreadyHandled) — never a duplicate step or a second Join.
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)
    process_title = _("Case referral")
    process_description = _(
        "Register, approve, refer to one or more agencies, close with the leader's approval."
    )

    start = (
        flow.StartHandle(this.start_case)
        .Annotation(title=_("Register the clue"))
        .Next(this.approve)
    )
    approve = (
        AgencyTask(TASK_VIEW, ability=Ability.APPROVE_CASE, side="origin", due="case_approval")
        .Annotation(
            title=_("Decide on the case"), description=_("The agency leader decides within 3 days.")
        )
        .escalating()
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
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="origin", due="in_house_handling")
        .Annotation(
            title=_("Handle in-house"),
            description=_("Investigate and close the case, or refer it to further agencies."),
        )
        .escalating()
        .Next(this.after_close)
    )
    refer = (
        ForEachSplit(this.referral_items)
        .Annotation(title=_("Send to each receiving agency"))
        .Next(this.receive)
    )
    receive = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver", due="referral")
        .Annotation(
            title=_("Sign for the referral"),
            description=_("Sign (a receipt is issued) or return it for more material."),
        )
        .escalating()
        .Next(this.after_receive)
    )
    after_receive = (
        BranchSwitch()
        .Annotation(title=_("Signed?"))
        .Case(this.branch_done, this.is_withdrawn)
        .Case(this.supplement, this.is_returned)
        .Default(this.decide)
    )
    supplement = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="sender", due="referral")
        .Annotation(title=_("Supplement the material"))
        .escalating()
        .Next(this.after_supplement)
    )
    after_supplement = (
        BranchSwitch()
        .Annotation(title=_("Supplemented?"))
        .Case(this.branch_done, this.is_withdrawn)
        .Default(this.receive)
    )
    decide = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver", due="referral")
        .Annotation(
            title=_("Accept or refuse"),
            description=_("File / accept it, or refuse with written reasons."),
        )
        .escalating()
        .Next(this.after_decide)
    )
    after_decide = (
        BranchSwitch()
        .Annotation(title=_("Accepted?"))
        .Case(this.branch_done, this.is_withdrawn)
        .Case(this.handover, this.is_filed_criminal)
        .Case(this.investigate, this.is_accepted)
        .Default(this.respond)
    )
    respond = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="sender", due="referral")
        .Annotation(
            title=_("Respond to the refusal"),
            description=_(
                "Accept the refusal, request reconsideration within 3 days, or ask the "
                "procuratorate for filing supervision."
            ),
        )
        .escalating()
        .Next(this.after_respond)
    )
    after_respond = (
        BranchSwitch()
        .Annotation(title=_("Contested?"))
        .Case(this.reconsider, this.is_reconsideration)
        .Case(this.supervise, this.is_supervision)
        .Default(this.branch_done)
    )
    reconsider = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver", due="referral")
        .Annotation(
            title=_("Decide on reconsideration"),
            description=_("Uphold the refusal or accept the case, within 3 days."),
        )
        .escalating()
        .Next(this.after_decide)
    )
    supervise = (
        AgencyTask(
            TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="procuratorate", due="referral"
        )
        .Annotation(
            title=_("Filing supervision"),
            description=_(
                "Obtain the police's reasons for not filing (7 days) and record the outcome: "
                "reasons sound, or a notice to file."
            ),
        )
        .escalating()
        .Next(this.after_supervise)
    )
    after_supervise = (
        BranchSwitch()
        .Annotation(title=_("Notice to file?"))
        .Case(this.branch_done, this.is_withdrawn)
        .Case(this.file_on_notice, this.is_notice_to_file)
        .Default(this.branch_done)
    )
    file_on_notice = (
        AgencyTask(TASK_VIEW, ability=Ability.RECEIVE_REFERRAL, side="receiver", due="referral")
        .Annotation(
            title=_("File on the procuratorate's notice"),
            description=_("File the case within 15 days of the notice."),
        )
        .escalating()
        .Next(this.after_decide)
    )
    handover = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="sender", due="referral")
        .Annotation(
            title=_("Hand over the evidence"),
            description=_("Hand over the items and material within 3 days of the filing."),
        )
        .escalating()
        .Next(this.after_handover)
    )
    after_handover = (
        BranchSwitch()
        .Annotation(title=_("Handed over?"))
        .Case(this.branch_done, this.is_withdrawn)
        .Default(this.investigate)
    )
    investigate = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="receiver", due="referral")
        .Annotation(
            title=_("Investigate and report the result"),
            description=_(
                "Record progress at least every 30 days; report the result, or hand the "
                "case back for administrative handling."
            ),
        )
        .escalating()
        .Next(this.after_investigate)
    )
    after_investigate = (
        BranchSwitch()
        .Annotation(title=_("Handed back?"))
        .Case(this.hand_back, this.is_handed_back)
        .Default(this.branch_done)
    )
    hand_back = (
        HandBack(this.note_hand_back)
        .Annotation(title=_("Hand back for administrative handling"))
        .Next(this.receive)
    )
    branch_done = flow.Join().Annotation(title=_("All referrals finished")).Next(this.close)
    close = (
        AgencyTask(TASK_VIEW, ability=Ability.HANDLE_CASE, side="origin", due="case_close")
        .Annotation(
            title=_("Close the case"),
            description=_("Close it with the totals, or refer it to further agencies first."),
        )
        .escalating()
        .Next(this.after_close)
    )
    after_close = (
        flow.Switch()
        .Annotation(title=_("Refer further?"))
        .Case(this.refer, this.is_referred)
        .Default(this.approve_close)
    )
    approve_close = (
        AgencyTask(
            TASK_VIEW, ability=Ability.APPROVE_CASE, side="origin", due="case_close_approval"
        )
        .Annotation(
            title=_("Approve the closing (结案审批)"),
            description=_("The agency leader approves the closing report or returns it."),
        )
        .escalating()
        .Next(this.after_close_approval)
    )
    after_close_approval = (
        flow.Switch()
        .Annotation(title=_("Closing approved?"))
        .Case(this.end, this.is_closed)
        .Default(this.close)
    )
    end = flow.End().Annotation(title=_("Closed"))

    escalate = (
        flow.Function(this.escalate_task)
        .Annotation(title=_("Escalate the overdue task"))
        .Next(this.escalated)
    )
    escalated = flow.End().Annotation(title=_("Escalated"))

    # -- one-line hooks into the services and selectors ------------------------------------

    def start_case(self, activation, case):
        activation.process.case = case
        return activation.process

    def is_referred(self, activation):
        return selectors.case_is_referred(activation.process.case)

    def is_in_house(self, activation):
        return selectors.case_is_in_house(activation.process.case)

    def is_closed(self, activation):
        return selectors.case_is_closed(activation.process.case)

    def referral_items(self, activation):
        return services.referral_branches(case=activation.process.case)

    def _status(self, activation):
        return selectors.referral_status(activation.task.data["referral_id"])

    def is_withdrawn(self, activation):
        return self._status(activation) == "withdrawn"

    def is_returned(self, activation):
        return self._status(activation) == "returned"

    def is_accepted(self, activation):
        return self._status(activation) == "accepted"

    def is_filed_criminal(self, activation):
        return selectors.referral_awaits_handover(activation.task.data["referral_id"])

    def is_reconsideration(self, activation):
        return self._status(activation) == "reconsideration"

    def is_supervision(self, activation):
        return self._status(activation) == "supervision"

    def is_notice_to_file(self, activation):
        return self._status(activation) == "notice_to_file"

    def is_handed_back(self, activation):
        return self._status(activation) == "handed_back"

    def note_hand_back(self, activation):
        """The reverse referral was created by the service that completed `investigate`."""

    def escalate_task(self, activation):
        escalation.escalate(activation.task.previous.get())
