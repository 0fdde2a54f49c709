"""The OpenID Connect client: sign-in through ProConnect or a ministry's own provider, built on Authlib.

Everything that talks to the provider, or checks what it sends, lives here; `accounts.federation` decides
what a verified identity means for PassInnov's accounts.

Authlib does the protocol: the authorization URL with `state`, `nonce` and PKCE (S256), the token exchange,
the ID token's validation (signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`, `at_hash`)
and the RP-initiated logout URL. This module adds what Authlib leaves to the application:

- the discovery document and the JWKS come from Django's cache (an hour); every call to the provider has a
  timeout, and a provider that does not answer raises `SignInError("unavailable")`, never a 500;
- a `state` is single-use (Authlib forgets it once used) and expires after `STATE_SECONDS` (Authlib keeps it
  for an hour and does not look at its expiry when reading it back);
- the userinfo response may be a signed JWT (ProConnect's always is): joserfc verifies it against the same
  JWKS, and its `iss`, `aud` and `sub` must be the issuer's, ours and the ID token's.
"""

import logging
import time
from dataclasses import asdict, dataclass
from hashlib import sha256

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60  # discovery document and JWKS
JWKS_REFRESH_SECONDS = 60  # an unknown key id refetches the JWKS at most once a minute
STATE_SECONDS = 10 * 60  # between the click on the button and the return from the provider
TOKEN_LEEWAY = 60  # clock skew accepted on exp/iat, in seconds
RANDOM_LENGTH = 48  # state and nonce: ProConnect asks for at least 32 characters
CLIENT_NAME = "oidc"


class SignInError(Exception):
    """A refused or failed sign-in: `code` says why (for the log and tests), `message` tells the agent."""

    MESSAGES = {
        "unavailable": _(
            "The identity service does not answer at the moment. Try again in a few minutes, or sign in with "
            "your PassInnov password if you have one."
        ),
        "provider_error": _("The identity service did not confirm your identity: the sign-in was cancelled."),
        "state": _("This sign-in request has expired or has already been used. Start again from the sign-in page."),
        "token": _("The answer of the identity service could not be verified. Your account was not used."),
        "claims": _("The identity service did not send your email address: PassInnov cannot create your account."),
        "domain": _("Your email address does not give access to PassInnov. Contact the Mission innovation."),
        "inactive": _("Your PassInnov account is deactivated. Contact the Mission innovation."),
        "privileged": _(
            "Your email address belongs to an administration account, which cannot be joined automatically. Sign "
            "in with your password, or contact the Mission innovation."
        ),
        "pending": _("Your sign-in has expired. Start again from the sign-in page."),
    }
    STATUS = {"unavailable": 503, "domain": 403, "inactive": 403, "privileged": 403}

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail  # English, for the log only

    @property
    def message(self):
        return self.MESSAGES[self.code]

    @property
    def status(self):
        return self.STATUS.get(self.code, 400)


@dataclass
class VerifiedIdentity:
    """What a provider asserted, once every check has passed."""

    issuer: str
    subject: str
    claims: dict
    id_token: str
    next_url: str = "/"

    def as_session_data(self):
        return asdict(self)

    @property
    def email(self):
        return (self.claims.get("email") or "").strip()

    @property
    def given_name(self):
        return (self.claims.get("given_name") or "").strip()

    @property
    def usual_name(self):
        # ProConnect sends usual_name; a standard provider family_name.
        return (self.claims.get("usual_name") or self.claims.get("family_name") or "").strip()


def is_enabled():
    return bool(settings.PASSINNOV_OIDC_ISSUER and settings.PASSINNOV_OIDC_CLIENT_ID)


def issuer():
    return settings.PASSINNOV_OIDC_ISSUER


def discovery_url():
    return issuer().rstrip("/") + "/.well-known/openid-configuration"


def absolute_url(view_name):
    """Redirect URIs are registered with the provider: they derive from the public base URL, not the Host."""
    return settings.PASSINNOV_BASE_URL + reverse(view_name)


def _cache_key(kind):
    return f"passinnov:oidc:{kind}:{sha256(issuer().encode()).hexdigest()[:16]}"


