from html import unescape

import pytest
from wagtail.models import Site

from core.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_home_page_is_dsfr_with_marianne_and_service_name(agent_client):
    html = unescape(agent_client.get("/").content.decode())
    assert 'class="fr-header"' in html
    assert 'class="fr-logo"' in html and "Ministère<br>de l'Économie<br>et des Finances" in html
    assert "fr-header__service-title" in html and "PassInnov" in html
    assert 'href="#content"' in html and 'href="#footer"' in html  # skip links
    assert 'id="fr-theme-modal"' in html  # display settings
    assert "/static/dsfr/" in html
    assert "https://" not in html.split("<body")[0]  # nothing loaded from another host


def test_header_and_footer_come_from_the_site_setting(agent_client):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.service_tagline = "Une accroche écrite dans l'administration"
    site_settings.footer_description = "Un pied de page écrit dans l'administration"
    site_settings.save()
    html = unescape(agent_client.get("/").content.decode())
    assert "Une accroche écrite dans l'administration" in html
    assert "Un pied de page écrit dans l'administration" in html


def test_footer_has_mandatory_links(agent_client):
    html = unescape(agent_client.get("/").content.decode())
    assert 'href="/accessibilite/"' in html and "Accessibilité\u00a0: partiellement conforme" in html
    assert 'href="/mentions-legales/"' in html and "Mentions légales" in html
    assert 'href="/donnees-personnelles/"' in html and "Données personnelles" in html
    assert "Paramètres d’affichage" in html or "Paramètres d'affichage" in html


def test_pages_are_french(agent_client):
    html = unescape(agent_client.get("/").content.decode())
    assert '<html lang="fr"' in html
    assert "Se déconnecter" in html and "Sign out" not in html


def test_not_found_page_is_dsfr_and_french(agent_client):
    response = agent_client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = unescape(response.content.decode())
    assert "Page non trouvée" in html and "Erreur 404" in html and 'class="fr-footer"' in html


def test_server_error_page_renders_without_database_or_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Erreur 500" in html and "fr-header" in html


def test_home_page_query_count_is_bounded(agent_client, django_assert_max_num_queries):
    agent_client.get("/")  # warm caches (site root paths)
    with django_assert_max_num_queries(25):
        assert agent_client.get("/").status_code == 200


@pytest.mark.parametrize(
    "username, visible, hidden",
    [
        ("agent", ["Mon parcours"], ["Mes animations", "Pilotage"]),
        ("animateur", ["Mon parcours", "Mes animations"], ["Pilotage"]),
        ("formation", ["Mon parcours", "Mes animations", "Pilotage"], []),
        ("admin", ["Mon parcours", "Pilotage"], ["Mes animations"]),
    ],
)
def test_navigation_shows_each_role_its_areas(client_for, username, visible, hidden):
    html = unescape(client_for(username).get("/").content.decode())
    nav = html.split('id="navigation"', 1)[1].split("</nav>", 1)[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
