"""Progress and badges follow the statement store: one receiver per signal, constant cost per statement."""

from django.db import transaction
from django.db.models.signals import post_save

from practices.signals import declarations_changed
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


def on_declarations_changed(sender, user, withdrawn=False, **kwargs):
    """A declared use of a fiche was added or withdrawn (sent after commit): the self-declared rule may change."""
    badges.evaluate(user, revoke_failing=withdrawn)


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
    declarations_changed.connect(on_declarations_changed, dispatch_uid="progress.on_declarations_changed")