class ExpiringStateIntegration(DjangoIntegration):
    """Authlib's session-held state, with an expiry that is enforced when the state is read back."""

    expires_in = STATE_SECONDS

    def state_status(self, session, state):
        entry = session.get(f"_state_{self.name}_{state}") if state else None
        if not entry:
            return "unknown"
        if entry.get("exp", 0) < time.time():
            return "expired"
        return "valid"

    def get_state_data(self, session, state):
        if self.state_status(session, state) != "valid":
            return None
        return super().get_state_data(session, state)


class ProviderClient(DjangoOAuth2App):
    """Authlib's Django client whose discovery document and JWKS live in Django's cache."""

    def _get_json(self, url):
        try:
            with self._get_session() as session:
                response = session.request("GET", url, withhold_token=True)
                response.raise_for_status()
                return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInError("unavailable", f"GET {url}: {exc!r}") from exc

    def load_server_metadata(self):
        if "_loaded_at" not in self.server_metadata:
            metadata = cache.get(_cache_key("metadata"))
            if metadata is None:
                metadata = self._get_json(discovery_url())
                if metadata.get("issuer") != issuer():
                    raise SignInError("unavailable", f"discovery names issuer {metadata.get('issuer')!r}")
                cache.set(_cache_key("metadata"), metadata, CACHE_SECONDS)
            self.server_metadata.update(metadata, _loaded_at=time.time())
        return self.server_metadata

    def fetch_jwk_set(self, force=False):
        jwks = None if force else cache.get(_cache_key("jwks"))
        if jwks is None:
            if force and not cache.add(_cache_key("jwks-refresh"), True, JWKS_REFRESH_SECONDS):
                jwks = cache.get(_cache_key("jwks"))  # refreshed less than a minute ago: keep that one
            if jwks is None:
                metadata = self.load_server_metadata()
                if not metadata.get("jwks_uri"):
                    raise SignInError("unavailable", "no jwks_uri in the discovery document")
                jwks = self._get_json(metadata["jwks_uri"])
                cache.set(_cache_key("jwks"), jwks, CACHE_SECONDS)
        self.server_metadata["jwks"] = jwks
        return jwks


def get_client():
    return ProviderClient(
        ExpiringStateIntegration(CLIENT_NAME),
        name=CLIENT_NAME,
        client_id=settings.PASSINNOV_OIDC_CLIENT_ID,
        client_secret=settings.PASSINNOV_OIDC_CLIENT_SECRET,
        server_metadata_url=discovery_url(),
        client_kwargs={
            "scope": settings.PASSINNOV_OIDC_SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": settings.PASSINNOV_OIDC_TOKEN_AUTH_METHOD,
            "default_timeout": settings.PASSINNOV_OIDC_TIMEOUT,
            # Authlib treats an access token as expired `leeway` seconds early; ProConnect's live 60 seconds.
            "leeway": 0,
        },
    )


def acr_values():
    return settings.PASSINNOV_OIDC_ACR_VALUES.split()


def authorization_url(request, next_url):
    """Where to send the agent to sign in; `state`, `nonce` and the PKCE verifier wait in the session."""
    client = get_client()
    params = {"state": generate_token(RANDOM_LENGTH), "nonce": generate_token(RANDOM_LENGTH)}
    if acr_values():
        params["acr_values"] = " ".join(acr_values())
    redirect_uri = absolute_url("oidc_callback")
    try:
        authorization = client.create_authorization_url(redirect_uri, **params)
    except requests.RequestException as exc:
        raise SignInError("unavailable", repr(exc)) from exc
    client.save_authorize_data(request, redirect_uri=redirect_uri, next_url=next_url, **authorization)
    return authorization["url"]


def id_token_claims_options(client_id):
    options = {
        "iss": {"essential": True, "value": issuer()},
        "aud": {"essential": True, "value": client_id},
    }
    if acr_values():
        options["acr"] = {"essential": True, "values": acr_values()}
    return options


