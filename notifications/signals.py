"""A finished case task settles its notifications (notifications_settle_task)."""

from django.dispatch import receiver
from viewflow.workflow.signals import task_finished


@receiver(task_finished, dispatch_uid="notifications_settle_task")
def _task_finished(sender, process, task, **kwargs):
    if task.flow_task_type == "HUMAN":
        from notifications.services import notifications_settle_task

        notifications_settle_task(task)
