"""Sign-in through the test OpenID provider (tests/oidc, configured like ProConnect), driven through Django's test
client: the provider is real (its own HTTP server), only the agent's browser on its side is `provider_agent`."""

import html as html_module
import logging
import re
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import federation
from accounts.models import FederatedIdentity, User
from accounts.oidc import VerifiedIdentity
from accounts.roles import ROLES, group_for
from core.models import Directorate
from tests.oidc.harness import ACCOUNTS

pytestmark = pytest.mark.django_db

CAMILLE = "camille.durand@finances.gouv.fr"  # organizational_unit "DGFiP / …": DGFiP
JEANNE = "jeanne.roux@finances.gouv.fr"  # unit names no directorate; her SIRET can be listed on one
PAUL = "paul.morel@finances.gouv.fr"  # names no directorate: asked
LUCIE = "lucie.blanc@exemple-prestataire.fr"  # a domain PassInnov does not allow


def start(client, next_url="/"):
    response = client.get("/connexion/oidc/", {"next": next_url})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def local(url):
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return parts.path + ("?" + parts.query if parts.query else "")


def sign_in(client, provider_agent, email, next_url="/"):
    """The whole round trip; returns PassInnov's answer on its redirect URI."""
    callback = provider_agent.sign_in(start(client, next_url), email)
    return client.get(local(callback))


def another_agent(client, provider_agent):
    """Sign out of PassInnov and forget the provider's session: the next sign-in is someone else's."""
    client.post("/deconnexion/")
    provider_agent.http.cookies.clear()


def accounts_snapshot():
    return User.objects.count(), FederatedIdentity.objects.count()


def assert_refused(response, status, text, caplog, code):
    html = html_module.unescape(response.content.decode())
    assert response.status_code == status, html[:2000]
    assert "fr-container" in html and "La connexion a échoué" in html and text in html
    assert "_auth_user_id" not in response.wsgi_request.session
    assert any(f"refused ({code})" in record.getMessage() for record in caplog.records), caplog.text


# --- The way there ------------------------------------------------------------------------------------


def test_authorization_request_has_pkce_state_nonce_and_acr(client, oidc):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/connexion/oidc/retour/"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32  # ProConnect's minimum
    assert query["acr_values"] == ["eidas1"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "given_name", "usual_name", "siret"}
    assert query["state"][0] not in str(client.cookies)  # kept server-side, in the session


def test_start_is_404_when_no_provider_is_configured(client, settings):
    settings.PASSINNOV_OIDC_ISSUER = ""
    assert client.get("/connexion/oidc/").status_code == 404
    assert client.get("/connexion/oidc/retour/?state=x&code=y").status_code == 404


# --- First and later sign-ins ---------------------------------------------------------------------------


def test_first_sign_in_creates_the_whole_account_and_lands_on_next(client, oidc, provider_agent):
    before = accounts_snapshot()
    response = sign_in(client, provider_agent, CAMILLE, next_url="/mon-parcours/")
    assert response.status_code == 302 and response["Location"] == "/mon-parcours/"
    assert accounts_snapshot() == (before[0] + 1, before[1] + 1)
    user = User.objects.get(email=CAMILLE)
    assert (user.first_name, user.last_name, user.directorate.acronym) == ("Camille", "Durand", "DGFiP")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [ROLES["agents"]]
    assert re.fullmatch(r"[0-9a-f]{32}", user.xapi_account_name)
    assert "camille" not in user.xapi_account_name and "durand" not in user.xapi_account_name
    identity = user.federated_identities.get()
    assert (identity.issuer, identity.subject) == (oidc.issuer, ACCOUNTS[CAMILLE]["sub"])
    assert identity.last_sign_in_at is not None
    session = client.session
    assert session["_auth_user_id"] == str(user.pk)
    assert session["_auth_user_backend"] == "accounts.backends.FederatedBackend"
    assert session["oidc_id_token"].count(".") == 2
    assert client.get("/mon-parcours/").status_code == 200


def test_later_sign_ins_update_names_and_email_and_keep_the_account(client, oidc, provider_agent):
    sign_in(client, provider_agent, CAMILLE)
    user = User.objects.get(email=CAMILLE)
    xapi_name = user.xapi_account_name
    User.objects.filter(pk=user.pk).update(first_name="Ancien", last_name="Nom", email="ancienne@finances.gouv.fr")
    client.post("/deconnexion/")

    before = accounts_snapshot()
    response = sign_in(client, provider_agent, CAMILLE)
    assert response.status_code == 302
    assert accounts_snapshot() == before
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Camille", "Durand", CAMILLE)
    assert user.xapi_account_name == xapi_name


