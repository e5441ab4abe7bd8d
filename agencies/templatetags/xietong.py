from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


@register.simple_tag
def due_chip(due_at, now, escalation=0):
    """A due time, red when overdue (with how far it was escalated), amber within a day."""
    if due_at is None:
        return "—"
    text = date_format(timezone.localtime(due_at), "Y-m-d H:i")
    if due_at < now:
        label = _("overdue")
        if escalation:
            from workflow.models import CaseTask

            label = CaseTask.Escalation(escalation).label
        return format_html('<span class="xt-chip xt-chip--late">{} · {}</span>', text, label)
    if due_at - now < timedelta(days=1):
        return format_html('<span class="xt-chip xt-chip--soon">{}</span>', text)
    return text


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, default="due"):
    """A column heading that sorts the list by `key` (again: the other way round), keeping
    the list's other filters in the URL; the current order is marked with an arrow."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    current = query.get("sort") or default
    chosen = current.lstrip("-") == key
    query["sort"] = f"-{key}" if current == key else key
    arrow = ("▲" if not current.startswith("-") else "▼") if chosen else ""
    return format_html(
        '<a class="xt-sort{}" href="?{}" aria-sort="{}">{}{}</a>',
        " xt-sort--on" if chosen else "",
        query.urlencode(),
        ("descending" if current.startswith("-") else "ascending") if chosen else "none",
        label,
        arrow,
    )


@register.filter
def role_names(ability):
    """Who in an agency acts on a task needing `ability`: 联络员、经办人 …"""
    from agencies.access import Ability, roles_with

    try:
        return "、".join(str(role.label) for role in roles_with(Ability(ability)))
    except ValueError:
        return ""


@register.simple_tag
def party_identifier(subject, full_id_numbers):
    """A party's credit code (in full) or ID number (in full or masked, as the reader's role
    allows: cases.access.may_see_id_numbers)."""
    return subject.identifier_for(full_id_numbers=bool(full_id_numbers))
