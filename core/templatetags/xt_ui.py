"""Template helpers every page shares: the error summary at the top of a form, the "choose the
file again" note under an upload, document numbers kept on one line, and viewflow's form
rendering without its own copy of the form's errors (the login page)."""

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from viewflow.forms.renderers import FormLayout

register = template.Library()


def _field_entries(form, item=None):
    """(anchor id, label, messages) for every field of `form` with errors, in field order."""
    entries = []
    for bound in form:
        if not bound.errors:
            continue
        label = str(bound.label) if bound.label else bound.name
        if item is not None:
            label = _("%(label)s (item %(n)d)") % {"label": label, "n": item}
        entries.append((bound.auto_id or "", label, list(bound.errors)))
    return entries


@register.inclusion_tag("xietong/_error_summary.html")
def error_summary(*forms_and_formsets):
    """The summary of everything to correct, for a form and the formsets under it:
    `{% error_summary form subjects %}`. Non-field errors are listed first, without a link;
    each field with errors is a link to the field. Renders nothing when all is well."""
    general, fields = [], []
    for thing in forms_and_formsets:
        if thing is None or not getattr(thing, "is_bound", False):
            continue
        if isinstance(thing, forms.BaseFormSet):
            general.extend(thing.non_form_errors())
            for number, sub in enumerate(thing.forms, start=1):
                general.extend(sub.non_field_errors())
                fields.extend(_field_entries(sub, item=number))
        else:
            general.extend(thing.non_field_errors())
            fields.extend(_field_entries(thing))
    return {"general": general, "fields": fields, "count": len(general) + len(fields)}


@register.filter
def chosen_files(field) -> list[str]:
    """The names of the files sent for a file field of a form that failed: the browser cannot
    keep them in the re-shown form, so the page asks for them again by name."""
    form = field.form
    if not form.is_bound or not form.errors or not isinstance(field.field, forms.FileField):
        return []
    if not hasattr(form.files, "getlist"):
        return []
    return [upload.name for upload in form.files.getlist(field.html_name) if upload]


@register.filter
def docno(value):
    """A document or case number (吉医保联〔2026〕3号) that never breaks across lines."""
    if value in (None, ""):
        return ""
    return format_html('<span class="xt-docno">{}</span>', value)


class _FieldsOnlyLayout(FormLayout):
    """viewflow's layout without the non-field errors: the page shows those once, itself."""

    def append_non_field_errors(self, form, root):
        return None


@register.simple_tag
def render_fields(form):
    """viewflow's `{% render form %}` without its copy of the form's non-field errors."""
    return mark_safe(_FieldsOnlyLayout().render(form))  # noqa: S308 — ElementTree escapes text
