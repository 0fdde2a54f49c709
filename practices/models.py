"""From training to practice: what agents do with the fiches in their teams, as they declare it.

- `Declaration`: an agent used a fiche with a team (when, with whom, in what setting, how it went), with an
  optional written account that stays private or is shared, anonymously or with the agent's name, once a
  moderator has published it. Each declaration has one active `used` statement (untrusted): editing what the
  statement says voids it and writes a new one; withdrawing voids it and deletes the row.
- `FollowUp`: the question asked about `PASSINNOV_FOLLOW_UP_DAYS` days after an agent attended a module, one
  row per agent and module (unique): its reminder, sent once, and its answer, given once, with an `answered`
  statement (untrusted).

Nothing here is trusted: these rows never complete a module. The self-declared badge rule (progress) reads
them, and its Open Badges criteria say so.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training_sessions.models import Registration

RATING_MIN, RATING_MAX = 1, 5
ACCOUNT_MAX_LENGTH = 1000
OTHER_OBSTACLE_MAX_LENGTH = 500
REJECTION_REASON_MAX_LENGTH = 500


class TeamSize(models.TextChoices):
    SMALL = "2-5", _("2 to 5 people")
    MEDIUM = "6-12", _("6 to 12 people")
    LARGE = "13-30", _("13 to 30 people")
    VERY_LARGE = "31+", _("more than 30 people")


class Audience(models.TextChoices):
    OWN_TEAM = "own_team", _("my own team")
    OTHER_TEAM = "other_team", _("another team or department")


class Setting(models.TextChoices):
    MEETING = "meeting", _("a meeting")
    WORKSHOP = "workshop", _("a workshop")
    PROJECT = "project", _("a project")
    USER_RESEARCH = "user_research", _("user research")
    SEMINAR = "seminar", _("a seminar or a training")
    OTHER = "other", _("another setting")


class Sharing(models.TextChoices):
    PRIVATE = "private", _("Keep it for me")
    ANONYMOUS = "anonymous", _("Share it anonymously")
    NAMED = "named", _("Share it with my name, so that colleagues can contact me")


class Moderation(models.TextChoices):
    NOT_SHARED = "", _("not shared")
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("not published")


class Frequency(models.TextChoices):
    NEVER = "never", _("No, not yet")
    ONCE = "once", _("Yes, once")
    SOMETIMES = "sometimes", _("Yes, a few times")
    REGULARLY = "regularly", _("Yes, regularly")


class Obstacle(models.TextChoices):
    NO_OPPORTUNITY = "no_opportunity", _("No opportunity yet")
    TIME = "time", _("Lack of time")
    MANAGEMENT = "management", _("Not enough support from my management")
    CONFIDENCE = "confidence", _("I do not feel confident enough to facilitate it")
    TEAM = "team", _("My team was not receptive")
    NOT_SUITED = "not_suited", _("The methods do not suit my department")
    OTHER = "other", _("Something else")


class DeclarationQuerySet(models.QuerySet):
    def published(self):
        """Shared accounts a moderator published: the only ones anyone else ever sees."""
        return self.filter(moderation=Moderation.PUBLISHED)

    def pending(self):
        return self.filter(moderation=Moderation.PENDING)

    def used_between(self, first_day, last_day):
        return self.filter(used_on__gte=first_day, used_on__lte=last_day)

    def outside_training(self):
        """Declarations of agents who never attended the fiche's module (or of fiches without a module)."""
        attended = Registration.objects.filter(
            user=OuterRef("user"),
            session__module=OuterRef("fiche__related_module"),
            attendance=Registration.Attendance.PRESENT,
        )
        return self.filter(~Exists(attended))


class Declaration(models.Model):
    """An agent declares they used a fiche with a team; optionally tells how, privately or for colleagues."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="practice_declarations",
    )
    fiche = models.ForeignKey(
        "fiches.FichePage", verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="declarations"
    )
    used_on = models.DateField(_("used on"))
    team_size = models.CharField(_("team size"), max_length=8, choices=TeamSize.choices)
    audience = models.CharField(_("with whom"), max_length=12, choices=Audience.choices)
    setting = models.CharField(_("setting"), max_length=16, choices=Setting.choices)
    rating = models.PositiveSmallIntegerField(
        _("how it went"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    account = models.TextField(_("written account"), blank=True, max_length=ACCOUNT_MAX_LENGTH)
    sharing = models.CharField(_("sharing"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, blank=True, default=Moderation.NOT_SHARED
    )
    rejection_reason = models.CharField(
        _("reason for not publishing"), max_length=REJECTION_REASON_MAX_LENGTH, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    statement_id = models.UUIDField(_("used statement"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-used_on", "-pk"]
        verbose_name = _("practice declaration")
        verbose_name_plural = _("practice declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="practices_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(sharing=Sharing.PRIVATE, moderation=Moderation.NOT_SHARED)
                | (~Q(sharing=Sharing.PRIVATE) & ~Q(moderation=Moderation.NOT_SHARED)),
                name="practices_shared_accounts_are_moderated",
            ),
        ]
        indexes = [
            models.Index(fields=["fiche", "moderation", "published_at"], name="practices_fiche_published"),
            models.Index(fields=["moderation", "created_at"], name="practices_moderation_queue"),
            models.Index(fields=["user", "fiche"], name="practices_user_fiche"),
            models.Index(fields=["used_on"], name="practices_used_on"),
        ]

    def __str__(self):
        return f"{self.user_id} – {self.fiche_id} ({self.used_on})"

    @property
    def is_shared(self):
        return self.sharing != Sharing.PRIVATE

    @property
    def is_published(self):
        return self.moderation == Moderation.PUBLISHED


class FollowUp(models.Model):
    """The follow-up question of a module for one agent: reminder sent once, answer given once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="practice_follow_ups"
    )
    module = models.ForeignKey(
        "parcours.ModulePage", verbose_name=_("module"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    frequency = models.CharField(_("reused"), max_length=10, choices=Frequency.choices, blank=True)
    fiches = models.ManyToManyField(
        "fiches.FichePage", verbose_name=_("fiches used"), blank=True, related_name="follow_ups"
    )
    other_obstacle = models.TextField(_("other obstacle"), blank=True, max_length=OTHER_OBSTACLE_MAX_LENGTH)
    statement_id = models.UUIDField(_("answered statement"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="practices_one_follow_up_per_module"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(frequency=""), name="practices_answers_have_a_frequency"
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="practices_follow_up_answered")]

    def __str__(self):
        return f"{self.user_id} – {self.module_id}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def reused(self):
        return bool(self.frequency) and self.frequency != Frequency.NEVER


class FollowUpObstacle(models.Model):
    """One obstacle ticked in a follow-up answer (a row each, so the dashboard counts them in the database)."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="obstacles"
    )
    code = models.CharField(_("obstacle"), max_length=20, choices=Obstacle.choices)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        constraints = [models.UniqueConstraint(fields=["follow_up", "code"], name="practices_obstacle_once")]

    def __str__(self):
        return self.get_code_display()
