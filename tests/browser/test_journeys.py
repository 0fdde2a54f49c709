"""Journeys done with the keyboard alone, audited with axe, at desktop and phone widths (390 px)."""

import pytest
from django.utils import timezone

from tests.a11y import audit
from tests.conftest import DEMO_PASSWORD, csp_violations
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]
MAX_TABS = 150


def tab_to(page, locator, backwards=False):
    """Press Tab (or Shift+Tab) until `locator` has the focus; fail when it never gets it."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(element) => document.activeElement === element", target):
            return
    raise AssertionError(f"{locator} cannot be reached with the keyboard")


def follow(page, key="Enter"):
    """Press a key that loads another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def keyboard_sign_in(page, username, next_url):
    page.goto(f"/connexion/?next={next_url}")
    tab_to(page, page.locator("#id_username"))
    page.keyboard.type(username)
    tab_to(page, page.locator("#id_password"))
    page.keyboard.type(DEMO_PASSWORD)
    follow(page)


def within_viewport(page, locator):
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("width", WIDTHS)
def test_agent_finds_registers_and_cancels_with_confirmation(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    entry = next(
        s
        for s in Session.objects.upcoming(timezone.now()).for_display().filter(module__is_entry_module=True)
        if s.places_left > 0 and s.registration_open()
    )
    keyboard_sign_in(page, "agent", "/sessions/")

    # The list: visible filters, and the places column on screen, even on a phone.
    for label in ("Module", "Site", "Mois"):
        assert page.get_by_label(label, exact=True).is_visible()
    assert within_viewport(page, page.get_by_role("columnheader", name="Places restantes"))
    audit(page)

    # Filter on the entry module with the keyboard, then open the session.
    tab_to(page, page.get_by_label("Module", exact=True))
    page.keyboard.press("ArrowDown")  # the entry module comes first
    tab_to(page, page.get_by_role("button", name="Filtrer"))
    follow(page)
    assert f"module={entry.module.pk}" in page.url
    link = page.locator(f"a[href='{entry.get_absolute_url()}']")
    while not link.count():  # the session may be on a later page
        tab_to(page, page.get_by_role("link", name="Page suivante"))
        follow(page)
    tab_to(page, link)
    follow(page)
    audit(page)

    # Register.
    tab_to(page, page.get_by_role("button", name="S’inscrire"))
    follow(page)
    assert "Vous êtes inscrit" in page.locator(".fr-alert--success").inner_text()
    assert Registration.objects.get(user__username="agent", session=entry).status == "registered"
    audit(page)

    # Cancel: a dialog asks first; « Non » keeps the place, « Oui » cancels.
    cancel = page.get_by_role("button", name="Annuler mon inscription")
    tab_to(page, cancel)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Annuler votre inscription ?")
    dialog.wait_for(state="visible")
    audit(page)
    tab_to(page, dialog.get_by_role("button", name="Non, garder ma place"))
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert Registration.objects.get(user__username="agent", session=entry).status == "registered"
    tab_to(page, cancel, backwards=True)
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    tab_to(page, cancel, backwards=True)
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    tab_to(page, dialog.get_by_role("button", name="Oui, annuler mon inscription"))
    follow(page)
    assert "Votre inscription est annulée" in page.locator(".fr-alert--success").inner_text()
    assert Registration.objects.get(user__username="agent", session=entry).status == "cancelled"
    audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []
