"""Every form of the site says what went wrong the same way, without each template having to ask for it.

`base.html` calls these two tags: when the page holds a bound form with errors (any form in the template's
context: `form`, `filter_form`, ...), the page title starts with « Erreur : » and a DSFR error summary opens the
content, listing each error with a link to its field; `static/js/form-errors.js` moves the focus to the summary
(a static file: the Content-Security-Policy forbids inline scripts).
"""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

register = template.Library()


def _forms_with_errors(context):
    found, seen = [], set()
    for value in context.flatten().values():
        if isinstance(value, LazyObject):  # true from the wrapper's own class: nothing evaluated
            # A lazy value nothing has read yet holds no form: reading it here would run the queries a page
            # defers to the cached fragments that use it (home.models.HomePage.get_context).
            if value._wrapped is empty:
                continue
            value = value._wrapped
        candidates = value.forms if isinstance(value, BaseFormSet) else [value]
        for form in candidates:
            if isinstance(form, BaseForm) and form.is_bound and form.errors and id(form) not in seen:
                seen.add(id(form))
                found.append(form)
    return found


def _errors(form):
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        bound = form[name] if field is not None else None
        label = bound.label if bound is not None else ""
        anchor = bound.id_for_label if bound is not None else ""
        if bound is not None and not anchor and bound.subwidgets:  # radio buttons: the first choice
            anchor = bound.subwidgets[0].id_for_label
        # A hidden field's error is the page's problem, not the agent's: it is told like a form-wide error.
        if bound is not None and bound.is_hidden:
            label, anchor = "", ""
        for message in messages:
            yield {"label": label, "anchor": anchor, "message": message}


@register.simple_tag(takes_context=True)
def form_error_title_prefix(context):
    """« Erreur : » when a form of the page has errors, else nothing."""
    return _("Error: ") if _forms_with_errors(context) else ""


@register.inclusion_tag("includes/form_error_summary.html", takes_context=True)
def form_error_summary(context):
    errors = [error for form in _forms_with_errors(context) for error in _errors(form)]
    return {"errors": errors}
