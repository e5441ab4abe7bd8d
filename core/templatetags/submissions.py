import uuid

from django import template
from django.utils.html import format_html

from core.submissions import TOKEN_FIELD, token_of

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context):
    """The hidden token that makes a form's submission count once (core.submissions).

    A form shown again after an error keeps the token it was sent with, so correcting and
    resending it is the same submission; a fresh form gets a new one.
    """
    request = context.get("request")
    token = token_of(request) if request is not None and request.method == "POST" else None
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, token or uuid.uuid4()
    )
