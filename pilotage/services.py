"""Rules of the internal-trainer path (nominations, status) and what a trainer's page shows."""

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from pilotage.models import TrainerProfile
from progress.models import Badge, BadgeAward, TrainerProgress
from training_sessions.models import Facilitation, Session


@transaction.atomic
def nominate(user, status, *, by):
    """Put an agent on the internal-trainer path (once: a second nomination only changes nothing)."""
    profile, _created = TrainerProfile.objects.get_or_create(
        user=user, defaults={"status": status, "nominated_by": by, "nominated_at": timezone.now()}
    )
    return profile


def change_status(profile, status):
    if status not in TrainerProfile.Status.values:
        raise ValueError(f"Unknown trainer status {status!r}")
    profile.status = status
    profile.save(update_fields=["status", "updated_at"])
    return profile


def trainer_badges(user):
    """The trainer badges the agent holds (progress app), newest first."""
    trainer_rules = [Badge.Rule.CO_FACILITATED, Badge.Rule.LED]
    return list(
        BadgeAward.objects.filter(user=user, revoked=False, badge__rule__in=trainer_rules)
        .select_related("badge")
        .order_by("-issued_on")
    )


def hosted_counts(user):
    """Sessions led and co-facilitated as counted from the trusted `hosted` statements (progress app)."""
    return TrainerProgress.objects.filter(user=user).values("led", "co_facilitated").first()


def trainer_record(profile):
    """Sessions facilitated (by role), satisfaction averages and badges, in a fixed number of queries."""

    facilitations = (
        Facilitation.objects.filter(user=profile.user)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session__module", "session__location", "organisation")
        .annotate(average=Avg("session__registrations__evaluation__overall"))
        .annotate(answers=Count("session__registrations__evaluation"))
        .order_by("-session__start", "pk")
    )
    by_role = {
        row["role"]: row
        for row in Facilitation.objects.filter(user=profile.user)
        .exclude(session__status=Session.Status.CANCELLED)
        .values("role")
        .annotate(average=Avg("session__registrations__evaluation__overall"))
        .annotate(answers=Count("session__registrations__evaluation"), sessions=Count("session", distinct=True))
        .order_by()
    }
    overall = (
        Facilitation.objects.filter(user=profile.user)
        .exclude(session__status=Session.Status.CANCELLED)
        .aggregate(
            average=Avg("session__registrations__evaluation__overall"),
            answers=Count("session__registrations__evaluation"),
        )
    )
    rows = list(facilitations)
    return {
        "led": [f for f in rows if f.role == Facilitation.Role.LEAD],
        "co_facilitated": [f for f in rows if f.role == Facilitation.Role.CO_FACILITATOR],
        "averages": {
            "lead": by_role.get(Facilitation.Role.LEAD),
            "co": by_role.get(Facilitation.Role.CO_FACILITATOR),
            "overall": overall,
        },
        "badges": trainer_badges(profile.user),
        "hosted": hosted_counts(profile.user),
        "now": timezone.now(),
    }
