"""The agent's journey through sessions, in the browser, as a new user would do it (demo accounts)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.a11y import audit
from tests.conftest import csp_violations, sign_in, watch_csp
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.browser


def open_sessions(now):
    """An open entry-module session and a later-module session starting after it, both facilitated by "animateur"."""
    sessions = [
        s
        for s in Session.objects.upcoming(now).for_display()
        if s.places_left > 0 and any(f.user.username == "animateur" for f in s.facilitations.all())
    ]
    for entry in (s for s in sessions if s.module.is_entry_module):
        for later in (s for s in sessions if not s.module.is_entry_module and s.start > entry.end):
            return entry, later
    raise AssertionError("the demo has no open sessions for this journey")


def test_agent_registers_attends_rates_then_opens_a_later_module(page, browser, live_demo):
    now = timezone.now()
    entry, later = open_sessions(now)

    # 1. A later module shows why the agent may not register yet, with the next entry-module sessions, before
    # any click: no button to press.
    sign_in(page, "agent", next_url=later.get_absolute_url())
    audit(page)
    assert page.get_by_role("button", name="S’inscrire").count() == 0
    error = page.locator("#registration-refusal")
    assert "Intelligence collective" in error.inner_text() or "d’abord" in error.inner_text()
    assert not Registration.objects.filter(user__username="agent").exists()

    # 2. The agent follows a suggested entry-module session with places left and registers.
    error.locator(f"a[href='{entry.get_absolute_url()}']").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(entry.get_absolute_url())
    audit(page)
    page.get_by_role("button", name="S’inscrire").click()
    assert "Vous êtes inscrit" in page.locator(".fr-alert--success").inner_text()
    assert "inscrit" in page.locator("#registration-status").inner_text().lower()
    assert page.get_by_role("link", name="Ajouter à mon agenda").is_visible()
    audit(page)

    # 3. The session takes place (moved into the past); the demo facilitator marks the agent present.
    start = timezone.now() - timedelta(hours=2)
    Session.objects.filter(pk=entry.pk).update(
        start=start, end=start + timedelta(minutes=90), registration_deadline=None
    )
    facilitator = browser.new_context(base_url=live_demo.url, locale="fr-FR")
    facilitator_violations = watch_csp(facilitator, live_demo.url)
    try:
        facilitator_page = facilitator.new_page()
        sign_in(facilitator_page, "animateur", next_url="/sessions/animation/")
        audit(facilitator_page)
        facilitator_page.locator(f"a[href='/sessions/{entry.pk}/participants/']").click()
        facilitator_page.wait_for_load_state("networkidle")
        assert f"/sessions/{entry.pk}/participants/" in facilitator_page.url
        audit(facilitator_page)
        facilitator_page.get_by_role("group", name="Présence de Camille Martin").get_by_label("Oui", exact=True).check(
            force=True
        )
        facilitator_page.get_by_role("button", name="Enregistrer la présence").click()
        alert = facilitator_page.locator(".fr-alert--success").inner_text()
        assert "Camille Martin : présence enregistrée" in " ".join(alert.split())
        assert csp_violations(facilitator_page, facilitator_violations) == []
    finally:
        facilitator.close()
    registration = Registration.objects.get(user__username="agent", session=entry)
    assert registration.attendance == "present"

    # 4. The agent rates the session.
    page.goto(entry.get_absolute_url())
    page.get_by_role("link", name="Évaluer la session").click()
    page.wait_for_load_state("networkidle")
    audit(page)
    for name, value in (("overall", 5), ("content", 4), ("facilitation", 5), ("usefulness", 4)):
        page.locator(f"input[name={name}][value='{value}']").check(force=True)
    page.get_by_label("Commentaire (facultatif)").fill("Très concret, merci !")
    page.get_by_role("button", name="Enregistrer mon évaluation").click()
    assert "votre évaluation est enregistrée" in page.locator(".fr-alert--success").inner_text()
    assert registration.evaluation.overall == 5

    # 5. The later module now accepts the registration.
    page.goto(later.get_absolute_url())
    page.get_by_role("button", name="S’inscrire").click()
    assert "Vous êtes inscrit" in page.locator(".fr-alert--success").inner_text()
    assert Registration.objects.get(user__username="agent", session=later).status == "registered"
    assert page.foreign_requests == []
    assert csp_violations(page) == []
