"""What pages cache for everyone (core/fragments.py) changes at once, on every page that shows it.

Each test first renders the pages (so their fragments are cached), then changes the data through the
application's own path (Wagtail's publish/unpublish/move, the settings model, the registration services) and
checks the very next request of every page that shows the data. One test per invalidation path: publish,
unpublish, move, setting, registration, cancellation; then the fragments' own rules (time, preview, personal
parts never cached).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from wagtail.models import Page, Site

from core import fragments
from core.models import SiteSettings
from fiches.models import FicheIndexPage, FichePage
from parcours.models import ModulePage
from tests.home.editorial import add_fiche
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Session

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def render_all(client, urls):
    return {url: html_of(client, url) for url in urls}


@pytest.fixture
def listing():
    return FicheIndexPage.objects.live().get()


@pytest.fixture
def first_fiche(listing):
    """The first fiche of the listing's first page (ordered by title), with a related module."""
    module = ModulePage.objects.live().order_by("path").first()
    return add_fiche("Aaa fiche du module", module=module)


def chrome_urls(listing, fiche):
    return ["/", listing.url, fiche.url, fiche.related_module.url, "/mon-parcours/", "/sessions/"]


def test_a_publication_is_visible_at_once_on_every_page_that_shows_the_fiche(agent_client, listing, first_fiche):
    module = first_fiche.related_module
    before = render_all(agent_client, ["/", listing.url, first_fiche.url, module.url])
    assert all("Aaa fiche du module" in html for html in before.values())

    first_fiche.title = "Aaa fiche renommée"
    first_fiche.save_revision().publish()
    for url in ["/", listing.url, first_fiche.url, module.url]:
        html = html_of(agent_client, url)
        assert ">Aaa fiche renommée<" in html and ">Aaa fiche du module<" not in html, url

    newest = add_fiche("Aab toute dernière fiche", module=module)  # a publication of a new page
    for url in ["/", listing.url, module.url]:
        assert newest.title in html_of(agent_client, url), url


def test_an_unpublished_fiche_disappears_at_once(agent_client, listing, first_fiche):
    module = first_fiche.related_module
    render_all(agent_client, ["/", listing.url, first_fiche.url, module.url])

    first_fiche.unpublish()
    for url in ["/", listing.url, module.url]:
        assert ">Aaa fiche du module<" not in html_of(agent_client, url), url
    assert agent_client.get(first_fiche.url).status_code == 404


def menu_labels(html):
    nav = html[html.index('class="fr-nav__list"') :]
    nav = nav[: nav.index("</ul>")]
    return re.findall(r'class="fr-nav__link"[^>]*>([^<]+)<', nav)


def test_a_moved_page_moves_at_once_in_the_menu_of_every_page(agent_client, listing, first_fiche):
    urls = chrome_urls(listing, first_fiche)
    before = render_all(agent_client, urls)
    labels = menu_labels(before["/"])
    assert labels.index(listing.title) > 1, labels  # after "Accueil" and the first section

    first_section = Page.objects.live().in_menu().child_of(Site.objects.get(is_default_site=True).root_page).first()
    Page.objects.get(pk=listing.pk).move(first_section, pos="left")
    for url in urls:
        assert menu_labels(html_of(agent_client, url))[1] == listing.title, url


def test_a_changed_setting_is_visible_at_once_in_the_header_and_footer_of_every_page(
    agent_client, listing, first_fiche
):
    urls = chrome_urls(listing, first_fiche)
    render_all(agent_client, urls)

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.service_tagline = "Une devise toute neuve"
    site_settings.footer_description = "Un pied de page tout neuf"
    site_settings.save()
    for url in urls:
        html = html_of(agent_client, url)
        assert "Une devise toute neuve" in html and "Un pied de page tout neuf" in html, url


def places_left(html, session):
    card = html[html.index(f'href="/sessions/{session.pk}/"') :]
    return int(re.search(r"(\d+) places? restantes?", card).group(1))


def test_a_registration_and_a_cancellation_change_the_places_left_at_once(agent_client):
    entry = helpers.entry_module()
    session = helpers.make_session(entry, days=1, capacity=12)
    upcoming = list(Session.objects.upcoming()[:6].values_list("pk", flat=True))
    assert session.pk in upcoming, "the new session must be among the six shown on the home page"
    urls = ["/", entry.url]
    before = {url: places_left(html, session) for url, html in render_all(agent_client, urls).items()}

    someone = helpers.make_agent()
    services.register(someone, session)
    for url in urls:
        assert places_left(html_of(agent_client, url), session) == before[url] - 1, url

    services.cancel_registration(someone, session)
    for url in urls:
        assert places_left(html_of(agent_client, url), session) == before[url], url


