"""The administrators' banner: a coming year has no holiday data (xietong/_holiday_banner.html).

Shown to the system administrators (who load the year) and to the joint-meeting office (who
supervise overdue deadlines, 督办, and should know the counts are provisional); nobody else.
"""

from django import template

from agencies.access import Ability, can, is_system_admin
from workflow.selectors import years_without_holiday_data

register = template.Library()


@register.simple_tag(takes_context=True)
def holiday_gap(context):
    """{"years": [2027], "can_load": bool} for a user who should know, else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return None
    can_load = is_system_admin(user)
    if not (can_load or can(user, Ability.RUN_MEETINGS)):
        return None
    years = years_without_holiday_data()
    return {"years": years, "can_load": can_load} if years else None
