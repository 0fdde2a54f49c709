"""The internal-trainer path in Mon parcours: where a nominated agent stands, with a link to their path."""

from django import template

from trainers import services
from trainers.access import is_trainee, trainer_profile

register = template.Library()


@register.inclusion_tag("trainers/includes/mon_parcours_section.html", takes_context=True)
def trainer_path_section(context):
    """Nothing for an agent who is not on the path (no query once `is_trainee` is cached); the steps for a
    trainee."""
    request = context.get("request")
    user = getattr(request, "user", None)
    profile = trainer_profile(user) if user is not None and is_trainee(user) else None
    if profile is None:
        return {"profile": None}
    facts = services.facts_of(user)
    return {
        "profile": profile,
        "steps": services.path_steps(profile, facts),
        "proposed": services.proposed_step(profile, facts),
    }
