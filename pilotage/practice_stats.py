"""« Diffusion des pratiques »: how the fiches spread in the teams, aggregated in the database.

Definitions (shown on the dashboard):
- a *use* is a declaration by an agent that they used a fiche with a team (self-declared, not checked);
  the period filters uses by the day of use; the module filter keeps the fiches of that module; the site
  filter keeps the agents working at that site (the agent's work site: a use has no session);
- the directorate is the agent's current directorate;
- *outside the training*: uses by agents who never attended the fiche's module (or of fiches attached to no
  module);
- the *follow-up* is the question asked about PASSINNOV_FOLLOW_UP_DAYS days after attending a module; the
  period filters answers by the day they were given; *reused* = answered "once", "a few times" or
  "regularly"; the share is reused ÷ answers, always shown with the number of answers;
- obstacles: how many answers ticked each obstacle (an answer may tick several).

Each figure is one query (eight for the section), whatever the number of declarations and answers.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.sorting import french_order
from pilotage.stats import Filters, percent
from practices.models import Declaration, FollowUp, FollowUpObstacle, Frequency, Obstacle

OUTSIDE_TRAINING_LIMIT = 10


def _rounded(value):
    return round(float(value), 2) if value is not None else None


def month_label(month):
    return date_format(month, "F Y")


@dataclass
class PracticeFigures:
    filters: Filters

    def declarations(self):
        filters = self.filters
        declarations = Declaration.objects.used_between(filters.date_from, filters.date_to)
        if filters.module_id:
            declarations = declarations.filter(fiche__related_module_id=filters.module_id)
        if filters.site_id:
            declarations = declarations.filter(user__work_location_id=filters.site_id)
        return declarations

    def answers(self):
        start, end = self.filters.bounds
        answers = FollowUp.objects.filter(answered_at__gte=start, answered_at__lt=end)
        if self.filters.module_id:
            answers = answers.filter(module_id=self.filters.module_id)
        if self.filters.site_id:
            answers = answers.filter(user__work_location_id=self.filters.site_id)
        return answers

    # --- Declared uses ---------------------------------------------------------------------------------

    def overview(self):
        figures = self.declarations().aggregate(
            uses=Count("pk"),
            agents=Count("user", distinct=True),
            directorates=Count("user__directorate", distinct=True),
            fiches=Count("fiche", distinct=True),
            average=Avg("rating"),
        )
        figures["average"] = _rounded(figures["average"])
        return figures

    def _grouped(self, *fields, order):
        return (
            self.declarations()
            .values(*fields)
            .annotate(
                uses=Count("pk"),
                agents=Count("user", distinct=True),
                directorates=Count("user__directorate", distinct=True),
                fiches=Count("fiche", distinct=True),
                average=Avg("rating"),
            )
            .order_by(*order)
        )

    def by_fiche(self):
        rows = self._grouped(
            "fiche_id", "fiche__title", "fiche__related_module__title", order=["-uses", "fiche__title"]
        )
        return [
            {
                "label": row["fiche__title"],
                "module": row["fiche__related_module__title"] or "",
                "uses": row["uses"],
                "agents": row["agents"],
                "directorates": row["directorates"],
                "average": _rounded(row["average"]),
            }
            for row in rows
        ]

    def by_module(self):
        rows = self._grouped("fiche__related_module_id", "fiche__related_module__title", order=["-uses"])
        return [
            {
                "label": row["fiche__related_module__title"] or _("Fiches outside the modules"),
                "uses": row["uses"],
                "agents": row["agents"],
                "directorates": row["directorates"],
                "fiches": row["fiches"],
            }
            for row in rows
        ]

    def by_directorate(self):
        rows = self._grouped("user__directorate__acronym", "user__directorate__name", order=["-uses"])
        return [
            {
                "label": row["user__directorate__acronym"] or _("Directorate not specified"),
                "title": row["user__directorate__name"] or "",
                "uses": row["uses"],
                "agents": row["agents"],
                "fiches": row["fiches"],
            }
            for row in rows
        ]

    def by_month(self):
        """Every month from the first to the last with a use (empty months included, with 0)."""
        rows = list(
            self.declarations()
            .annotate(month=TruncMonth("used_on"))
            .values("month")
            .annotate(uses=Count("pk"), agents=Count("user", distinct=True))
            .order_by("month")
        )
        if not rows:
            return []
        found = {row["month"]: row for row in rows}
        months = []
        current, last = rows[0]["month"], rows[-1]["month"]
        while current <= last:
            row = found.get(current, {"uses": 0, "agents": 0})
            months.append(
                {"label": month_label(current), "month": current, "uses": row["uses"], "agents": row["agents"]}
            )
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return months

    def outside_training(self):
        """The fiches most used by agents who never attended their module."""
        rows = (
            self.declarations()
            .outside_training()
            .values("fiche_id", "fiche__title", "fiche__related_module__title")
            .annotate(uses=Count("pk"), agents=Count("user", distinct=True))
            .order_by("-uses", french_order("fiche__title"))[:OUTSIDE_TRAINING_LIMIT]
        )
        return [
            {
                "label": row["fiche__title"],
                "module": row["fiche__related_module__title"] or "",
                "uses": row["uses"],
                "agents": row["agents"],
            }
            for row in rows
        ]

    # --- Follow-up ---------------------------------------------------------------------------------------

    def follow_up(self):
        """Share of answers reporting a reuse, per module, per directorate and overall (one grouped query)."""
        reused = ~Q(frequency=Frequency.NEVER)
        rows = (
            self.answers()
            .values("module_id", "module__title", "user__directorate__acronym")
            .annotate(answers=Count("pk"), reused=Count("pk", filter=reused))
            .order_by(french_order("module__title"), "user__directorate__acronym")
        )
        modules, directorates, total = {}, {}, {"answers": 0, "reused": 0}
        for row in rows:
            directorate = row["user__directorate__acronym"] or _("Directorate not specified")
            for table, key in ((modules, row["module__title"]), (directorates, directorate)):
                entry = table.setdefault(key, {"label": key, "answers": 0, "reused": 0})
                entry["answers"] += row["answers"]
                entry["reused"] += row["reused"]
            total["answers"] += row["answers"]
            total["reused"] += row["reused"]
        for entry in [*modules.values(), *directorates.values(), total]:
            entry["share"] = percent(entry["reused"], entry["answers"])
        return {
            "by_module": sorted(modules.values(), key=lambda e: e["label"]),
            "by_directorate": sorted(directorates.values(), key=lambda e: (-e["answers"], e["label"])),
            "total": total,
        }

    def obstacles(self, answers):
        """[{code, label, count, share of the answers}] for every obstacle, most reported first."""
        counts = dict(
            FollowUpObstacle.objects.filter(follow_up__in=self.answers().values("pk"))
            .values_list("code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows = [
            {
                "code": code,
                "label": str(label),
                "count": counts.get(code, 0),
                "share": percent(counts.get(code, 0), answers),
            }
            for code, label in Obstacle.choices
        ]
        return sorted(rows, key=lambda row: -row["count"])
