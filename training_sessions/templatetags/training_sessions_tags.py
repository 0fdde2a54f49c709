"""Template tags other pages use: upcoming sessions (home page, module page) and a module's average rating.

Usage (one line in the page template):
    {% include "training_sessions/includes/upcoming_sessions.html" with module=page %}
    {% include "training_sessions/includes/module_rating.html" with module=page %}
"""

from django import template
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import fragments
from training_sessions import services
from training_sessions.models import MIN_ANSWERS_FOR_PUBLIC_AVERAGE, Evaluation, Session

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_sessions(context, module=None, limit=6, heading_level=2, entry_first=False):
    """Upcoming scheduled sessions (of one module, or of all), with places left.

    `entry_first` (the home page): the entry module's sessions that still have places come first, then the other
    sessions with places, then the full ones, each soonest first.

    The same for every agent: its HTML is cached until a session, a registration or a page changes, or the
    first session shown starts (core.fragments); rebuilding it takes a fixed number of queries."""
    module_id = getattr(module, "pk", None)
    try:
        heading_level = min(max(int(heading_level), 2), 5)
    except (TypeError, ValueError):
        heading_level = 2
    limit = int(limit)
    request = context.get("request")

    def build():
        sessions = Session.objects.upcoming().for_display()
        if module_id:
            sessions = sessions.filter(module_id=module_id)
        if entry_first:
            has_places = Q(registered_count__lt=F("capacity"))
            rank = Case(
                When(has_places & Q(module__is_entry_module=True), then=Value(0)),
                When(has_places, then=Value(1)),
                default=Value(2),
            )
            sessions = sessions.order_by(rank, "start", "pk")
        sessions = list(sessions[:limit])
        html = render_to_string(
            "training_sessions/includes/upcoming_sessions_list.html",
            {"sessions": sessions, "module": module if module_id else None, "heading_level": heading_level},
            request=request,
        )
        return fragments.Expiring(html, min((session.start for session in sessions), default=None))

    return fragments.cached(
        "upcoming-sessions",
        (fragments.SESSIONS, fragments.PAGES),
        [get_language(), module_id, limit, heading_level, bool(entry_first)],
        build,
        request,
    )


def rating_label(average, answers):
    """ "4,5/5 · 38 avis" (French decimal comma, through the active locale)."""
    return _("%(average)s/5 · %(answers)s reviews") % {
        "average": formats.number_format(round(average, 1), 1, use_l10n=True),
        "answers": answers,
    }


def module_rating_summary(module):
    """{'average', 'answers', 'label'} once the module has at least 5 answers, else None."""
    if not getattr(module, "pk", None):
        return None
    summary = Evaluation.objects.for_module(module).summary()
    if not summary["answers"] or summary["answers"] < MIN_ANSWERS_FOR_PUBLIC_AVERAGE:
        return None
    return summary | {"label": rating_label(summary["average"], summary["answers"])}


@register.simple_tag(takes_context=True)
def module_rating(context, module):
    """The module's average rating badge, cached until a session, registration or evaluation changes."""
    request = context.get("request")
    return fragments.cached(
        "module-rating",
        (fragments.SESSIONS,),
        [get_language(), getattr(module, "pk", None)],
        lambda: render_to_string(
            "training_sessions/includes/rating.html", {"rating": module_rating_summary(module)}, request=request
        ),
        request,
    )


@register.simple_tag(takes_context=True)
def pending_evaluations(context):
    """The signed-in agent's attended sessions still to rate (for a notice in "Mon parcours")."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return []
    return list(services.pending_evaluations(user))
