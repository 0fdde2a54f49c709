"""What makes the training dashboard's fragments change (core.fragments), besides the kinds other apps bump.

`trainers`: an internal trainer's profile saved or deleted (nomination, status changed on their page, a
promotion confirmed, an edit in the admin). After `migrate`, every kind: a data migration writes rows without
signals, and no fragment built from the data before it may be served after it."""

from django.db.models.signals import post_delete, post_migrate, post_save

from core import fragments
from pilotage.models import TrainerProfile


def trainers_changed(sender, **kwargs):
    fragments.bump(fragments.TRAINERS)


def migrated(sender, **kwargs):
    fragments.bump(*fragments.KINDS)


def connect(app_config):
    post_save.connect(trainers_changed, sender=TrainerProfile, dispatch_uid="fragments-saved-trainer-profile")
    post_delete.connect(trainers_changed, sender=TrainerProfile, dispatch_uid="fragments-deleted-trainer-profile")
    post_migrate.connect(migrated, sender=app_config, dispatch_uid="fragments-migrated")