def complete_authorization(request):
    """Check the provider's answer on the redirect URI and return the `VerifiedIdentity`, or raise SignInError."""
    client = get_client()
    state = request.GET.get("state", "")
    status = client.framework.state_status(request.session, state)
    if status != "valid":
        raise SignInError("state", f"{status} state")
    next_url = client.framework.get_state_data(request.session, state).get("next_url") or "/"
    if request.GET.get("error"):
        client.framework.clear_state_data(request.session, state)
        raise SignInError("provider_error", f"{request.GET['error']}: {request.GET.get('error_description', '')}")
    try:
        token = client.authorize_access_token(
            request, claims_options=id_token_claims_options(client.client_id), leeway=TOKEN_LEEWAY
        )
    except JoseError as exc:
        raise SignInError("token", f"ID token refused: {exc!r}") from exc
    except AuthlibBaseError as exc:
        raise SignInError("token", f"token endpoint: {exc!r}") from exc
    except requests.RequestException as exc:
        raise SignInError("unavailable", f"token endpoint: {exc!r}") from exc
    if "userinfo" not in token:
        raise SignInError("token", "no ID token in the token response")
    id_claims = dict(token["userinfo"])
    claims = {**id_claims, **fetch_userinfo(client, token, id_claims["sub"])}
    return VerifiedIdentity(
        issuer=issuer(), subject=id_claims["sub"], claims=claims, id_token=token["id_token"], next_url=next_url
    )


def fetch_userinfo(client, token, subject):
    metadata = client.load_server_metadata()
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        response = client.get(endpoint, token=token)
    except requests.RequestException as exc:
        raise SignInError("unavailable", f"userinfo: {exc!r}") from exc
    except AuthlibBaseError as exc:
        raise SignInError("token", f"userinfo: {exc!r}") from exc
    if response.status_code >= 500:
        raise SignInError("unavailable", f"userinfo answered {response.status_code}")
    if response.status_code != 200:
        raise SignInError("token", f"userinfo answered {response.status_code}")
    if response.headers.get("Content-Type", "").startswith("application/jwt"):
        return verify_signed_userinfo(client, response.text, subject)
    try:
        claims = response.json()
    except ValueError as exc:
        raise SignInError("token", "userinfo is neither JSON nor a JWT") from exc
    if not isinstance(claims, dict) or claims.get("sub") != subject:
        raise SignInError("token", "userinfo sub differs from the ID token's")
    return claims


def verify_signed_userinfo(client, text, subject):
    """OpenID Connect Core 5.3.2: a signed userinfo response carries iss and aud; its sub is the ID token's."""
    metadata = client.load_server_metadata()
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or metadata.get(
        "id_token_signing_alg_values_supported"
    )
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(text, KeySet.import_key_set(client.fetch_jwk_set()), registry=registry)
        except InvalidKeyIdError:
            decoded = jwt.decode(text, KeySet.import_key_set(client.fetch_jwk_set(force=True)), registry=registry)
        jwt.JWTClaimsRegistry(
            leeway=TOKEN_LEEWAY,
            iss={"essential": True, "value": issuer()},
            aud={"essential": True, "value": client.client_id},
            sub={"essential": True, "value": subject},
        ).validate(decoded.claims)
    except JoseError as exc:
        raise SignInError("token", f"signed userinfo refused: {exc!r}") from exc
    return decoded.claims


def logout_url(request, id_token):
    """The provider's end-session URL (RP-initiated logout); its `state` waits in the (new) session."""
    client = get_client()
    try:
        result = client.create_logout_url(
            post_logout_redirect_uri=absolute_url("oidc_logout_callback"),
            id_token_hint=id_token,
            state=generate_token(RANDOM_LENGTH),
        )
    except (requests.RequestException, RuntimeError) as exc:
        raise SignInError("unavailable", f"end session: {exc!r}") from exc
    client.framework.set_state_data(request.session, result["state"], {"logout": True})
    return result["url"]


def complete_logout(request):
    """True when the provider came back with the state this browser sent it (the logout went through)."""
    client = get_client()
    state = request.GET.get("state", "")
    if client.framework.state_status(request.session, state) != "valid":
        return False
    client.framework.clear_state_data(request.session, state)
    return True
