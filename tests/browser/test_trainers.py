"""Becoming an internal trainer in the browser: a trainee asks to observe a session from Mon parcours, the
training department accepts it; every page audited with axe, no CSP violation."""

import pytest
from django.contrib.auth import get_user_model

from accounts.demo import DEMO_PASSWORD
from tests.a11y import audit
from tests.conftest import csp_violations, sign_in, watch_csp
from trainers.models import FacilitationRequest, SessionObservation

pytestmark = pytest.mark.browser


def test_a_trainee_asks_to_observe_and_the_training_department_accepts(page, browser, live_demo):
    trainee = get_user_model().objects.get(username="demo.agent01")  # a nominated agent who completed modules
    trainee.set_password(DEMO_PASSWORD)
    trainee.save()
    sign_in(page, "demo.agent01", next_url="/mon-parcours/")
    section = page.locator("#trainer-path-title")
    assert section.inner_text() == "Mon parcours de formateur"
    audit(page)
    page.get_by_role("link", name="Voir mon parcours de formateur").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/devenir-formateur/")
    audit(page)

    page.get_by_role("link", name="Demander à observer une session").click()
    page.wait_for_load_state("networkidle")
    audit(page)
    page.get_by_role("button", name="Envoyer ma demande").click()  # nothing chosen: French errors, nothing sent
    page.wait_for_load_state("networkidle")
    assert page.locator(".fr-error-text").count() >= 1
    audit(page)
    before = FacilitationRequest.objects.filter(trainee__username="demo.agent01").count()
    select = page.get_by_label("Session", exact=True)
    choice = select.locator("option").nth(1)
    session_label = choice.inner_text()
    select.select_option(choice.get_attribute("value"))
    page.get_by_label("Message au service formation").fill("Je voudrais voir comment le temps de pratique est tenu.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/devenir-formateur/")
    assert "Votre demande a été envoyée au service formation." in page.content()
    audit(page)
    request = FacilitationRequest.objects.filter(trainee__username="demo.agent01").order_by("-pk").first()
    assert FacilitationRequest.objects.filter(trainee__username="demo.agent01").count() == before + 1
    assert request.status == "pending" and request.kind == "observe"

    training = browser.new_context(base_url=live_demo.url, locale="fr-FR")
    violations = watch_csp(training, live_demo.url)
    try:
        queue = training.new_page()
        queue.set_default_timeout(15000)
        sign_in(queue, "formation", next_url="/devenir-formateur/file/")
        card = queue.locator(f'[data-request="{request.pk}"]')
        assert session_label.split(" – ")[0] in card.inner_text()
        audit(queue)
        card.get_by_role("button", name="Accepter").click()
        queue.wait_for_load_state("networkidle")
        assert "La demande est acceptée" in queue.content()
        audit(queue)
        assert csp_violations(queue, violations) == []
    finally:
        training.close()
    request.refresh_from_db()
    assert request.status == "accepted"
    assert SessionObservation.objects.filter(session=request.session, user=request.trainee).exists()

    page.reload()
    page.wait_for_load_state("networkidle")
    assert "acceptée" in page.locator("table").first.inner_text()
