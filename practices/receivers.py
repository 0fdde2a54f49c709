"""What makes the `practices` fragments change (core.fragments): a declaration saved or deleted (declared,
edited, shared, moderated, withdrawn). The erasure, which updates rows without signals, bumps it itself
(practices.personal_data.erase)."""

from django.db.models.signals import post_delete, post_save

from core import fragments
from practices.models import Declaration


def practices_changed(sender, **kwargs):
    fragments.bump(fragments.PRACTICES)


def connect():
    post_save.connect(practices_changed, sender=Declaration, dispatch_uid="fragments-saved-declaration")
    post_delete.connect(practices_changed, sender=Declaration, dispatch_uid="fragments-deleted-declaration")
