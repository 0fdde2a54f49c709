"""Registration rules: capacity and waiting list, prerequisites, duplicates, overlaps, deadline, emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learning_records.models import Statement
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.django_db

REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
UNREGISTERED = "http://id.tincanapi.com/verb/unregistered"


def statements(user, verb):
    return Statement.objects.filter(actor_account_name=user.xapi_account_name, verb_id=verb)


def test_registration_writes_the_statement_and_sends_the_invitation(entry_session, on_commit):
    agent = helpers.make_agent()
    with on_commit():
        registration = services.register(agent, entry_session)
    assert registration.status == Registration.Status.REGISTERED
    statement = statements(agent, REGISTERED).get()
    assert statement.object_activity_id == entry_session.xapi_activity_id
    assert str(statement.registration) == str(registration.registration_uuid)
    assert statement.trusted
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert "Inscription confirmée" in message.subject
    assert entry_session.module.title in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics") and "method=REQUEST" in mimetype


def test_beyond_capacity_agents_join_the_waiting_list_in_order(entry, on_commit):
    session = helpers.make_session(entry, capacity=2)
    agents = [helpers.make_agent() for _ in range(5)]
    with on_commit():
        results = [services.register(a, session) for a in agents]
    assert [r.status for r in results] == ["registered"] * 2 + ["waiting"] * 3
    assert [r.position_on_waiting_list() for r in results[2:]] == [1, 2, 3]
    positions = list(
        Registration.objects.filter(session=session).with_waiting_position().values_list("user_id", "waiting_position")
    )
    assert positions == [(agents[2].pk, 1), (agents[3].pk, 2), (agents[4].pk, 3)]
    # The waiting agents get the waiting-list email, without invitation, and no statement.
    waiting_mail = [m for m in mail.outbox if m.to == [agents[3].email]][0]
    assert "Liste d’attente" in waiting_mail.subject or "Liste d'attente" in waiting_mail.subject
    assert "numéro 2" in waiting_mail.body
    assert not waiting_mail.attachments
    assert not statements(agents[3], REGISTERED).exists()


def test_a_cancellation_promotes_the_first_waiting_agent_and_tells_them(entry, on_commit):
    session = helpers.make_session(entry, capacity=1)
    first, second, third = (helpers.make_agent() for _ in range(3))
    for agent in (first, second, third):
        services.register(agent, session)
    mail.outbox.clear()
    with on_commit():
        services.cancel_registration(first, session)
    statuses = dict(Registration.objects.filter(session=session).values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waiting"}
    assert statements(first, UNREGISTERED).count() == 1
    assert statements(second, REGISTERED).count() == 1
    subjects = {m.to[0]: m for m in mail.outbox}
    assert "Inscription annulée" in subjects[first.email].subject
    assert "method=CANCEL" in subjects[first.email].attachments[0][2]
    assert "place" in subjects[second.email].subject.lower()
    assert "method=REQUEST" in subjects[second.email].attachments[0][2]
    assert third.email not in subjects


def test_no_promotion_after_the_deadline(entry):
    session = helpers.make_session(entry, capacity=1, days=3)
    first, second = helpers.make_agent(), helpers.make_agent()
    services.register(first, session)
    services.register(second, session)
    Session.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    session.refresh_from_db()
    services.cancel_registration(first, session)
    assert Registration.objects.get(user=second, session=session).status == "waiting"


def test_leaving_the_waiting_list_writes_no_statement(entry):
    session = helpers.make_session(entry, capacity=1)
    first, second = helpers.make_agent(), helpers.make_agent()
    services.register(first, session)
    services.register(second, session)
    services.cancel_registration(second, session)
    assert not statements(second, UNREGISTERED).exists()
    assert Registration.objects.get(user=first, session=session).status == "registered"


def test_registering_again_after_cancelling_keeps_the_xapi_registration(entry_session):
    agent = helpers.make_agent()
    first = services.register(agent, entry_session)
    services.cancel_registration(agent, entry_session)
    again = services.register(agent, entry_session)
    assert again.pk == first.pk and again.registration_uuid == first.registration_uuid
    assert again.status == "registered" and again.ics_sequence == 2


@pytest.mark.parametrize(
    "change, code, words",
    [
        ({"status": Session.Status.CANCELLED}, "cancelled", "annulée"),
        ({"days": -1}, "past", "commencé"),
        ({"deadline": -1}, "deadline", "closes"),
    ],
)
def test_cancelled_past_and_closed_sessions_refuse_registration(entry, change, code, words):
    days = change.get("days", 5)
    session = helpers.make_session(entry, days=days, status=change.get("status", Session.Status.SCHEDULED))
    if "deadline" in change:
        Session.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - timedelta(hours=1))
        session.refresh_from_db()
    agent = helpers.make_agent()
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, session)
    assert refused.value.code == code and words in refused.value.message
    assert not Registration.objects.filter(session=session).exists()
    assert not statements(agent, REGISTERED).exists()


def test_no_double_registration_nor_two_sessions_of_one_module(entry, entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    with pytest.raises(services.SessionError) as duplicate:
        services.register(agent, entry_session)
    assert duplicate.value.code == "duplicate"
    other = helpers.make_session(entry, days=30)
    with pytest.raises(services.SessionError) as same_module:
        services.register(agent, other)
    assert same_module.value.code == "same_module" and "autre session de ce module" in same_module.value.message
    assert Registration.objects.filter(user=agent).count() == 1


def test_overlapping_sessions_are_refused(entry, later):
    agent = helpers.make_agent()
    helpers.attended(agent, entry)
    third = helpers.later_module()
    first = helpers.make_session(later, days=8, hours=9)
    overlapping = helpers.make_session(third, days=8, hours=10)  # 10:30-12:00 overlaps 9:30-11:00
    services.register(agent, first)
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, overlapping)
    assert refused.value.code == "overlap" and "chevauche" in refused.value.message
    assert later.title in refused.value.message
    # The same slot the next day is fine.
    services.register(agent, helpers.make_session(third, days=9, hours=10))


def test_a_facilitator_cannot_register_for_their_own_session(entry_session, animateur):
    with pytest.raises(services.SessionError) as refused:
        services.register(animateur, entry_session)
    assert refused.value.code == "facilitator"


# --- Prerequisites ----------------------------------------------------------------------------------------


def test_a_later_module_needs_the_entry_module_and_suggests_its_next_sessions(entry, later, entry_session):
    agent = helpers.make_agent()
    session = helpers.make_session(later, days=20)
    after = helpers.make_session(entry, days=25)  # ends after the later session starts: not suggested
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, session)
    error = refused.value
    assert error.code == "prerequisites"
    assert f"« {entry.title} »" in error.message and "d’abord" in error.message
    assert entry_session in error.suggestions and after not in error.suggestions
    assert not Registration.objects.filter(user=agent).exists()


def test_a_registration_for_an_earlier_entry_session_is_enough(entry, later, entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)  # day +10
    assert services.register(agent, helpers.make_session(later, days=20)).status == "registered"


def test_an_entry_session_ending_after_the_start_is_not_enough(entry, later):
    agent = helpers.make_agent()
    services.register(agent, helpers.make_session(entry, days=30))
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, helpers.make_session(later, days=20))
    assert refused.value.code == "prerequisites"


def test_a_waiting_list_place_for_the_entry_module_is_not_enough(entry, later):
    agent = helpers.make_agent()
    full = helpers.make_session(entry, days=5, capacity=1)
    services.register(helpers.make_agent(), full)
    assert services.register(agent, full).status == "waiting"
    with pytest.raises(services.SessionError):
        services.register(agent, helpers.make_session(later, days=20))


def test_completing_the_entry_module_opens_every_later_module(entry, later):
    agent = helpers.make_agent()
    helpers.attended(agent, entry)
    assert services.register(agent, helpers.make_session(later, days=20)).status == "registered"


def test_an_absent_agent_has_not_completed_the_module(entry, later):
    agent = helpers.make_agent()
    registration = helpers.attended(agent, entry)
    Registration.objects.filter(pk=registration.pk).update(attendance=Registration.Attendance.ABSENT)
    with pytest.raises(services.SessionError):
        services.register(agent, helpers.make_session(later, days=20))


def test_a_completed_module_cannot_be_booked_again(entry, entry_session):
    agent = helpers.make_agent()
    helpers.attended(agent, entry)
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, entry_session)
    assert refused.value.code == "completed"


def test_explicit_prerequisites_of_a_module_are_enforced_too(entry, later):
    agent = helpers.make_agent()
    helpers.attended(agent, entry)
    advanced = helpers.later_module("Facilitation graphique avancée")
    advanced.prerequisites.add(later)
    advanced.save()
    with pytest.raises(services.SessionError) as refused:
        services.register(agent, helpers.make_session(advanced, days=40))
    assert later.title in refused.value.message and entry.title not in refused.value.message


# --- Cancellation by the programme -------------------------------------------------------------------------


def test_cancelling_a_session_tells_everyone_with_a_cancel_invitation(entry, on_commit):
    session = helpers.make_session(entry, capacity=1)
    registered, waiting = helpers.make_agent(), helpers.make_agent()
    services.register(registered, session)
    services.register(waiting, session)
    mail.outbox.clear()
    with on_commit():
        services.cancel_session(session)
    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancelled_at
    assert set(Registration.objects.filter(session=session).values_list("status", flat=True)) == {"cancelled"}
    by_agent = {m.to[0]: m for m in mail.outbox}
    assert set(by_agent) == {registered.email, waiting.email}
    assert "Session annulée" in by_agent[registered.email].subject
    assert "method=CANCEL" in by_agent[registered.email].attachments[0][2]
    assert not by_agent[waiting.email].attachments


def test_emails_wait_for_the_commit(entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)  # the test transaction never commits
    assert mail.outbox == []


def test_a_larger_capacity_promotes_the_waiting_list_in_order(entry, on_commit):
    session = helpers.make_session(entry, capacity=1)
    agents = [helpers.make_agent() for _ in range(4)]
    for agent in agents:
        services.register(agent, session)
    Session.objects.filter(pk=session.pk).update(capacity=3)
    mail.outbox.clear()
    with on_commit():
        promoted = services.fill_from_waiting_list(session)
    assert [r.user for r in promoted] == agents[1:3]
    assert Registration.objects.get(session=session, user=agents[3]).position_on_waiting_list() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in agents[1:3])
    assert statements(agents[1], REGISTERED).count() == 1


def test_a_newcomer_never_jumps_the_waiting_list(entry):
    session = helpers.make_session(entry, capacity=1)
    first, waiting, newcomer = helpers.make_agent(), helpers.make_agent(), helpers.make_agent()
    services.register(first, session)
    services.register(waiting, session)
    Session.objects.filter(pk=session.pk).update(capacity=2)  # raised without promotion (e.g. a script)
    session.refresh_from_db()
    assert services.register(newcomer, session).status == "waiting"
    assert Registration.objects.get(user=newcomer).position_on_waiting_list() == 2
