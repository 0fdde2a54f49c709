"""The training department's own data: external LRS endpoints (push delivery) and internal trainers."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning_records.models import Statement


class LrsEndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_refused_count(self):
        """Annotate `refused_count`: statements each endpoint refused (one subquery)."""
        refused = (
            RefusedStatement.objects.filter(endpoint=models.OuterRef("pk"))
            .order_by()
            .values("endpoint")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(refused_count=Coalesce(models.Subquery(refused), 0))

    def with_lag(self):
        """Annotate `lag_annotation`: statements stored after each endpoint's cursor (one subquery)."""

        def count(qs):
            counted = qs.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")
            return models.Subquery(counted, output_field=models.BigIntegerField())

        return self.annotate(
            lag_annotation=models.Case(
                models.When(cursor_stored__isnull=True, then=count(Statement.objects.all())),
                default=count(Statement.objects.filter(stored__gt=models.OuterRef("cursor_stored"))),
            )
        )


class LrsEndpoint(models.Model):
    """An external Learning Record Store that receives every stored statement, in `stored` order.

    The store is an ordered log, so delivery keeps one cursor per endpoint: the (`stored`, `id`) of the
    last statement the endpoint acknowledged. The worker (`manage.py deliver_statements`) sends what comes
    after it, in batches, and moves the cursor only after a success (see docs/lrs-delivery.md).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    statements_url = models.URLField(
        _("statements URL"),
        max_length=500,
        help_text=_("The xAPI statements resource, e.g. https://lrs.example/xAPI/statements"),
    )
    username = models.CharField(_("username (key)"), max_length=255)
    # The worker needs the secret itself (HTTP Basic), so it cannot be hashed; the admin never shows it back.
    password = models.CharField(_("password (secret)"), max_length=255)
    batch_size = models.PositiveIntegerField(
        _("batch size"), default=100, help_text=_("Statements per request (1 to 1,000).")
    )
    timeout = models.PositiveIntegerField(
        _("response timeout (seconds)"),
        default=30,
        help_text=_("How long the worker waits for an answer before giving up and retrying later."),
    )
    active = models.BooleanField(_("active"), default=True)

    cursor_stored = models.DateTimeField(_("last delivered statement (stored)"), null=True, blank=True, editable=False)
    cursor_statement_id = models.UUIDField(_("last delivered statement (id)"), null=True, blank=True, editable=False)
    # Erasures (progress.ErasureRequest) already sent as voiding statements: (processed_at, id) of the last one.
    erasure_cursor_at = models.DateTimeField(_("last delivered erasure (date)"), null=True, blank=True, editable=False)
    erasure_cursor_id = models.BigIntegerField(_("last delivered erasure (id)"), null=True, blank=True, editable=False)
    delivered_count = models.PositiveBigIntegerField(_("statements delivered"), default=0, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, editable=False)

    # Lease used where PostgreSQL advisory locks are not available (SQLite): one worker per endpoint.
    lease_owner = models.CharField(max_length=120, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LrsEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("external LRS")
        verbose_name_plural = _("external LRS endpoints")

    def __str__(self):
        return self.name

    def pending_statements(self):
        """Statements stored after the cursor, in delivery order (voided and voiding ones included)."""

        qs = Statement.objects.order_by("stored")
        if self.cursor_stored is not None:
            qs = qs.filter(stored__gt=self.cursor_stored)
        return qs

    @property
    def lag(self):
        annotated = getattr(self, "lag_annotation", None)
        if annotated is not None:
            return annotated
        return self.pending_statements().count()

    def is_due(self, now=None):
        now = now or timezone.now()
        return self.next_attempt_at is None or self.next_attempt_at <= now


class RefusedStatement(models.Model):
    """A statement an external LRS refused for itself (400, 413, 422): recorded here, and delivery moves on.

    Without this, one statement the LRS will never accept (a void of a voiding statement, a statement its
    validator is stricter about) would stop its queue for good. Administrators see these on the endpoint's
    page in the admin; the statement stays in PassInnov's own store.
    """

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("stored statement")
        ERASURE = "erasure", _("voiding statement of an erasure")

    endpoint = models.ForeignKey(
        LrsEndpoint, verbose_name=_("external LRS"), on_delete=models.CASCADE, related_name="refused_statements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    statement_id = models.UUIDField(_("statement id"))
    # For an erasure: the request it belongs to (progress.ErasureRequest id) and the erased statement voided.
    erasure_id = models.BigIntegerField(_("erasure request"), null=True, blank=True)
    voided_statement_id = models.UUIDField(_("voided statement id"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    message = models.TextField(_("answer of the LRS"), blank=True)
    refused_at = models.DateTimeField(_("refused at"), default=timezone.now)

    class Meta:
        ordering = ["-refused_at", "-pk"]
        verbose_name = _("statement refused by an external LRS")
        verbose_name_plural = _("statements refused by an external LRS")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "statement_id"], name="pilotage_refused_once_per_endpoint")
        ]

    def __str__(self):
        return str(self.statement_id)


class TrainerProfile(models.Model):
    """An agent on the internal-trainer path: in training (observes a session), co-facilitator, lead under
    supervision, then lead trainer. The status is the step a person confirmed (trainers.services)."""

    class Status(models.TextChoices):
        IN_TRAINING = "in_training", _("trainer in training")
        CO_FACILITATOR = "co_facilitator", _("co-facilitator")
        SUPERVISED_LEAD = "supervised_lead", _("lead under supervision")
        LEAD = "lead", _("lead trainer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="trainer_profile"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_TRAINING)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("internal trainer")
        verbose_name_plural = _("internal trainers")

    def __str__(self):
        return f"{self.user.display_name} ({self.get_status_display()})"
