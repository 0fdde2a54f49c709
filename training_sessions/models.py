"""Sessions of a module, their facilitators, the agents' registrations (with the waiting list) and evaluations.

Business rules (capacity, waiting list, prerequisites, attendance, evaluations) live in
`training_sessions.services`; the models only hold the data and the queries that read it.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable

from accounts import roles
from core import dates
from core.dates import check_in_range
from learning_records import vocabulary
from learning_records.activities import XapiActivityMixin
from training_sessions.panels import NOT_A_FACILITATOR, FacilitatorsPanel

EVALUATION_EDIT_DAYS = 14
RATING_MIN, RATING_MAX = 1, 5
MIN_ANSWERS_FOR_PUBLIC_AVERAGE = 5


class FacilitationMode(models.TextChoices):
    EXTERNAL = "external", _("external")
    MIXED = "mixed", _("mixed")
    INTERNAL = "internal", _("internal")


class SessionQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Session.Status.SCHEDULED)

    def upcoming(self, now=None):
        """Scheduled sessions that have not started yet, soonest first."""
        return self.scheduled().filter(start__gt=now or timezone.now()).order_by("start", "pk")

    def with_counts(self):
        """Annotate `registered_count` and `waiting_count` (one query, aggregated in the database)."""
        return self.annotate(
            registered_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        )

    def for_display(self):
        """What a list of sessions needs, in a fixed number of queries whatever the number of sessions."""
        return (
            self.select_related("module", "location")
            .prefetch_related(
                models.Prefetch(
                    "facilitations",
                    queryset=Facilitation.objects.select_related("user", "organisation").order_by(
                        "-role", "sort_order"
                    ),  # lead first
                )
            )
            .with_counts()
        )

    def with_unmarked_attendance(self):
        """Annotate `unmarked_count`: registered agents whose attendance nobody has marked yet."""
        return self.annotate(
            unmarked_count=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.REGISTERED, registrations__attendance__isnull=True),
            )
        )

    def with_facilitation_mode(self):
        """Annotate `mode_internal` / `mode_external` counts, to filter on the derived facilitation mode."""
        return self.annotate(
            mode_internal=Count("facilitations", filter=Q(facilitations__organisation__kind="internal"), distinct=True),
            mode_external=Count("facilitations", filter=Q(facilitations__organisation__kind="external"), distinct=True),
        )

    def filter_facilitation_mode(self, mode):
        qs = self.with_facilitation_mode()
        if mode == FacilitationMode.INTERNAL:
            return qs.filter(mode_internal__gt=0, mode_external=0)
        if mode == FacilitationMode.EXTERNAL:
            return qs.filter(mode_external__gt=0, mode_internal=0)
        if mode == FacilitationMode.MIXED:
            return qs.filter(mode_external__gt=0, mode_internal__gt=0)
        return qs


class Session(XapiActivityMixin, ClusterableModel):
    """One run of a module, at a site or online, with a capacity and its facilitators."""

    XAPI_KIND = "session"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_MEETING

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    module = models.ForeignKey(
        "parcours.ModulePage", verbose_name=_("module"), on_delete=models.PROTECT, related_name="sessions"
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    location = models.ForeignKey(
        "core.Location",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("Leave empty for a remote session (give the link below)."),
    )
    remote_url = models.URLField(_("remote link"), blank=True)
    room = models.CharField(_("room"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_(
            "Registrations and cancellations with promotion from the waiting list close then. Empty: the session start."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    panels = [
        PageChooserPanel("module", "parcours.ModulePage"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Date and time")),
        MultiFieldPanel([FieldPanel("location"), FieldPanel("room"), FieldPanel("remote_url")], heading=_("Place")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")], heading=_("Registration")),
        FieldPanel("status"),
        FacilitatorsPanel("facilitations", heading=_("Facilitators"), label=_("facilitator")),
    ]

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self):
        module = self.module.title if self.module_id else "?"
        return f"{module} – {self.local_start_label} – {self.place_label}"

    def clean(self):
        errors = {}
        for name in ("start", "end", "registration_deadline"):
            try:
                check_in_range(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The session must end after it starts.")
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            errors["registration_deadline"] = _("The registration deadline cannot be after the session start.")
        if not self.location_id and not self.remote_url:
            errors["location"] = _("Choose a site, or give a remote link for an online session.")
        if errors:
            raise ValidationError(errors)

    # --- Derived values ------------------------------------------------------------------------------

    @property
    def xapi_names(self):
        return {"fr-FR": f"{self.module.title} – {self.local_start_label}"}

    @property
    def local_start(self):
        return timezone.localtime(self.start)

    @property
    def local_end(self):
        return timezone.localtime(self.end)

    @property
    def local_start_label(self):
        return dates.date_and_time(self.local_start) if self.start else ""

    @property
    def place_label(self):
        if self.location_id:
            return self.location.name
        return str(_("Remote"))

    @property
    def is_remote(self):
        return not self.location_id or self.location.is_remote

    @property
    def deadline(self):
        return self.registration_deadline or self.start

    @property
    def duration(self):
        return self.end - self.start

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def has_started(self, now=None):
        return self.start <= (now or timezone.now())

    def has_ended(self, now=None):
        return self.end <= (now or timezone.now())

    def registration_open(self, now=None):
        now = now or timezone.now()
        return not self.is_cancelled and now < self.deadline and now < self.start

    @property
    def facilitation_mode(self):
        """external / mixed / internal from the facilitators' organisations ("" when nobody is assigned)."""
        kinds = {f.organisation.kind for f in self.facilitations.all() if f.organisation_id}
        if not kinds:
            return ""
        if kinds == {"internal"}:
            return FacilitationMode.INTERNAL
        if kinds == {"external"}:
            return FacilitationMode.EXTERNAL
        return FacilitationMode.MIXED

    def get_facilitation_mode_display(self):
        mode = self.facilitation_mode
        return FacilitationMode(mode).label if mode else "–"

    get_facilitation_mode_display.short_description = _("facilitation mode")

    @property
    def lead_facilitation(self):
        facilitations = list(self.facilitations.all())
        for facilitation in facilitations:
            if facilitation.role == Facilitation.Role.LEAD:
                return facilitation
        return facilitations[0] if facilitations else None

    @property
    def places_left(self):
        registered = getattr(self, "registered_count", None)
        if registered is None:
            registered = self.registrations.filter(status=Registration.Status.REGISTERED).count()
        return max(self.capacity - registered, 0)

    def places_left_display(self):
        return self.places_left

    places_left_display.short_description = _("places left")

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("training_sessions:detail", args=[self.pk])

    @property
    def ics_uid(self):
        return f"session-{self.activity_uuid}@passinnov"


