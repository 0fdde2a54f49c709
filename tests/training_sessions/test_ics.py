"""The iCalendar invitations parse with `icalendar` and carry the right method, UID, sequence and times."""

from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from tests.training_sessions import helpers
from training_sessions import ics, services

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def event_of(data):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_confirmation_and_cancellation_invitations_match(entry_session, on_commit):
    agent = helpers.make_agent(first_name="Camille", last_name="Durand")
    with on_commit():
        registration = services.register(agent, entry_session)
    request_cal, request = event_of(mail.outbox[0].attachments[0][1])
    assert request_cal["METHOD"] == "REQUEST"
    assert str(request["UID"]) == f"registration-{registration.registration_uuid}@passinnov"
    start, end = request.decoded("DTSTART"), request.decoded("DTEND")
    assert start == entry_session.start and end == entry_session.end
    assert request["DTSTART"].params["TZID"] == "Europe/Paris"
    assert start.astimezone(PARIS).hour == 9 and start.astimezone(PARIS).minute == 30
    assert [tz["TZID"] for tz in request_cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(request["ORGANIZER"]).startswith("mailto:")
    assert str(request["ATTENDEE"]) == f"mailto:{agent.email}"
    assert "Paris – Bercy" in str(request["LOCATION"]) and "139 rue de Bercy" in str(request["LOCATION"])
    first_sequence = int(request["SEQUENCE"])

    with on_commit():
        services.cancel_registration(agent, entry_session)
    cancel_cal, cancel = event_of(mail.outbox[-1].attachments[0][1])
    assert cancel_cal["METHOD"] == "CANCEL"
    assert cancel["UID"] == request["UID"]
    assert int(cancel["SEQUENCE"]) > first_sequence
    assert cancel["STATUS"] == "CANCELLED"


def test_add_to_my_calendar_downloads_the_same_event(client, entry_session):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    client.force_login(agent)
    response = client.get(f"/sessions/{entry_session.pk}/calendrier.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar, event = event_of(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["UID"]) == registration.ics_uid
    assert event.decoded("DTSTART") == entry_session.start


def test_a_remote_session_gives_its_link_as_location(entry):
    session = helpers.make_session(entry, location=None, remote_url="https://visio.finances.gouv.fr/passinnov")
    _cal, event = event_of(ics.build_calendar(session, ics.PUBLISH))
    assert str(event["LOCATION"]) == "https://visio.finances.gouv.fr/passinnov"
    assert str(event["UID"]) == session.ics_uid
