"""Progress, badges, attestations and erasure requests: everything here is derived from trusted xAPI statements,
except the self-declared badge rule, which reads the uses agents declare (practices) and says so publicly.

Progress rows hold *counters* (one +1 per trusted statement, one -1 when it is voided), so applying statements
is commutative: the incremental result (signals) and a rebuild from the statement store are the same whatever
the order in which statements and voids arrive (see progress.services.progress).
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from learning_records import vocabulary
from learning_records.activities import XapiActivityMixin


class PathChoice(models.Model):
    """A module the agent intends to follow: their personal path (not a statement, the agent's own choice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="path_choices"
    )
    module = models.ForeignKey(
        "parcours.ModulePage", verbose_name=_("module"), on_delete=models.CASCADE, related_name="path_choices"
    )
    created_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal path choice")
        verbose_name_plural = _("personal path choices")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="progress_pathchoice_unique")]

    def __str__(self):
        return f"{self.user_id} → {self.module_id}"


class Progress(models.Model):
    """Where an agent stands on a module. Counters of trusted, non-voided statements; `status` is derived.

    A place on a waiting list writes no statement (see training_sessions.services), so the stored status
    never is "waiting": Mon parcours shows it from the agent's live registrations (Status.WAITING).
    """

    class Status(models.TextChoices):
        NONE = "none", _("not started")
        PLANNED = "planned", _("planned")
        WAITING = "waiting", _("waiting list")
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("attended")
        COMPLETED = "completed", _("completed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="progress"
    )
    module = models.ForeignKey(
        "parcours.ModulePage", verbose_name=_("module"), on_delete=models.CASCADE, related_name="progress"
    )
    planned = models.BooleanField(_("planned"), default=False)
    registered = models.IntegerField(_("registrations (net)"), default=0)
    attended = models.IntegerField(_("attendances"), default=0)
    completed = models.IntegerField(_("completions"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NONE)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="progress_progress_unique")]
        indexes = [models.Index(fields=["user", "status"], name="progress_user_status_idx")]

    def __str__(self):
        return f"{self.user_id} – {self.module_id}: {self.status}"

    def compute_status(self):
        if self.completed > 0:
            return self.Status.COMPLETED
        if self.attended > 0:
            return self.Status.ATTENDED
        if self.registered > 0:
            return self.Status.REGISTERED
        if self.planned:
            return self.Status.PLANNED
        return self.Status.NONE

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED


