"""A session on the first day of a month reads « 1er » and « 9 h 30 » in every place an agent sees it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Session

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


@pytest.fixture
def first_of_march(entry, animateur, internal):
    start = datetime(2027, 3, 1, 9, 30, tzinfo=PARIS)
    session = Session.objects.create(
        module=entry, start=start, end=start + timedelta(minutes=90), location=helpers.site(), capacity=12
    )
    session.facilitations.create(user=animateur, role="lead", organisation=internal, sort_order=0)
    return session


def visible(response):
    return response.content.decode().replace("&nbsp;", NBSP)


def test_session_pages_say_1er_and_9_h_30(client, first_of_march):
    agent = helpers.make_agent()
    client.force_login(agent)
    page = visible(client.get(first_of_march.get_absolute_url()))
    assert "lundi 1er mars 2027" in page
    assert f"9{NBSP}h{NBSP}30" in page and f"11{NBSP}h" in page
    assert " 1 mars" not in page and "09h30" not in page
    listing = visible(client.get("/sessions/"))
    assert "1er mars 2027" in listing and " 1 mars 2027" not in listing


def test_emails_and_calendar_say_1er_and_9_h_30(first_of_march, on_commit):
    agent = helpers.make_agent()
    with on_commit():
        services.register(agent, first_of_march)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert "1er mars 2027" in text
        assert " 1 mars" not in text and "09h30" not in text
    assert (
        f"9{NBSP}h{NBSP}30" in message.subject and f"lundi 1er mars 2027, 9{NBSP}h{NBSP}30 – 11{NBSP}h" in message.body
    )
    event = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    description = str(event["DESCRIPTION"])
    assert f"lundi 1er mars 2027, de 9{NBSP}h{NBSP}30 à 11{NBSP}h" in description


def test_refusals_say_1er(first_of_march):
    agent = helpers.make_agent()
    services.register(agent, first_of_march)
    later = helpers.make_session(first_of_march.module, days=200)
    with pytest.raises(services.SessionError) as refusal:
        services.register(agent, later)
    assert "1er mars 2027" in str(refusal.value)
