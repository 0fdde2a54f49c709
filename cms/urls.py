from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from core import views as core_views

handler500 = core_views.server_error  # 503 while the database is unreachable (core/outage.py)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # After a sign-in through the identity provider, signing out of the admin ends the provider's session too.
    path("admin/logout/", accounts_views.admin_logout),
    path("admin/", include(wagtailadmin_urls)),
    # Documents: Wagtail's view, wrapped to serve uploads with the headers of core.uploads.
    re_path(r"^documents/(\d+)/(.*)$", core_views.serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", core_views.protected_media, name="protected_media"),
    path("", include("accounts.urls")),
]

# Each project app may expose `urls.py` with an `app_urlpatterns` list mounted at the root (they use
# distinct prefixes: /xapi/, /sessions/, /mon-parcours/…).
for app_label in (
    "learning_records",
    "parcours",
    "fiches",
    "videos",
    "training_sessions",
    "practices",
    "progress",
    "pilotage",
    "trainers",
    "home",
):
    try:
        module = __import__(f"{app_label}.urls", fromlist=["app_urlpatterns"])
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_label}.urls":
            raise
        continue
    urlpatterns += module.app_urlpatterns

urlpatterns += [
    # Wagtail's page serving stays last: it catches every remaining path.
    path("", include(wagtail_urls)),
]
