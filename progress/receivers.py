"""Progress and badges follow the statement store: one receiver per signal, constant cost per statement."""

from django.db import transaction
from django.db.models.signals import post_save

from progress.models import Badge
from progress.services import badges
from progress.services.progress import apply_statement


def on_statement_stored(sender, statement, **kwargs):
    user = apply_statement(statement, sign=1)
    if user is not None:
        badges.evaluate(user, revoke_failing=False)


def on_statement_voided(sender, statement, voiding=None, **kwargs):
    user = apply_statement(statement, sign=-1)
    if user is not None:
        badges.evaluate(user)


def on_badge_saved(sender, instance, **kwargs):
    """A new or edited badge goes to the agents who already meet its rule, once the edit is committed."""
    badge_pk = instance.pk

    def award():
        badge = Badge.objects.filter(pk=badge_pk).prefetch_related("modules").first()
        if badge is not None:
            badges.award_to_qualifying(badge)

    transaction.on_commit(award)


def connect():
    from learning_records.signals import statement_stored, statement_voided

    statement_stored.connect(on_statement_stored, dispatch_uid="progress.on_statement_stored")
    statement_voided.connect(on_statement_voided, dispatch_uid="progress.on_statement_voided")
    post_save.connect(on_badge_saved, sender=Badge, dispatch_uid="progress.on_badge_saved")
