import pytest
from django.core.exceptions import ValidationError

from core.models import Theme
from fiches.models import FICHES_PER_PAGE, FicheIndexPage, FichePage
from tests.home.editorial import add_fiche, cold_and_warm_queries

pytestmark = pytest.mark.django_db


def titles(response):
    return [fiche.title for fiche in response.context["fiches"]]


@pytest.fixture
def index():
    return FicheIndexPage.objects.get()


def test_demo_catalogue_has_at_least_15_complete_fiches():
    fiches = FichePage.objects.live()
    assert fiches.count() >= 15
    for fiche in fiches.prefetch_related("tags"):
        assert fiche.theme_id and fiche.objective and len(fiche.steps) >= 2, fiche.title
        assert 1 <= fiche.group_size_min <= fiche.group_size_max
        assert fiche.tags.all(), fiche.title


def test_listing_paginates(agent_client, index):
    response = agent_client.get(index.url)
    assert response.status_code == 200
    assert len(titles(response)) == FICHES_PER_PAGE
    total = FichePage.objects.live().count()
    response = agent_client.get(index.url + "?page=2")
    assert len(titles(response)) == total - FICHES_PER_PAGE


def test_filter_by_tag(agent_client, index):
    response = agent_client.get(index.url + "?tag=empathie")
    assert sorted(titles(response)) == ["Carte d'empathie", "Entretien usager", "Persona"]


def test_filter_by_theme(agent_client, index):
    response = agent_client.get(index.url + "?theme=narration")
    assert sorted(titles(response)) == ["Pitch en trois minutes", "Storyboard"]


def test_filter_by_duration(agent_client, index):
    response = agent_client.get(index.url + "?duration=short")
    assert titles(response)
    assert all(f.duration_minutes <= 30 for f in response.context["fiches"])
    response = agent_client.get(index.url + "?duration=long")
    assert all(f.duration_minutes > 60 for f in response.context["fiches"])
    assert "World café" in titles(response)


def test_filter_by_group_size(agent_client, index):
    response = agent_client.get(index.url + "?group_size=40&page=1")
    fiches = response.context["fiches"]
    assert fiches
    assert all(f.group_size_min <= 40 <= f.group_size_max for f in fiches)
    assert "Méthode 6-3-5" not in titles(response)


def test_filters_combine_and_pagination_keeps_them(agent_client, index):
    theme = Theme.objects.get(slug="creativite")
    for number in range(FICHES_PER_PAGE + 1):
        add_fiche(f"Variante créative {number:02d}", theme=theme, minutes=20, tags=["variante"])
    response = agent_client.get(index.url + "?theme=creativite&duration=short&tag=variante")
    assert response.context["paginator"].count == FICHES_PER_PAGE + 1
    assert "tag=variante" in response.context["filter_query"]
    assert "page=2" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?tag=inconnu",
        "?theme=%00",
        "?duration=eternity",
        "?group_size=abc",
        "?group_size=-4",
        "?group_size=999999999999999999999",
        "?page=abc",
        "?page=9999",
        "?tag=" + "x" * 5000,
    ],
)
def test_bad_filter_values_answer_cleanly(agent_client, index, query):
    response = agent_client.get(index.url + query)
    assert response.status_code == 200
    if "page" not in query:
        assert response.context["filter_form"].errors
        assert "fr-alert--error" in response.content.decode()
        # The bad filter is ignored: the whole catalogue is listed.
        assert response.context["paginator"].count == FichePage.objects.live().count()


def test_listing_queries_do_not_grow_with_fiches(agent_client, index):
    url = index.url + "?theme=creativite&duration=short&group_size=6"
    before = cold_and_warm_queries(agent_client, url)
    unfiltered_before = cold_and_warm_queries(agent_client, index.url)
    theme = Theme.objects.get(slug="creativite")
    for number in range(20):
        add_fiche(f"Fiche supplémentaire {number}", theme=theme, minutes=15, tags=[f"tag-{number}", "extra"])
    assert cold_and_warm_queries(agent_client, url) == before
    assert cold_and_warm_queries(agent_client, index.url) == unfiltered_before
    assert before[0] <= 25


def test_fiche_page_is_printable(agent_client):
    fiche = FichePage.objects.get(slug="methode-6-3-5")
    response = agent_client.get(fiche.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-passinnov-print" in html and "Imprimer" in html
    assert 'media="print"' in html and "fiches/print.css" in html
    assert "<ol" in html and "Faire tourner" in html


def test_group_size_min_above_max_is_refused():
    fiche = FichePage.objects.get(slug="persona")
    fiche.group_size_min, fiche.group_size_max = 10, 4
    with pytest.raises(ValidationError) as error:
        fiche.full_clean()
    assert "group_size_max" in error.value.message_dict


def test_unpublished_fiches_are_not_listed(agent_client, index):
    add_fiche("Brouillon secret", live=False)
    response = agent_client.get(index.url + "?page=2")
    assert "Brouillon secret" not in response.content.decode()
