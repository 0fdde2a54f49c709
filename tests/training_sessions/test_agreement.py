"""Plural and gender agreement on the sessions' pages: French counts 0 and 1 as singular, and a person's
attendance is worded with a noun (« présence », « absence ») so that it agrees whoever the person is."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Evaluation, Registration

pytestmark = pytest.mark.django_db


def squash(response):
    """The page's text with every run of spaces (non-breaking ones included) as one ordinary space."""
    return " ".join(response.content.decode().replace("&nbsp;", " ").split())


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_one_answer_is_singular_on_the_participants_page(entry_session, animateur):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    Registration.objects.filter(pk=registration.pk).update(attendance="present")
    Evaluation.objects.create(registration=registration, overall=4, content=4, facilitation=4, usefulness=4)
    page = squash(signed_in(animateur).get(f"/sessions/{entry_session.pk}/participants/"))
    assert "Satisfaction : 4,0/5 (1 réponse)." in page
    assert "1 réponses" not in page
    assert "Places occupées : 1 sur 12." in page


def test_a_full_session_of_one_place_is_singular(entry):
    session = helpers.make_session(entry, capacity=1)
    services.register(helpers.make_agent(), session)
    page = squash(signed_in(helpers.make_agent()).get(session.get_absolute_url()))
    assert "Complet (1 place)" in page and "1 places" not in page


def test_attendance_is_worded_without_agreeing_with_the_person(entry_session, animateur, on_commit):
    alice = helpers.make_agent(first_name="Alice", last_name="Dubois")
    registration = services.register(alice, entry_session)
    helpers.started_ago(entry_session)
    client = signed_in(animateur)
    with on_commit():
        response = client.post(
            f"/sessions/{entry_session.pk}/presence/", {"registration": registration.pk, "attendance": "absent"}
        )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Alice Dubois\u00a0: absence enregistrée."]
    participants = squash(client.get(f"/sessions/{entry_session.pk}/participants/"))
    assert "absent " not in participants.replace("Absent :", "")  # the state column says « non »
    mine = squash(signed_in(alice).get(entry_session.get_absolute_url()))
    assert "Absence enregistrée" in mine
    with on_commit():
        response = client.post(
            f"/sessions/{entry_session.pk}/presence/", {"registration": registration.pk, "attendance": "present"}
        )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Alice Dubois\u00a0: présence enregistrée."]
    assert "Présence enregistrée" in squash(signed_in(alice).get(entry_session.get_absolute_url()))
