"""Mon parcours in the browser: from registration to badges and attestations, with axe audits."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.services import openbadges
from tests.a11y import audit
from tests.conftest import csp_violations, sign_in
from tests.progress.helpers import attend, make_session
from training_sessions import services
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.browser


def test_agent_goes_from_registration_to_badge_and_attestation(page, live_demo, demo_user):
    from parcours.models import ModulePage

    sign_in(page, "agent", next_url="/mon-parcours/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon parcours"
    # No module chosen yet: the path counts the whole programme.
    assert f"Étape 1 sur {ModulePage.objects.live().count()}" in page.locator(".fr-stepper").inner_text()
    audit(page)

    # 1. The agent chooses three modules after the entry module.
    others = list(ModulePage.objects.filter(is_entry_module=False).order_by("path")[:3])
    for module in others:
        page.get_by_label(module.title).check(force=True)
    page.get_by_role("button", name="Enregistrer mon parcours").click()
    page.wait_for_load_state("networkidle")
    assert "Votre parcours personnel a été enregistré" in page.locator(".fr-alert--success").inner_text()
    assert "Étape 1 sur 4" in page.locator(".fr-stepper").inner_text()

    # 2. The next useful action: register for the next entry-module session with places left.
    action = page.locator("#next-action")
    assert "Inscrivez-vous à la prochaine session de « Intelligence collective »" in " ".join(
        action.inner_text().split()
    )
    action.get_by_role("link", name="M’inscrire à la session").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="S’inscrire").click()
    page.wait_for_load_state("networkidle")
    registration = Registration.objects.get(user__username="agent", status="registered")
    assert registration.session.module.is_entry_module

    # 3. The session takes place; the facilitator marks the agent present (training_sessions' service).
    session = registration.session
    start = timezone.now() - timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(
        start=start, end=start + timedelta(minutes=90), registration_deadline=None
    )
    registration.refresh_from_db()
    services.mark_attendance(demo_user("formation"), registration, "present")
    # The three other modules were attended too (written by the server, as attendance marking does).
    agent = demo_user("agent")
    for module in others:
        attend(agent, make_session(module, days=-1))

    # 4. Mon parcours shows the completed path, the PassInnov badge and the attestations.
    page.goto("/mon-parcours/")
    assert "Parcours terminé" in page.locator(".fr-stepper").inner_text()
    assert page.get_by_role("heading", name="PassInnov", exact=True).is_visible()
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le badge « PassInnov » (PNG, Open Badges)").click()
    png = open(download_info.value.path(), "rb").read()
    assertion = json.loads(openbadges.unbake(png))
    assert assertion["type"] == "Assertion" and assertion["verification"] == {"type": "hosted"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Attestation pour l’ensemble de mon parcours (PDF)").click()
    pdf = open(download_info.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    from progress.models import Attestation

    attestation = Attestation.objects.get(user=agent, kind="path")

    # 5. The verification page, as another signed-in reader would open it from the QR code.
    page.goto(f"/mon-parcours/attestations/verifier/{attestation.code}/")
    assert "Attestation authentique et à jour" in page.locator("#verification-result").inner_text()
    audit(page)

    # 6. The agent exports their data.
    page.goto("/mon-parcours/mes-donnees/")
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger mes données (JSON)").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert data["profile"]["username"] == "agent"
    assert {b["badge"] for b in data["badges"]} >= {"PassInnov", "Module Intelligence collective"}
    assert page.foreign_requests == []
    assert csp_violations(page) == []


def test_verification_page_with_an_unknown_code_is_accessible(page):
    sign_in(page, "agent", next_url="/mon-parcours/attestations/verifier/")
    audit(page)
    page.get_by_label("Code de vérification").fill("ABCD-EFGH-JKLM-NPQR-STUV")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state("networkidle")
    assert "Code inconnu" in page.locator("#verification-result").inner_text()
    audit(page)
    assert csp_violations(page) == []
