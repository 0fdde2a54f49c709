"""The default Wagtail Site follows PASSINNOV_BASE_URL, so that every link Wagtail writes (`page.full_url` in
its moderation emails, previews, sitemaps) uses the site's public address, like the links PassInnov writes.

Wagtail's first migration creates the default Site as `localhost:80`: its emails then link to
`http://localhost/…`. `sync_default_site` (after every migrate, and by the demo loader) sets the Site's hostname
and port from the base URL; the system check `home.E001` fails when they still disagree (a base URL changed
without a migrate, a Site edited by hand in the admin). It reads the database, so it runs with
`manage.py check --database default` (deployments run `check --deploy --database default`), not before every
command.
"""

import copy
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Site

from accounts.roles import is_last_migrated_app
from core import fragments

DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url_host():
    """(hostname, port) of PASSINNOV_BASE_URL."""
    parts = urlsplit(settings.PASSINNOV_BASE_URL)
    return parts.hostname or "localhost", parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def sync_default_site():
    """Set the default Site's hostname and port from the base URL; True when it changed."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return False
    hostname, port = base_url_host()
    if (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    Site.clear_site_root_paths_cache()
    return True


def sync_after_migrate(sender, **kwargs):
    if is_last_migrated_app(sender):
        sync_default_site()


def _running_migrate():
    return sys.argv[1:2] == ["migrate"]


@checks.register(checks.Tags.database)
def default_site_matches_base_url(app_configs=None, databases=None, **kwargs):
    # `migrate` runs the database checks before migrating: it is the command that aligns the Site, so this
    # error must not stop it.
    if not databases or _running_migrate():
        return []
    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:  # no database yet (before the first migrate)
        return []
    if site is None:
        return []
    base_url = settings.PASSINNOV_BASE_URL.rstrip("/")
    if site.root_url == base_url:
        return []
    return [
        checks.Error(
            f"The default Wagtail Site answers at {site.root_url}, PASSINNOV_BASE_URL is {base_url}: Wagtail's emails "
            "and previews would link to the wrong address.",
            hint="Run `manage.py migrate` (it aligns the Site on PASSINNOV_BASE_URL), or fix the Site or the setting.",
            id="home.E001",
        )
    ]


class CachedSiteMiddleware:
    """Wagtail finds the request's Site (one query) and then its home page (another) on every page it serves:
    both are kept by host until a page or a site changes (core.fragments, `PAGES`: a Site saved or deleted, a
    page published, unpublished, moved or deleted), and each request gets its own copies. Only for Wagtail's
    page view (other views keep Wagtail's own look-up, when they need one at all); Wagtail reads the Site from
    `request._wagtail_site` (`Site.find_for_request`), which this sets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and not hasattr(request, "_wagtail_site"):
            site = cached_site(request)
            if site is not None:
                request._wagtail_site = site
        return None


def cached_site(request):
    """The request's Site with its home page (specific), or None (Wagtail then looks it up itself)."""
    try:
        request.get_host()  # only the hosts the site answers to (ALLOWED_HOSTS) get a cache entry
    except DisallowedHost:
        return None
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    found = fragments.cached(
        "site", (fragments.PAGES,), [hostname, port], lambda: _site_and_home(request), request, keep_empty=False
    )
    if found is None:
        return None
    site, home = copy.copy(found[0]), copy.copy(found[1])
    site.root_page = home
    return site


def _site_and_home(request):
    site = Site._find_for_request(request)
    return None if site is None else (site, site.root_page.specific)
