"""The account's part of a personal-data erasure (the coordinator: progress.services.personal_data): the user
row anonymised and deactivated, its groups, permissions, Wagtail profile and identities at OpenID Connect
providers removed, its sessions ended."""

import secrets

from django.contrib.sessions.models import Session
from wagtail.users.models import UserProfile

from accounts import federation


def erase(user, new_account):
    """Anonymise the user row (a random username and xAPI account name `new_account`, no names, email,
    directorate or work site, unusable password, inactive). Call inside the erasure's transaction."""
    user.username = f"efface-{secrets.token_hex(8)}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.directorate = None
    user.work_location = None
    user.xapi_account_name = new_account
    user.is_active = False
    user.is_staff = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    UserProfile.objects.filter(user=user).delete()
    federation.forget_identities(user)


def end_sessions(user):
    """Sign the account out everywhere (database sessions); after the erasure committed."""
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