def test_each_new_account_gets_its_own_random_xapi_name(client, oidc, provider_agent, settings):
    sign_in(client, provider_agent, CAMILLE)
    Directorate.objects.filter(acronym="DGE").update(sirets=ACCOUNTS[JEANNE]["claims"]["siret"])
    another_agent(client, provider_agent)
    sign_in(client, provider_agent, JEANNE)
    names = set(User.objects.filter(email__in=[CAMILLE, JEANNE]).values_list("xapi_account_name", flat=True))
    assert len(names) == 2


def test_a_siret_listed_on_a_directorate_gives_that_directorate(client, oidc, provider_agent):
    Directorate.objects.filter(acronym="DGE").update(sirets="110 046 018 00013\n")
    response = sign_in(client, provider_agent, JEANNE)
    assert response.status_code == 302
    user = User.objects.get(email=JEANNE)
    assert user.directorate.acronym == "DGE"
    assert user.first_name == "Jeanne Marie"


def test_unknown_organisation_asks_the_directorate_before_creating_anything(client, oidc, provider_agent):
    before = accounts_snapshot()
    response = sign_in(client, provider_agent, PAUL, next_url="/mon-parcours/")
    assert response.status_code == 302 and response["Location"] == "/connexion/oidc/direction/"
    assert accounts_snapshot() == before
    assert "_auth_user_id" not in client.session

    page = client.get("/connexion/oidc/direction/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Votre direction" in html and "Bonjour Paul" in html and 'class="fr-select' in html
    assert "DGFiP – Direction générale des Finances publiques" in html

    for bad in ("", "999999", "DGE"):
        refused = client.post("/connexion/oidc/direction/", {"directorate": bad})
        assert refused.status_code == 200 and "Choisissez votre direction." in refused.content.decode()
    assert accounts_snapshot() == before

    dge = Directorate.objects.get(acronym="DGE")
    done = client.post("/connexion/oidc/direction/", {"directorate": dge.pk})
    assert done.status_code == 302 and done["Location"] == "/mon-parcours/"
    user = User.objects.get(email=PAUL)
    assert user.directorate == dge and user.federated_identities.count() == 1
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/connexion/oidc/direction/").status_code == 400  # asked once: nothing waits any more


def test_directorate_form_without_a_pending_sign_in_is_refused(client, oidc, caplog):
    response = client.get("/connexion/oidc/direction/")
    assert_refused(response, 400, "Votre connexion a expiré", caplog, "pending")


def test_pending_sign_in_expires(client, oidc, provider_agent, caplog):
    sign_in(client, provider_agent, PAUL)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post("/connexion/oidc/direction/", {"directorate": Directorate.objects.first().pk})
    assert_refused(response, 400, "Votre connexion a expiré", caplog, "pending")
    assert not User.objects.filter(email=PAUL).exists()


def test_first_sign_in_joins_the_account_with_the_same_email(client, oidc, provider_agent, django_user_model):
    local_user = django_user_model.objects.create_user("cdurand", email="Camille.Durand@finances.gouv.fr", password="x")
    local_user.set_password("Un-mot-de-passe-local-1")
    local_user.save()
    before = accounts_snapshot()
    sign_in(client, provider_agent, CAMILLE)
    assert accounts_snapshot() == (before[0], before[1] + 1)
    local_user.refresh_from_db()
    assert local_user.federated_identities.get().subject == ACCOUNTS[CAMILLE]["sub"]
    assert local_user.check_password("Un-mot-de-passe-local-1")  # the local password stays usable
    assert client.session["_auth_user_id"] == str(local_user.pk)


def test_first_sign_in_never_joins_an_administrator_account_by_email(client, oidc, provider_agent, caplog):
    admin = User.objects.create_user("cdurand-admin", email="camille.durand@finances.gouv.fr", password="x")
    admin.groups.add(group_for("administrators"))
    before = accounts_snapshot()
    response = sign_in(client, provider_agent, CAMILLE)
    assert_refused(response, 403, "appartient à un compte d’administration", caplog, "privileged")
    assert accounts_snapshot() == before
    assert not admin.federated_identities.exists()


def test_next_outside_the_site_is_replaced_by_home(client, oidc, provider_agent):
    response = sign_in(client, provider_agent, CAMILLE, next_url="https://evil.example/phish")
    assert response.status_code == 302 and response["Location"] == "/"


def test_inactive_account_is_refused(client, oidc, provider_agent, caplog):
    sign_in(client, provider_agent, CAMILLE)
    User.objects.filter(email=CAMILLE).update(is_active=False)
    another_agent(client, provider_agent)
    response = sign_in(client, provider_agent, CAMILLE)
    assert_refused(response, 403, "Votre compte PassInnov est désactivé", caplog, "inactive")


# --- Refusals -----------------------------------------------------------------------------------------


def test_unknown_email_domain_is_refused_and_creates_nothing(client, oidc, provider_agent, caplog):
    before = accounts_snapshot()
    with caplog.at_level(logging.WARNING, logger="accounts.views"):
        response = sign_in(client, provider_agent, LUCIE)
    assert_refused(response, 403, "ne permet pas d'accéder à PassInnov", caplog, "domain")
    assert "exemple-prestataire.fr" in caplog.text and LUCIE not in caplog.text
    assert accounts_snapshot() == before


def test_provider_error_is_refused(client, oidc, provider_agent, caplog):
    callback = provider_agent.refuse(start(client))
    assert "error=access_denied" in callback
    before = accounts_snapshot()
    response = client.get(local(callback))
    assert_refused(response, 400, "la connexion a été annulée", caplog, "provider_error")
    assert "access_denied" in caplog.text
    assert accounts_snapshot() == before


def test_replayed_state_is_refused(client, oidc, provider_agent, caplog):
    callback = provider_agent.sign_in(start(client), CAMILLE)
    assert client.get(local(callback)).status_code == 302
    client.post("/deconnexion/")
    response = client.get(local(callback))
    assert_refused(response, 400, "a déjà été utilisée", caplog, "state")
    assert "unknown state" in caplog.text


def test_state_from_another_browser_is_refused(client, oidc, provider_agent, caplog):
    from django.test import Client

    callback = provider_agent.sign_in(start(client), CAMILLE)
    response = Client().get(local(callback))
    assert_refused(response, 400, "a déjà été utilisée", caplog, "state")
    assert not User.objects.filter(email=CAMILLE).exists()


def test_expired_state_is_refused(client, oidc, provider_agent, caplog):
    callback = provider_agent.sign_in(start(client), CAMILLE)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.get(local(callback))
    assert_refused(response, 400, "a expiré", caplog, "state")
    assert "expired state" in caplog.text
    assert not User.objects.filter(email=CAMILLE).exists()


@pytest.mark.parametrize(
    "fault, logged",
    [
        ({"claims": {"nonce": "not-the-nonce-this-browser-sent-0123456789"}}, "nonce"),
        # azp names us, so only the aud check refuses it (Authlib alone would accept it).
        ({"claims": {"aud": "another-client", "azp": "__client_id__"}}, "aud"),
        ({"signature": "impostor"}, "BadSignatureError"),
        ({"claims": {"exp": 1_000_000_000, "iat": 999_999_000}}, "ExpiredTokenError"),
        ({"claims": {"iss": "https://proconnect.example/api/v2"}}, "iss"),
        ({"claims": {"acr": "eidas0"}}, "acr"),
    ],
    ids=["nonce", "aud", "signature", "expired", "issuer", "acr"],
)
def test_faulty_id_token_is_refused(client, oidc, provider_agent, caplog, fault, logged, settings):
    claims = fault.get("claims", {})
    if claims.get("azp") == "__client_id__":
        claims["azp"] = settings.PASSINNOV_OIDC_CLIENT_ID
    oidc.fault(id_token=fault)
    before = accounts_snapshot()
    response = sign_in(client, provider_agent, CAMILLE)
    assert_refused(response, 400, "n'a pas pu être vérifiée", caplog, "token")
    assert logged in caplog.text
    assert accounts_snapshot() == before


@pytest.mark.parametrize(
    "fault, logged",
    [
        ({"signature": "impostor"}, "BadSignatureError"),
        ({"claims": {"aud": "another-client"}}, "aud"),
        ({"claims": {"sub": "someone-else"}}, "sub"),
        ({"remove": ["iss"]}, "iss"),
    ],
    ids=["signature", "aud", "sub", "no-issuer"],
)
def test_faulty_signed_userinfo_is_refused(client, oidc, provider_agent, caplog, fault, logged):
    oidc.fault(userinfo=fault)
    before = accounts_snapshot()
    response = sign_in(client, provider_agent, CAMILLE)
    assert_refused(response, 400, "n'a pas pu être vérifiée", caplog, "token")
    assert "signed userinfo" in caplog.text and logged in caplog.text
    assert accounts_snapshot() == before


# --- The provider down ------------------------------------------------------------------------------------


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_provider_that_refuses_connections_gives_a_french_page(client, oidc, settings, caplog):
    settings.PASSINNOV_OIDC_ISSUER = f"http://127.0.0.1:{closed_port()}"
    response = client.get("/connexion/oidc/")
    assert_refused(response, 503, "ne répond pas pour le moment", caplog, "unavailable")


def test_provider_that_does_not_answer_times_out(client, oidc, settings, caplog):
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.PASSINNOV_OIDC_ISSUER = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.PASSINNOV_OIDC_TIMEOUT = 0.5
        response = client.get("/connexion/oidc/")
    assert_refused(response, 503, "ne répond pas pour le moment", caplog, "unavailable")
    assert "Timeout" in caplog.text


def test_discovery_naming_another_issuer_is_refused(client, oidc, settings, caplog):
    settings.PASSINNOV_OIDC_ISSUER = oidc.issuer + "/"  # a different string: discovery names the real one
    response = client.get("/connexion/oidc/")
    assert_refused(response, 503, "ne répond pas pour le moment", caplog, "unavailable")
    assert "discovery names issuer" in caplog.text


def test_discovery_and_jwks_are_fetched_once_then_cached(client, oidc, provider_agent):
    before = oidc.counts()
    for _round in range(2):
        assert sign_in(client, provider_agent, CAMILLE).status_code == 302
        client.post("/deconnexion/")
    after = oidc.counts()

    def fetched(path):
        return after.get(path, 0) - before.get(path, 0)

    assert fetched("/.well-known/openid-configuration") == 1
    assert fetched("/jwks") == 1
    assert fetched("/token") == 2 and fetched("/me") == 2


# --- Sign-out -----------------------------------------------------------------------------------------


def test_sign_out_ends_both_sessions(client, oidc, provider_agent):
    sign_in(client, provider_agent, CAMILLE)
    id_token = client.session["oidc_id_token"]

    page = client.post("/deconnexion/")
    html = page.content.decode()
    assert page.status_code == 200 and "Vous êtes déconnecté de PassInnov" in html
    logout_url = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]+)">', html).group(1).replace("&amp;", "&")
    assert f'href="{logout_url.replace("&", "&amp;")}"' in html  # a visible link as well
    query = parse_qs(urlsplit(logout_url).query)
    assert logout_url.startswith(oidc.issuer + "/session/end?")
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/deconnexion/oidc/retour/"]
    assert len(query["state"][0]) >= 32
    assert client.get("/").status_code == 302  # PassInnov's session is over already

    back = provider_agent.end_session(logout_url)
    assert local(back).startswith("/deconnexion/oidc/retour/?state=")
    response = client.get(local(back), follow=True)
    assert response.redirect_chain[-1][0] == "/connexion/"
    assert "Vous êtes déconnecté de PassInnov et de ProConnect." in response.content.decode()
    assert not provider_agent.is_signed_in(start(client))


