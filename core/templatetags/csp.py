"""The request's Content-Security-Policy nonce in templates (see core.csp)."""

from django import template
from django.utils.safestring import mark_safe

from core.csp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce():
    return current_nonce()


@register.filter(is_safe=True)
def nonce_scripts(html):
    """Give the request's nonce to the bare `<script>` tags of a block of Wagtail's own admin templates.

    Only for blocks that hold nothing but Wagtail's code and static `<script src>` tags: user content never
    goes through this filter (it would lend it the nonce)."""
    return mark_safe(str(html).replace("<script>", f'<script nonce="{current_nonce()}">'))  # noqa: S308
