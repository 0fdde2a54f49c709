"""Facilitation kits in templates: the clock of a run sheet, the kit's link on its module page."""

from django import template

from core import fragments
from trainers.access import can_read_kits

register = template.Library()


@register.filter
def clock(minutes):
    """Minutes from the start of the session as a clock: 0 → « 0:00 », 95 → « 1:35 »."""
    hours, rest = divmod(int(minutes or 0), 60)
    return f"{hours}:{rest:02d}"


@register.inclusion_tag("trainers/includes/kit_link.html", takes_context=True)
def facilitation_kit_link(context, module):
    """The link to the module's facilitation kit, for the people who may read it (nothing for others, no
    query: trainers.access.can_read_kits is cached). Which kit a module has is kept until a page changes."""
    from trainers.models import FacilitationKitPage

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_kits(user):
        return {"kit": None}
    kit = fragments.cached(
        "facilitation-kit",
        (fragments.PAGES,),
        [module.pk],
        lambda: _kit_link(FacilitationKitPage.objects.child_of(module).live().first(), request),
        request,
    )
    return {"kit": kit}


def _kit_link(kit, request):
    return kit and {"pk": kit.pk, "url": kit.get_url(request)}
