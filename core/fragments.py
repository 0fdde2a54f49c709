"""What is the same for every agent, computed once and kept until what it shows changes.

Invariant: a cached fragment is never served after a change of what it shows. Every fragment is stored under a
key that holds the current *generation* of each kind of data it shows (`PAGES`: pages, site settings,
snippets, images and documents; `SESSIONS`: training sessions, registrations, evaluations; `ACCOUNTS`: roles
and permissions of the accounts, read on every request; `PRACTICES`: declared uses; `FOLLOW_UPS`: answers to
the follow-up question; `TRAINERS`: the internal trainers' path); every change of
such data replaces that generation with a new random token (`bump`, one cache write per event, sent by the
signal receivers of the app that owns the data). A request reads the generations once (one cache read), so
the next request after a change builds new keys and never finds the old fragments, which just age out of the
cache. Nothing relies on a timeout to be fresh: `FRAGMENT_TIMEOUT` only lets the shared cache forget
fragments nobody asks for any more.

Because a key names its content exactly, a fragment found once can also be kept in the process
(`_LocalFragments`, bounded LRU): after the generations, a page's fragments cost no round trip to Redis.

A fragment whose content also changes with time (a session that starts leaves the upcoming list) is stored
with the instant it stops being valid (`valid_until`), and is rebuilt from then on.

The generations must be shared by every process that serves pages: the shared cache (Redis, `REDIS_URL`)
in production. With a process-local cache (local memory) fragments are cached only when
`PASSINNOV_FRAGMENT_CACHE` says so (development, tests: one process); otherwise they are built every time.
"""

import contextvars
import hashlib
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

PAGES = "pages"
SESSIONS = "sessions"
ACCOUNTS = "accounts"  # who holds which role and permission, accounts' names (accounts.receivers)
PRACTICES = "practices"  # declared uses of the fiches and their shared accounts (practices.receivers)
FOLLOW_UPS = "follow_ups"  # answers to the follow-up question and their obstacles (practices.receivers)
TRAINERS = "trainers"  # internal trainers' profiles and status (pilotage.receivers)
KINDS = (PAGES, SESSIONS, ACCOUNTS, PRACTICES, FOLLOW_UPS, TRAINERS)

FRAGMENT_TIMEOUT = 7 * 24 * 3600  # seconds: only to forget unused fragments, never to refresh one
_GENERATION_KEY = "passinnov:generation:{}"
_FRAGMENT_KEY = "passinnov:fragment:{}:{}"
_REQUEST_ATTRIBUTE = "_passinnov_generations"


def enabled():
    return getattr(settings, "PASSINNOV_FRAGMENT_CACHE", True)


class _LocalFragments:
    """A bounded, thread-safe LRU of fragments by their full key (keys hold the generations: never stale)."""

    def __init__(self, size=2000):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


local_fragments = _LocalFragments()
_bumps = [0]  # bumps made by this process: a request that made one reads the generations again


def _new_token():
    return uuid.uuid4().hex[:16]


_current_request = contextvars.ContextVar("passinnov_fragments_request", default=None)


class CurrentRequestMiddleware:
    """Lets code without the request at hand (the roles and permissions of the signed-in user) share the
    request's single read of the generations."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def generations(request=None):
    """{kind: token} of every kind, read once per request (one cache read; tokens created when missing)."""
    request = request if request is not None else _current_request.get()
    if request is not None and (known := getattr(request, _REQUEST_ATTRIBUTE, None)) is not None:
        if known[0] == _bumps[0]:
            return known[1]
    bumps = _bumps[0]
    keys = {kind: _GENERATION_KEY.format(kind) for kind in KINDS}
    found = cache.get_many(list(keys.values()))
    tokens = {}
    for kind, key in keys.items():
        token = found.get(key)
        if token is None:
            cache.add(key, _new_token(), None)
            token = cache.get(key)
        tokens[kind] = token
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, (bumps, tokens))
    return tokens


def _bump_now(kinds):
    _bumps[0] += 1
    cache.set_many({_GENERATION_KEY.format(kind): _new_token() for kind in kinds}, None)


def bump(*kinds):
    """A change of data of these kinds: every fragment showing them is rebuilt from the next request on.

    Bumped at once (the rest of this request and the tests see the change) and again after the commit: a
    request that rendered between the two from the data as it was before the commit must not keep its
    fragment under the new generation."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds of data: {sorted(unknown)}")
    _bump_now(kinds)
    transaction.on_commit(lambda: _bump_now(kinds))


def _key(name, kinds, vary, tokens):
    parts = [tokens[kind] for kind in kinds] + [str(value) for value in vary]
    digest = hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return _FRAGMENT_KEY.format(name, digest)


def cached(name, kinds, vary, build, request=None, keep_empty=True):
    """The value `build()` returns, kept until data of `kinds` changes; `vary`: what else the value depends on.

    `build()` returns the value, or `(value, valid_until)` through `Expiring` when the value also changes at
    a known instant. Values must be picklable (the shared cache) and never modified by callers. With
    `keep_empty=False` a None is not kept (when `vary` comes from the request, e.g. any URL: misses must not
    fill the cache)."""
    if not enabled() or getattr(request, "is_preview", False):  # a preview shows a draft: never cache it
        value = build()
        return value.value if isinstance(value, Expiring) else value
    key = _key(name, kinds, vary, generations(request))
    now = timezone.now()
    entry = local_fragments.get(key)
    if entry is None or (entry[1] is not None and entry[1] <= now):
        entry = cache.get(key)
        if entry is None or (entry[1] is not None and entry[1] <= now):
            value = build()
            entry = (value.value, value.valid_until) if isinstance(value, Expiring) else (value, None)
            if entry[0] is None and not keep_empty:
                return None
            cache.set(key, entry, FRAGMENT_TIMEOUT)
        local_fragments.set(key, entry)
    return entry[0]


class Expiring:
    """A value valid until an instant (None: until its data changes)."""

    def __init__(self, value, valid_until):
        self.value = value
        self.valid_until = valid_until
