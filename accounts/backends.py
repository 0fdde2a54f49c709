"""Authentication backends: a local password (when the account may use one) and sessions opened through the
OpenID Connect provider (accounts.views), which never check a password."""

from django.contrib.auth.backends import ModelBackend

from accounts.roles import may_sign_in_with_password


class PasswordBackend(ModelBackend):
    """Username and password, for the accounts `accounts.roles.may_sign_in_with_password` allows.

    The rule holds for every login form (the site's and the Wagtail admin's) and for sessions already open:
    once agents' password sign-in is turned off, their password sessions end at the next request.
    """

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and may_sign_in_with_password(user)


class FederatedBackend(ModelBackend):
    """The backend recorded in sessions opened after a sign-in through the identity provider."""

    def authenticate(self, request, **credentials):
        return None
