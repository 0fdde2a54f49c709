"""The login page's ways in (ProConnect button, password form), the switch that keeps password sign-in for
administrators, and the admin's view of how each account signs in. No provider is contacted here."""

import html
import re

import pytest
from django.core import mail

from accounts.models import FederatedIdentity

pytestmark = pytest.mark.django_db

PASSWORD = "passinnov-demo"


@pytest.fixture
def proconnect(settings):
    settings.PASSINNOV_OIDC_ISSUER = "https://proconnect.example/api/v2"
    settings.PASSINNOV_OIDC_CLIENT_ID = "passinnov"
    settings.PASSINNOV_OIDC_PROVIDER_NAME = "ProConnect"


@pytest.fixture
def agents_without_password(settings):
    """Production-like: no demo mode, agents' password sign-in turned off."""
    settings.PASSINNOV_DEMO = False
    settings.PASSINNOV_AGENT_PASSWORD_LOGIN = False


def login_page(client, next_url="/mon-parcours/"):
    response = client.get("/connexion/", {"next": next_url})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- The login page ---------------------------------------------------------------------------------


def test_no_provider_button_while_no_provider_is_configured(client):
    page = login_page(client)
    assert "fr-connect" not in page and "ProConnect" not in page
    assert 'id="id_username"' in page


def test_proconnect_button_is_dsfr_and_above_the_password_form(client, proconnect):
    page = login_page(client)
    button = re.search(r'<a class="fr-connect" href="([^"]+)" id="proconnect-button">(.*?)</a>', page, re.S)
    assert button, page
    assert button.group(1) == "/connexion/oidc/?next=%2Fmon-parcours%2F"
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", button.group(2))).strip() == "S'identifier avec ProConnect"
    what = re.search(
        r'<a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener"\s+title="([^"]+)">([^<]+)</a>', page
    )
    assert what and what.group(2) == "Qu'est-ce que ProConnect\u00a0?" and "nouvelle fenêtre" in what.group(1)
    assert page.index("fr-connect-group") < page.index('class="fr-hr-or"') < page.index('id="id_username"')


def test_login_page_has_no_inline_script_and_loads_nothing_from_another_host(client, proconnect):
    page = login_page(client)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page) and "javascript:" not in page
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', page):
        assert url == "https://www.proconnect.gouv.fr/", url  # a link for the agent, not a resource


def test_another_provider_gets_a_plain_dsfr_button(client, proconnect, settings):
    settings.PASSINNOV_OIDC_PROVIDER_NAME = "Cerbère"
    page = login_page(client)
    assert '<a class="fr-btn" href="/connexion/oidc/?next=%2Fmon-parcours%2F" id="proconnect-button">' in page
    assert "Se connecter avec Cerbère" in page and "fr-connect" not in page


def test_starting_while_signed_in_goes_straight_to_next(agent_client, proconnect):
    response = agent_client.get("/connexion/oidc/", {"next": "/mon-parcours/"})
    assert response.status_code == 302 and response["Location"] == "/mon-parcours/"


# --- Password sign-in kept for administrators ----------------------------------------------------------


def test_password_form_is_folded_for_administrators(client, proconnect, agents_without_password):
    page = login_page(client)
    assert "Administrateurs\u00a0: connexion par mot de passe" in page
    assert 'aria-expanded="false" aria-controls="password-sign-in"' in page
    assert page.index("fr-connect-group") < page.index("password-sign-in")


def test_agent_password_sign_in_is_refused_with_a_french_message(client, proconnect, agents_without_password):
    response = client.post("/connexion/", {"username": "agent", "password": PASSWORD, "next": "/"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "La connexion par mot de passe est réservée aux administrateurs" in page
    assert "les agents se connectent avec ProConnect" in page
    assert 'aria-expanded="true"' in page  # the folded form opens to show the error
    assert "_auth_user_id" not in client.session


def test_agent_cannot_get_in_through_the_admin_login_either(client, agents_without_password):
    client.post("/admin/login/", {"username": "agent", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_administrators_keep_their_password(client, agents_without_password, demo_user):
    response = client.post("/connexion/", {"username": "admin", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo_user("admin").pk)


def test_demo_mode_keeps_password_sign_in_for_everyone(client, settings):
    settings.PASSINNOV_DEMO = True
    settings.PASSINNOV_AGENT_PASSWORD_LOGIN = False
    response = client.post("/connexion/", {"username": "agent", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302


def test_agents_password_sessions_end_once_the_switch_is_off(client, agent, settings):
    client.force_login(agent, backend="accounts.backends.PasswordBackend")
    assert client.get("/").status_code == 200
    settings.PASSINNOV_DEMO = False
    settings.PASSINNOV_AGENT_PASSWORD_LOGIN = False
    assert client.get("/").status_code == 302


def test_sessions_opened_through_the_provider_stay_open(client, agent, agents_without_password):
    client.force_login(agent, backend="accounts.backends.FederatedBackend")
    assert client.get("/").status_code == 200


def test_password_reset_is_only_sent_to_who_may_use_a_password(client, agents_without_password, demo_user):
    assert client.post("/mot-de-passe/oubli/", {"email": demo_user("agent").email}).status_code == 302
    assert mail.outbox == []
    client.post("/mot-de-passe/oubli/", {"email": demo_user("admin").email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [demo_user("admin").email]


# --- The admin's list of users --------------------------------------------------------------------------


def federate(user, subject):
    FederatedIdentity.objects.create(user=user, issuer="https://proconnect.example/api/v2", subject=subject)


def test_admin_users_list_shows_how_each_account_signs_in(client_for, demo_user, django_user_model, proconnect):
    only_provider = django_user_model.objects.create_user("agent-sso", email="sso@finances.gouv.fr")
    only_provider.set_unusable_password()
    only_provider.save()
    federate(only_provider, "sub-1")
    federate(demo_user("agent2"), "sub-2")
    client = client_for("admin")
    assert "Se connecte avec" in client.get("/admin/users/").content.decode()

    def cell(username):
        """The cell after the username's, in that user's row."""
        page = html.unescape(client.get("/admin/users/", {"q": username}).content.decode())
        match = re.search(rf'<td class="username">\s*{re.escape(username)}\s*</td>\s*<td[^>]*>(.*?)</td>', page, re.S)
        assert match, f"no row for {username}"
        return match.group(1).strip()

    assert cell("agent-sso") == "ProConnect"
    assert cell("agent2") == "ProConnect, mot de passe"
    assert cell("moderateur") == "mot de passe"


def test_admin_users_list_runs_a_bounded_number_of_queries(
    client_for, django_user_model, django_assert_max_num_queries
):
    client = client_for("admin")

    def add_agents(start, count):
        for n in range(start, start + count):
            user = django_user_model.objects.create_user(f"federated-{n}", email=f"f{n}@finances.gouv.fr")
            federate(user, f"sub-{n}")

    add_agents(0, 2)
    client.get("/admin/users/")
    with django_assert_max_num_queries(40) as few:
        assert client.get("/admin/users/").status_code == 200
    budget = len(few.captured_queries)
    add_agents(2, 15)
    client.get(
        "/admin/users/"
    )  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    with django_assert_max_num_queries(budget):
        assert client.get("/admin/users/").status_code == 200
