"""Progress and badges follow the statement store: one receiver per stored batch.

In the storing transaction, `progress.apply_batch` updates the counters (a constant number of queries per
batch, none for a batch without progress statements) and records which agents' badges to re-check
(`BadgeCheck` rows). After the commit, outside the store's lock, those checks run (`badges.process_checks`):
awards and their `earned` statements, revocations. A crash in between leaves the checks recorded;
`manage.py process_badge_checks` and `rebuild_progress` carry them out.
"""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import fragments
from learning_records.signals import statements_stored
from practices.signals import declarations_changed
from progress.models import Badge
from progress.services import badges
from progress.services.progress import apply_batch

logger = logging.getLogger(__name__)


def on_statements_stored(sender, statements, voided=(), **kwargs):
    checks = apply_batch(statements, voided)
    if not checks:
        return
    badges.record_checks(checks)
    user_ids = sorted(checks)

    def check():
        try:
            badges.process_checks(user_ids)
        except Exception:  # the statements are stored: the periodic process_badge_checks will retry
            logger.exception("Could not check the badges of agents %s after storing statements", user_ids)

    transaction.on_commit(check)


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


def badges_changed(sender, **kwargs):
    """Mon parcours caches the badges' definitions with the pages (`dashboard._badge_definitions`): a badge
    saved, deleted, or its list of modules changed (sent by modelcluster after the badge's own save) renews
    them at once."""
    if kwargs.get("action", "post_").startswith("post_"):
        fragments.bump(fragments.PAGES)


def connect():
    post_save.connect(badges_changed, sender=Badge, dispatch_uid="progress.badge_saved_fragments")
    post_delete.connect(badges_changed, sender=Badge, dispatch_uid="progress.badge_deleted_fragments")
    m2m_changed.connect(badges_changed, sender=Badge.modules.through, dispatch_uid="progress.badge_modules_fragments")
    statements_stored.connect(on_statements_stored, dispatch_uid="progress.on_statements_stored")
    post_save.connect(on_badge_saved, sender=Badge, dispatch_uid="progress.on_badge_saved")
    declarations_changed.connect(on_declarations_changed, dispatch_uid="progress.on_declarations_changed")
