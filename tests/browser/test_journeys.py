"""Journeys done with the keyboard alone, audited with axe, at desktop and phone widths (390 px)."""

import re

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
    dialog = page.get_by_role("dialog", name=re.compile("Annuler votre inscription"))
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


def started_session_of(username):
    """The demo's session facilitated by `username` that took place and whose attendance is still to mark."""
    now = timezone.now()
    return next(
        s
        for s in Session.objects.filter(facilitations__user__username=username, start__lt=now)
        .with_unmarked_attendance()
        .filter(unmarked_count__gt=1)
        .order_by("-start")
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_facilitator_marks_the_whole_attendance_list_in_one_pass(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    session = started_session_of("animateur")
    participants = list(
        Registration.objects.filter(session=session, status="registered").select_related("user").order_by("pk")
    )
    keyboard_sign_in(page, "animateur", "/sessions/animation/")
    assert page.locator("#missing-attendance").is_visible()  # past sessions whose attendance is missing
    audit(page)
    tab_to(page, page.locator(f"a[href='/sessions/{session.pk}/participants/']").first)
    follow(page)
    audit(page)

    # « Tout le monde présent », then one exception with the arrow keys, then save: one request.
    tab_to(page, page.get_by_role("button", name="Tout le monde présent"))
    page.keyboard.press("Enter")
    assert "Tous les participants sont marqués présents" in page.locator("#attendance-status").inner_text()
    absent = participants[-1]
    group = page.get_by_role("group", name=f"Présence de {absent.user.display_name}")
    tab_to(page, group.get_by_label("Oui", exact=True))
    page.keyboard.press("ArrowRight")  # radio buttons: the arrow moves and checks
    assert group.get_by_label("Non", exact=True).is_checked()
    tab_to(page, page.get_by_role("button", name="Enregistrer la présence"))
    follow(page)
    assert page.url.endswith(f"/sessions/{session.pk}/participants/#presence")
    assert page.evaluate("window.scrollY") > 0  # back at the list, not at the top of the page
    assert "Présence enregistrée" in page.locator(".fr-alert--success").inner_text()
    marked = dict(Registration.objects.filter(session=session, status="registered").values_list("pk", "attendance"))
    assert marked == {r.pk: "absent" if r.pk == absent.pk else "present" for r in participants}
    assert group.get_by_label("Non", exact=True).is_checked()  # the saved state, announced as "checked"
    audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_editor_edits_a_page_and_submits_it_for_moderation(page, width):
    from fiches.models import FichePage

    page.set_viewport_size({"width": width, "height": 900})
    fiche = FichePage.objects.live().order_by("path").first()
    keyboard_sign_in(page, "redacteur", f"/admin/pages/{fiche.pk}/edit/")
    assert f"/admin/pages/{fiche.pk}/edit/" in page.url
    audit(page)

    title = page.locator("#id_title")
    tab_to(page, title)
    page.keyboard.press("End")
    page.keyboard.type(" (mise à jour)")
    # The footer's action menu: open it with the keyboard and choose the submission.
    toggle = page.locator("footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle").first
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    submit = page.get_by_role("button", name=re.compile("Soumettre"))
    submit.first.wait_for(state="visible")
    tab_to(page, submit.first)
    follow(page)
    audit(page)
    fiche.refresh_from_db()
    revision = fiche.latest_revision
    assert revision.as_object().title.endswith("(mise à jour)")
    assert fiche.current_workflow_state is not None and fiche.current_workflow_state.status == "in_progress"
    assert fiche.title == FichePage.objects.get(pk=fiche.pk).title  # the live page waits for moderation
    assert page.foreign_requests == []
    assert csp_violations(page) == []
