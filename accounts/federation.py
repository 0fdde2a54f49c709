"""What an identity verified by the OpenID Connect provider means for PassInnov's accounts.

Invariants:
- `FederatedIdentity(issuer, sub)` is the stable key of an account signing in through a provider. Later
  sign-ins update the account's names and email address from the claims, never its `xapi_account_name`.
- An account exists only when it is complete. When a first sign-in's organisation claims (SIRET,
  organisational unit) designate no directorate, nothing is created: the verified identity waits in the
  session for `PENDING_SECONDS` while the agent picks their directorate; then the account, its identity and
  its role are created in one transaction, or none of them.
- A first sign-in whose email address is that of exactly one existing account joins that account (as
  ProConnect recommends: its `sub` differs for each identity provider the agent goes through) instead of
  creating a second one, unless that account is an administrator's (`accounts.roles.may_be_joined_by_email`).
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import FederatedIdentity, User
from accounts.oidc import SignInError, VerifiedIdentity
from accounts.roles import give_default_role, may_be_joined_by_email
from core.models import Directorate

logger = logging.getLogger(__name__)

PENDING_SESSION_KEY = "oidc_pending_identity"
PENDING_SECONDS = 15 * 60


def email_domain(email):
    return email.rpartition("@")[2].lower()


def check_identity(identity):
    """The claims PassInnov needs, from an allowed email domain (PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS)."""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", identity.email):
        raise SignInError("claims", "no usable email claim")
    allowed = {domain.lower() for domain in settings.PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS}
    if allowed and email_domain(identity.email) not in allowed:
        raise SignInError("domain", f"email domain {email_domain(identity.email)!r} is not allowed")


def directorate_for(identity):
    return Directorate.objects.matching_organisation(
        siret=identity.claims.get("siret") or "", unit=identity.claims.get("organizational_unit") or ""
    )


def sign_in(identity):
    """The account this identity signs in to, or None when a new account first needs a directorate."""
    check_identity(identity)
    with transaction.atomic():
        link = (
            FederatedIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is not None:
            return _signed_in(link.user, link, identity)
        same_email = list(User.objects.filter(email__iexact=identity.email)[:2])
        if len(same_email) == 1:
            if not may_be_joined_by_email(same_email[0]):
                raise SignInError("privileged", f"account {same_email[0].pk} is not joined by email")
            link = FederatedIdentity.objects.create(
                user=same_email[0], issuer=identity.issuer, subject=identity.subject
            )
            logger.info("Federated identity %s joined the existing account %s", identity.subject, same_email[0].pk)
            return _signed_in(same_email[0], link, identity)
    directorate = directorate_for(identity)
    if directorate is None:
        return None
    return create_account(identity, directorate)


def _signed_in(user, link, identity):
    if not user.is_active:
        raise SignInError("inactive", f"account {user.pk} is inactive")
    user.first_name = identity.given_name[:150] or user.first_name
    user.last_name = identity.usual_name[:150] or user.last_name
    user.email = identity.email
    if user.directorate_id is None:
        user.directorate = directorate_for(identity)
    user.save(update_fields=["first_name", "last_name", "email", "directorate"])
    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at"])
    return user


def new_username(email):
    """The email address when it is a free, valid username; otherwise a random one (never shown to agents)."""
    candidate = email.lower()
    try:
        UnicodeUsernameValidator()(candidate)
    except ValidationError:
        candidate = ""
    if candidate and len(candidate) <= 150 and not User.objects.filter(username__iexact=candidate).exists():
        return candidate
    return f"agent-{uuid.uuid4().hex[:12]}"


def create_account(identity, directorate):
    """Account, identity and role in one transaction; a concurrent first sign-in of the same identity wins."""
    check_identity(identity)
    try:
        with transaction.atomic():
            user = User(
                username=new_username(identity.email),
                email=identity.email,
                first_name=identity.given_name[:150],
                last_name=identity.usual_name[:150],
                directorate=directorate,
            )
            user.set_unusable_password()
            user.save()
            FederatedIdentity.objects.create(
                user=user, issuer=identity.issuer, subject=identity.subject, last_sign_in_at=timezone.now()
            )
            give_default_role(user)
    except IntegrityError:
        link = (
            FederatedIdentity.objects.select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is None:
            raise
        return link.user
    logger.info("Account %s created at its first sign-in through %s", user.pk, identity.issuer)
    return user


def keep_pending(session, identity):
    session[PENDING_SESSION_KEY] = {"identity": identity.as_session_data(), "until": time.time() + PENDING_SECONDS}


def pending_identity(session):
    """The identity waiting for its directorate, or SignInError("pending") when there is none any more."""
    data = session.get(PENDING_SESSION_KEY)
    if not data or data.get("until", 0) < time.time():
        session.pop(PENDING_SESSION_KEY, None)
        raise SignInError("pending", "no identity waiting for a directorate")
    return VerifiedIdentity(**data["identity"])


def forget_pending(session):
    session.pop(PENDING_SESSION_KEY, None)


def export_identities(user):
    """The account's identities at providers, for the agent's personal-data export."""
    return [
        {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "first_sign_in": identity.created_at.isoformat(),
            "last_sign_in": identity.last_sign_in_at.isoformat() if identity.last_sign_in_at else None,
        }
        for identity in user.federated_identities.order_by("created_at")
    ]


def forget_identities(user):
    """Erasure: the provider's identifiers go; a later sign-in of that agent starts a new account."""
    FederatedIdentity.objects.filter(user=user).delete()
