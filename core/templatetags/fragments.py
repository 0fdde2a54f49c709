"""`{% fragment %}`: a part of a template that is the same for everyone, cached until its data changes.

    {% load fragments %}
    {% fragment "fiche-sheet" "pages" page.pk %} … {% endfragment %}

The first argument names the fragment, the second lists the kinds of data it shows (`core.fragments.KINDS`,
space-separated), the others are the values it depends on besides those data (the page, a filter, the
navigation of a role…). The active language is always one of them. Nothing personal may be rendered inside
(user, CSRF token, CSP nonce, request path): those stay outside the fragment. See core/fragments.py.
"""

from django import template
from django.utils.translation import get_language

from core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, kinds, vary):
        self.nodelist = nodelist
        self.name = name
        self.kinds = kinds
        self.vary = vary

    def render(self, context):
        name = self.name.resolve(context)
        kinds = tuple(str(self.kinds.resolve(context)).split())
        vary = [get_language()] + [value.resolve(context) for value in self.vary]
        return fragments.cached(
            f"template:{name}", kinds, vary, lambda: self.nodelist.render(context), context.get("request")
        )


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a name and the kinds of data of the fragment")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(b) for b in bits[3:]],
    )