class Facilitation(Orderable):
    """Someone who facilitates a session, as lead or co-facilitator, for an organisation."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead facilitator")
        CO_FACILITATOR = "co-facilitator", _("co-facilitator")

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="facilitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitator"), on_delete=models.PROTECT, related_name="facilitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CO_FACILITATOR)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="facilitations"
    )
    hosted_at = models.DateTimeField(_("hosted statement written at"), null=True, blank=True, editable=False)

    panels = [FieldPanel("user"), FieldPanel("role"), FieldPanel("organisation")]

    class Meta(Orderable.Meta):
        verbose_name = _("facilitation")
        verbose_name_plural = _("facilitations")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_facilitation_per_user")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def clean(self):
        if self.user_id and not roles.can(self.user, "facilitate"):
            raise ValidationError({"user": NOT_A_FACILITATOR})


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING])

    def registered(self):
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING)

    def waiting_in_order(self):
        return self.waiting().order_by("created_at", "pk")

    def with_waiting_position(self):
        """Annotate `waiting_position` (1, 2, 3… in arrival order) on the session's waiting list."""
        return self.waiting().annotate(
            waiting_position=Window(RowNumber(), partition_by=[F("session_id")], order_by=[F("created_at"), F("pk")])
        )

    def attended(self):
        return self.filter(attendance=Registration.Attendance.PRESENT)


class Registration(models.Model):
    """An agent's place in a session, or on its waiting list; keeps attendance once marked."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    class Attendance(models.TextChoices):
        # « oui » / « non » under the heading « Présence »: no adjective to agree with the person.
        PRESENT = "present", pgettext_lazy("attendance", "present")
        ABSENT = "absent", pgettext_lazy("attendance", "absent")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="session_registrations",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    registration_uuid = models.UUIDField(_("xAPI registration"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(
        _("registered at"), default=timezone.now, help_text=_("Arrival time: orders the waiting list.")
    )
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by_programme = models.BooleanField(_("cancelled by the programme"), default=False)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    attended_statement_id = models.UUIDField(null=True, blank=True, editable=False)
    completed_statement_id = models.UUIDField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    evaluation_requested_at = models.DateTimeField(_("evaluation requested at"), null=True, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_registration_per_agent_and_session"),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} – {self.session_id} ({self.get_status_display()})"

    @property
    def ics_uid(self):
        return f"registration-{self.registration_uuid}@passinnov"

    @property
    def is_active(self):
        return self.status in (self.Status.REGISTERED, self.Status.WAITING)

    @property
    def has_place(self):
        return self.status == self.Status.REGISTERED

    def position_on_waiting_list(self):
        if self.status != self.Status.WAITING:
            return None
        return (
            Registration.objects.waiting()
            .filter(session_id=self.session_id)
            .filter(Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk))
            .count()
            + 1
        )


def rating_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )


class EvaluationQuerySet(models.QuerySet):
    def summary(self):
        """{'average': …, 'answers': …} over the queryset, computed in the database."""
        return self.aggregate(average=Avg("overall"), answers=Count("pk"))

    def _grouped(self, *fields):
        return self.values(*fields).annotate(average=Avg("overall"), answers=Count("pk")).order_by(*fields)

    def by_session(self):
        return self._grouped("registration__session")

    def by_module(self):
        return self._grouped("registration__session__module")

    def by_site(self):
        return self._grouped("registration__session__location")

    def by_facilitator(self):
        """One row per facilitator: the evaluations of the sessions they facilitated."""
        return self._grouped("registration__session__facilitations__user")

    def for_module(self, module):
        return self.filter(registration__session__module=module)

    def for_site(self, location):
        return self.filter(registration__session__location=location)

    def for_facilitator(self, user):
        return self.filter(registration__session__facilitations__user=user).distinct()


class Evaluation(models.Model):
    """An agent's rating of a session they attended (one per registration, editable for 14 days)."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="evaluation"
    )
    overall = rating_field(_("overall rating"))
    content = rating_field(_("content"))
    facilitation = rating_field(_("facilitation"))
    usefulness = rating_field(_("usefulness for my department"))
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5)
                & Q(content__gte=1, content__lte=5)
                & Q(facilitation__gte=1, facilitation__lte=5)
                & Q(usefulness__gte=1, usefulness__lte=5),
                name="evaluation_ratings_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.registration} – {self.overall}/5"

    @property
    def editable_until(self):
        return self.created_at + timedelta(days=EVALUATION_EDIT_DAYS)

    def is_editable(self, now=None):
        return (now or timezone.now()) < self.editable_until

    @property
    def criteria(self):
        return {"content": self.content, "facilitation": self.facilitation, "usefulness": self.usefulness}
