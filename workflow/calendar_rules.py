"""Due times from the configured deadline rules."""

from datetime import datetime

from workflow.calendar import WorkingCalendar
from workflow.models import DeadlineRule


def rule_due(code: str, start: datetime, *, calendar: WorkingCalendar | None = None) -> datetime:
    rule = DeadlineRule.objects.get(code=code)
    return (calendar or WorkingCalendar()).due_at(start, rule.length, rule.unit)