class TrainerProgress(models.Model):
    """Sessions an agent facilitated, counted from trusted `hosted` statements (role lead / co-facilitator)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="trainer_progress"
    )
    led = models.IntegerField(_("sessions led"), default=0)
    co_facilitated = models.IntegerField(_("sessions co-facilitated"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("trainer progress")
        verbose_name_plural = _("trainer progress")

    def __str__(self):
        return f"{self.user_id}: {self.led} / {self.co_facilitated}"


class BadgeCheck(models.Model):
    """An agent's badges to re-check once a storing transaction has committed (an outbox).

    Written in the storing transaction when a batch changes what badge rules read (a module entering or leaving
    "completed", a facilitation count); consumed after commit by `badges.process_checks`. A crash between the
    commit and the check leaves the row here: `manage.py process_badge_checks` (periodic) and
    `rebuild_progress` carry it out later. `revoke_failing`: a void took something back, so a badge whose rule
    no longer holds is revoked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    revoke_failing = models.BooleanField(_("revoke failing badges"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("badge check")
        verbose_name_plural = _("badge checks")

    def __str__(self):
        return f"{self.user_id} ({'revoke' if self.revoke_failing else 'award'})"


class BadgeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "fiche_count" in self.fields:  # only the self-declared rule reads it
            self.fields["fiche_count"].required = False

    def clean_fiche_count(self):
        return self.cleaned_data.get("fiche_count") or 0

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("rule") == Badge.Rule.ALL_MODULES and not cleaned_data.get("modules"):
            self.add_error("modules", _("Choose the modules the badge requires."))
        return cleaned_data


SELF_DECLARED_NOTICE = _(
    "Self-declared badge: it rests on the uses of the fiches pratiques the holder declared themselves, "
    "not checked by the facilitation team."
)


class Badge(XapiActivityMixin, index.Indexed, ClusterableModel):
    """A badge defined by editors, issued as an Open Badges 2.0 BadgeClass when its rule holds."""

    base_form_class = BadgeForm

    XAPI_KIND = "badge"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_BADGE

    class Rule(models.TextChoices):
        ALL_MODULES = "all_modules", _("completed all the modules of a list")
        ENTRY_PLUS = "entry_plus", _("completed the entry module plus N other modules")
        CO_FACILITATED = "co_facilitated", _("co-facilitated N sessions")
        LED = "led", _("led N sessions")
        DECLARED_USES = "declared_uses", _("declared N uses of M different fiches (self-declared)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"))
    criteria = models.TextField(
        _("criteria"), help_text=_("What an agent did to earn the badge, in plain words (public).")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Square image, ideally a PNG of at least 400×400 pixels. It is public."),
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, default=Rule.ALL_MODULES)
    modules = ParentalManyToManyField(
        "parcours.ModulePage",
        verbose_name=_("modules"),
        blank=True,
        related_name="badges",
        help_text=_("For the rule “all the modules of a list”."),
    )
    count = models.PositiveSmallIntegerField(
        _("N"),
        default=0,
        help_text=_(
            "Number of other modules (entry module rule), of sessions (trainer rules) or of declared uses "
            "(self-declared rule)."
        ),
    )
    fiche_count = models.PositiveSmallIntegerField(
        _("M"),
        default=0,
        help_text=_("Number of different fiches the declared uses must cover (self-declared rule)."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive badges are no longer awarded."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldPanel("rule"), FieldPanel("modules"), FieldPanel("count"), FieldPanel("fiche_count")],
            heading=_("Rule"),
        ),
        FieldPanel("active"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        # The admin's listing filters on these while searching.
        index.FilterField("rule"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.rule in (self.Rule.CO_FACILITATED, self.Rule.LED) and self.count < 1:
            raise ValidationError({"count": _("A trainer rule needs at least one session.")})
        if self.rule == self.Rule.DECLARED_USES:
            if self.count < 1:
                raise ValidationError({"count": _("A self-declared rule needs at least one declared use.")})
            if not 1 <= self.fiche_count <= self.count:
                raise ValidationError({"fiche_count": _("Between one fiche and as many fiches as declared uses (N).")})

    @property
    def xapi_names(self):
        return {"fr-FR": self.name}

    @property
    def is_trainer_badge(self):
        return self.rule in (self.Rule.CO_FACILITATED, self.Rule.LED)

    @property
    def is_self_declared(self):
        """Its rule reads what agents declare (practices), not the trusted learning record."""
        return self.rule == self.Rule.DECLARED_USES

    def criteria_narrative(self):
        """The public criteria; a self-declared badge says so, whatever the editor wrote."""
        if self.is_self_declared:
            return f"{self.criteria}\n\n{SELF_DECLARED_NOTICE}"
        return self.criteria

    def badge_class_url(self):
        return settings.PASSINNOV_BASE_URL + reverse("mon_parcours:ob_badge", args=[self.activity_uuid])

    def image_url(self):
        return settings.PASSINNOV_BASE_URL + reverse("mon_parcours:ob_badge_image", args=[self.activity_uuid])


def new_salt():
    return secrets.token_hex(16)


class BadgeAward(models.Model):
    """An Open Badges 2.0 Assertion: a badge awarded to an agent. Once per agent and badge."""

    class RevocationKind(models.TextChoices):
        ADMIN = "admin", _("revoked by an administrator")
        RULE = "rule", _("rule no longer holds")
        ERASURE = "erasure", _("personal data erased")

    uuid = models.UUIDField(_("assertion id"), default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(Badge, verbose_name=_("badge"), on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badge_awards",
    )
    salt = models.CharField(_("salt"), max_length=64, default=new_salt, editable=False)
    recipient_hash = models.CharField(_("recipient identity (hashed)"), max_length=80, editable=False)
    issued_on = models.DateTimeField(_("issued on"))
    earned_statement_id = models.UUIDField(_("earned statement"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)
    revocation_kind = models.CharField(
        _("revocation kind"), max_length=10, choices=RevocationKind.choices, blank=True, default=""
    )
    revocation_reason = models.CharField(_("revocation reason"), max_length=255, blank=True, default="")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("awarded badge")
        verbose_name_plural = _("awarded badges")
        constraints = [models.UniqueConstraint(fields=["badge", "user"], name="progress_badgeaward_once")]

    def __str__(self):
        return f"{self.badge} ({self.uuid})"

    @staticmethod
    def hash_identity(email, salt):
        return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()

    def assertion_url(self):
        return settings.PASSINNOV_BASE_URL + reverse("mon_parcours:ob_assertion", args=[self.uuid])


def new_verification_code():
    # 20 characters from an unambiguous alphabet, grouped by 4 for reading aloud: ~100 bits.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _i in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


class Attestation(models.Model):
    """A training certificate issued as a PDF; its code lets a signed-in reader check it is genuine and current."""

    class Kind(models.TextChoices):
        MODULE = "module", _("module")
        PATH = "path", _("whole path")

    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_verification_code)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attestations",
    )
    module = models.ForeignKey(
        "parcours.ModulePage",
        verbose_name=_("module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("content"), default=dict, help_text=_("What the PDF states, as issued."))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    superseded = models.BooleanField(_("superseded"), default=False)
    revoked = models.BooleanField(_("revoked"), default=False)
    revocation_reason = models.CharField(_("revocation reason"), max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")

    def __str__(self):
        return self.code

    @property
    def is_current(self):
        return not (self.revoked or self.superseded)

    def verification_url(self):
        return settings.PASSINNOV_BASE_URL + reverse("mon_parcours:verify_attestation", args=[self.code])


class ErasureRequest(models.Model):
    """An agent's request to erase their personal data; an administrator carries it out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("carried out")
        REJECTED = "rejected", _("rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    statement_ids = models.JSONField(
        _("statements to void in the LRS"),
        default=list,
        blank=True,
        help_text=_("Ids of the agent's statements, for the training department's LRS."),
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="progress_erasure_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()} – {self.requested_at:%Y-%m-%d}"
