"""Attendance: who may mark it, when, never one's own; "present" writes attended + completed, hosting once."""

import pytest
from django.core import mail

from learning_records.models import Statement
from learning_records.signals import statements_stored
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Facilitation, Registration

pytestmark = pytest.mark.django_db

ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
HOSTED = "http://activitystrea.ms/schema/1.0/host"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def started(entry, animateur, internal, external):
    """A session that started an hour ago, led by "animateur" with an ImFusio co-facilitator, 2 registered."""
    co = helpers.make_facilitator("imfusio-test")
    session = helpers.make_session(
        entry, days=3, facilitators=[(animateur, "lead", internal), (co, "co-facilitator", external)]
    )
    agents = [helpers.make_agent() for _ in range(2)]
    for agent in agents:
        services.register(agent, session)
    helpers.started_ago(session)
    return session, agents, co


def test_present_completes_the_module_and_asks_for_an_evaluation(started, animateur, on_commit):
    session, (agent, other), co = started
    registration = Registration.objects.get(session=session, user=agent)
    with on_commit():
        services.mark_attendance(animateur, registration, "present")
    registration.refresh_from_db()
    assert registration.attendance == "present" and registration.attendance_marked_by == animateur
    attended = Statement.objects.get(verb_id=ATTENDED, actor_account_name=agent.xapi_account_name)
    assert attended.object_activity_id == session.xapi_activity_id
    assert attended.data["context"]["instructor"]["account"]["name"] == animateur.xapi_account_name
    completed = Statement.objects.get(verb_id=COMPLETED, actor_account_name=agent.xapi_account_name)
    assert completed.object_activity_id == session.module.xapi_activity_id
    assert completed.data["result"]["completion"] is True
    hosted = Statement.objects.filter(verb_id=HOSTED, object_activity_id=session.xapi_activity_id)
    assert set(hosted.values_list("actor_account_name", flat=True)) == {
        animateur.xapi_account_name,
        co.xapi_account_name,
    }
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "/evaluation/" in mail.outbox[0].body
    assert list(services.pending_evaluations(agent)) == [registration]

    # Marking the second participant writes no second "hosted".
    services.mark_attendance(animateur, Registration.objects.get(session=session, user=other), "absent")
    assert hosted.count() == 2
    assert not Statement.objects.filter(verb_id=COMPLETED, actor_account_name=other.xapi_account_name).exists()
    assert all(f.hosted_at for f in Facilitation.objects.filter(session=session))


def test_present_then_absent_voids_the_completion(started, animateur):
    session, (agent, _other), _co = started
    registration = Registration.objects.get(session=session, user=agent)
    services.mark_attendance(animateur, registration, "present")
    services.mark_attendance(animateur, registration, "absent")
    completed = Statement.objects.get(verb_id=COMPLETED, actor_account_name=agent.xapi_account_name)
    assert completed.voided
    assert services.completed_module_ids(agent) == set()


def test_attendance_waits_for_the_session_start(entry_session, animateur):
    agent = helpers.make_agent()
    registration = services.register(agent, entry_session)
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(animateur, registration, "present")
    assert refused.value.code == "not_started"
    registration.refresh_from_db()
    assert registration.attendance is None
    assert not Statement.objects.filter(verb_id=ATTENDED).filter(actor_account_name=agent.xapi_account_name).exists()


def test_only_the_session_facilitators_or_the_training_department_mark_attendance(started, demo_user, entry):
    session, (agent, other), _co = started
    registration = Registration.objects.get(session=session, user=agent)
    # Another facilitator of another session, and an agent, cannot.
    stranger = helpers.make_agent()
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(stranger, registration, "present")
    assert refused.value.code == "forbidden"
    with pytest.raises(services.SessionError):
        services.mark_attendance(other, registration, "present")
    # The training department can.
    services.mark_attendance(demo_user("formation"), registration, "present")
    registration.refresh_from_db()
    assert registration.attendance == "present"


def test_nobody_marks_their_own_attendance(entry, demo_user):
    formation = demo_user("formation")
    session = helpers.make_session(entry, days=2)
    registration = services.register(formation, session)
    helpers.started_ago(session)
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(formation, registration, "present")
    assert refused.value.code == "own"


def test_bad_attendance_values_and_waiting_agents_are_refused(started, animateur):
    session, (agent, _other), _co = started
    registration = Registration.objects.get(session=session, user=agent)
    with pytest.raises(services.SessionError):
        services.mark_attendance(animateur, registration, "maybe")
    Registration.objects.filter(pk=registration.pk).update(status="waiting")
    registration.refresh_from_db()
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(animateur, registration, "present")
    assert refused.value.code == "not_registered"


def test_attendance_and_hosting_are_one_batch_of_the_store(started, animateur):
    """attended, completed and the facilitators' hosted: one save_statements call, so the store's receivers
    (progress, activity definitions) run once; withdrawing the attendance voids both in one batch too."""
    session, (agent, _other), _co = started
    registration = Registration.objects.get(session=session, user=agent)
    batches = []

    def on_batch(sender, statements, **kwargs):
        batches.append(sorted(s.verb_id for s in statements))

    statements_stored.connect(on_batch)
    try:
        services.mark_attendance(animateur, registration, "present")
        services.mark_attendance(animateur, registration, "absent")
    finally:
        statements_stored.disconnect(on_batch)
    assert batches == [sorted([ATTENDED, COMPLETED, HOSTED, HOSTED]), [VOIDED, VOIDED]]
