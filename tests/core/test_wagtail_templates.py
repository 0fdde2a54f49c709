from html import unescape

import pytest
from wagtail.models import PageViewRestriction

from home.models import StandardPage

pytestmark = pytest.mark.django_db


def test_password_protected_page_uses_the_dsfr_template(agent_client):
    page = StandardPage.objects.get(slug="mentions-legales")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    response = agent_client.get(page.url)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Mot de passe requis" in html and 'class="fr-input"' in html and 'class="fr-header"' in html


def test_wrong_page_password_is_refused_in_french(agent_client):
    page = StandardPage.objects.get(slug="mentions-legales")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = agent_client.post(
        f"/_util/authenticate_with_password/{restriction.id}/{page.id}/",
        {"password": "faux", "return_url": page.url},
    )
    assert response.status_code == 200
    assert "Mot de passe requis" in unescape(response.content.decode())
    again = unescape(agent_client.get(page.url).content.decode())
    assert "Mot de passe requis" in again and "Directeur de la publication" not in again


def test_login_restricted_page_sends_to_the_site_login(client):
    page = StandardPage.objects.get(slug="mentions-legales")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_forbidden_page_is_dsfr_and_french(agent_client, settings):
    from django.template.loader import render_to_string

    html = unescape(render_to_string("403.html"))
    assert "Accès refusé" in html and "Erreur 403" in html and 'class="fr-footer"' in html
