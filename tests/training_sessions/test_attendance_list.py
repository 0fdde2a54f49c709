"""Attendance in one pass: one form for the whole list (radio buttons), « tout le monde présent » then the
exceptions, back to the list (not the top of the page); past sessions without attendance flagged."""

import re

import pytest
from django.test import Client

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def started(entry_session):
    agents = [helpers.make_agent(last_name=name) for name in ("Arnaud", "Bernard", "Chevalier")]
    registrations = [services.register(agent, entry_session) for agent in agents]
    helpers.started_ago(entry_session)
    return entry_session, registrations


def test_the_participants_page_is_one_form_of_radio_buttons(started, animateur):
    session, registrations = started
    html = signed_in(animateur).get(f"/sessions/{session.pk}/participants/").content.decode()
    assert html.count(f'action="/sessions/{session.pk}/presence/"') == 1  # one form for the whole list
    form = re.search(r'<form[^>]*id="attendance-form".*?</form>', html, re.S).group(0)
    for registration in registrations:
        name = registration.user.display_name
        assert (
            f'<legend class="fr-fieldset__legend fr-sr-only" id="presence-{registration.pk}-legend">Présence de {name}'
            in form
        )
        for value in ("present", "absent"):
            assert f'type="radio" id="presence-{registration.pk}-{value}" name="presence_{registration.pk}"' in form
    assert "Tout le monde présent" in form and "Enregistrer la présence" in form
    assert "training_sessions/attendance.js" in html


def test_everyone_present_then_the_exceptions_in_one_post(started, animateur, on_commit):
    session, (arnaud, bernard, chevalier) = started
    client = signed_in(animateur)
    with on_commit():
        response = client.post(
            f"/sessions/{session.pk}/presence/",
            {
                f"presence_{arnaud.pk}": "present",
                f"presence_{bernard.pk}": "absent",
                f"presence_{chevalier.pk}": "present",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/participants/#presence"  # back to the list
    attendance = dict(Registration.objects.filter(session=session).values_list("pk", "attendance"))
    assert attendance == {arnaud.pk: "present", bernard.pk: "absent", chevalier.pk: "present"}
    page = client.get(response["Location"]).content.decode().replace("\xa0", " ")
    assert "Présence enregistrée : 2 présences, 1 absence." in page
    # The saved state is the checked radio button (announced by screen readers as "checked").
    assert f'id="presence-{bernard.pk}-absent" name="presence_{bernard.pk}" value="absent" checked' in page


def test_one_refusal_rolls_the_whole_list_back_and_names_the_person(started, animateur, entry):
    session, (arnaud, bernard, _chevalier) = started
    stranger = services.register(helpers.make_agent(), helpers.make_session(entry, days=3))
    response = signed_in(animateur).post(
        f"/sessions/{session.pk}/presence/",
        {f"presence_{arnaud.pk}": "present", f"presence_{stranger.pk}": "present"},
        follow=True,
    )
    assert "pas un participant" in response.content.decode()
    assert not Registration.objects.filter(session=session, attendance__isnull=False).exists()
    # A refusal for one participant (their evaluation is in) names them and changes nothing else.
    services.mark_attendance(animateur, bernard, "present")
    from training_sessions.models import Evaluation

    Evaluation.objects.create(registration=bernard, overall=5, content=5, facilitation=5, usefulness=5)
    response = signed_in(animateur).post(
        f"/sessions/{session.pk}/presence/",
        {f"presence_{arnaud.pk}": "present", f"presence_{bernard.pk}": "absent"},
        follow=True,
    )
    assert f"{bernard.user.display_name} : " in response.content.decode().replace("\xa0", " ")
    assert Registration.objects.get(pk=arnaud.pk).attendance is None
    assert Registration.objects.get(pk=bernard.pk).attendance == "present"


@pytest.mark.parametrize(
    "data", [{"presence_abc": "present"}, {"presence_1": "peut-être"}, {"presence_": "present"}, {"autre": "x"}]
)
def test_malformed_lists_change_nothing(started, animateur, data):
    session, _registrations = started
    response = signed_in(animateur).post(f"/sessions/{session.pk}/presence/", data, follow=True)
    assert "Requête invalide" in response.content.decode()
    assert not Registration.objects.filter(session=session, attendance__isnull=False).exists()


def test_past_sessions_without_attendance_are_flagged_in_my_facilitations(entry, animateur, internal):
    unmarked = helpers.make_session(entry, days=-3, facilitators=[(animateur, "lead", internal)])
    marked = helpers.make_session(entry, days=-4, facilitators=[(animateur, "lead", internal)])
    for session in (unmarked, marked):
        for _ in range(2):
            Registration.objects.create(session=session, user=helpers.make_agent(), status="registered")
    Registration.objects.filter(session=marked).update(attendance="present")
    html = signed_in(animateur).get("/sessions/animation/").content.decode()
    assert 'id="missing-attendance"' in html
    past = html[html.index('id="passees"') :]
    row = lambda session: re.search(  # noqa: E731
        rf'<tr>\s*<td><a href="/sessions/{session.pk}/">.*?</tr>', past, re.S
    ).group(0)
    assert "Présence à saisir (2 personnes)" in row(unmarked)
    assert "Présence à saisir" not in row(marked)


def test_my_facilitations_with_flags_run_a_bounded_number_of_queries(
    entry, animateur, internal, django_assert_max_num_queries
):
    client = signed_in(animateur)
    for i in range(3):
        session = helpers.make_session(entry, days=-5 - i, facilitators=[(animateur, "lead", internal)])
        Registration.objects.create(session=session, user=helpers.make_agent(), status="registered")
    client.get("/sessions/animation/")
    with django_assert_max_num_queries(25) as few:
        client.get("/sessions/animation/")
    allowed = len(few.captured_queries)  # read now: every request clears the connection's query log
    for i in range(10):
        session = helpers.make_session(entry, days=-20 - i, facilitators=[(animateur, "lead", internal)])
        Registration.objects.create(session=session, user=helpers.make_agent(), status="registered")
    client.get("/sessions/animation/")  # the new sessions: the first request rebuilds the shared fragments
    with django_assert_max_num_queries(allowed):
        client.get("/sessions/animation/")
