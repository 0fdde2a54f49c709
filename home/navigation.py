"""The site chrome (header, main navigation, footer links) computed once per request in a fixed number of queries."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.models import Page, Site

from accounts.roles import can
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


def build_chrome(request):
    site = Site.find_for_request(request)
    site_settings = SiteSettings.for_site(site) if site else SiteSettings()
    menu = []
    if site:
        root = site.root_page
        for page in Page.objects.live().in_menu().child_of(root).only("id", "title", "url_path", "depth", "path"):
            url = page.get_url(request=request)
            menu.append({"label": page.title, "url": url, "current": _is_current(request.path, url)})
    for url_name, label, capability in APP_NAV_ITEMS:
        if capability and not can(request.user, capability):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        menu.append({"label": _(label), "url": url, "current": _is_current(request.path, url)})

    footer_ids = {
        "accessibility": site_settings.accessibility_page_id,
        "legal": site_settings.legal_notice_page_id,
        "personal_data": site_settings.personal_data_page_id,
    }
    pages = {
        page.id: page
        for page in Page.objects.live()
        .filter(id__in=[i for i in footer_ids.values() if i])
        .only("id", "title", "url_path", "depth", "path")
    }
    footer_links = {}
    for key, page_id in footer_ids.items():
        page = pages.get(page_id)
        footer_links[key] = page.get_url(request=request) if page else None
    try:
        search_url = reverse("search")
    except NoReverseMatch:
        search_url = None
    return {"settings": site_settings, "menu": menu, "footer_links": footer_links, "search_url": search_url}
