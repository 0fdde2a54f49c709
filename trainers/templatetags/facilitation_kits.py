"""Facilitation kits in templates: the clock of a run sheet, the kit's link on its module page."""

from django import template

from trainers.access import can_read_kits

register = template.Library()


@register.filter
def clock(minutes):
    """Minutes from the start of the session as a clock: 0 → « 0:00 », 95 → « 1:35 »."""
    hours, rest = divmod(int(minutes or 0), 60)
    return f"{hours}:{rest:02d}"


@register.inclusion_tag("trainers/includes/kit_link.html", takes_context=True)
def facilitation_kit_link(context, module):
    """The link to the module's facilitation kit, for the people who may read it (nothing for others)."""
    from trainers.models import FacilitationKitPage

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_kits(user):
        return {"kit": None}
    return {"kit": FacilitationKitPage.objects.child_of(module).live().only("id", "title", "url_path").first()}
