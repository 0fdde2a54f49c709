"""Pages and endpoints: what each role sees and may do, bad input, CSRF, and bounded query counts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Evaluation, Registration, Session

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_session_page_shows_date_place_facilitators_places_and_the_action(entry_session, animateur):
    agent = helpers.make_agent()
    client = signed_in(agent)
    response = client.get(f"/sessions/{entry_session.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert entry_session.module.title in html and "9\u00a0h\u00a030" in html and "à 11\u00a0h" in html
    assert "139 rue de Bercy" in html and animateur.display_name in html
    assert "12 places restantes sur 12" in html
    assert "S’inscrire" in html or "S'inscrire" in html


def test_register_and_cancel_through_the_pages(entry_session, on_commit):
    agent = helpers.make_agent()
    client = signed_in(agent)
    with on_commit():
        response = client.post(f"/sessions/{entry_session.pk}/inscription/", {"user": 1})
    assert response.status_code == 302
    assert Registration.objects.get(session=entry_session).user == agent  # a forged "user" is ignored
    html = client.get(f"/sessions/{entry_session.pk}/").content.decode()
    assert "Inscrit" in html and "Ajouter à mon agenda" in html and "Annuler mon inscription" in html
    with on_commit():
        client.post(f"/sessions/{entry_session.pk}/desinscription/")
    assert Registration.objects.get(session=entry_session).status == "cancelled"
    assert len(mail.outbox) == 2


def test_a_refusal_explains_and_links_to_the_entry_sessions(entry_session, later_session):
    agent = helpers.make_agent()
    response = signed_in(agent).post(f"/sessions/{later_session.pk}/inscription/")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Demande refusée" in html
    assert entry_session.module.title in html and f"/sessions/{entry_session.pk}/" in html
    assert not Registration.objects.filter(user=agent).exists()


def test_a_full_session_offers_the_waiting_list(entry):
    session = helpers.make_session(entry, capacity=1)
    services.register(helpers.make_agent(), session)
    agent = helpers.make_agent()
    client = signed_in(agent)
    assert "Rejoindre la liste d’attente" in client.get(f"/sessions/{session.pk}/").content.decode()
    client.post(f"/sessions/{session.pk}/inscription/")
    assert "Liste d’attente, rang 1" in client.get(f"/sessions/{session.pk}/").content.decode()


def test_unknown_and_malformed_sessions_answer_404(agent_client):
    last = Session.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for url in (f"/sessions/{last + 1000}/", f"/sessions/{last + 1000}/inscription/", "/sessions/abc/"):
        response = agent_client.post(url) if "inscription" in url else agent_client.get(url)
        assert response.status_code == 404
    assert agent_client.get("/sessions/?module=abc").status_code == 400


def test_past_sessions_refuse_registration_with_a_clear_message(entry):
    session = helpers.make_session(entry, days=-2)
    agent = helpers.make_agent()
    response = signed_in(agent).post(f"/sessions/{session.pk}/inscription/")
    assert response.status_code == 409
    assert "commencé" in response.content.decode()
    assert not Registration.objects.filter(session=session).exists()


def test_get_does_not_register(entry_session):
    agent = helpers.make_agent()
    assert signed_in(agent).get(f"/sessions/{entry_session.pk}/inscription/").status_code == 405
    assert not Registration.objects.filter(session=entry_session).exists()


def test_missing_csrf_token_is_refused_and_changes_nothing(entry_session):
    agent = helpers.make_agent()
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/sessions/{entry_session.pk}/inscription/")
    assert response.status_code == 403
    assert not Registration.objects.filter(session=entry_session).exists()


def test_signed_out_visitors_are_sent_to_the_login_page(client, entry_session):
    response = client.get(f"/sessions/{entry_session.pk}/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


# --- Facilitators ---------------------------------------------------------------------------------------


def test_agents_cannot_see_participants_nor_mark_attendance(entry_session):
    agent, other = helpers.make_agent(), helpers.make_agent()
    registration = services.register(other, entry_session)
    helpers.started_ago(entry_session)
    client = signed_in(agent)
    assert client.get(f"/sessions/{entry_session.pk}/participants/").status_code == 403
    assert client.get(f"/sessions/{entry_session.pk}/emargement/").status_code == 403
    assert client.get("/sessions/animation/").status_code == 403
    response = client.post(
        f"/sessions/{entry_session.pk}/presence/", {"registration": registration.pk, "attendance": "present"}
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.attendance is None
    # The session page shows the agent's own status only, never another agent's.
    assert other.last_name not in client.get(f"/sessions/{entry_session.pk}/").content.decode()


def test_a_facilitator_handles_only_their_own_sessions(entry, animateur, internal, demo_user):
    mine = helpers.make_session(entry, days=4, facilitators=[(animateur, "lead", internal)])
    theirs = helpers.make_session(entry, days=5, facilitators=[(helpers.make_agent(), "lead", internal)])
    client = signed_in(animateur)
    assert client.get(f"/sessions/{mine.pk}/participants/").status_code == 200
    assert client.get(f"/sessions/{theirs.pk}/participants/").status_code == 403
    assert client.get(f"/sessions/{theirs.pk}/emargement/").status_code == 403
    home = client.get("/sessions/animation/").content.decode()
    assert f"/sessions/{mine.pk}/participants/" in home and f"/sessions/{theirs.pk}/participants/" not in home
    # The training department sees every session.
    assert signed_in(demo_user("formation")).get(f"/sessions/{theirs.pk}/participants/").status_code == 200


def test_marking_attendance_through_the_participants_page(entry_session, animateur, on_commit):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    client = signed_in(animateur)
    client.post(f"/sessions/{entry_session.pk}/presence/", {"registration": registration.pk, "attendance": "present"})
    registration.refresh_from_db()
    assert registration.attendance is None  # not started yet
    helpers.started_ago(entry_session)
    page = client.get(f"/sessions/{entry_session.pk}/participants/").content.decode()
    assert 'value="present"' in page
    with on_commit():
        response = client.post(
            f"/sessions/{entry_session.pk}/presence/", {"registration": registration.pk, "attendance": "present"}
        )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == "present"


@pytest.mark.parametrize(
    "data",
    [{"registration": "abc", "attendance": "present"}, {"registration": 1, "attendance": "peut-être"}, {}],
)
def test_forged_attendance_forms_change_nothing(entry_session, animateur, data):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    helpers.started_ago(entry_session)
    response = signed_in(animateur).post(f"/sessions/{entry_session.pk}/presence/", data, follow=True)
    assert "Requête invalide" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance is None


def test_a_registration_of_another_session_cannot_be_marked_through_mine(entry, entry_session, animateur):
    other_session = helpers.make_session(entry, days=6)
    registration = services.register(helpers.make_agent(), other_session)
    helpers.started_ago(entry_session)
    helpers.started_ago(other_session)
    response = signed_in(animateur).post(
        f"/sessions/{entry_session.pk}/presence/",
        {"registration": registration.pk, "attendance": "present"},
        follow=True,
    )
    assert "pas un participant" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance is None


def test_the_sign_in_sheet_lists_registered_participants(entry_session, animateur):
    agent = helpers.make_agent(last_name="Zidane")
    waiting_session = entry_session
    services.register(agent, waiting_session)
    html = signed_in(animateur).get(f"/sessions/{entry_session.pk}/emargement/").content.decode()
    assert "Feuille d’émargement" in html and "Zidane" in html and "Signature" in html


# --- Evaluation page ---------------------------------------------------------------------------------------


def test_the_evaluation_form_needs_attendance_and_validates(entry_session, animateur):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    client = signed_in(agent)
    assert client.get(f"/sessions/{entry_session.pk}/evaluation/").status_code == 403
    helpers.started_ago(entry_session, timedelta(hours=2))
    services.mark_attendance(animateur, registration, "present")
    assert client.get(f"/sessions/{entry_session.pk}/evaluation/").status_code == 200
    bad = client.post(f"/sessions/{entry_session.pk}/evaluation/", {"overall": "9", "content": "4"})
    assert bad.status_code == 400 and "de 1 à 5" in bad.content.decode()
    assert not Evaluation.objects.filter(registration=registration).exists()
    good = client.post(
        f"/sessions/{entry_session.pk}/evaluation/",
        {"overall": "5", "content": "4", "facilitation": "5", "usefulness": "4", "comment": "Bravo"},
    )
    assert good.status_code == 302
    assert Evaluation.objects.get(registration=registration).overall == 5


def test_an_agent_cannot_see_or_change_another_agents_evaluation(entry_session, animateur):
    rater, other = helpers.make_agent(), helpers.make_agent()
    registration = services.register(rater, entry_session)
    services.register(other, entry_session)
    helpers.started_ago(entry_session, timedelta(hours=2))
    services.mark_attendance(animateur, registration, "present")
    services.save_evaluation(
        rater, entry_session, overall=2, content=2, facilitation=2, usefulness=2, comment="Commentaire privé"
    )
    client = signed_in(other)
    assert client.get(f"/sessions/{entry_session.pk}/evaluation/").status_code == 403
    assert "Commentaire privé" not in client.get(f"/sessions/{entry_session.pk}/").content.decode()
    client.post(
        f"/sessions/{entry_session.pk}/evaluation/",
        {"overall": "5", "content": "5", "facilitation": "5", "usefulness": "5"},
    )
    assert Evaluation.objects.get(registration=registration).overall == 2


# --- Query counts ----------------------------------------------------------------------------------------------


def _many_sessions(module, count, animateur, internal):
    for i in range(count):
        session = helpers.make_session(module, days=5 + i, facilitators=[(animateur, "lead", internal)])
        services.register(helpers.make_agent(), session)


@pytest.mark.parametrize("url", ["/sessions/", "/sessions/animation/"])
def test_lists_run_a_bounded_number_of_queries(url, entry, animateur, internal, django_assert_max_num_queries):
    client = signed_in(animateur)
    _many_sessions(entry, 2, animateur, internal)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    _many_sessions(entry, 12, animateur, internal)
    budget = len(few.captured_queries)
    client.get(url)  # the data changed: the first request rebuilds the cached fragments
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_participants_page_runs_a_bounded_number_of_queries(
    entry_session, animateur, django_assert_max_num_queries
):
    client = signed_in(animateur)
    services.register(helpers.make_agent(), entry_session)
    helpers.started_ago(entry_session)
    client.get(f"/sessions/{entry_session.pk}/participants/")
    with django_assert_max_num_queries(25) as few:
        client.get(f"/sessions/{entry_session.pk}/participants/")
    for _ in range(10):
        Registration.objects.create(session=entry_session, user=helpers.make_agent(), status="registered")
    budget = len(few.captured_queries)
    client.get(
        f"/sessions/{entry_session.pk}/participants/"
    )  # the data changed: the first request rebuilds the cached fragments
    with django_assert_max_num_queries(budget):
        assert client.get(f"/sessions/{entry_session.pk}/participants/").status_code == 200


def test_the_session_page_and_the_upcoming_include_run_bounded_queries(
    entry, animateur, internal, django_assert_max_num_queries
):
    from django.template import Context, Template

    agent = helpers.make_agent()
    session = helpers.make_session(entry, days=4, facilitators=[(animateur, "lead", internal)])
    client = signed_in(agent)
    client.get(f"/sessions/{session.pk}/")
    with django_assert_max_num_queries(20):
        assert client.get(f"/sessions/{session.pk}/").status_code == 200
    template = Template('{% include "training_sessions/includes/upcoming_sessions.html" with module=module %}')
    _many_sessions(entry, 2, animateur, internal)
    with django_assert_max_num_queries(3) as few:
        html = template.render(Context({"module": entry}))
    _many_sessions(entry, 6, animateur, internal)
    budget = len(few.captured_queries)
    with django_assert_max_num_queries(budget):
        html = template.render(Context({"module": entry}))
    assert "Prochaines sessions de ce module" in html and "places restantes" in html


# --- Home page and module page ---------------------------------------------------------------------------


def test_the_module_page_lists_its_sessions_and_shows_its_rating(
    entry, animateur, internal, django_assert_max_num_queries
):
    from tests.training_sessions.test_evaluation import _rated_session

    session = helpers.make_session(entry, days=3, facilitators=[(animateur, "lead", internal)])
    client = signed_in(helpers.make_agent())
    html = client.get(entry.url).content.decode()
    assert "Prochaines sessions de ce module" in html and f"/sessions/{session.pk}/" in html
    _rated_session(entry, animateur, internal, [5, 4, 5, 4, 5])
    html = client.get(entry.url).content.decode()
    average = Evaluation.objects.filter(registration__session__module=entry).summary()
    if average["answers"] >= 5:
        label = f"{average['average']:.1f}".replace(".", ",")
        assert f"{label}/5 · {average['answers']} avis" in html
    client.get(entry.url)
    with django_assert_max_num_queries(60) as few:
        client.get(entry.url)
    budget = len(few.captured_queries)
    for _ in range(5):
        helpers.make_session(entry, days=4, facilitators=[(animateur, "lead", internal)])
    client.get(entry.url)  # the sessions changed: the first request rebuilds the cached fragments
    with django_assert_max_num_queries(budget):
        client.get(entry.url)


def test_the_home_page_lists_the_upcoming_sessions(entry_session):
    from home.models import HomePage

    html = signed_in(helpers.make_agent()).get(HomePage.objects.first().url).content.decode()
    assert "Prochaines sessions" in html and f"/sessions/{entry_session.pk}/" in html


def test_the_page_says_when_registration_closed(entry):
    from django.utils import timezone

    session = helpers.make_session(entry, days=2)
    Session.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - timedelta(hours=1))
    html = signed_in(helpers.make_agent()).get(f"/sessions/{session.pk}/").content.decode()
    assert "closes depuis le" in html and "S’inscrire" not in html
