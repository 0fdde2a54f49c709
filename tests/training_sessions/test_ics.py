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


LINK = "https://visio.finances.gouv.fr/passinnov"


def event_text(data):
    """The unfolded text of the event's properties (iCalendar folds long lines)."""
    _cal, event = event_of(data)
    return " ".join(str(value) for value in event.values())


def test_a_remote_session_gives_its_link_as_location_only_when_allowed(entry):
    session = helpers.make_session(entry, location=None, remote_url=LINK)
    _cal, event = event_of(ics.build_calendar(session, ics.PUBLISH, with_remote_link=True))
    assert str(event["LOCATION"]) == LINK
    assert str(event["UID"]) == session.ics_uid
    _cal, event = event_of(ics.build_calendar(session, ics.PUBLISH))
    assert str(event["LOCATION"]) == "À distance"
    assert LINK not in event.to_ical().decode()


@pytest.fixture
def remote_session(entry, animateur, internal):
    return helpers.make_session(
        entry, capacity=1, location=None, remote_url=LINK, facilitators=[(animateur, "lead", internal)]
    )


@pytest.mark.parametrize(
    "who, sees_link",
    [
        ("stranger", False),
        ("waiting", False),
        ("cancelled", False),
        ("registered", True),
        ("animateur", True),
        ("formation", True),
        ("other_facilitator", False),
        ("redacteur", False),
    ],
)
def test_the_calendar_file_and_the_page_give_the_remote_link_to_the_same_people(
    client, demo_user, remote_session, who, sees_link
):
    first, second = helpers.make_agent(), helpers.make_agent()
    services.register(first, remote_session)  # takes the only place
    services.register(second, remote_session)  # waiting list
    users = {
        "stranger": helpers.make_agent(),
        "waiting": second,
        "registered": first,
        "other_facilitator": helpers.make_facilitator(),
    }
    if who == "cancelled":
        users[who] = helpers.make_agent()
        services.register(users[who], remote_session)
        services.cancel_registration(users[who], remote_session)
    user = users.get(who) or demo_user(who)
    client.force_login(user)
    calendar = client.get(f"/sessions/{remote_session.pk}/calendrier.ics")
    page = client.get(f"/sessions/{remote_session.pk}/")
    assert calendar.status_code == page.status_code == 200
    assert (LINK in event_text(calendar.content)) is sees_link
    assert (LINK in page.content.decode()) is sees_link


def test_emails_give_the_remote_link_to_registered_agents_only(remote_session, on_commit):
    registered, waiting = helpers.make_agent(), helpers.make_agent()
    with on_commit():
        services.register(registered, remote_session)
        services.register(waiting, remote_session)
    by_agent = {m.to[0]: m for m in mail.outbox}
    confirmation, waiting_list = by_agent[registered.email], by_agent[waiting.email]
    assert LINK in confirmation.body and LINK in event_text(confirmation.attachments[0][1])
    assert LINK not in waiting_list.body and all(LINK not in str(a[1]) for a in waiting_list.attachments)
    assert all(LINK not in alt[0] for alt in waiting_list.alternatives)

    # Cancelling: the CANCEL invitation no longer carries the link, and the promoted agent gets it.
    mail.outbox.clear()
    with on_commit():
        services.cancel_registration(registered, remote_session)
    by_agent = {m.to[0]: m for m in mail.outbox}
    assert LINK not in by_agent[registered.email].body
    assert LINK not in event_text(by_agent[registered.email].attachments[0][1])
    assert LINK in by_agent[waiting.email].body
