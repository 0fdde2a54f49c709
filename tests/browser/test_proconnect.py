"""Sign-in through ProConnect in the browser, against the test OpenID provider (tests/oidc): from the login page
through the provider's form to Mon parcours, sign-out at both ends, the directorate asked once, and refusals."""

import re
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from core.models import Directorate
from tests.a11y import audit
from tests.conftest import configure_oidc, csp_violations
from tests.oidc.harness import PASSWORD

pytestmark = pytest.mark.browser

CAMILLE = "camille.durand@finances.gouv.fr"
PAUL = "paul.morel@finances.gouv.fr"
LUCIE = "lucie.blanc@exemple-prestataire.fr"


@pytest.fixture(scope="session")
def oidc_live_client(oidc_provider, live_server):
    """PassInnov's live server registered with the provider (its redirect URIs carry the live server's port)."""
    return oidc_provider.register_client(live_server.url)


@pytest.fixture
def proconnect_page(page, live_demo, oidc_provider, oidc_live_client, settings):
    # Transactional tests start from a flushed database: the directorates of core's data migration are gone.
    for acronym, name in [
        ("DGFiP", "Direction générale des Finances publiques"),
        ("DGE", "Direction générale des entreprises"),
    ]:
        Directorate.objects.get_or_create(acronym=acronym, defaults={"name": name})
    configure_oidc(settings, oidc_provider, oidc_live_client)
    settings.PASSINNOV_BASE_URL = live_demo.url
    page.provider = oidc_provider
    yield page
    oidc_provider.clear_faults()


def at_provider(page):
    page.wait_for_url(re.compile(rf"^{re.escape(page.provider.issuer)}/interaction/"))


def sign_in_at_provider(page, email):
    at_provider(page)
    page.get_by_label("Adresse électronique professionnelle").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def click_proconnect(page):
    page.get_by_role("link", name="S'identifier avec ProConnect").click()


def assert_only_the_provider_elsewhere(page):
    hosts = {urlsplit(url).netloc for url in page.foreign_requests}
    assert hosts <= {page.provider.netloc}, page.foreign_requests
    assert csp_violations(page) == []


def test_agent_signs_in_with_proconnect_lands_on_mon_parcours_and_signs_out_at_both_ends(proconnect_page):
    page = proconnect_page
    page.goto("/mon-parcours/")
    assert "/connexion/" in page.url
    assert page.get_by_role("link", name="Qu'est-ce que ProConnect ?").get_attribute("href") == (
        "https://www.proconnect.gouv.fr/"
    )
    audit(page)

    click_proconnect(page)
    sign_in_at_provider(page, CAMILLE)
    page.wait_for_url("**/mon-parcours/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon parcours"
    user = User.objects.get(email=CAMILLE)
    assert user.directorate.acronym == "DGFiP" and user.federated_identities.count() == 1
    audit(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")
    assert "Vous êtes déconnecté de PassInnov et de ProConnect." in page.locator(".fr-alert--success").inner_text()
    audit(page)

    page.goto("/mon-parcours/")
    assert "/connexion/" in page.url  # PassInnov's session is over
    click_proconnect(page)
    at_provider(page)  # and so is the provider's: it asks for the password again
    assert page.get_by_label("Mot de passe").is_visible()
    assert_only_the_provider_elsewhere(page)


def test_first_sign_in_asks_the_directorate_once(proconnect_page):
    page = proconnect_page
    page.goto("/mon-parcours/")
    click_proconnect(page)
    sign_in_at_provider(page, PAUL)
    page.wait_for_url("**/connexion/oidc/direction/")
    assert not User.objects.filter(email=PAUL).exists()
    audit(page)

    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state("networkidle")
    assert "Choisissez votre direction." in page.locator(".fr-error-text").inner_text()
    audit(page)

    page.get_by_label("Votre direction").select_option(label="DGE – Direction générale des entreprises")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/mon-parcours/")
    assert User.objects.get(email=PAUL).directorate == Directorate.objects.get(acronym="DGE")
    assert_only_the_provider_elsewhere(page)


def test_refusals_get_a_french_dsfr_page(proconnect_page):
    page = proconnect_page

    # The agent refuses at the provider (error=access_denied).
    page.goto("/connexion/")
    click_proconnect(page)
    at_provider(page)
    page.get_by_role("button", name="Refuser").click()
    page.wait_for_url("**/connexion/oidc/retour/**")
    assert page.get_by_role("heading", level=1).inner_text() == "La connexion a échoué"
    assert "la connexion a été annulée" in page.locator("main").inner_text()
    audit(page)

    # An ID token whose nonce is not the one this browser sent.
    page.get_by_role("link", name="Retour à la page de connexion").click()
    page.provider.fault(id_token={"claims": {"nonce": "another-nonce-0123456789-0123456789"}})
    click_proconnect(page)
    sign_in_at_provider(page, CAMILLE)
    page.wait_for_url("**/connexion/oidc/retour/**")
    assert "n'a pas pu être vérifiée" in page.locator("main").inner_text()

    # An email domain PassInnov does not allow (the provider's session is Camille's: sign in afresh).
    page.context.clear_cookies()
    page.goto("/connexion/")
    click_proconnect(page)
    sign_in_at_provider(page, LUCIE)
    page.wait_for_url("**/connexion/oidc/retour/**")
    assert "ne permet pas d'accéder à PassInnov" in page.locator("main").inner_text()
    audit(page)
    assert not User.objects.filter(email__in=[CAMILLE, LUCIE]).exists()
    assert_only_the_provider_elsewhere(page)
