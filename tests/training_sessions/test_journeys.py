"""Rules shown before the click: the session page gives the reason (and the sessions that solve it) in place of
the button, the same rules refuse the POST; cancelling a place that later registrations count on is refused;
the cancellation asks for confirmation; the lists are filtered and paginated."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from home.models import HomePage
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_of(client, session):
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def card_footer(html):
    return html[html.index('class="fr-card__footer"') :]


# --- Registration: the reason in place of the button -----------------------------------------------------------


def test_a_later_module_shows_the_reason_and_the_entry_session_with_places_first(entry, later_session):
    full = helpers.make_session(entry, days=5, capacity=1)
    services.register(helpers.make_agent(), full)
    with_places = helpers.make_session(entry, days=7)
    agent = helpers.make_agent()
    html = page_of(signed_in(agent), later_session)
    footer = card_footer(html)
    assert "S’inscrire" not in footer and "Rejoindre la liste d’attente" not in footer
    assert 'id="registration-refusal"' in html and "vous devez d’abord avoir suivi" in html
    refusal = html[html.index('id="registration-refusal"') :]
    links = re.findall(r'href="/sessions/(\d+)/"', refusal[: refusal.index("</div>")])
    # The entry module's next session with places comes before the full one (waiting list only).
    assert str(with_places.pk) in links and str(full.pk) in links
    assert links.index(str(with_places.pk)) < links.index(str(full.pk))
    # The POST gives the same reason (one rule).
    response = signed_in(agent).post(f"/sessions/{later_session.pk}/inscription/")
    assert response.status_code == 409
    assert services.registration_refusal(agent, later_session).code == "prerequisites"


def test_another_session_of_the_same_module_says_where_the_agent_is_registered(entry, entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    other = helpers.make_session(entry, days=15)
    html = page_of(signed_in(agent), other)
    assert "S’inscrire" not in card_footer(html)
    refusal = html[html.index('id="registration-refusal"') :]
    assert "déjà inscrit à une autre session de ce module" in refusal
    assert f'href="/sessions/{entry_session.pk}/"' in refusal


def test_an_overlapping_session_says_which_one(entry, entry_session, later):
    agent = helpers.make_agent()
    helpers.attended(agent, entry)
    first = helpers.make_session(later, days=12, hours=9)
    services.register(agent, first)
    other_module = helpers.later_module()
    overlapping = helpers.make_session(other_module, days=12, hours=10)
    html = page_of(signed_in(agent), overlapping)
    assert "S’inscrire" not in card_footer(html)
    refusal = html[html.index('id="registration-refusal"') :]
    assert "chevauche" in refusal and f'href="/sessions/{first.pk}/"' in refusal


def test_a_session_past_its_deadline_says_so_instead_of_the_button(entry):
    from django.utils import timezone

    session = helpers.make_session(entry, days=2)
    Session.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - timedelta(hours=1))
    html = page_of(signed_in(helpers.make_agent()), session)
    assert "S’inscrire" not in card_footer(html)
    assert "closes depuis le" in html[html.index('id="registration-refusal"') :]


def test_an_open_session_still_offers_the_button(entry_session):
    html = page_of(signed_in(helpers.make_agent()), entry_session)
    assert "S’inscrire" in card_footer(html) and 'id="registration-refusal"' not in html


# --- Cancelling a place that later registrations count on -------------------------------------------------------


def test_the_entry_registration_cannot_be_cancelled_while_a_later_one_depends_on_it(
    entry_session, later_session, on_commit
):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    services.register(agent, later_session)
    client = signed_in(agent)

    html = page_of(client, entry_session)
    assert 'id="cancel-registration-button"' not in html
    refusal = html[html.index('id="cancellation-refusal"') :]
    assert later_session.module.title in refusal and f'href="/sessions/{later_session.pk}/"' in refusal

    response = client.post(f"/sessions/{entry_session.pk}/desinscription/")
    assert response.status_code == 409
    assert Registration.objects.get(user=agent, session=entry_session).status == "registered"
    with pytest.raises(services.SessionError) as refused:
        services.cancel_registration(agent, entry_session)
    assert refused.value.code == "dependants" and refused.value.suggestions == [later_session]

    # Cancelling the later registration first frees the entry one.
    with on_commit():
        services.cancel_registration(agent, later_session)
        services.cancel_registration(agent, entry_session)
    assert Registration.objects.get(user=agent, session=entry_session).status == "cancelled"


def test_a_waiting_list_place_of_a_later_module_depends_on_the_entry_place_too(entry_session, later):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    full = helpers.make_session(later, days=25, capacity=1)
    other = helpers.make_agent()
    helpers.attended(other, entry_session.module)
    services.register(other, full)
    assert services.register(agent, full).status == "waiting"
    assert [r.session for r in services.dependent_registrations(agent, entry_session)] == [full]
    assert services.cancellation_refusal(agent, entry_session).code == "dependants"


def test_nothing_depends_on_the_entry_place_once_the_module_is_completed(entry, entry_session, later_session):
    agent = helpers.make_agent()
    helpers.attended(agent, entry, days=-40)
    services.register(agent, later_session)
    Registration.objects.create(session=entry_session, user=agent, status="registered")
    assert services.dependent_registrations(agent, entry_session) == []
    assert services.cancellation_refusal(agent, entry_session) is None


# --- Cancellation asks for confirmation; the calendar only for sessions to come ---------------------------------


def test_cancelling_asks_for_confirmation_in_a_modal_with_its_own_weight(entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    html = page_of(signed_in(agent), entry_session)
    button = re.search(r'<button[^>]*id="cancel-registration-button"[^>]*>', html).group(0)
    assert 'type="button"' in button and 'aria-controls="cancel-registration-modal"' in button
    calendar = re.search(r"<a[^>]*calendrier\.ics[^>]*>", html).group(0)
    weight = re.compile(r"fr-btn--(secondary|tertiary(-no-outline)?)\b")
    assert weight.search(button).group(0) != weight.search(calendar).group(0)
    # The only form that cancels is inside the confirmation dialog.
    dialog = re.search(r'<dialog[^>]*id="cancel-registration-modal".*?</dialog>', html, re.S).group(0)
    assert f'action="/sessions/{entry_session.pk}/desinscription/"' in dialog
    assert html.count("/desinscription/") == 1
    assert "Oui, annuler mon inscription" in dialog and "Non, garder ma place" in dialog


def test_a_past_session_offers_no_calendar_file(entry_session):
    agent = helpers.make_agent()
    services.register(agent, entry_session)
    client = signed_in(agent)
    assert "Ajouter à mon agenda" in page_of(client, entry_session)
    helpers.move_start(entry_session, -timedelta(days=12))
    html = page_of(client, entry_session)
    assert "Ajouter à mon agenda" not in html and "cancel-registration-button" not in html


# --- Home page and /sessions/ -----------------------------------------------------------------------------------


def test_the_home_page_lists_the_entry_sessions_with_places_first(entry, later):
    Session.objects.upcoming().update(status=Session.Status.CANCELLED)
    full_entry = helpers.make_session(entry, days=1, capacity=1)
    services.register(helpers.make_agent(), full_entry)
    other = helpers.make_session(later, days=2)
    open_entry = helpers.make_session(entry, days=3)
    html = signed_in(helpers.make_agent()).get(HomePage.objects.first().url).content.decode()
    section = html[html.index('id="upcoming-sessions-title"') :]
    order = [int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', section)]
    assert order[:3] == [open_entry.pk, other.pk, full_entry.pk]


def test_the_session_list_filters_by_module_site_and_month(entry, later, agent_client):
    from core.models import Location

    lyon = Location.objects.exclude(pk=helpers.site().pk).filter(is_remote=False).first()
    in_paris = helpers.make_session(entry, days=30)
    in_lyon = helpers.make_session(entry, days=31, location=lyon)
    of_later = helpers.make_session(later, days=32)
    html = agent_client.get("/sessions/").content.decode()
    for name in ("module", "site", "month"):
        assert f'name="{name}"' in html
    listed = lambda response: {int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', response.content.decode())}  # noqa: E731
    by_module = agent_client.get("/sessions/", {"module": later.pk})
    assert of_later.pk in listed(by_module) and in_paris.pk not in listed(by_module)
    by_site = agent_client.get("/sessions/", {"site": lyon.pk, "module": entry.pk})
    assert in_lyon.pk in listed(by_site) and in_paris.pk not in listed(by_site)
    month = in_paris.local_start.strftime("%Y-%m")
    by_month = agent_client.get("/sessions/", {"month": month, "module": entry.pk})
    assert all(
        Session.objects.get(pk=pk).local_start.strftime("%Y-%m") == month for pk in listed(by_month)
    ) and in_paris.pk in listed(by_month)


@pytest.mark.parametrize("query", [{"module": "abc"}, {"site": "999999"}, {"month": "2020-01"}, {"month": "x"}])
def test_bad_filters_answer_a_french_error(agent_client, query):
    response = agent_client.get("/sessions/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Certains filtres ne sont pas valides" in html and "fr-select-group--error" in html


def test_the_session_list_is_paginated(entry, agent_client):
    from training_sessions.views import SESSIONS_PER_PAGE

    for i in range(SESSIONS_PER_PAGE + 1):
        helpers.make_session(entry, days=40 + i)
    total = Session.objects.upcoming().count()
    first = agent_client.get("/sessions/")
    assert len(first.context["sessions"]) == SESSIONS_PER_PAGE
    assert 'class="fr-pagination' in first.content.decode()
    last = agent_client.get("/sessions/", {"page": 999})
    assert len(last.context["sessions"]) == total - SESSIONS_PER_PAGE * (last.context["page_obj"].number - 1)
    kept = agent_client.get("/sessions/", {"module": entry.pk, "page": 2}).content.decode()
    assert f"?module={entry.pk}&amp;page=1" in kept  # the filters are kept from page to page


def test_my_facilitations_are_paginated(entry, animateur, internal):
    from training_sessions.views import FACILITATIONS_PER_PAGE

    for i in range(FACILITATIONS_PER_PAGE + 1):
        helpers.make_session(entry, days=50 + i, facilitators=[(animateur, "lead", internal)])
        helpers.make_session(entry, days=-50 - i, facilitators=[(animateur, "lead", internal)])
    client = signed_in(animateur)
    response = client.get("/sessions/animation/")
    assert len(response.context["upcoming"].object_list) == FACILITATIONS_PER_PAGE
    assert len(response.context["past"].object_list) == FACILITATIONS_PER_PAGE
    html = response.content.decode()
    assert "a_venir=2#a-venir" in html and "passees=2#passees" in html
    second = client.get("/sessions/animation/", {"a_venir": 2, "passees": 1})
    assert second.context["upcoming"].number == 2 and second.context["past"].number == 1


@pytest.mark.parametrize("url", ["/sessions/?page=2", "/sessions/animation/?a_venir=2&passees=2"])
def test_paginated_lists_run_a_bounded_number_of_queries(
    url, entry, animateur, internal, django_assert_max_num_queries
):
    for i in range(25):
        helpers.make_session(entry, days=60 + i, facilitators=[(animateur, "lead", internal)])
        helpers.make_session(entry, days=-60 - i, facilitators=[(animateur, "lead", internal)])
    client = signed_in(animateur)
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for i in range(25):
        helpers.make_session(entry, days=90 + i, facilitators=[(animateur, "lead", internal)])
        helpers.make_session(entry, days=-90 - i, facilitators=[(animateur, "lead", internal)])
    budget = len(few.captured_queries)
    client.get(url)  # the data changed: the first request rebuilds the cached fragments
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
