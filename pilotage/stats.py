"""The training department's figures, aggregated in the database (a fixed number of queries per dashboard).

Definitions (also shown on the dashboard and in docs/lrs-delivery.md's sibling, the dashboard help):
- the period filters sessions by their start date (inclusive bounds, in the site's time zone);
- a session is *held* once it has started and *planned* before; cancelled sessions are counted apart and
  excluded from every other figure;
- *registrations* are the places taken (status registered); the *waiting list* counts agents still waiting;
- *attendance rate* = present ÷ (present + absent) on held sessions, over the registrations whose attendance
  was marked; *no-shows* are the registrations marked absent;
- *waiting-list pressure* = agents waiting for a planned session ÷ places offered by planned sessions;
- *participants* are registrations marked present: by directorate and by the agent's work site, both the
  number of attendances and of distinct agents;
- the *facilitation mix* of a session comes from its facilitators' organisations (internal only, external
  only, or both = mixed), per quarter of the session start.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotage.models import TrainerProfile
from training_sessions.models import Evaluation, Facilitation, Registration, Session

RATINGS = (1, 2, 3, 4, 5)
MODES = ("external", "mixed", "internal")


def percent(part, whole):
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass
class Filters:
    date_from: date
    date_to: date
    module_id: int | None = None
    site_id: int | None = None
    facilitator: object = None  # a User: only the sessions they facilitate ("their own figures")

    @property
    def bounds(self):
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    def all_sessions(self):
        """Sessions of the period, module and site, cancelled ones included."""

        start, end = self.bounds
        sessions = Session.objects.filter(start__gte=start, start__lt=end)
        if self.module_id:
            sessions = sessions.filter(module_id=self.module_id)
        if self.site_id:
            sessions = sessions.filter(location_id=self.site_id)
        if self.facilitator is not None:
            sessions = sessions.filter(facilitations__user=self.facilitator)
        return sessions

    def sessions(self):

        return self.all_sessions().filter(status=Session.Status.SCHEDULED)

    def registrations(self):

        return Registration.objects.filter(session__in=self.sessions().values("pk"))

    def evaluations(self):

        return Evaluation.objects.filter(registration__session__in=self.sessions().values("pk"))

    def query_string(self):
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.module_id:
            params["module"] = self.module_id
        if self.site_id:
            params["site"] = self.site_id
        return urlencode(params)


def rating_aggregates(prefix=""):
    """Average, number of answers and distribution 1..5 of the overall rating, as aggregate expressions."""
    overall = f"{prefix}overall"
    aggregates = {"average": Avg(overall), "answers": Count("pk")}
    for rating in RATINGS:
        aggregates[f"r{rating}"] = Count("pk", filter=Q(**{overall: rating}))
    return aggregates


def with_distribution(row):
    row = dict(row)
    row["distribution"] = [row.pop(f"r{rating}") for rating in RATINGS]
    if row.get("average") is not None:
        row["average"] = round(float(row["average"]), 2)
    return row


@dataclass
class Dashboard:
    filters: Filters
    now: datetime = field(default_factory=timezone.now)

    # --- Activity ----------------------------------------------------------------------------------------

    def overview(self):
        """The activity's figures, and `next_start`: the start of the next planned session of the filters, the
        next instant a figure changes by time alone (that session is held from then on), None if none will."""
        now = self.now
        scheduled = Q(status=Session.Status.SCHEDULED)
        sessions = self.filters.all_sessions().aggregate(
            held=Count("pk", filter=scheduled & Q(start__lte=now)),
            planned=Count("pk", filter=scheduled & Q(start__gt=now)),
            cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
            capacity_planned=Sum("capacity", filter=scheduled & Q(start__gt=now)),
            next_start=Min("start", filter=scheduled & Q(start__gt=now)),
        )
        registered = Q(status=Registration.Status.REGISTERED)
        held = Q(session__start__lte=now)
        regs = self.filters.registrations().aggregate(
            registrations=Count("pk", filter=registered),
            waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
            waiting_planned=Count("pk", filter=Q(status=Registration.Status.WAITING, session__start__gt=now)),
            cancellations=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
            present=Count("pk", filter=registered & held & Q(attendance=Registration.Attendance.PRESENT)),
            absent=Count("pk", filter=registered & held & Q(attendance=Registration.Attendance.ABSENT)),
            unmarked=Count("pk", filter=registered & held & Q(attendance__isnull=True)),
            participants=Count(
                "user", distinct=True, filter=registered & held & Q(attendance=Registration.Attendance.PRESENT)
            ),
        )
        figures = sessions | regs
        figures["capacity_planned"] = figures["capacity_planned"] or 0
        figures["attendance_rate"] = percent(figures["present"], figures["present"] + figures["absent"])
        figures["waiting_pressure"] = percent(figures["waiting_planned"], figures["capacity_planned"])
        return figures

    def _attendances(self):

        return self.filters.registrations().filter(
            status=Registration.Status.REGISTERED,
            attendance=Registration.Attendance.PRESENT,
            session__start__lte=self.now,
        )

    def participants_by_directorate(self):
        rows = (
            self._attendances()
            .values("user__directorate__acronym", "user__directorate__name")
            .annotate(attendances=Count("pk"), participants=Count("user", distinct=True))
            .order_by("-attendances", "user__directorate__acronym")
        )
        return [
            {
                "label": row["user__directorate__acronym"] or _("Directorate not specified"),
                "title": row["user__directorate__name"] or "",
                "attendances": row["attendances"],
                "participants": row["participants"],
            }
            for row in rows
        ]

    def participants_by_site(self):
        rows = (
            self._attendances()
            .values("user__work_location__name")
            .annotate(attendances=Count("pk"), participants=Count("user", distinct=True))
            .order_by("-attendances", "user__work_location__name")
        )
        return [
            {
                "label": row["user__work_location__name"] or _("Site not specified"),
                "attendances": row["attendances"],
                "participants": row["participants"],
            }
            for row in rows
        ]

    # --- Satisfaction ------------------------------------------------------------------------------------

    def satisfaction(self):
        return with_distribution(self.filters.evaluations().aggregate(**rating_aggregates()))

    def satisfaction_by_module(self):
        rows = (
            self.filters.evaluations()
            .values("registration__session__module_id", "registration__session__module__title")
            .annotate(**rating_aggregates())
            .order_by("registration__session__module__title", "registration__session__module_id")
        )
        return [with_distribution(row) | {"label": row["registration__session__module__title"]} for row in rows]

    def satisfaction_by_session(self):
        rows = (
            self.filters.evaluations()
            .values(
                "registration__session_id",
                "registration__session__start",
                "registration__session__module__title",
                "registration__session__location__name",
            )
            .annotate(**rating_aggregates())
            .order_by("registration__session__start", "registration__session_id")
        )
        result = []
        for row in rows:
            start = timezone.localtime(row["registration__session__start"])
            site = row["registration__session__location__name"] or _("Remote")
            label = f"{row['registration__session__module__title']} – {start:%d/%m/%Y %H:%M} – {site}"
            result.append(with_distribution(row) | {"label": label})
        return result

    def satisfaction_by_site(self):
        rows = (
            self.filters.evaluations()
            .values("registration__session__location__name")
            .annotate(**rating_aggregates())
            .order_by("registration__session__location__name")
        )
        return [
            with_distribution(row) | {"label": row["registration__session__location__name"] or _("Remote")}
            for row in rows
        ]

    def satisfaction_by_facilitator(self):
        prefix = "registration__session__facilitations__user"
        # One filter() call: the condition and the grouping must use the same join on facilitations.
        condition = {f"{prefix}__isnull": False}
        if self.filters.facilitator is not None:
            condition[prefix] = self.filters.facilitator
        evaluations = self.filters.evaluations().filter(**condition)
        rows = (
            evaluations.values(prefix, f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username")
            .annotate(**rating_aggregates())
            .order_by(f"{prefix}__last_name", f"{prefix}__first_name", prefix)
        )
        result = []
        for row in rows:
            name = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
            result.append(with_distribution(row) | {"label": name or row[f"{prefix}__username"]})
        return result

    # --- Facilitation ------------------------------------------------------------------------------------

    def facilitation_mix(self):
        """Per quarter of the session start: sessions facilitated by external, mixed and internal teams."""

        def has(kind):
            return Exists(Facilitation.objects.filter(session=OuterRef("pk"), organisation__kind=kind))

        rows = (
            self.filters.sessions()
            .annotate(
                quarter=TruncQuarter("start", tzinfo=timezone.get_current_timezone()),
                has_internal=has("internal"),
                has_external=has("external"),
            )
            .values("quarter", "has_internal", "has_external")
            .annotate(sessions=Count("pk"))
            .order_by("quarter")
        )
        quarters = {}
        for row in rows:
            quarter = row["quarter"]
            if isinstance(quarter, datetime):
                quarter = timezone.localtime(quarter) if timezone.is_aware(quarter) else quarter
                quarter = quarter.date()
            entry = quarters.setdefault(
                quarter,
                {
                    "label": quarter_label(quarter),
                    "external": 0,
                    "mixed": 0,
                    "internal": 0,
                    "unassigned": 0,
                },
            )
            if row["has_internal"] and row["has_external"]:
                entry["mixed"] += row["sessions"]
            elif row["has_internal"]:
                entry["internal"] += row["sessions"]
            elif row["has_external"]:
                entry["external"] += row["sessions"]
            else:
                entry["unassigned"] += row["sessions"]
        result = []
        for quarter, entry in sorted(quarters.items()):
            entry["start"] = quarter
            entry["total"] = sum(entry[mode] for mode in MODES) + entry["unassigned"]
            entry["internal_share"] = percent(entry["internal"], entry["total"])
            result.append(entry)
        return result

    def internal_forecast(self, mix, today=None):
        """When the programme reaches 100 % internal sessions at the current pace (see internal_forecast)."""
        return internal_forecast(mix, today)

    def trainer_pipeline(self):

        counts = dict(TrainerProfile.objects.values_list("status").annotate(n=Count("pk")).order_by())
        return [
            {"status": status, "label": label, "count": counts.get(status, 0)}
            for status, label in TrainerProfile.Status.choices
        ]


FORECAST_QUARTERS = 4  # the pace is the trend of the internal share over the last quarters that started


def current_quarter(today=None):
    """The first day of the quarter of `today` (the forecast reads the quarters started by then)."""
    today = today or timezone.localdate()
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def quarter_label(start):
    return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def add_quarters(start, count):
    months = start.year * 12 + start.month - 1 + 3 * count
    return start.replace(year=months // 12, month=months % 12 + 1, day=1)


def internal_forecast(mix, today=None):
    """The quarter when every session will be internal if the internal share keeps its current pace.

    The pace is the least-squares slope of the internal share (points per quarter) over the last quarters that
    have started and had sessions (at most FORECAST_QUARTERS). Returns a dict with `status`: "reached" (the last
    of them is 100 % internal), "forecast" (with `label` of the quarter and `pace`), "stalled" (the share does
    not grow) or "unknown" (fewer than two quarters to read a pace from).
    """
    today = today or timezone.localdate()
    rows = [row for row in mix if row.get("start") and row["start"] <= today and row["total"]]
    rows = rows[-FORECAST_QUARTERS:]
    if rows and rows[-1]["internal_share"] is not None and rows[-1]["internal_share"] >= 100:
        return {"status": "reached", "label": rows[-1]["label"], "pace": None}
    if len(rows) < 2:
        return {"status": "unknown", "label": None, "pace": None}
    xs = list(range(len(rows)))
    ys = [float(row["internal_share"] or 0) for row in rows]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    pace = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    if pace <= 0:
        return {"status": "stalled", "label": None, "pace": pace}
    quarters_left = math.ceil((100 - ys[-1]) / pace)
    return {
        "status": "forecast",
        "label": quarter_label(add_quarters(rows[-1]["start"], quarters_left)),
        "pace": pace,
        "quarters_left": quarters_left,
    }
