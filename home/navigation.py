"""The site chrome (header, main navigation, footer links).

What is the same for everyone on a site (its settings, the menu pages, the footer links) is built once and
cached until a page or a setting changes (core.fragments, kind `pages`); per request only the user's roles
(one query, shared with the rest of the request) choose the menu items, and the current item is marked.
The templates (templates/includes/header.html, footer.html) cache their HTML the same way, keyed by
`site_key` and `nav_key`; only the user's name and the sign-out form's CSRF token are rendered live.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from accounts.roles import can, can_use_admin
from core import fragments
from core.models import SiteSettings

# Application views that belong in the main navigation, after the editorial sections: (url name, label,
# capability needed to see it, accounts.roles.CAPABILITIES; None = every signed-in user).
APP_NAV_ITEMS = [
    ("mon_parcours:index", gettext_noop("My path"), None),
    ("training_sessions:facilitator_home", gettext_noop("My facilitation"), "facilitate"),
    ("pilotage:dashboard", gettext_noop("Steering"), "steer"),
    ("trainers:queue", gettext_noop("Internal trainers"), "manage_sessions"),
]


def _is_current(request_path, url):
    if not url:
        return False
    if url == "/":
        return request_path == "/"
    return request_path.startswith(url)


def _reverse(url_name):
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def site_chrome(site, request=None):
    """What the chrome shows on `site` for everyone: settings, menu pages, app items, footer links."""
    site_settings = SiteSettings.for_site(site) if site else SiteSettings()
    pages = []
    if site:
        for page in (
            Page.objects.live().in_menu().child_of(site.root_page).only("id", "title", "url_path", "depth", "path")
        ):
            pages.append({"label": page.title, "url": page.get_url(request=request)})
    apps = [
        {"label": _(label), "url": url, "capability": capability}
        for url_name, label, capability in APP_NAV_ITEMS
        if (url := _reverse(url_name))
    ]
    footer_ids = {
        "accessibility": site_settings.accessibility_page_id,
        "legal": site_settings.legal_notice_page_id,
        "personal_data": site_settings.personal_data_page_id,
    }
    found = {
        page.id: page.get_url(request=request)
        for page in Page.objects.live()
        .filter(id__in=[i for i in footer_ids.values() if i])
        .only("id", "title", "url_path", "depth", "path")
    }
    return {
        "settings": site_settings,
        "pages": pages,
        "apps": apps,
        "footer_links": {key: found.get(page_id) for key, page_id in footer_ids.items()},
        "search_url": _reverse("search"),
    }


def build_chrome(request):
    site = Site.find_for_request(request)
    site_pk = site.pk if site else None
    shared = fragments.cached(
        "chrome", (fragments.PAGES,), [site_pk, get_language()], lambda: site_chrome(site, request), request
    )
    user = request.user
    menu = list(shared["pages"]) + [
        item for item in shared["apps"] if not item["capability"] or can(user, item["capability"])
    ]
    current = next((i for i, item in enumerate(menu) if _is_current(request.path, item["url"])), None)
    menu = [{"label": item["label"], "url": item["url"], "current": i == current} for i, item in enumerate(menu)]
    admin = bool(user.is_authenticated and (user.is_staff or can_use_admin(user)))
    return {
        "settings": shared["settings"],
        "menu": menu,
        "footer_links": shared["footer_links"],
        "search_url": shared["search_url"],
        "admin": admin,
        "site_key": site_pk,
        # the navigation's HTML differs only by the items shown and the current one
        "nav_key": f"{site_pk}:{'-'.join(item['url'] for item in menu)}:{current}:{request.path == '/'}",
    }
