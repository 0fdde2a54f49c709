"""A refused form, in the browser: the focus lands on the DSFR error summary, whose links lead to the fields;
the title starts with « Erreur : »; the mobile search dialog has a name. Keyboard only, axe, no CSP violation."""

import pytest

from fiches.models import FichePage
from tests.a11y import audit
from tests.conftest import csp_violations, sign_in

pytestmark = pytest.mark.browser


def active_id(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_the_focus_moves_to_the_error_summary_after_a_refused_form(page):
    fiche = FichePage.objects.get(slug="pitch")
    sign_in(page, "agent", next_url=f"/pratiques/fiches/{fiche.pk}/je-l-ai-utilisee/")
    assert not page.title().startswith("Erreur")
    page.locator("#id_used_on").fill("")
    with page.expect_navigation():
        page.locator("#id_used_on").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Erreur\u00a0: ")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'form-error-summary'")
    summary = page.locator("#form-error-summary")
    assert "Le formulaire contient" in summary.inner_text()
    audit(page)
    # The first link of the summary, followed with the keyboard, puts the focus in the field.
    page.keyboard.press("Tab")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert target and target.startswith("#id_")
    page.keyboard.press("Enter")
    assert f"#{active_id(page)}" == target
    assert csp_violations(page) == []


def test_the_mobile_search_dialog_has_an_accessible_name(page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "agent")
    page.get_by_role("button", name="Rechercher").first.click()
    dialog = page.get_by_role("dialog", name="Rechercher")
    dialog.wait_for(state="visible")
    audit(page)
    assert csp_violations(page) == []
