"""Who is calling the Statement API: an HTTP Basic credential, or a signed-in agent's browser.

- HTTP Basic `key:secret` of an active Credential: scopes decide what it may do (403 otherwise).
- Session of a signed-in user, on POST/PUT only, when the request carries no Authorization header and
  passes Django's CSRF check (X-CSRFToken header): the browser may only write statements about its own
  agent, and they are stored untrusted (see store.save_statements).
Anything else is 401 with a WWW-Authenticate challenge. Failed HTTP Basic checks are throttled per key and
per client address (FailureThrottle): past the limit, 429 with Retry-After, and no password hash is computed.
"""

import base64
import binascii
import hashlib
import time
from datetime import timedelta

from django.conf import settings
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


def client_address(request):
    """The caller's IP address. Behind PASSINNOV_TRUSTED_PROXIES reverse proxies (each appending to
    X-Forwarded-For), the address the outermost trusted proxy saw; what the client itself put there is
    ignored."""
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    chain.append(request.META.get("REMOTE_ADDR", ""))
    proxies = max(0, settings.PASSINNOV_TRUSTED_PROXIES)
    return chain[max(0, len(chain) - 1 - proxies)]


class FailureThrottle:
    """Failed credential checks, counted per key and per client address in fixed windows of the cache.

    Once either count reaches its limit, checks are refused with 429 until the window ends, before any
    password hash is computed. A client whose secret was verified recently is recognised from the cache
    (verified_cache_key) before the throttle is consulted, so the success path costs what it cost without it.
    """

    def __init__(self, key, address):
        self.window = settings.PASSINNOV_AUTH_FAILURE_WINDOW
        now = time.time()
        self.retry_after = int(self.window - now % self.window) + 1
        bucket = int(now // self.window)
        self.limits = {}
        if key is not None:
            self.limits[self.cache_key("key", key, bucket)] = settings.PASSINNOV_AUTH_FAILURES_PER_KEY
        self.limits[self.cache_key("address", address, bucket)] = settings.PASSINNOV_AUTH_FAILURES_PER_ADDRESS

    @staticmethod
    def cache_key(kind, value, bucket):
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"learning_records:auth-failures:{kind}:{digest}:{bucket}"

    def check(self):
        counts = cache.get_many(list(self.limits))
        if any(counts.get(name, 0) >= limit for name, limit in self.limits.items()):
            raise ApiError(
                429,
                "too many failed authentication attempts: try again later",
                {"Retry-After": str(self.retry_after)},
            )

    def record_failure(self):
        for name in self.limits:
            cache.add(name, 0, self.window + 60)
            try:
                cache.incr(name)
            except ValueError:  # expired between add and incr
                cache.add(name, 1, self.window + 60)


def authenticate_basic(request, header):
    """The active Credential of an HTTP Basic header, or ApiError 401 (wrong) / 429 (too many failures)."""
    address = client_address(request)
    try:
        key, secret = parse_basic(header)
    except ApiError:
        throttle = FailureThrottle(None, address)
        throttle.check()
        throttle.record_failure()
        raise
    credential = Credential.objects.filter(key=key, active=True).first()
    if credential is None or not cache.get(verified_cache_key(credential, secret)):
        throttle = FailureThrottle(key, address)
        throttle.check()
        if credential is None or not credential.check_secret(secret):
            throttle.record_failure()
            raise unauthorized("wrong key or secret")
        # Django's password hashers are deliberately slow (~0.3 s) and a client sends its secret with every
        # request: a successful check is remembered for VERIFIED_TTL, keyed by an HMAC of key, secret and
        # stored hash (a new secret or a deactivated credential is never served from the cache).
        cache.set(verified_cache_key(credential, secret), True, VERIFIED_TTL)
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_PRECISION:
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


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
        return Caller(credential=authenticate_basic(request, authorization))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and method in ("POST", "PUT"):
        if not csrf_passes(request):
            raise ApiError(403, "CSRF verification failed: send the X-CSRFToken header")
        return Caller(user=user)
    raise unauthorized("authentication required")
