"""The home page routes a live page by its cached URL path (home.models.HomePage.route): every change of
the tree or of what is live is seen at once, and what is not a live page goes through Wagtail's routing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_a_page_deep_in_the_tree_is_routed_in_one_query(agent_client):
    fiche = FichePage.objects.live().order_by("path").first()
    agent_client.get(fiche.url)
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(fiche.url).status_code == 200
    page_queries = [q["sql"] for q in queries.captured_queries if 'FROM "fiches_fichepage"' in q["sql"]]
    assert len(page_queries) == 1, page_queries
