"""CSV and XLSX exports of registrations, attendance, evaluations, declared uses of the fiches and follow-up
answers, with the dashboard's filters.

CSV: UTF-8 with a byte order mark (Excel then reads the accents), `;` as separator (the French Excel default,
since `,` is the decimal separator), CRLF line ends, dates as `YYYY-MM-DD HH:MM` in the site's time zone.
XLSX (openpyxl): the same header and rows, dates as real date cells. Cells that a spreadsheet would take
for a formula (`=`, `+`, `-`, `@`) are prefixed with an apostrophe in both formats.
Evaluations, declared uses and follow-up answers are exported without the agent's identity (a use shows its
author only when the agent shared a published account with their name, as the fiche's page does).
"""

import csv
import io
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.models import Location
from core.sorting import french_order
from fiches.models import FichePage
from parcours.models import ModulePage
from pilotage.practice_stats import PracticeFigures
from practices.models import Audience, FollowUpObstacle, Frequency, Moderation, Obstacle, Setting, Sharing, TeamSize
from training_sessions.models import Registration

KINDS = {
    "inscriptions": gettext_lazy("registrations"),
    "presences": gettext_lazy("attendance records"),
    "evaluations": gettext_lazy("evaluations"),
    "pratiques": gettext_lazy("declared uses of the fiches"),
    "suivis": gettext_lazy("follow-up answers"),
}
# Not tied to sessions: only for the whole programme's dashboard, never a facilitator's own figures.
PROGRAMME_KINDS = ("pratiques", "suivis")
FORMATS = ("csv", "xlsx")
DATE_FORMAT = "%Y-%m-%d %H:%M"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def session_columns():
    return [_("Session date"), _("Module"), _("Site")]


def session_values(row):
    return [local(row["session__start"]), row["session__module__title"], row["session__location__name"] or _("Remote")]


def registrations(filters, now=None):
    statuses = dict(Registration.Status.choices)
    attendance = dict(Registration.Attendance.choices)
    header = session_columns() + [
        _("Last name"),
        _("First name"),
        _("Username"),
        _("Directorate"),
        _("Agent's work site"),
        _("Status"),
        _("Registered at"),
        _("Attendance"),
    ]
    rows = (
        filters.registrations()
        .order_by("session__start", "session_id", "created_at", "pk")
        .values(
            "session__start",
            "session__module__title",
            "session__location__name",
            "user__last_name",
            "user__first_name",
            "user__username",
            "user__directorate__acronym",
            "user__work_location__name",
            "status",
            "created_at",
            "attendance",
        )
    )

    def generate():
        for row in rows.iterator(chunk_size=2000):
            yield session_values(row) + [
                row["user__last_name"],
                row["user__first_name"],
                row["user__username"],
                row["user__directorate__acronym"] or "",
                row["user__work_location__name"] or "",
                str(statuses.get(row["status"], row["status"])),
                local(row["created_at"]),
                str(attendance[row["attendance"]]) if row["attendance"] else "",
            ]

    return header, generate()


def attendance(filters, now=None):
    """Registered agents of the sessions already held, with their attendance (marked or not yet)."""
    now = now or timezone.now()
    labels = dict(Registration.Attendance.choices)
    header = session_columns() + [
        _("Last name"),
        _("First name"),
        _("Username"),
        _("Directorate"),
        _("Attendance"),
        _("Marked at"),
    ]
    rows = (
        filters.registrations()
        .filter(status=Registration.Status.REGISTERED, session__start__lte=now)
        .order_by("session__start", "session_id", "user__last_name", "user__first_name", "pk")
        .values(
            "session__start",
            "session__module__title",
            "session__location__name",
            "user__last_name",
            "user__first_name",
            "user__username",
            "user__directorate__acronym",
            "attendance",
            "attendance_marked_at",
        )
    )

    def generate():
        for row in rows.iterator(chunk_size=2000):
            yield session_values(row) + [
                row["user__last_name"],
                row["user__first_name"],
                row["user__username"],
                row["user__directorate__acronym"] or "",
                str(labels[row["attendance"]]) if row["attendance"] else _("attendance not marked"),
                local(row["attendance_marked_at"]),
            ]

    return header, generate()


def evaluations(filters, now=None):
    header = session_columns() + [
        _("Overall rating"),
        _("Content"),
        _("Facilitation"),
        _("Usefulness"),
        _("Comment"),
        _("Answered at"),
    ]
    rows = (
        filters.evaluations()
        .order_by("registration__session__start", "registration__session_id", "created_at", "pk")
        .values(
            "registration__session__start",
            "registration__session__module__title",
            "registration__session__location__name",
            "overall",
            "content",
            "facilitation",
            "usefulness",
            "comment",
            "created_at",
        )
    )

    def generate():
        for row in rows.iterator(chunk_size=2000):
            session = {key.removeprefix("registration__"): value for key, value in row.items()}
            yield session_values(session) + [
                row["overall"],
                row["content"],
                row["facilitation"],
                row["usefulness"],
                row["comment"],
                local(row["created_at"]),
            ]

    return header, generate()