def test_a_session_leaves_the_upcoming_list_when_it_starts(client_for):
    entry = helpers.entry_module()
    session = helpers.make_session(entry, days=1, capacity=12)
    assert f"/sessions/{session.pk}/" in html_of(client_for("agent"), entry.url)
    with time_machine.travel(session.start + timedelta(minutes=1)):
        assert f"/sessions/{session.pk}/" not in html_of(client_for("agent"), entry.url)  # signed in again then


def test_personal_parts_stay_live(client, demo_user, listing, first_fiche):
    """Two agents get the same cached fragments but each their own name and sign-out token."""
    pages = ["/", listing.url, first_fiche.url]
    for username in ("agent", "agent2"):
        user = demo_user(username)
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            html = response.content.decode()
            assert user.display_name in html, (username, url)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            assert token and token != "NOTPROVIDED"
        client.logout()


def test_a_preview_is_never_cached(client, demo_user, first_fiche):
    """An editor's preview shows the draft; the agents keep seeing the published fiche."""
    client.force_login(demo_user("admin"))
    client.get(first_fiche.url)
    draft = FichePage.objects.get(pk=first_fiche.pk)
    draft.title = "Titre du brouillon"
    draft.save_revision()
    preview = client.get(f"/admin/pages/{first_fiche.pk}/revisions/{draft.latest_revision.pk}/view/")
    assert preview.status_code == 200 and "Titre du brouillon" in preview.content.decode()
    request_html = html_of(client, first_fiche.url)
    assert "Aaa fiche du module" in request_html and "Titre du brouillon" not in request_html


def test_a_bump_renews_the_generation_and_a_cleared_cache_never_brings_back_old_fragments():
    first = fragments.generations()
    fragments.bump(fragments.PAGES)
    second = fragments.generations()
    assert second[fragments.PAGES] != first[fragments.PAGES]
    assert second[fragments.SESSIONS] == first[fragments.SESSIONS]
    cache.clear()  # generations are random tokens: after a flush no old key can match again
    assert fragments.generations()[fragments.PAGES] not in {first[fragments.PAGES], second[fragments.PAGES]}
    with pytest.raises(ValueError):
        fragments.bump("nothing")


def test_a_value_is_built_once_until_its_data_changes():
    built = []

    def build():
        built.append(1)
        return len(built)

    assert fragments.cached("test", (fragments.PAGES,), ["a"], build) == 1
    assert fragments.cached("test", (fragments.PAGES,), ["a"], build) == 1
    assert fragments.cached("test", (fragments.PAGES,), ["b"], build) == 2
    fragments.bump(fragments.SESSIONS)
    assert fragments.cached("test", (fragments.PAGES,), ["a"], build) == 1
    fragments.bump(fragments.PAGES)
    assert fragments.cached("test", (fragments.PAGES,), ["a"], build) == 3


def test_a_declared_use_a_published_account_and_an_erasure_show_at_once_on_the_fiche(client, demo_user):
    from practices import services as practices
    from practices.models import Sharing
    from progress.services import personal_data
    from tests.practices import helpers as practice_helpers

    fiche = practice_helpers.fiche()
    reader = practice_helpers.make_agent()
    client.force_login(reader)
    before = html_of(client, fiche.url)
    uses = int(re.search(r"Utilisée (\d+) fois", before).group(1)) if "Utilisée" in before else 0

    author = practice_helpers.make_agent()
    declaration = practice_helpers.declare(
        author, fiche, account="Un récit qui restera en cache ?", sharing=Sharing.NAMED
    )
    html = html_of(client, fiche.url)
    assert f"Utilisée {uses + 1} fois" in html and "Un récit qui restera en cache ?" not in html  # not moderated

    practices.publish(declaration, demo_user("moderateur"))
    assert "Un récit qui restera en cache ?" in html_of(client, fiche.url)

    erasure, _created = personal_data.request_erasure(author)
    personal_data.process(erasure)
    html = html_of(client, fiche.url)
    assert "Un récit qui restera en cache ?" not in html and author.email not in html
