"""Authentication backends: a local password (when the account may use one) and sessions opened through the
OpenID Connect provider (accounts.views), which never check a password."""

from django.contrib.auth.backends import ModelBackend

from accounts.roles import may_sign_in_with_password
from core import fragments


class CachedPermissionsMixin:
    """An active account's permissions are read from the shared cache, kept until a role, a permission or an
    account changes (core.fragments, kind `accounts`: accounts.receivers), instead of two queries a request."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(
                fragments.cached(
                    "permissions",
                    (fragments.ACCOUNTS,),
                    [user_obj.pk],
                    lambda: frozenset(super(CachedPermissionsMixin, self).get_all_permissions(user_obj)),
                )
            )
        return user_obj._perm_cache


class PasswordBackend(CachedPermissionsMixin, ModelBackend):
    """Username and password, for the accounts `accounts.roles.may_sign_in_with_password` allows.

    The rule holds for every login form (the site's and the Wagtail admin's) and for sessions already open:
    once agents' password sign-in is turned off, their password sessions end at the next request.
    """

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and may_sign_in_with_password(user)


class FederatedBackend(CachedPermissionsMixin, ModelBackend):
    """The backend recorded in sessions opened after a sign-in through the identity provider."""

    def authenticate(self, request, **credentials):
        return None
