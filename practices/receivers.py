"""What makes the practices' fragments change (core.fragments).

`practices`: a declaration saved or deleted (declared, edited, shared, moderated, withdrawn). `follow_ups`: an
answer to the follow-up question or one of its obstacles saved or deleted (the obstacles of an answer are
created in bulk, without signals, in the same transaction as the answer: its bump after the commit covers
them). The erasure, which updates rows without signals, bumps both itself (practices.personal_data.erase)."""

from django.db.models.signals import post_delete, post_save

from core import fragments
from practices.models import Declaration, FollowUp, FollowUpObstacle


def practices_changed(sender, **kwargs):
    fragments.bump(fragments.PRACTICES)


def follow_ups_changed(sender, **kwargs):
    fragments.bump(fragments.FOLLOW_UPS)


def connect():
    post_save.connect(practices_changed, sender=Declaration, dispatch_uid="fragments-saved-declaration")
    post_delete.connect(practices_changed, sender=Declaration, dispatch_uid="fragments-deleted-declaration")
    for model in (FollowUp, FollowUpObstacle):
        post_save.connect(follow_ups_changed, sender=model, dispatch_uid=f"fragments-saved-{model._meta.label}")
        post_delete.connect(follow_ups_changed, sender=model, dispatch_uid=f"fragments-deleted-{model._meta.label}")
