from django import template

from agencies.access import can

register = template.Library()


@register.filter
def menu_links_for(app, user):
    """An application's menu links that this user may follow: (title, url name, icon)."""
    return [
        (title, name, icon)
        for title, name, icon, *ability in app.menu_links
        if not ability or ability[0] is None or can(user, ability[0])
    ]


@register.filter
def yuan(value):
    """Money in yuan with fen precision and thousands grouping: 3,862,700.50."""
    if value in (None, ""):
        return ""
    return f"{value:,.2f}"
