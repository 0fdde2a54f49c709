"""What makes the `sessions` fragments change (core.fragments): sessions, their facilitators, registrations
(places left) and evaluations (a module's rating). One generation bump per saved or deleted row."""

from django.db.models.signals import post_delete, post_save

from core import fragments
from training_sessions.models import Evaluation, Facilitation, Registration, Session


def sessions_changed(sender, **kwargs):
    fragments.bump(fragments.SESSIONS)


def connect():
    for model in (Session, Facilitation, Registration, Evaluation):
        post_save.connect(sessions_changed, sender=model, dispatch_uid=f"fragments-saved-{model._meta.label}")
        post_delete.connect(sessions_changed, sender=model, dispatch_uid=f"fragments-deleted-{model._meta.label}")
