"""Custom viewflow nodes.

viewflow 2.4 (open source) cannot give each parallel branch its own data: `ForEachSplit`
creates one branch per item (here: one per referral), each first task carrying its
referral in `task.data`. Every later task of the branch inherits that data from the task
before it (`Branch*` nodes), so any task knows which referral it belongs to.

`AgencyTask` is a human task owned by an agency: the acting agency (the case's originating
agency, the referral's receiver or its sender) is stamped into `task.data` at creation, and
only people of that agency holding the node's ability may complete it (no claiming).
"""

from datetime import UTC, datetime

from viewflow import this
from viewflow.workflow import Activation, flow
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import SplitActivation
from viewflow.workflow.token import Token

import notifications.events
from workflow.calendar_rules import rule_due
from workflow.models import CaseTask

NEVER = datetime(9999, 1, 1, tzinfo=UTC)

BRANCH_KEYS = ("referral_id",)


class ForEachSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        items = list(self.flow_task._items(self))  # [(data, seed), ...]
        if not items:
            raise FlowRuntimeError(f"{self.flow_task.name}: nothing to split on")
        for node, _cond, _data_source in self.flow_task._branches:
            self.next_tasks.extend((node, item) for item in items)

    @Activation.status.super()
    def create_next(self):
        tokens = Token.split_token_source(self.task.token, self.task.pk)
        for node, (data, seed) in self.next_tasks:
            yield node._create(prev_activation=self, token=next(tokens), data=data, seed=seed)


class ForEachSplit(flow.Split):
    """A Split with one outgoing branch per item of `items(activation)`."""

    activation_class = ForEachSplitActivation

    def __init__(self, items, **kwargs):
        super().__init__(**kwargs)
        self._items = items

    def _resolve(self, instance):
        super()._resolve(instance)
        self._items = this.resolve(instance, self._items)
        for node, _cond, _data_source in self._activate_next:
            node._multi_instance = True


class InheritBranch:
    """Tasks of a branch carry the branch's referral, taken from the task before them."""

    def _create(self, prev_activation, token, data=None, seed=None):
        if not data:  # viewflow passes {} when the edge has no data source
            previous = prev_activation.task.data or {}
            data = {key: previous[key] for key in BRANCH_KEYS if key in previous}
        return super()._create(prev_activation, token, data=data, seed=seed)


class BranchIf(InheritBranch, flow.If):
    pass


class BranchSwitch(InheritBranch, flow.Switch):
    pass


class BranchFunction(InheritBranch, flow.Function):
    pass


class HandBack(InheritBranch, flow.Function):
    """公安 hands a case back (行政处理): the branch goes on with the reverse referral.

    The hand-back is a referral in the other direction (parent = the criminal referral); from
    this node on, the branch's tasks carry the reverse referral, so its receiver is the agency
    that first sent the case.
    """

    def _create(self, prev_activation, token, data=None, seed=None):
        from cases.models import Referral

        previous = (prev_activation.task.data or {}).get("referral_id")
        reverse = Referral.objects.filter(parent_id=previous).order_by("-pk").first()
        data = {"referral_id": reverse.pk} if reverse else None
        return super()._create(prev_activation, token, data=data, seed=seed)


def acting_agency_id(process, data: dict, side: str) -> int:
    """Which agency acts on a task: origin, receiver, sender or the copied procuratorate."""
    if side == "origin":
        return process.case.agency_id
    from cases.models import Referral

    referral = Referral.objects.only("from_agency_id", "to_agency_id", "copy_to_id").get(
        pk=data["referral_id"]
    )
    return {
        "receiver": referral.to_agency_id,
        "sender": referral.from_agency_id,
        "procuratorate": referral.copy_to_id,
    }[side]


class AgencyTask(InheritBranch, flow.View):
    """A human task that belongs to one agency and needs one ability (agencies.access).

    `due` says by when: a deadline rule code counted from the task's creation, or
    "referral" for the due time the service just set on the branch's referral. Tasks with a
    due time get three non-interrupting timers (`escalating()`): at the due time the assignee
    is reminded, then the agency leader, then the task is listed for the joint-meeting
    office (督办). viewflow cancels the timers when the task is finished.
    """

    def __init__(self, view, *, ability, side="origin", due=None, **kwargs):
        super().__init__(view, **kwargs)
        self.ability = ability
        self.side = side
        self.due = due

    def escalating(self):
        for level in (1, 2, 3):
            self.OnTimeout(
                lambda activation, level=level: escalation_time(activation, level),
                this.escalate,
                interrupting=False,
            )
        return self

    def _create(self, prev_activation, token, data=None, seed=None):
        if not data:
            previous = prev_activation.task.data or {}
            data = {key: previous[key] for key in BRANCH_KEYS if key in previous}
        activation = self.activation_class.create(
            self, prev_activation, token, data=data, seed=seed
        )
        task = activation.task
        agency_id = acting_agency_id(task.process, task.data or {}, self.side)
        task.data = {**(task.data or {}), "agency_id": agency_id, "ability": str(self.ability)}
        task.save(update_fields=["data"])
        case_task = CaseTask.objects.create(
            task=task,
            case_id=task.process.case_id,
            referral_id=task.data.get("referral_id"),
            agency_id=agency_id,
            ability=str(self.ability),
            due_at=self.due_time(task),
        )
        notifications.events.task_created(case_task)  # the people who must act are told
        for boundary_event in self._boundary_events:  # armed once the due time is known
            boundary_event._arm(activation)
        return activation

    def due_time(self, task):
        if self.due is None:
            return None
        if self.due == "referral":
            from cases.models import Referral

            return Referral.objects.values_list("due_at", flat=True).get(
                pk=task.data["referral_id"]
            )
        return rule_due(self.due, task.created)

    # A task belongs to its role in its agency, not to a person: whoever of them acts first
    # completes it (the rule itself is cases.access.task_refusal). viewflow's own checks ask
    # the same rule, so no path can complete a task the case pages would not offer.
    def may_act(self, user, task) -> bool:
        from cases.access import may_act_on_task  # the flow imports the case pages

        return may_act_on_task(user, task)

    def can_assign(self, user, task):
        return self.may_act(user, task)

    def can_unassign(self, user, task):
        return self.may_act(user, task)

    def can_execute(self, user, task):
        return self.may_act(user, task)


def escalation_time(timer_activation, level: int):
    """When a task's escalation `level` is due: its due time, then the configured delays.

    A task without a due time never escalates (the timer is set far in the future and is
    cancelled with the task).
    """
    host = timer_activation.task.previous.get()
    due = CaseTask.objects.values_list("due_at", flat=True).get(task_id=host.pk)
    timer_activation.task.data = {"level": level, "host": host.pk}
    return NEVER if due is None else escalation_at(due, level)


def escalation_at(due, level: int):
    if level == 1:
        return due
    return rule_due("escalate_leader" if level == 2 else "escalate_office", due)
