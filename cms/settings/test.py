"""Tests: fast and deterministic parts, nothing that talks to another host."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSINNOV_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
PASSINNOV_BASE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = PASSINNOV_BASE_URL
MEDIA_ROOT = Path(os.environ.get("PASSINNOV_TEST_MEDIA_ROOT", "/tmp/passinnov-test-media"))  # noqa: F405
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Django's staticfiles serves assets here; WhiteNoise (production) would warn about a missing STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
