"""Production: every secret and host from the environment; the process refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY doit être défini (au moins 50 caractères) en production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS doit être défini en production.")
PASSINNOV_DEMO = env_bool("PASSINNOV_DEMO", False)

# Shared fragments (core/fragments.py) need the generations every gunicorn worker reads: Redis. With the
# local-memory cache each process would keep its own, so fragments are only cached when the operator says the
# site runs in one process (PASSINNOV_FRAGMENT_CACHE=true).
PASSINNOV_FRAGMENT_CACHE = env_bool("PASSINNOV_FRAGMENT_CACHE", bool(os.environ.get("REDIS_URL")))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = []
