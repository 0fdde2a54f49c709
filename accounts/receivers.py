"""What makes the `accounts` generation change (core.fragments): the roles and permissions that
`accounts.roles.role_names` and `accounts.backends.CachedPermissionsMixin` keep in the shared cache.

A membership or a permission added or removed (user ↔ group, group ↔ permission, user ↔ permission), a group
or a permission saved or deleted, an account saved (active, superuser, name, directorate, work site) or deleted:
one bump each. A sign-in, which saves only the account's `last_login` (shown by no fragment), bumps nothing:
otherwise every sign-in would rebuild every fragment that shows accounts.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import fragments

SIGN_IN_FIELDS = frozenset({"last_login"})


def accounts_changed(sender, **kwargs):
    if kwargs.get("update_fields") == SIGN_IN_FIELDS:
        return
    if kwargs.get("action", "post_").startswith("post_"):
        fragments.bump(fragments.ACCOUNTS)


def connect():
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(accounts_changed, sender=through, dispatch_uid=f"fragments-m2m-{through._meta.label}")
    for model in (user, Group, Permission):
        post_save.connect(accounts_changed, sender=model, dispatch_uid=f"fragments-saved-{model._meta.label}")
        post_delete.connect(accounts_changed, sender=model, dispatch_uid=f"fragments-deleted-{model._meta.label}")
