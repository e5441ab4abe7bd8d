"""Custom viewflow nodes.

viewflow 2.4 (open source) cannot give each parallel branch its own data: `ForEachSplit`
creates one branch per item (here: one per referral), each first task carrying its
referral in `task.data`. Every later task of the branch inherits that data from the task
before it (`Branch*` nodes), so any task knows which referral it belongs to.

`AgencyTask` is a human task owned by an agency: the acting agency (the case's originating
agency, the referral's receiver or its sender) is stamped into `task.data` at creation, and
only people of that agency holding the node's ability may claim or complete it.
"""

from viewflow import this
from viewflow.workflow import Activation, flow
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import SplitActivation
from viewflow.workflow.token import Token

from agencies.access import can

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


class BranchFunction(InheritBranch, flow.Function):
    pass


def acting_agency_id(process, data: dict, side: str) -> int:
    """Which agency acts on a task: origin (the case's agency), receiver or sender."""
    if side == "origin":
        return process.case.agency_id
    from cases.models import Referral

    referral = Referral.objects.only("from_agency_id", "to_agency_id").get(pk=data["referral_id"])
    return referral.to_agency_id if side == "receiver" else referral.from_agency_id


class AgencyTask(InheritBranch, flow.View):
    """A human task that belongs to one agency and needs one ability (agencies.access)."""

    def __init__(self, view, *, ability, side="origin", **kwargs):
        super().__init__(view, **kwargs)
        self.ability = ability
        self.side = side

    def _create(self, prev_activation, token, data=None, seed=None):
        activation = super()._create(prev_activation, token, data=data, seed=seed)
        task = activation.task
        task.data = {
            **(task.data or {}),
            "agency_id": acting_agency_id(task.process, task.data or {}, self.side),
            "ability": str(self.ability),
        }
        task.save(update_fields=["data"])
        return activation

    def may_act(self, user, task) -> bool:
        return (
            getattr(user, "is_authenticated", False)
            and user.agency_id is not None
            and user.agency_id == (task.data or {}).get("agency_id")
            and can(user, self.ability)
        )

    def can_assign(self, user, task):
        return task.owner_id is None and self.may_act(user, task)

    def can_unassign(self, user, task):
        return task.owner_id == getattr(user, "pk", None)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and self.may_act(user, task)
