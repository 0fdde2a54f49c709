"""Accessibility (axe, WCAG 2.1 AA) of one page of each editorial type, and the agent's way to the content.

One test function: every browser test reloads the demo into a fresh live database, which costs seconds.
"""

import pytest

from tests.a11y import audit
from tests.conftest import csp_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/parcours/",
    "/parcours/intelligence-collective/",
    "/fiches-pratiques/",
    "/fiches-pratiques/?tag=inconnu&group_size=abc",
    "/fiches-pratiques/methode-6-3-5/",
    "/videos/",
    "/videos/passinnov-en-bref/",
    "/temoignages/",
    "/temoignages/emilie/",
    "/accessibilite/",
    "/recherche/?q=persona",
]


def test_editorial_pages_are_accessible_and_lead_the_agent_to_the_content(signed_in_page):
    page = signed_in_page("agent")

    # axe on one page of each type (and on a listing showing filter errors).
    for url in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        audit(page)

    # Navigation, then filters.
    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Fiches pratiques").click()
    page.get_by_label("Thème", exact=True).select_option(label="Narration")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state("networkidle")
    assert sorted(page.locator(".fr-card__title").all_inner_texts()) == ["Pitch en trois minutes", "Storyboard"]

    # Search, then the printable fiche.
    page.goto("/recherche/?q=storyboard")
    page.get_by_role("link", name="Storyboard", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Storyboard"
    assert page.get_by_role("button", name="Imprimer").is_visible()

    # The video loads from the protected media URL with its French captions.
    page.goto("/videos/passinnov-en-bref/")
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    track = page.evaluate(
        "() => { const t = document.querySelector('video').textTracks[0]; t.mode = 'showing';"
        " return {kind: t.kind, language: t.language}; }"
    )
    assert track == {"kind": "captions", "language": "fr"}
    page.wait_for_function("document.querySelector('video').textTracks[0].cues?.length > 0")
    assert page.foreign_requests == []
    assert csp_violations(page) == []
