"""Who is calling the Statement API: an HTTP Basic credential, or a signed-in agent's browser.

- HTTP Basic `key:secret` of an active Credential: scopes decide what it may do (403 otherwise).
- Session of a signed-in user, on POST/PUT only, when the request carries no Authorization header and
  passes Django's CSRF check (X-CSRFToken header): the browser may only write statements about its own
  agent, and they are stored untrusted (see store.save_statements).
Anything else is 401 with a WWW-Authenticate challenge.
"""

import base64
import binascii
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Credential

REALM = 'Basic realm="PassInnov xAPI", charset="UTF-8"'
LAST_USED_PRECISION = timedelta(minutes=5)
VERIFIED_TTL = 300  # seconds


class ApiError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def unauthorized(message):
    return ApiError(401, message, {"WWW-Authenticate": REALM})


class Caller:
    """The authenticated caller: a credential, or a user (browser session)."""

    def __init__(self, credential=None, user=None):
        self.credential = credential
        self.user = user

    def require_write(self):
        if self.credential is not None and not self.credential.can_write:
            raise ApiError(403, "this credential has no statements/write scope")

    def require_read(self):
        if self.credential is None:
            raise ApiError(403, "a browser session may only send statements")
        if not self.credential.can_read_mine:
            raise ApiError(403, "this credential has no statements/read scope")


def parse_basic(header):
    scheme, _space, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise unauthorized("only HTTP Basic authentication is supported")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("malformed HTTP Basic credentials")
    key, colon, secret = decoded.partition(":")
    if not colon:
        raise unauthorized("malformed HTTP Basic credentials")
    return key, secret


def verified_cache_key(credential, secret):
    """Cache key proving that `secret` matched this credential's current hash (an HMAC: no secret stored)."""
    material = f"{credential.key}\0{secret}\0{credential.secret_hash}"
    return "learning_records:auth:" + salted_hmac("learning_records.auth", material, algorithm="sha256").hexdigest()


def check_secret(credential, secret):
    """Django's password hashers are deliberately slow (~0.3 s): an API client sends its secret with every
    request, so a successful check is remembered for VERIFIED_TTL (keyed by an HMAC of key, secret and
    stored hash: a new secret or a deactivated credential is never served from the cache)."""
    cache_key = verified_cache_key(credential, secret)
    if cache.get(cache_key):
        return True
    if credential.check_secret(secret):
        cache.set(cache_key, True, VERIFIED_TTL)
        return True
    return False


def authenticate_basic(header):
    key, secret = parse_basic(header)
    credential = Credential.objects.filter(key=key, active=True).first()
    if credential is None or not check_secret(credential, secret):
        raise unauthorized("wrong key or secret")
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_PRECISION:
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return Caller(credential=credential)


def csrf_passes(request):
    try:
        _raw = request.body  # read first: the check may parse a form body, after which the raw body is unreadable
    except RequestDataTooBig:
        raise ApiError(413, "request body too large")
    check = CsrfViewMiddleware(lambda req: None)
    check.process_request(request)
    return check.process_view(request, lambda req: None, (), {}) is None


def authenticate(request, authorization, method):
    """Return the Caller of an API request or raise ApiError(401)."""
    if authorization:
        return authenticate_basic(authorization)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and method in ("POST", "PUT"):
        if not csrf_passes(request):
            raise ApiError(403, "CSRF verification failed: send the X-CSRFToken header")
        return Caller(user=user)
    raise unauthorized("authentication required")
