"""The home page routes a live page by its cached URL path (home.models.HomePage.route): every change of
the tree or of what is live is seen at once, and what is not a live page goes through Wagtail's routing.
The request's Site and home page (home.sites.CachedSiteMiddleware) and a page's view restrictions
(core.pages.CachedViewRestrictionsMixin) are cached the same way: a change of either is seen at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from fiches.models import FicheIndexPage, FichePage
from parcours.models import ModulePage
from tests.home.editorial import add_fiche

pytestmark = pytest.mark.django_db


def test_an_unpublished_page_is_gone_at_once(agent_client):
    fiche = add_fiche("Fiche bientôt retirée")
    assert agent_client.get(fiche.url).status_code == 200
    fiche.unpublish()
    assert agent_client.get(fiche.url).status_code == 404


def test_a_moved_page_answers_at_its_new_address_at_once(agent_client):
    module = ModulePage.objects.live().order_by("path").first()
    old_url = module.url
    assert agent_client.get(old_url).status_code == 200
    module.slug = "module-renomme"
    module.save_revision().publish()
    module = ModulePage.objects.get(pk=module.pk)
    assert agent_client.get(old_url).status_code == 404
    assert agent_client.get(module.url).status_code == 200


def test_a_draft_page_is_not_served_and_an_unknown_path_is_a_404(agent_client):
    draft = add_fiche("Fiche en brouillon", live=False)
    index = FicheIndexPage.objects.get()
    assert agent_client.get(f"{index.url}{draft.slug}/").status_code == 404
    assert agent_client.get(f"{index.url}nulle-part/").status_code == 404
    assert agent_client.get(f"{index.url}nulle-part/").status_code == 404  # misses are not cached


def test_a_page_deep_in_the_tree_is_routed_and_checked_without_a_query_once_cached(agent_client):
    fiche = FichePage.objects.live().order_by("path").first()
    agent_client.get(fiche.url)
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(fiche.url).status_code == 200
    tables = ["fiches_fichepage", "home_homepage", "wagtailcore_site", "wagtailcore_pageviewrestriction"]
    routing = [q["sql"] for q in queries.captured_queries if any(f'FROM "{table}"' in q["sql"] for table in tables)]
    routing += [q["sql"] for q in queries.captured_queries if 'FROM "wagtailcore_page"' in q["sql"]]
    assert routing == []


def test_a_view_restriction_applies_at_once_and_its_removal_too(agent_client):
    fiche = FichePage.objects.live().order_by("path").first()
    assert agent_client.get(fiche.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=FicheIndexPage.objects.get(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Lecteurs réservés")])
    assert agent_client.get(fiche.url).status_code != 200
    assert agent_client.get(FicheIndexPage.objects.get().url).status_code != 200
    restriction.delete()
    assert agent_client.get(fiche.url).status_code == 200


def test_a_restriction_on_the_home_page_and_a_new_site_root_apply_at_once(agent_client):
    site = Site.objects.get(is_default_site=True)
    assert agent_client.get("/").status_code == 200
    restriction = PageViewRestriction.objects.create(page=site.root_page, restriction_type=PageViewRestriction.PASSWORD)
    restriction.password = "secret-de-test"
    restriction.save()
    assert 'name="password"' in agent_client.get("/").content.decode()
    restriction.delete()

    listing = FicheIndexPage.objects.get()
    site.root_page = listing
    site.save()
    html = agent_client.get("/").content.decode()
    assert f"<h1>{listing.title}</h1>" in html or f">{listing.title}</h1>" in html


def test_the_home_page_published_anew_is_served_at_once(agent_client):
    """The home page comes with the cached Site (home.sites.CachedSiteMiddleware): a publication renews it."""
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert agent_client.get("/").status_code == 200
    home.title = "Bienvenue sur le nouvel accueil"
    home.save_revision().publish()
    assert "<h1>Bienvenue sur le nouvel accueil</h1>" in agent_client.get("/").content.decode()
    home.unpublish()
    assert agent_client.get("/").status_code == 404
