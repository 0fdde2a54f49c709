"""The admin PassInnov's editors and moderators use reads as French: menus, dashboard, review actions, messages."""

import re

import pytest
from django.contrib.messages import get_messages

from fiches.models import FicheIndexPage, FichePage
from tests.core.test_french_text import ENGLISH_MENU_WORDS, admin_menu_labels, visible_text

pytestmark = pytest.mark.django_db


def test_menus_and_dashboard_have_no_english_nor_misspelt_french(client_for):
    for username in ("redacteur", "moderateur", "admin"):
        html = client_for(username).get("/admin/").content.decode()
        labels = admin_menu_labels(html)
        assert labels, username
        assert [label for label in labels if ENGLISH_MENU_WORDS.search(label)] == [], username
        text = visible_text(html)
        assert "Media file" not in text and "created in" not in text
        assert " crées " not in f" {text} " and "Historique du Site" not in labels
    assert "Circuits de validation" in admin_menu_labels(client_for("admin").get("/admin/").content.decode())


@pytest.fixture
def page_under_review(demo_user):
    editor = demo_user("redacteur")
    page = FichePage.objects.live().first()
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return page


def test_a_moderator_is_offered_approve_and_publish_not_a_second_publish(client_for, page_under_review):
    html = client_for("moderateur").get(f"/admin/pages/{page_under_review.pk}/edit/").content.decode()
    footer = html[html.index('aria-label="Actions (pied de page)"') :]
    text = visible_text(footer)
    assert text.index("Approuver et publier") < text.index("Plus d'actions")  # the main button
    assert 'name="action-publish"' not in footer
    assert "Annuler le circuit de validation" in text and "workflow" not in text.lower()
    listing = client_for("moderateur").get(f"/admin/pages/{page_under_review.get_parent().pk}/").content.decode()
    assert "Statut actuel de la page" in listing and "Status actuel" not in listing


def test_without_a_review_publish_stays_the_main_button(client_for):
    page = FichePage.objects.live().first()
    html = client_for("moderateur").get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="action-publish"' in html


def test_a_snippet_success_message_needs_no_gender_agreement(client_for):
    client = client_for("admin")
    response = client.post(
        "/admin/snippets/core/theme/add/", {"name": "Écoute active", "slug": "ecoute-active", "description": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(said) == 1 and said[0].startswith("Thématique «\u00a0Écoute active\u00a0»\u00a0: création enregistrée.")


def test_a_new_fiche_starts_with_one_step_and_labelled_add_buttons(client_for):
    index = FicheIndexPage.objects.get()
    html = client_for("redacteur").get(f"/admin/pages/add/fiches/fichepage/{index.pk}/").content.decode()
    steps = re.search(r'id="steps"[^>]*>|data-contentpath="steps"', html)
    assert steps is not None
    # The StreamField's initial value holds one (empty) step rather than nothing, so it opens without an error.
    assert re.search(r"&quot;type&quot;: &quot;step&quot;|\"type\": \"step\"", html)
    assert "css/passinnov-admin.css" in html  # the « + » buttons show their label
