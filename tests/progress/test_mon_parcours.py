from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parcours.models import ModulePage
from progress.models import PathChoice, Progress
from progress.services import dashboard
from tests.progress.helpers import attend, entry_module, host, make_session, make_user, other_modules
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db


def test_page_shows_stepper_from_the_entry_module_and_the_next_session(newcomer, client):
    response = client.get("/mon-parcours/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="fr-stepper"' in html
    # No module chosen yet: the path counts the whole programme.
    assert f"Étape 1 sur {ModulePage.objects.live().count()}" in html
    assert entry_module().title in html
    # Next useful action: the next entry-module session with places left, with its button.
    data = response.context["dashboard"]
    session = next(
        s
        for s in __import__("training_sessions.services", fromlist=["x"]).next_sessions_of([entry_module()], limit=10)
        if s.places_left > 0
    )
    assert f"/sessions/{session.pk}/" == data.action.url
    assert "Inscrivez-vous" in data.action.sentence or "inscri" in data.action.sentence.lower()
    assert session.place_label in data.action.sentence


def test_agent_chooses_modules_and_sees_them_as_steps(newcomer, client):
    chosen = other_modules()[:2]
    response = client.post("/mon-parcours/", {"modules": [m.pk for m in chosen]})
    assert response.status_code == 302
    assert set(PathChoice.objects.filter(user=newcomer).values_list("module_id", flat=True)) == {m.pk for m in chosen}
    assert set(Progress.objects.filter(user=newcomer, status="planned").values_list("module_id", flat=True)) == {
        m.pk for m in chosen
    }
    html = client.get("/mon-parcours/").content.decode()
    assert "Étape 1 sur 3" in html
    for module in chosen:
        assert module.title in html
    # Choosing fewer modules removes the others.
    client.post("/mon-parcours/", {"modules": [chosen[0].pk]})
    assert list(PathChoice.objects.filter(user=newcomer).values_list("module_id", flat=True)) == [chosen[0].pk]
    assert not Progress.objects.filter(user=newcomer, module=chosen[1]).exists()


def test_bad_choices_change_nothing(newcomer, client):
    client.post("/mon-parcours/", {"modules": [other_modules()[0].pk]})
    for bad in (["999999"], ["abc"], [str(entry_module().pk)]):
        response = client.post("/mon-parcours/", {"modules": bad})
        assert response.status_code == 400
        assert (
            "n’est pas un des modules" in response.content.decode() or "pas un des modules" in response.content.decode()
        )
    assert list(PathChoice.objects.filter(user=newcomer).values_list("module_id", flat=True)) == [other_modules()[0].pk]


def test_path_form_needs_the_csrf_token(newcomer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(newcomer)
    response = client.post("/mon-parcours/", {"modules": [other_modules()[0].pk]})
    assert response.status_code == 403
    assert not PathChoice.objects.filter(user=newcomer).exists()


def test_page_needs_a_signed_in_agent():
    response = Client().get("/mon-parcours/")
    assert response.status_code == 302 and "/connexion/" in response.url


def test_page_lists_sessions_evaluations_badges_attestations_and_resources(newcomer, client):
    entry = entry_module()
    attend(newcomer, make_session(entry, days=-5))
    upcoming = make_session(other_modules()[0], days=8)
    Registration.objects.create(session=upcoming, user=newcomer, status=Registration.Status.WAITING)
    html = client.get("/mon-parcours/").content.decode()
    assert f"/sessions/{upcoming.pk}/calendrier.ics" in html
    assert "liste d’attente" in html or "liste d'attente" in html
    assert "/evaluation/" in html  # the attended session waits for a rating
    assert f"Module {entry.title}" in html  # its badge
    assert f"/mon-parcours/attestations/modules/{entry.pk}.pdf" in html
    assert "/mon-parcours/attestations/parcours.pdf" in html
    data = dashboard.build(newcomer)
    assert data.steps[0].status == "completed"
    assert [s.status for s in data.steps if s.module == upcoming.module] == ["waiting"]
    from fiches.models import FichePage

    fiche = FichePage.objects.live().filter(related_module=entry).first()
    if fiche is not None:
        assert fiche.title in html


def test_query_count_does_not_grow_with_the_data(newcomer, client, django_assert_max_num_queries):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/mon-parcours/").status_code == 200
        return len(ctx.captured_queries)

    client.post("/mon-parcours/", {"modules": [m.pk for m in other_modules()]})
    attend(newcomer, make_session(entry_module(), days=-50))
    small = count_queries()
    # Many more statements, sessions, registrations and facilitations for this agent and others.
    for module in ModulePage.objects.all():
        for days in (-30, -20, 5, 15, 25):
            session = make_session(module, days=days)
            if days > 0:
                Registration.objects.create(session=session, user=newcomer, status=Registration.Status.REGISTERED)
            else:
                attend(newcomer, session)
                host(newcomer, session, "lead" if days == -30 else "co-facilitator")
    for i in range(5):
        other = make_user(f"other{i}")
        attend(other, make_session(entry_module(), days=-3 - i))
    large = count_queries()
    assert large <= small + 2, (small, large)
    with django_assert_max_num_queries(45):
        client.get("/mon-parcours/")


def test_page_for_a_completed_path_proposes_new_modules(newcomer, client):
    for module in [entry_module(), *other_modules()]:
        attend(newcomer, make_session(module, days=-timedelta(days=3).days))
    data = dashboard.build(newcomer, now=timezone.now())
    assert data.all_done
    html = client.get("/mon-parcours/").content.decode()
    assert "Parcours terminé" in html


def test_next_action_after_booking_the_entry_module_is_a_later_session_that_starts_after_it(newcomer, client):
    from training_sessions import services as session_services

    later = other_modules()[0]
    client.post("/mon-parcours/", {"modules": [later.pk]})
    entry_session = next(s for s in session_services.next_sessions_of([entry_module()], limit=10) if s.places_left > 0)
    session_services.register(newcomer, entry_session)
    data = dashboard.build(newcomer)
    assert data.steps[0].status == "registered"
    # The demo has later sessions of every module after its open entry-module sessions.
    assert later.title in data.action.sentence
    session_id = int(data.action.url.rstrip("/").split("/")[-1])
    from training_sessions.models import Session

    suggested = Session.objects.get(pk=session_id)
    assert suggested.module == later and suggested.start >= entry_session.end
    assert session_services.missing_prerequisites(newcomer, suggested) == []
