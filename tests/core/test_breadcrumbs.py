"""One breadcrumb on every inner page, always starting at « Accueil » (/), and the user's name in the header as
a link to « Mes données »."""

import re

import pytest

from fiches.models import FichePage
from parcours.models import ModulePage

pytestmark = pytest.mark.django_db

BREADCRUMB = re.compile(r'<nav role="navigation" class="fr-breadcrumb".*?</nav>', re.S)
ITEM = re.compile(r'<a class="fr-breadcrumb__link"(?: href="([^"]*)")?[^>]*>(.*?)</a>', re.S)


def trail(html):
    found = BREADCRUMB.findall(html)
    assert len(found) == 1, "one breadcrumb per page"
    return [(href, " ".join(label.split())) for href, label in ITEM.findall(found[0])]


def pages():
    fiche = FichePage.objects.live().first()
    module = ModulePage.objects.live().first()
    return {
        "agent": [
            fiche.url,
            fiche.get_parent().url,
            module.url,
            "/sessions/",
            "/mon-parcours/",
            "/mon-parcours/mes-donnees/",
            "/mon-parcours/attestations/verifier/",
            "/pratiques/mes-pratiques/",
        ],
        "animateur": ["/sessions/animation/"],
        "formation": ["/pilotage/", "/pilotage/formateurs/"],
    }


def test_every_inner_page_has_a_breadcrumb_rooted_at_accueil(client_for):
    for username, urls in pages().items():
        client = client_for(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            items = trail(response.content.decode())
            assert items[0] == ("/", "Accueil"), (url, items)
            assert len(items) >= 2, url
            assert "PassInnov" not in [label for _href, label in items], url


def test_mes_donnees_sits_under_mon_parcours(agent_client):
    items = trail(agent_client.get("/mon-parcours/mes-donnees/").content.decode())
    assert items == [("/", "Accueil"), ("/mon-parcours/", "Mon parcours"), ("", "Mes données")]


def test_the_header_name_links_to_mes_donnees(agent_client, agent):
    html = agent_client.get("/").content.decode()
    link = re.search(r'<a class="fr-btn fr-icon-account-circle-line" href="([^"]+)">(.*?)</a>', html, re.S)
    assert link is not None
    assert link.group(1) == "/mon-parcours/mes-donnees/"
    assert agent.display_name in link.group(2) and "Mes données" in link.group(2)
