"""Mon parcours keeps what is the same for every agent in the fragment cache (core/fragments.py): the badges'
definitions, the open sessions of a module behind the next action, the path form's HTML for a set of chosen
modules. Each test renders the page first (the fragments are then built), changes the data through the
application's own path and checks the very next request."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from progress.models import Badge
from tests.progress.helpers import attend, entry_module, make_session, make_user, other_modules
from training_sessions import services as session_services

pytestmark = pytest.mark.django_db


def page(client):
    response = client.get("/mon-parcours/")
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def to_earn(html):
    section = html[html.index('id="badges-to-earn"') :]
    return section[: section.index("</ul>")]


def test_an_edited_badge_shows_at_once(newcomer, client):
    attend(newcomer, make_session(entry_module(), days=-5))
    second, third = other_modules()[:2]
    badge = Badge.objects.get(name=f"Module {second.title}")
    assert f"Suivez le module « {escape(second.title)} »." in to_earn(page(client))

    badge.name = "Un nom tout neuf"
    badge.save()
    section = to_earn(page(client))
    assert "Un nom tout neuf" in section and f"Module {escape(second.title)}<" not in section

    badge.modules = [second, third]  # modelcluster writes the list after the badge's own save
    badge.save()
    assert f"Suivez les modules « {escape(second.title)} », « {escape(third.title)} »." in to_earn(page(client))

    badge.active = False
    badge.save()
    assert "Un nom tout neuf" not in to_earn(page(client))


def test_a_new_and_a_deleted_badge_show_at_once(newcomer, client):
    template = Badge.objects.get(name="PassInnov")
    page(client)
    created = Badge.objects.create(
        name="Badge créé à l’instant",
        description="Pour le test.",
        criteria="Pour le test.",
        image=template.image,
        rule=Badge.Rule.ENTRY_PLUS,
        count=1,
    )
    assert "Badge créé à l’instant" in to_earn(page(client))
    created.delete()
    assert "Badge créé à l’instant" not in to_earn(page(client))


def places_in_action(html):
    callout = html[html.index('id="next-action"') :]
    return re.search(r"\(places restantes\W+(\d+)\)", callout[: callout.index("</div>")]).group(1)


def test_the_next_action_follows_registrations_and_time(newcomer, client):
    session = next(s for s in session_services.next_sessions_of([entry_module()], limit=10) if s.places_left > 1)
    html = page(client)
    assert f'href="/sessions/{session.pk}/"' in html
    places = int(places_in_action(html))

    session_services.register(make_user("quelquun"), session)
    html = page(client)
    assert f'href="/sessions/{session.pk}/"' in html and int(places_in_action(html)) == places - 1

    with time_machine.travel(session.start + timedelta(minutes=1)):
        client.force_login(newcomer)
        assert f'href="/sessions/{session.pk}/"' not in page(client)  # it started: another one is proposed


def checked(html):
    form = html[html.index('id="choisir"') :]
    form = form[: form.index("</form>")]
    return {int(value) for value in re.findall(r'value="(\d+)"[^>]*checked', form)}


def test_the_path_form_shows_each_agent_their_own_choice(newcomer, client):
    first, second = other_modules()[:2]
    assert checked(page(client)) == set()
    client.post("/mon-parcours/", {"modules": [first.pk, second.pk]})
    assert checked(page(client)) == {first.pk, second.pk}
    client.post("/mon-parcours/", {"modules": [second.pk]})
    assert checked(page(client)) == {second.pk}

    client.force_login(make_user("autre"))
    assert checked(page(client)) == set()
    client.post("/mon-parcours/", {"modules": [first.pk]})
    assert checked(page(client)) == {first.pk}


def test_a_renamed_module_shows_at_once_in_the_path_form_and_the_steps(newcomer, client):
    module = other_modules()[0]
    page(client)
    module.title = "Un module renommé"
    module.save_revision().publish()
    html = page(client)
    form = html[html.index('id="choisir"') :]
    assert "Un module renommé" in form[: form.index("</form>")]
    steps = html[html.index('id="steps"') :]
    assert "Un module renommé" in steps[: steps.index("</ol>")]


def test_steps_and_attestations_are_each_agents_own(newcomer, client):
    """« Where I stand » and « My attestations » are cached by the steps' states and the completed modules:
    two agents at different points each see their own, and an agent sees a new state at once."""
    entry = entry_module()
    attend(newcomer, make_session(entry, days=-5))
    html = page(client)
    assert f"/mon-parcours/attestations/modules/{entry.pk}.pdf" in html
    assert 'data-status="completed"' in html[html.index('id="steps"') :]

    other = make_user("autre")
    client.force_login(other)
    html = page(client)
    assert f"/mon-parcours/attestations/modules/{entry.pk}.pdf" not in html
    assert 'data-status="completed"' not in html[html.index('id="steps"') :]

    attend(other, make_session(entry, days=-4))
    html = page(client)
    assert f"/mon-parcours/attestations/modules/{entry.pk}.pdf" in html
    assert 'data-status="completed"' in html[html.index('id="steps"') :]


def test_a_nomination_and_its_withdrawal_show_at_once(newcomer, client, demo_user):
    """Whether the agent is on the trainer path is cached per account (trainers.access.is_trainee): a
    nomination, then its deletion, change the page at once."""
    from pilotage import services as pilotage_services
    from pilotage.models import TrainerProfile

    assert "Mon parcours de formateur" not in page(client)
    profile = pilotage_services.nominate(newcomer, TrainerProfile.Status.IN_TRAINING, by=demo_user("formation"))
    assert "Mon parcours de formateur" in page(client)
    profile.delete()
    assert "Mon parcours de formateur" not in page(client)


def upcoming_item(html, session):
    section = html[html.index('id="upcoming-title"') :]
    item = section[section.index(f'href="/sessions/{session.pk}/"') :]
    return item[: item.index("</li>")]


def test_each_upcoming_session_shows_the_agents_own_place_and_the_sessions_changes_at_once(newcomer, client):
    """A line of « My upcoming sessions » is cached per session and state of the place: a waiting agent and a
    registered one see their own state, and a moved session shows its new date at once."""
    from training_sessions.models import Registration

    session = make_session(other_modules()[0], days=9, capacity=1)
    Registration.objects.create(session=session, user=newcomer, status=Registration.Status.REGISTERED)
    assert "liste d’attente" not in upcoming_item(page(client), session)

    waiting = make_user("en-attente")
    Registration.objects.create(session=session, user=waiting, status=Registration.Status.WAITING)
    client.force_login(waiting)
    assert "liste d’attente" in upcoming_item(page(client), session)

    session.start += timedelta(days=1)
    session.end += timedelta(days=1)
    session.save()
    assert timezone.localtime(session.start).date().isoformat() in upcoming_item(page(client), session)
    client.force_login(newcomer)
    item = upcoming_item(page(client), session)
    assert "liste d’attente" not in item and timezone.localtime(session.start).date().isoformat() in item