def practice_declarations(filters, now=None):
    labels = {
        name: dict(choices.choices)
        for name, choices in (("team_size", TeamSize), ("audience", Audience), ("setting", Setting))
    }
    header = [
        _("Day of use"),
        _("Fiche"),
        _("Module"),
        _("Directorate"),
        _("Agent's work site"),
        _("Agent trained in the module"),
        _("Team size"),
        _("With whom"),
        _("Setting"),
        _("How it went (out of 5)"),
        _("Published account"),
        _("Author (shared with their name)"),
    ]
    trained = Registration.objects.filter(
        user=OuterRef("user"),
        session__module=OuterRef("fiche__related_module"),
        attendance=Registration.Attendance.PRESENT,
    )
    rows = (
        PracticeFigures(filters)
        .declarations()
        .annotate(trained=Exists(trained))
        .order_by("used_on", "pk")
        .values(
            "used_on",
            "fiche__title",
            "fiche__related_module__title",
            "user__directorate__acronym",
            "user__work_location__name",
            "trained",
            "team_size",
            "audience",
            "setting",
            "rating",
            "moderation",
            "sharing",
            "account",
            "user__first_name",
            "user__last_name",
        )
    )

    def generate():
        for row in rows.iterator(chunk_size=2000):
            published = row["moderation"] == Moderation.PUBLISHED
            named = published and row["sharing"] == Sharing.NAMED
            yield [
                row["used_on"],
                row["fiche__title"],
                row["fiche__related_module__title"] or "",
                row["user__directorate__acronym"] or "",
                row["user__work_location__name"] or "",
                _("yes") if row["trained"] else _("no"),
                str(labels["team_size"].get(row["team_size"], row["team_size"])),
                str(labels["audience"].get(row["audience"], row["audience"])),
                str(labels["setting"].get(row["setting"], row["setting"])),
                row["rating"],
                row["account"] if published else "",
                f"{row['user__first_name']} {row['user__last_name']}".strip() if named else "",
            ]

    return header, generate()


def follow_up_answers(filters, now=None):
    frequencies = dict(Frequency.choices)
    obstacles = dict(Obstacle.choices)
    header = [
        _("Answered at"),
        _("Module"),
        _("Directorate"),
        _("Agent's work site"),
        _("Reused what they learnt"),
        _("Fiches used"),
        _("Obstacles"),
        _("Other obstacle"),
    ]
    answers = (
        PracticeFigures(filters)
        .answers()
        .select_related("module", "user__directorate", "user__work_location")
        .prefetch_related(
            Prefetch("fiches", queryset=FichePage.objects.order_by(french_order("title")).only("id", "title")),
            Prefetch("obstacles", queryset=FollowUpObstacle.objects.order_by("code")),
        )
        .order_by("answered_at", "pk")
    )

    def generate():
        for answer in answers.iterator(chunk_size=2000):
            user = answer.user
            yield [
                local(answer.answered_at),
                answer.module.title,
                user.directorate.acronym if user.directorate_id else "",
                user.work_location.name if user.work_location_id else "",
                str(frequencies.get(answer.frequency, answer.frequency)),
                " ; ".join(fiche.title for fiche in answer.fiches.all()),
                " ; ".join(str(obstacles.get(o.code, o.code)) for o in answer.obstacles.all()),
                answer.other_obstacle,
            ]

    return header, generate()


BUILDERS = {
    "inscriptions": registrations,
    "presences": attendance,
    "evaluations": evaluations,
    "pratiques": practice_declarations,
    "suivis": follow_up_answers,
}


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return safe(str(value)) if isinstance(value, str) else value


def to_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header, rows, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([str(value) for value in header])
    for row in rows:
        sheet.append([safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_name(kind, filters):
    """The file name (without extension) says what the file holds: the kind, the period, and the module, the
    site and "mes-sessions" (a facilitator's own figures) when filtered, e.g.
    `passinnov-participants-20260101-20261231-creativite-lyon`."""
    parts = ["passinnov", kind, f"{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"]
    if filters.module_id:
        slug = ModulePage.objects.filter(pk=filters.module_id).values_list("slug", flat=True).first()
        parts.append(slugify(slug or f"module-{filters.module_id}"))
    if filters.site_id:
        name = Location.objects.filter(pk=filters.site_id).values_list("name", flat=True).first()
        parts.append(slugify(name or f"site-{filters.site_id}"))
    if filters.facilitator is not None:
        parts.append("mes-sessions")
    return "-".join(part for part in parts if part)


def build(kind, fmt, filters, now=None):
    """(content, content type, file name) of one export."""
    header, rows = BUILDERS[kind](filters, now=now)
    filename = f"{export_name(kind, filters)}.{fmt}"
    if fmt == "csv":
        return to_csv(header, rows), "text/csv; charset=utf-8", filename
    content = to_xlsx(header, rows, KINDS[kind])
    return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename
