"""The dashboard's figures, rendered once per scope and filters and kept until what they show changes.

Every figure is read from data whose changes bump a generation of core.fragments, all in the key:
- `sessions`: sessions (dates, status, capacity, module, site), facilitations, registrations, attendance,
  evaluations (training_sessions.receivers);
- `pages`: module and fiche titles, a fiche's module, sites, directorates, organisations and their kind
  (core.receivers);
- `accounts`: an agent's directorate, work site and name (an account saved: accounts.receivers);
- `practices`: declared uses; `follow_ups`: follow-up answers and their obstacles (practices.receivers);
- `trainers`: the internal trainers' statuses (pilotage.receivers).
Besides the data, figures depend on time: a planned session is held from its start (the fragment is valid
until the next start, `fragments.Expiring`), and the forecast reads the quarters started by today (the
current quarter is in the key, as are the dates of the default period). The key holds only validated values:
the scope, the facilitator whose own figures these are, the period, module and site, the language.

The filters' fields showing valid filters are cached too (`filter_fields`: the modules and sites offered are
pages' data). What is personal or depends on the request stays out: the facilitator's link to their trainer
record, a filter form with errors (shown as typed).
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from core import fragments
from pilotage import charts, exports
from pilotage.access import ALL
from pilotage.forms import FilterForm
from pilotage.practice_stats import PracticeFigures
from pilotage.stats import RATINGS, Dashboard, current_quarter

KINDS = (
    fragments.SESSIONS,
    fragments.PAGES,
    fragments.ACCOUNTS,
    fragments.PRACTICES,
    fragments.FOLLOW_UPS,
    fragments.TRAINERS,
)


def rendered(request, scope, filters):
    """The HTML of the dashboard's figures (activity to « Diffusion des pratiques ») and export links for `scope`
    and `filters`."""
    quarter = current_quarter()
    facilitator = filters.facilitator.pk if filters.facilitator is not None else ""
    vary = [
        get_language(),
        timezone.get_current_timezone_name(),
        scope,
        facilitator,
        filters.date_from.isoformat(),
        filters.date_to.isoformat(),
        filters.module_id or "",
        filters.site_id or "",
        quarter.isoformat(),
    ]

    def build():
        board = Dashboard(filters)
        context = context_of(board, scope, quarter)
        html = render_to_string("pilotage/includes/figures.html", context)
        return fragments.Expiring(html, context["overview"]["next_start"])

    return fragments.cached("pilotage-dashboard", KINDS, vary, build, request)


def filter_fields(request, filters):
    """The HTML of the filters' fields showing valid `filters` (a form with errors is rendered as typed)."""
    values = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "module": filters.module_id,
        "site": filters.site_id,
    }
    vary = [get_language(), filters.date_from.isoformat(), filters.date_to.isoformat()]
    vary += [filters.module_id or "", filters.site_id or ""]

    def build():
        return render_to_string("pilotage/includes/filter_fields.html", {"form": FilterForm(initial=values)})

    return fragments.cached("pilotage-filter-fields", (fragments.PAGES,), vary, build, request)


def context_of(board, scope, today):
    """The figures and charts of `board` (a pilotage.stats.Dashboard); `today`: the day the forecast reads."""
    overview = board.overview()
    directorates = board.participants_by_directorate()
    satisfaction = board.satisfaction()
    mix = board.facilitation_mix()
    context = {
        "scope": scope,
        "overview": overview,
        "directorates": directorates,
        "directorates_chart": charts.horizontal_bars(directorates, "attendances"),
        "sites": board.participants_by_site(),
        "satisfaction": satisfaction,
        "distribution_chart": charts.distribution(satisfaction["distribution"]),
        "by_module": board.satisfaction_by_module(),
        "by_session": board.satisfaction_by_session(),
        "by_site": board.satisfaction_by_site(),
        "by_facilitator": board.satisfaction_by_facilitator(),
        "mix": mix,
        "mix_chart": charts.stacked_columns(mix),
        "pipeline": board.trainer_pipeline() if scope == ALL else None,
        "forecast": board.internal_forecast(mix, today) if scope == ALL else None,
        "ratings": RATINGS,
        "export_kinds": {
            kind: label for kind, label in exports.KINDS.items() if scope == ALL or kind not in exports.PROGRAMME_KINDS
        },
        "query_string": board.filters.query_string(),
    }
    if scope == ALL:  # practices are not tied to sessions: no facilitator's "own" figures
        context["practices"] = practices_context(PracticeFigures(board.filters))
    return context


def practices_context(figures):
    """« Diffusion des pratiques »: figures, charts beside their tables."""
    by_fiche = figures.by_fiche()
    by_directorate = figures.by_directorate()
    by_month = figures.by_month()
    follow_up = figures.follow_up()
    obstacles = figures.obstacles(follow_up["total"]["answers"])
    return {
        "overview": figures.overview(),
        "by_fiche": by_fiche,
        "by_fiche_chart": charts.horizontal_bars(
            by_fiche[: charts.TOP_BARS], "uses", label_width=charts.WIDE_LABEL_WIDTH
        ),
        "by_module": figures.by_module(),
        "by_directorate": by_directorate,
        "by_directorate_chart": charts.horizontal_bars(by_directorate, "uses"),
        "by_month": by_month,
        "by_month_chart": charts.stacked_columns(
            [{"label": f"{row['month']:%m/%Y}", "bar": row["uses"], "total": row["uses"]} for row in by_month],
            keys=("bar",),
        ),
        "outside_training": figures.outside_training(),
        "follow_up": follow_up,
        "obstacles": obstacles,
        "obstacles_chart": charts.horizontal_bars(obstacles, "count", label_width=charts.WIDE_LABEL_WIDTH),
    }
