"""Settings shared by every environment. Secrets and hosts come from the environment only."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PASSINNOV_VAR_DIR", BASE_DIR / "var"))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


INSTALLED_APPS = [
    # Project apps, in dependency order (the demo command loads their demo content in this order).
    "core",
    "accounts",
    "home",
    "learning_records",
    "parcours",
    "fiches",
    "videos",
    "training_sessions",
    "practices",
    "progress",
    "pilotage",
    "trainers",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "accounts.apps.UsersAdminConfig",  # wagtail.users, with how each account signs in
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_filters",
    # Design system
    "dsfr",
    "widget_tweaks",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.humanize",  # its French for the admin's « il y a 24 secondes » (Wagtail uses naturaltime)
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every answer; outside XFrameOptionsMiddleware, whose header it reads.
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.fragments.CurrentRequestMiddleware",  # one read of the cached fragments' generations per request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The whole intranet is private: views opt out explicitly with @login_not_required.
    "accounts.middleware.PrivateSiteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "home.sites.CachedSiteMiddleware",  # the Site and home page of Wagtail's pages, cached (core.fragments)
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ for a first run, PostgreSQL (production, CI) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'passinnov.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of failing with
    # "database is locked" half-way through (SQLite is for a first run; production uses PostgreSQL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # A local password, unless PASSINNOV_AGENT_PASSWORD_LOGIN keeps it for administrators (accounts.roles).
    "accounts.backends.PasswordBackend",
    # Sessions opened through the OpenID Connect provider below.
    "accounts.backends.FederatedBackend",
]

# Sign-in through an OpenID Connect provider: ProConnect (the State's identity federation) or a ministry's own
# provider. Off while the issuer or the client id is empty. How to register PassInnov: docs/operations.md.
PASSINNOV_OIDC_ISSUER = os.environ.get("PASSINNOV_OIDC_ISSUER", "")  # discovery at <issuer>/.well-known/…
PASSINNOV_OIDC_CLIENT_ID = os.environ.get("PASSINNOV_OIDC_CLIENT_ID", "")
PASSINNOV_OIDC_CLIENT_SECRET = os.environ.get("PASSINNOV_OIDC_CLIENT_SECRET", "")
PASSINNOV_OIDC_SCOPES = os.environ.get(
    "PASSINNOV_OIDC_SCOPES", "openid email given_name usual_name siret organizational_unit"
)
PASSINNOV_OIDC_ACR_VALUES = os.environ.get("PASSINNOV_OIDC_ACR_VALUES", "")  # e.g. "eidas1"
PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS = env_list("PASSINNOV_OIDC_ALLOWED_EMAIL_DOMAINS")  # empty: any domain
PASSINNOV_OIDC_PROVIDER_NAME = os.environ.get("PASSINNOV_OIDC_PROVIDER_NAME", "ProConnect")
PASSINNOV_OIDC_TOKEN_AUTH_METHOD = os.environ.get("PASSINNOV_OIDC_TOKEN_AUTH_METHOD", "client_secret_post")
PASSINNOV_OIDC_TIMEOUT = float(os.environ.get("PASSINNOV_OIDC_TIMEOUT", "5"))  # seconds, every call
# Off: agents sign in through the provider only; administrators (and everyone in demo mode) keep a password.
PASSINNOV_AGENT_PASSWORD_LOGIN = env_bool("PASSINNOV_AGENT_PASSWORD_LOGIN", True)

# Internationalisation: code in English, interface in French.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("French"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# The project's templates, then the French of the packages we fix (Wagtail, wagtailmedia, django-dsfr): see
# scripts/i18n.py. Both come before the packages' own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]

# Static files are served by WhiteNoise; DSFR assets come from django-dsfr, never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DSFR_USE_INTEGRITY_CHECKSUMS = False
DSFR_MARK_OPTIONAL_FIELDS = True  # the DSFR now marks optional fields rather than required ones

# Uploaded files (documents, images, videos) are private: only core.views.protected_media serves them,
# to signed-in users. In production the web server serves them through X-Accel-Redirect (see README).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
PASSINNOV_MEDIA_ACCEL_REDIRECT = os.environ.get("PASSINNOV_MEDIA_ACCEL_REDIRECT", "")  # e.g. "/protected-media/"

# What the site's pages embed, served inline with exactly this type; every other upload is a download
# (core.uploads). Editors may upload nothing else: images, videos, audio and documents are limited below.
PASSINNOV_EMBEDDED_UPLOAD_TYPES = {
    "gif": "image/gif",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "vtt": "text/vtt",  # captions, uploaded as documents
}
# Documents the programme publishes (downloads).
PASSINNOV_DOWNLOAD_UPLOAD_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Public base URL of the site: xAPI activity ids and Open Badges URLs are built from it.
PASSINNOV_BASE_URL = os.environ.get("PASSINNOV_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PASSINNOV_DEMO = env_bool("PASSINNOV_DEMO", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Email
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PassInnov <passinnov@finances.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: Redis when REDIS_URL is set, local memory otherwise. Pages keep what is the same for everyone in it
# (core/fragments.py): that needs a cache every process shares, or a single process (development, tests).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},  # seconds
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
PASSINNOV_FRAGMENT_CACHE = True

# Background work: django-tasks with its database backend; a worker command runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Wagtail
WAGTAIL_SITE_NAME = "PassInnov"
WAGTAILADMIN_BASE_URL = PASSINNOV_BASE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_FRONTEND_LOGIN_URL = "/connexion/"
WAGTAILADMIN_LOGIN_URL = "login"  # one login page for the site and the admin (see accounts.middleware)
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "registration/login.html"
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
SENDFILE_BACKEND = "home.sendfile"  # documents: X-Accel-Redirect when PASSINNOV_MEDIA_ACCEL_REDIRECT is set
# Documents: what the programme publishes, plus the captions of videos. core.views.serve_document wraps
# Wagtail's view: downloads except the captions, with the headers of core.uploads.
WAGTAILDOCS_EXTENSIONS = [*PASSINNOV_DOWNLOAD_UPLOAD_TYPES, "vtt"]
# Raster images only: an SVG can carry scripts, so SVG uploads are refused (core.forms.ImageForm says why).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.forms.ImageForm"
WAGTAILEMBEDS_FINDERS = []  # no oEmbed: the intranet has no internet access at run time
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # French stemming: a search for "fiche" finds "fiches" (SQLite's backend does not stem).
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "french"
WAGTAILMEDIA = {
    "MEDIA_MODEL": "wagtailmedia.Media",
    # What browsers play in the site's <video> and <audio> players (served inline, see above).
    "AUDIO_EXTENSIONS": ["aac", "flac", "m4a", "mp3", "ogg", "wav"],
    "VIDEO_EXTENSIONS": ["m4v", "mp4", "ogv", "webm"],
}

# Security defaults (production tightens the transport-related ones)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Credential guessing (xAPI clients, erasure list): failed HTTP Basic checks allowed per key and per client
# address in each window of PASSINNOV_AUTH_FAILURE_WINDOW seconds, then 429 until the window ends.
PASSINNOV_AUTH_FAILURES_PER_KEY = int(os.environ.get("PASSINNOV_AUTH_FAILURES_PER_KEY", "10"))
PASSINNOV_AUTH_FAILURES_PER_ADDRESS = int(os.environ.get("PASSINNOV_AUTH_FAILURES_PER_ADDRESS", "30"))
PASSINNOV_AUTH_FAILURE_WINDOW = int(os.environ.get("PASSINNOV_AUTH_FAILURE_WINDOW", "300"))
# Reverse proxies in front of the application that append the client's address to X-Forwarded-For (nginx:
# `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`): 1 behind one nginx, 0 when exposed directly.
PASSINNOV_TRUSTED_PROXIES = int(os.environ.get("PASSINNOV_TRUSTED_PROXIES", "0"))

# Sessions: how many days before a session the reminder email goes out (send_session_reminders, daily).
PASSINNOV_REMINDER_DAYS = int(os.environ.get("PASSINNOV_REMINDER_DAYS", "2"))
# Sessions a trainee co-facilitates before the next step of the internal-trainer path is proposed (trainers).
PASSINNOV_TRAINER_CO_FACILITATIONS = int(os.environ.get("PASSINNOV_TRAINER_CO_FACILITATIONS", "2"))
# Practices: how many days after attending a module its follow-up question is asked (send_follow_up_reminders,
# daily, and a card in Mon parcours).
PASSINNOV_FOLLOW_UP_DAYS = int(os.environ.get("PASSINNOV_FOLLOW_UP_DAYS", "60"))
