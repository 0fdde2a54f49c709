import pytest
from django.urls import reverse

from fiches.models import FichePage
from home.models import StandardPage
from tests.home.editorial import add_fiche, count_queries

pytestmark = pytest.mark.django_db

SEARCH = "/recherche/"


def result_titles(response):
    return [result["title"] for result in response.context["results"]]


def test_search_url_is_named_search():
    assert reverse("search") == SEARCH


def test_search_finds_each_content_type_with_type_title_and_excerpt(agent_client):
    cases = {
        "persona": ("Persona", "Fiche pratique"),
        "narration": ("L'art de la narration", "Module"),
        "sous-titrées": None,
        "Emilie": ("Emilie : « J'ai osé animer mon premier atelier »", "Témoignage"),
        "6-3-5": ("La méthode 6-3-5 en une minute", "Vidéo"),
    }
    for query, expected in cases.items():
        response = agent_client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        if expected is None:
            continue
        title, kind = expected
        results = {r["title"]: r for r in response.context["results"]}
        assert title in results, (query, list(results))
        assert str(results[title]["type"]).lower() == kind.lower()
        assert results[title]["excerpt"]


def test_search_covers_only_the_editorial_types(agent_client):
    standard = StandardPage.objects.get(slug="mentions-legales")
    response = agent_client.get(SEARCH, {"q": standard.title})
    assert standard.title not in result_titles(response)


def test_search_ignores_drafts(agent_client):
    add_fiche("Zyxwvu brouillon", live=False)
    response = agent_client.get(SEARCH, {"q": "Zyxwvu"})
    assert result_titles(response) == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 1000},
        {"q": "persona", "page": "abc"},
        {"q": "persona", "page": "999"},
        {"q": "'\")(*&^%$"},
    ],
)
def test_bad_search_input_answers_cleanly(agent_client, params):
    response = agent_client.get(SEARCH, params)
    assert response.status_code == 200
    if len(params.get("q", "")) > 200:
        assert "trop longue" in response.content.decode()


def test_search_paginates_and_keeps_the_query(agent_client):
    for number in range(12):
        add_fiche(f"Quokka {number:02d}")
    response = agent_client.get(SEARCH, {"q": "Quokka"})
    assert len(response.context["results"]) == 10
    html = response.content.decode()
    assert "q=Quokka&amp;page=2" in html
    response = agent_client.get(SEARCH, {"q": "Quokka", "page": 2})
    assert len(response.context["results"]) == 2


def test_search_queries_do_not_grow_with_results(agent_client):
    before = count_queries(agent_client, f"{SEARCH}?q=Quokka")
    for number in range(15):
        add_fiche(f"Quokka {number:02d}")
    assert count_queries(agent_client, f"{SEARCH}?q=Quokka") <= before + 4  # one query per result type at most


def test_search_is_private(client):
    response = client.get(SEARCH, {"q": "persona"})
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


@pytest.mark.postgres
def test_french_stemming_on_postgresql(agent_client):
    assert FichePage.objects.live().filter(title__icontains="fiches").count() == 0
    fiche = add_fiche("Méthode des petites fiches")
    response = agent_client.get(SEARCH, {"q": "fiche"})
    assert fiche.title in result_titles(response)


@pytest.mark.parametrize(
    "query",
    ['"', "(", ")", "*", "-", "- -", "NOT", "AND OR", "a:b", "^", "persona)", '"persona', "%", "\\", "e-mail ++"],
)
def test_full_text_syntax_characters_are_harmless(agent_client, query):
    response = agent_client.get(SEARCH, {"q": query})
    assert response.status_code == 200


def test_a_word_start_finds_the_longer_word(agent_client):
    # Full text alone does not find « Brainstorming » from « brainstorm »: prefix matching does.
    titles = result_titles(agent_client.get(SEARCH, {"q": "brainstorm"}))
    assert "Brainstorming cadré" in titles
    assert "Brainstorming cadré" in result_titles(agent_client.get(SEARCH, {"q": "Brainsto"}))


def test_an_empty_result_suggests_a_spelling_and_the_modules(agent_client):
    response = agent_client.get(SEARCH, {"q": "persnoa"})
    assert result_titles(response) == []
    html = response.content.decode()
    assert response.context["suggestions"]["spelling"] == "persona"
    assert 'href="/recherche/?q=persona"' in html
    modules = response.context["suggestions"]["modules"]
    assert modules and modules[0].is_entry_module
    assert all(module.url in html for module in modules)
    # Nothing close: no spelling, still the modules.
    response = agent_client.get(SEARCH, {"q": "zzzzqx"})
    assert response.context["suggestions"]["spelling"] is None
    assert response.context["suggestions"]["modules"]
