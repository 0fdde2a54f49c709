"""Sessions in the Wagtail admin: filterable list with export, the link from a module, cancellation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def training_client(client_for):
    """The training department owns the sessions in the admin."""
    return client_for("formation")


def test_the_sessions_list_filters_and_exports(training_client, entry, later, animateur, internal, external):
    internal_session = helpers.make_session(entry, days=3, facilitators=[(animateur, "lead", internal)])
    mixed = helpers.make_session(
        later, days=4, facilitators=[(helpers.make_agent(), "lead", external), (animateur, "co-facilitator", internal)]
    )
    url = reverse("wagtailsnippets_training_sessions_session:list")
    response = training_client.get(url)
    assert response.status_code == 200
    by_mode = training_client.get(url, {"facilitation_mode": "mixed"}).content.decode()
    assert f"/edit/{mixed.pk}/" in by_mode and f"/edit/{internal_session.pk}/" not in by_mode
    by_module = training_client.get(url, {"module": later.pk}).content.decode()
    assert f"/edit/{mixed.pk}/" in by_module and f"/edit/{internal_session.pk}/" not in by_module
    export = training_client.get(url, {"export": "csv", "module": entry.pk})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert entry.title in body and "interne" in body


def test_the_facilitation_mode_derives_from_the_facilitators(entry, animateur, internal, external):
    session = helpers.make_session(entry, facilitators=[(animateur, "lead", internal)])
    assert session.facilitation_mode == "internal"
    assert helpers.make_session(entry, days=11).facilitation_mode == ""
    ext = helpers.make_session(entry, days=12, facilitators=[(helpers.make_agent(), "lead", external)])
    assert ext.facilitation_mode == "external"
    assert set(Session.objects.filter_facilitation_mode("external")) >= {ext}
    assert session not in Session.objects.filter_facilitation_mode("external")


def test_a_module_page_links_to_its_sessions_in_the_admin(client_for, entry):
    response = client_for("admin").get(reverse("wagtailadmin_pages:edit", args=[entry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"?module={entry.pk}" in html


def test_cancelling_in_the_admin_tells_the_registered_agents(training_client, entry, animateur, internal, on_commit):
    session = helpers.make_session(entry, days=6, facilitators=[(animateur, "lead", internal)])
    agent = helpers.make_agent()
    services.register(agent, session)
    mail.outbox.clear()
    url = reverse("wagtailsnippets_training_sessions_session:edit", args=[session.pk])
    form = training_client.get(url)
    assert form.status_code == 200
    data = helpers.session_form_data(
        session, [(animateur, "lead", internal, session.facilitations.get())], status="cancelled"
    )
    with on_commit():
        response = training_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert Registration.objects.get(session=session).status == "cancelled"
    assert [m.to for m in mail.outbox] == [[agent.email]] and "annulée" in mail.outbox[0].subject


def test_moving_a_session_sends_updated_invitations(entry, on_commit):
    from icalendar import Calendar

    session = helpers.make_session(entry, capacity=1, days=8)
    registered, waiting = helpers.make_agent(), helpers.make_agent()
    with on_commit():
        first = services.register(registered, session)
    services.register(waiting, session)
    first_invitation = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    mail.outbox.clear()
    Session.objects.filter(pk=session.pk).update(
        start=session.start + timedelta(hours=4), end=session.end + timedelta(hours=4)
    )
    with on_commit():
        services.notify_session_changed(session)
    by_agent = {m.to[0]: m for m in mail.outbox}
    assert set(by_agent) == {registered.email, waiting.email}
    assert "Session modifiée" in by_agent[registered.email].subject
    event = Calendar.from_ical(by_agent[registered.email].attachments[0][1]).walk("VEVENT")[0]
    assert event["UID"] == first_invitation["UID"] == first.ics_uid
    assert int(event["SEQUENCE"]) > int(first_invitation["SEQUENCE"])
    assert event.decoded("DTSTART") == session.start + timedelta(hours=4)
    assert not by_agent[waiting.email].attachments
