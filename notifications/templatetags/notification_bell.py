"""The bell in the top bar of every page, with my unread count (one bounded COUNT query)."""

from django import template

from notifications.selectors import BELL_CAP, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """{"count": n, "shown": "n" or "99+"} for the signed-in person, else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    count = unread_count(user)
    return {"count": count, "shown": f"{BELL_CAP}+" if count > BELL_CAP else str(count)}