def test_return_from_sign_out_with_an_unknown_state_changes_nothing(client, oidc, caplog):
    response = client.get("/deconnexion/oidc/retour/?state=forged-state-0123456789-0123456789")
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    assert "unknown state" in caplog.text


def test_sign_out_when_the_provider_is_down_still_ends_passinnov_session(client, oidc, provider_agent, settings):
    sign_in(client, provider_agent, CAMILLE)
    settings.PASSINNOV_OIDC_ISSUER = f"http://127.0.0.1:{closed_port()}"
    response = client.post("/deconnexion/", follow=True)
    assert response.redirect_chain[-1][0] == "/connexion/"
    assert "n'a pas pu être prévenu" in html_module.unescape(response.content.decode())
    assert "_auth_user_id" not in client.session


# --- One transaction ------------------------------------------------------------------------------------


def test_account_creation_is_all_or_nothing(oidc, monkeypatch):
    identity = VerifiedIdentity(
        issuer=oidc.issuer, subject="sub-that-fails", claims=ACCOUNTS[PAUL]["claims"], id_token="x.y.z"
    )

    def broken(user):
        raise RuntimeError("the role could not be given")

    monkeypatch.setattr(federation, "give_default_role", broken)
    before = accounts_snapshot()
    with pytest.raises(RuntimeError):
        federation.create_account(identity, Directorate.objects.first())
    assert accounts_snapshot() == before
    assert not Group.objects.get(name=ROLES["agents"]).user_set.filter(email=PAUL).exists()


def test_second_creation_of_the_same_identity_returns_the_first_account(oidc):
    identity = VerifiedIdentity(issuer=oidc.issuer, subject="same-sub", claims=ACCOUNTS[PAUL]["claims"], id_token="x")
    directorate = Directorate.objects.first()
    first = federation.create_account(identity, directorate)
    before = accounts_snapshot()
    assert federation.create_account(identity, directorate) == first
    assert accounts_snapshot() == before


def test_signing_out_of_the_admin_ends_the_provider_session_too(client, oidc, provider_agent):
    sign_in(client, provider_agent, CAMILLE)
    page = client.post("/admin/logout/")
    assert page.status_code == 200
    assert f'content="0;url={oidc.issuer}/session/end?' in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_of_the_admin_after_a_password_sign_in_is_wagtails(client_for):
    client = client_for("admin")
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and response["Location"] == "/connexion/"  # the site's single login page
    assert client.get("/admin/").status_code == 302
