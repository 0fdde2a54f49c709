import pytest

from fiches.models import FichePage
from home.models import HomePage
from tests.home.editorial import add_fiche, cold_and_warm_queries

pytestmark = pytest.mark.django_db


def test_home_page_presents_passinnov_entry_module_fiches_testimonial_and_video(agent_client):
    response = agent_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "parcours à la carte" in html
    assert response.context["entry_module"].is_entry_module
    assert "Commencez ici\u00a0: Intelligence collective" in html
    assert len(response.context["latest_fiches"]) == 3
    assert response.context["testimonial"] is not None and response.context["testimonial"].quote[:30] in html.replace(
        "&#x27;", "'"
    )
    assert "<video" in html and '<track kind="captions" srclang="fr"' in html


def test_home_page_shows_the_latest_fiches_first(agent_client):
    fiche = add_fiche("La toute dernière fiche")
    response = agent_client.get("/")
    assert response.context["latest_fiches"][0] == fiche


def test_featured_choices_override_the_latest(agent_client):
    from videos.models import TestimonialPage, VideoPage

    home = HomePage.objects.get()
    karim = TestimonialPage.objects.get(slug="karim")
    video = VideoPage.objects.live().order_by("pk").first()
    home.featured_testimonial, home.featured_video = karim, video
    home.save_revision().publish()
    response = agent_client.get("/")
    assert response.context["testimonial"] == karim
    assert response.context["video"] == video


def test_home_page_queries_do_not_grow(agent_client):
    before = cold_and_warm_queries(agent_client, "/")
    for number in range(10):
        add_fiche(f"Fiche en plus {number}", tags=["plus"])
    assert cold_and_warm_queries(agent_client, "/") == before
    assert before[0] <= 25 and before[1] <= before[0]
    assert FichePage.objects.live().count() >= 25


def test_home_page_leaves_a_place_for_upcoming_sessions():
    from django.template.loader import get_template

    source = get_template("home/home_page.html").template.source
    assert "{% block upcoming_sessions %}" in source
