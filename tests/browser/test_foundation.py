import pytest

from tests.a11y import audit
from tests.conftest import csp_violations, sign_in

pytestmark = pytest.mark.browser


def test_agent_signs_in_reaches_home_and_signs_out(page):
    page.goto("/")
    assert "/connexion/" in page.url
    audit(page)
    sign_in(page, "agent")
    assert page.url.endswith("/")
    assert page.locator(".fr-header__service-title").inner_text() == "PassInnov"
    assert page.get_by_role("heading", level=1).inner_text() == "PassInnov"
    audit(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("networkidle")
    assert "/connexion/" in page.url
    assert page.foreign_requests == []
    assert csp_violations(page) == []


def test_wrong_password_is_announced(page):
    sign_in(page, "agent", password="mauvais-mot-de-passe")
    assert "/connexion/" in page.url
    # The error summary of every refused form (focused), which repeats the form's own message.
    assert "Identifiant ou mot de passe incorrect" in page.locator("#form-error-summary").inner_text()
    assert page.title().startswith("Erreur")
    audit(page)
    assert csp_violations(page) == []
