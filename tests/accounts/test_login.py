import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_login_page_is_dsfr_and_french(client):
    html = client.get("/connexion/").content.decode()
    assert "Se connecter à PassInnov" in html
    assert 'class="fr-input"' in html and "Identifiant" in html and "Mot de passe" in html
    assert "csrfmiddlewaretoken" in html


def test_demo_agent_signs_in_and_lands_on_home(client):
    response = client.post("/connexion/", {"username": "agent", "password": "passinnov-demo", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_gets_a_french_error_and_no_session(client):
    response = client.post("/connexion/", {"username": "agent", "password": "mauvais"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_refuses_redirect_to_another_host(client):
    response = client.post(
        "/connexion/", {"username": "agent", "password": "passinnov-demo", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_requires_csrf(django_user_model):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/connexion/", {"username": "agent", "password": "passinnov-demo"})
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode() or "formulaire" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(agent_client):
    assert agent_client.get("/deconnexion/").status_code == 405
    response = agent_client.post("/deconnexion/")
    assert response.status_code == 302
    assert agent_client.get("/").status_code == 302


def test_password_reset_sends_a_working_link(client, agent):
    response = client.post("/mot-de-passe/oubli/", {"email": agent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "nouveau mot de passe" in message.subject.lower()
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        post_url, {"new_password1": "Un-nouveau-mot-2-passe!", "new_password2": "Un-nouveau-mot-2-passe!"}
    )
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Un-nouveau-mot-2-passe!")


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post("/mot-de-passe/oubli/", {"email": "personne@finances.gouv.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_with_invalid_email_shows_french_error(client):
    response = client.post("/mot-de-passe/oubli/", {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "adresse de courriel valide" in response.content.decode()
