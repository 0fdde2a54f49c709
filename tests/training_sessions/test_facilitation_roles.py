"""Who may facilitate and manage a session: the facilitator role (or the training department), never a row alone.

The abuses tried: an editor makes themselves facilitator through the admin, a facilitation row for somebody
without the role, a person adding themselves, a facilitator removed and added again (a second `hosted`).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import can
from learning_records import events
from learning_records.models import Statement
from tests.training_sessions import helpers
from training_sessions import access, services
from training_sessions.models import Facilitation, Registration, Session

pytestmark = pytest.mark.django_db

HOSTED = "http://activitystrea.ms/schema/1.0/host"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"


def edit_url(session):
    return reverse("wagtailsnippets_training_sessions_session:edit", args=[session.pk])


@pytest.fixture
def session(entry, animateur, internal):
    return helpers.make_session(entry, days=6, facilitators=[(animateur, "lead", internal)])


def facilitation_rows(session):
    return sorted(Facilitation.objects.filter(session=session).values_list("user__username", "role"))


@pytest.mark.parametrize("username", ["redacteur", "moderateur"])
def test_editors_and_moderators_no_longer_edit_sessions(client_for, demo_user, session, animateur, internal, username):
    """An editor (or moderator) posts the session form with themselves as co-facilitator: refused, nothing saved."""
    editor = demo_user(username)
    client = client_for(username)
    before = facilitation_rows(session)
    assert client.get(reverse("wagtailsnippets_training_sessions_session:list")).status_code in (302, 403)
    assert client.get(edit_url(session)).status_code in (302, 403)
    data = helpers.session_form_data(
        session,
        [(animateur, "lead", internal, session.facilitations.get()), (editor, "co-facilitator", internal, None)],
    )
    response = client.post(edit_url(session), data)
    assert response.status_code in (302, 403)
    assert facilitation_rows(session) == before
    assert not editor.has_perm("training_sessions.change_session")
    assert not editor.has_perm("training_sessions.add_facilitation")


def test_nobody_adds_themselves_as_facilitator(client_for, demo_user, session, animateur, internal):
    formation = demo_user("formation")
    data = helpers.session_form_data(
        session,
        [(animateur, "lead", internal, session.facilitations.get()), (formation, "co-facilitator", internal, None)],
    )
    response = client_for("formation").post(edit_url(session), data)
    assert response.status_code == 200
    assert "Vous ne pouvez pas vous désigner vous-même comme animateur" in response.content.decode()
    assert facilitation_rows(session) == [("animateur", "lead")]


def test_only_people_who_may_facilitate_are_offered_and_accepted(client_for, session, animateur, internal):
    agent = helpers.make_agent()
    client = client_for("formation")
    form = client.get(edit_url(session)).content.decode()
    assert f'<option value="{animateur.pk}"' in form
    assert f'<option value="{agent.pk}"' not in form
    data = helpers.session_form_data(
        session,
        [(animateur, "lead", internal, session.facilitations.get()), (agent, "co-facilitator", internal, None)],
    )
    response = client.post(edit_url(session), data)
    assert response.status_code == 200
    assert "Seules les personnes ayant le rôle d’animateur" in response.content.decode()
    assert facilitation_rows(session) == [("animateur", "lead")]

    # A person with the facilitator role, added by the training department, is accepted.
    colleague = helpers.make_facilitator()
    data = helpers.session_form_data(
        session,
        [(animateur, "lead", internal, session.facilitations.get()), (colleague, "co-facilitator", internal, None)],
    )
    assert client.post(edit_url(session), data).status_code == 302
    assert facilitation_rows(session) == sorted([("animateur", "lead"), (colleague.username, "co-facilitator")])


def test_the_model_refuses_a_facilitator_without_the_role(session, internal):
    facilitation = Facilitation(
        session=session, user=helpers.make_agent(), role="co-facilitator", organisation=internal
    )
    with pytest.raises(ValidationError) as refused:
        facilitation.full_clean()
    assert "rôle d’animateur" in " ".join(refused.value.message_dict["user"])
    Facilitation(session=session, user=helpers.make_facilitator(), role="co-facilitator", organisation=internal).clean()


def test_a_facilitation_row_for_a_non_facilitator_gives_no_right(client, demo_user, entry, internal):
    """A row written behind the rules' back (older data, a script) lets its person manage nothing."""
    editor = helpers.make_agent()
    session = helpers.make_session(entry, days=2, facilitators=[(editor, "lead", internal)])
    agent = helpers.make_agent()
    registration = services.register(agent, session)
    helpers.started_ago(session)
    session = Session.objects.for_display().get(pk=session.pk)
    assert not access.can_manage_session(editor, session)
    assert not access.facilitated_sessions(editor).exists()

    client.force_login(editor)
    assert client.get(reverse("training_sessions:participants", args=[session.pk])).status_code == 403
    assert client.get(reverse("training_sessions:facilitator_home")).status_code == 403
    response = client.post(
        reverse("training_sessions:mark_attendance", args=[session.pk]),
        {"registration": registration.pk, "attendance": "present"},
    )
    assert response.status_code == 403
    with pytest.raises(services.SessionError) as refused:
        services.mark_attendance(editor, registration, "present")
    assert refused.value.code == "forbidden"
    registration.refresh_from_db()
    assert registration.attendance is None
    assert not Statement.objects.filter(verb_id__in=[ATTENDED, HOSTED], object_activity_id=session.xapi_activity_id)

    # Attendance marked by the training department writes no `hosted` for the person without the role.
    services.mark_attendance(demo_user("formation"), registration, "present")
    assert Statement.objects.filter(verb_id=ATTENDED, actor_account_name=agent.xapi_account_name).exists()
    assert not Statement.objects.filter(verb_id=HOSTED, actor_account_name=editor.xapi_account_name).exists()


def test_removing_and_adding_a_facilitator_again_writes_no_second_hosted(entry, animateur, internal):
    co = helpers.make_facilitator()
    session = helpers.make_session(
        entry, days=2, facilitators=[(animateur, "lead", internal), (co, "co-facilitator", internal)]
    )
    agents = [helpers.make_agent() for _ in range(2)]
    registrations = [services.register(agent, session) for agent in agents]
    helpers.started_ago(session)
    services.mark_attendance(animateur, registrations[0], "present")
    hosted = Statement.objects.filter(verb_id=HOSTED, object_activity_id=session.xapi_activity_id)
    assert sorted(hosted.values_list("actor_account_name", flat=True)) == sorted(
        [animateur.xapi_account_name, co.xapi_account_name]
    )

    # The co-facilitator is removed, then added again (a new row, as the admin's inline does), as lead.
    Facilitation.objects.filter(session=session, user=co).delete()
    Facilitation.objects.create(session=session, user=co, role="lead", organisation=internal, sort_order=3)
    services.mark_attendance(animateur, Registration.objects.get(pk=registrations[1].pk), "present")
    assert hosted.count() == 2
    assert hosted.filter(actor_account_name=co.xapi_account_name).count() == 1

    # The event itself is idempotent per (session, person), whatever the role.
    first = hosted.get(actor_account_name=co.xapi_account_name)
    assert events.hosted(co, session, "lead") == first
    assert hosted.count() == 2


def test_the_demo_facilitators_hold_the_role():
    users = {f.user for f in Facilitation.objects.select_related("user")}
    assert users and all(can(user, "facilitate") for user in users)
