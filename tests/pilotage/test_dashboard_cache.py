"""The dashboard's cached figures (pilotage.figures) are never stale: every change shows at the next request.

Each test renders the dashboard first (its figures are then cached), changes the data through the
application's own path (services, views, the admin) or, for time, moves the clock, and checks the very next
request. Then: the facilitators' own figures are never shared, bad filters create no cache entries, a warm
dashboard costs a few queries whatever the data, and the exports (never cached) follow every change.

Fixed data set: tests/pilotage/dataset.py (2021, "now" = 1 October 2021).
"""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import fragments
from core.models import Directorate, Location
from fiches.models import FichePage
from pilotage.models import TrainerProfile
from practices import services as practices
from tests.pilotage.dataset import PARIS, PERIOD, build
from tests.pilotage.spreadsheets import read_csv
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Facilitation, Registration, Session

pytestmark = pytest.mark.django_db

DASHBOARD = "/pilotage/"
QUERY = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}


@pytest.fixture
def staff(client_for):
    return client_for("formation")


def page(client, params=QUERY):
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def kpi(html, name):
    return re.search(rf'data-kpi="{name}">([^<]*)<', html).group(1)


def marked(html, attribute, value):
    """The figure of the cell marked `attribute="value"` (data-pipeline, data-rating, data-obstacle…)."""
    found = re.search(rf'{attribute}="{re.escape(str(value))}">([^<]*)<', html)
    return found.group(1) if found else None


def directorate_row(html, acronym):
    """(attendances, different agents) of a directorate in « Participants by directorate »."""
    found = re.search(rf">{acronym}</abbr></th><td>(\d+)</td><td>(\d+)</td>", html)
    return (int(found.group(1)), int(found.group(2))) if found else None


def test_the_figures_are_cached(staff, data):
    page(staff)
    with CaptureQueriesContext(connection) as first:
        html = page(staff)
    Registration.objects.filter(session=data.sessions["S4"], user=data.users["a3"]).update(status="cancelled")
    # The application never writes registrations without signals: such an update bypasses the generations, and
    # the page still shows the figures it cached (which the tests below rely on to mean anything).
    assert kpi(page(staff), "registrations") == kpi(html, "registrations") == "11"
    assert len(first) < 10


# --- Registrations, attendance, evaluations --------------------------------------------------------------


def newcomer(data):
    """An agent who attended module A (a session of 1 September 2021, in the period): free to join S4."""
    agent = helpers.make_agent()
    helpers.attended(agent, data.modules[0])
    return agent


def test_a_registration_and_its_cancellation_show_at_once(staff, data):
    newcomer_ = newcomer(data)
    html = page(staff)
    assert (kpi(html, "waiting"), kpi(html, "waiting_pressure")) == ("3", "40,0 %")
    services.register(newcomer_, data.sessions["S4"])  # the waiting list is not empty: waiting
    html = page(staff)
    assert (kpi(html, "waiting"), kpi(html, "waiting_pressure")) == ("4", "60,0 %")

    services.cancel_registration(newcomer_, data.sessions["S4"])
    html = page(staff)
    assert (kpi(html, "waiting"), kpi(html, "waiting_pressure")) == ("3", "40,0 %")

    services.cancel_registration(data.users["a3"], data.sessions["S4"])  # a5 and a2 get the free places
    html = page(staff)
    # 11 places of the data set, the newcomer's attended session, then a3 leaves S4 and a5 and a2 join it.
    assert (kpi(html, "registrations"), kpi(html, "waiting"), kpi(html, "waiting_pressure")) == ("13", "1", "0,0 %")
    assert "3 inscriptions annulées" in html  # a4 at S1, then the newcomer and a3 at S4


def test_attendance_and_an_evaluation_show_at_once(staff, demo_user, data):
    html = page(staff)
    assert (kpi(html, "unmarked"), kpi(html, "attendance_rate")) == ("1", "75,0 %")
    registration = Registration.objects.get(session=data.sessions["S2"], user=data.users["a6"])
    services.mark_attendance(demo_user("formation"), registration, "present")
    html = page(staff)
    assert (kpi(html, "unmarked"), kpi(html, "attendance_rate")) == ("0", "77,8 %")  # 7 / 9
    assert marked(html, "data-rating", 1) == "0"

    services.save_evaluation(data.users["a6"], data.sessions["S2"], overall=1, content=1, facilitation=1, usefulness=1)
    html = page(staff)
    assert marked(html, "data-rating", 1) == "1"
    assert "Note globale moyenne : 3,43 / 5 (7 réponses)." in html  # (5 + 4 + 3 + 5 + 4 + 2 + 1) / 7


# --- Sessions ------------------------------------------------------------------------------------------


def test_a_session_created_edited_in_the_admin_and_cancelled_shows_at_once(staff, data):
    html = page(staff)
    assert (kpi(html, "held"), kpi(html, "planned")) == ("3", "1")
    module_a = data.modules[0]
    created = Session.objects.create(
        module=module_a, location=data.sites["north"], start=datetime(2021, 7, 1, 9, 30, tzinfo=PARIS),
        end=datetime(2021, 7, 1, 11, tzinfo=PARIS), capacity=8,
    )  # fmt: skip
    assert kpi(page(staff), "held") == "4"

    # The training department raises the planned session's capacity in the admin: 2 waiting / 10 places.
    session = data.sessions["S4"]
    url = reverse("wagtailsnippets_training_sessions_session:edit", args=[session.pk])
    facilitation = session.facilitations.get()
    form = helpers.session_form_data(
        session, [(facilitation.user, facilitation.role, facilitation.organisation, facilitation)], capacity=10
    )
    response = staff.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = page(staff)
    expected = Registration.objects.filter(session=session, status="waiting").count() * 10  # percent of 10 places
    assert kpi(html, "waiting_pressure") == f"{expected},0 %"

    services.cancel_session(created)
    html = page(staff)
    assert (kpi(html, "held"), kpi(html, "planned")) == ("3", "1")
    assert "2 sessions annulées" in html

    services.cancel_session(session)
    html = page(staff)
    assert (kpi(html, "held"), kpi(html, "planned"), kpi(html, "waiting_pressure")) == ("3", "0", "–")


def test_a_new_facilitator_changes_the_facilitation_mix_at_once(staff, data):
    html = page(staff)
    q1 = re.search(r'<th scope="row">T1 2021</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', html).groups()
    assert q1 == ("1", "0", "0")  # S1: external only
    internal = data.sessions["S2"].facilitations.get(role="co-facilitator").organisation
    Facilitation.objects.create(
        session=data.sessions["S1"], user=data.users["int1"], role="co-facilitator", organisation=internal
    )
    html = page(staff)
    q1 = re.search(r'<th scope="row">T1 2021</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', html).groups()
    assert q1 == ("0", "1", "0")  # now mixed


# --- Time -----------------------------------------------------------------------------------------------


def test_a_planned_session_counts_as_held_from_its_start(client, demo_user, data):
    start = data.sessions["S4"].start
    with time_machine.travel(start - timedelta(minutes=1), tick=False):
        client.force_login(demo_user("formation"))
        html = page(client)
        assert (kpi(html, "held"), kpi(html, "planned"), kpi(html, "unmarked")) == ("3", "1", "1")
    with time_machine.travel(start, tick=False):
        html = page(client)
        # S4 is held: its two registered agents are not marked yet; nobody waits for a planned session.
        assert (kpi(html, "held"), kpi(html, "planned"), kpi(html, "unmarked")) == ("4", "0", "3")
        assert kpi(html, "waiting_pressure") == "–"


def test_the_forecast_reads_the_quarters_started_by_today(client, demo_user, data):
    with time_machine.travel(datetime(2021, 9, 30, 23, 59, tzinfo=PARIS), tick=False):
        client.force_login(demo_user("formation"))
        assert "Toutes les sessions du T3 2021 sont animées" in page(client)
    with time_machine.travel(datetime(2021, 10, 1, 0, 0, tzinfo=PARIS), tick=False):
        assert "Toutes les sessions du T4 2021 sont animées" in page(client)  # S4 (Q4) is internal too


def test_the_default_period_follows_the_day(client, demo_user, data):
    """Without filters, the period ends 90 days after today: a session on that day enters when it comes."""
    with time_machine.travel(datetime(2021, 10, 1, 20, 0, tzinfo=PARIS), tick=False):
        client.force_login(demo_user("formation"))
        planned = kpi(page(client, {}), "planned")
        Session.objects.create(
            module=data.modules[0], location=data.sites["south"], start=datetime(2021, 12, 31, 9, 30, tzinfo=PARIS),
            end=datetime(2021, 12, 31, 11, tzinfo=PARIS), capacity=8,
        )  # fmt: skip
        assert kpi(page(client, {}), "planned") == planned  # 30 December is the last day
    with time_machine.travel(datetime(2021, 10, 2, 0, 0, 1, tzinfo=PARIS), tick=False):
        assert kpi(page(client, {}), "planned") == str(int(planned) + 1)


# --- Practices and follow-ups ----------------------------------------------------------------------------


def test_a_declared_use_shows_at_once(staff, data):
    html = page(staff)
    assert marked(html, "data-practice-kpi", "uses") == "0"
    fiche = FichePage.objects.live().filter(related_module=data.modules[0]).order_by("title").first()
    practices.declare(
        data.users["a1"], fiche, used_on=date(2021, 3, 5), team_size="6-12", audience="own_team",
        setting="workshop", rating=4,
    )  # fmt: skip
    html = page(staff)
    assert marked(html, "data-practice-kpi", "uses") == "1"
    assert marked(html, "data-fiche-uses", fiche.title) == "1"


def test_a_follow_up_answer_shows_at_once(staff, data):
    html = page(staff)
    assert marked(html, "data-obstacle", "time") is None  # no answer yet: no obstacle table
    attended = data.sessions["S1"].end
    practices.answer_follow_up(
        data.users["a1"], data.modules[0], frequency="regularly", obstacles=["time"], now=attended + timedelta(days=61)
    )
    html = page(staff)
    assert marked(html, "data-obstacle", "time") == "1"
    assert marked(html, "data-reuse-share", data.modules[0].title) == "100,0 %"


# --- Trainers and agents ---------------------------------------------------------------------------------


def test_a_nomination_a_status_change_and_a_promotion_show_at_once(staff, demo_user, data):
    html = page(staff)
    in_training, lead = int(marked(html, "data-pipeline", "in_training")), int(marked(html, "data-pipeline", "lead"))
    staff.post(reverse("pilotage:trainers"), {"agent": "t-int1", "status": "in_training"})
    html = page(staff)
    assert int(marked(html, "data-pipeline", "in_training")) == in_training + 1

    profile = TrainerProfile.objects.get(user=data.users["int1"])
    staff.post(reverse("pilotage:trainer_status", args=[profile.pk]), {"status": "lead"})
    html = page(staff)
    assert int(marked(html, "data-pipeline", "in_training")) == in_training
    assert int(marked(html, "data-pipeline", "lead")) == lead + 1

    # A step confirmed in the trainers' queue: the demo's co-facilitator has met the rule of her step.
    co, supervised = (
        int(marked(html, "data-pipeline", "co_facilitator")),
        int(marked(html, "data-pipeline", "supervised_lead")),
    )
    julie = demo_user("mi.julie").trainer_profile
    assert staff.post(f"/devenir-formateur/formateurs/{julie.pk}/etape-suivante/").status_code == 302
    html = page(staff)
    assert int(marked(html, "data-pipeline", "co_facilitator")) == co - 1
    assert int(marked(html, "data-pipeline", "supervised_lead")) == supervised + 1


def test_an_agent_changing_directorate_and_a_renamed_directorate_show_at_once(staff, data):
    html = page(staff)
    assert directorate_row(html, "TSTA") == (3, 2)
    a6 = data.users["a6"]  # present at S3, no directorate
    a6.directorate = Directorate.objects.get(acronym="TSTA")
    a6.save()
    assert directorate_row(page(staff), "TSTA") == (4, 3)

    tsta = Directorate.objects.get(acronym="TSTA")
    tsta.acronym = "TSTZ"
    tsta.save()
    html = page(staff)
    assert directorate_row(html, "TSTA") is None and directorate_row(html, "TSTZ") == (4, 3)


# --- Scopes, filters, queries, exports -------------------------------------------------------------------


def test_each_facilitator_sees_their_own_figures_never_anothers(client, staff, data):
    assert kpi(page(staff), "held") == "3"
    for key, held, planned in (("int2", "1", "1"), ("int1", "2", "0"), ("ext", "2", "0")):
        client.force_login(data.users[key])
        html = page(client)
        assert (kpi(html, "held"), kpi(html, "planned")) == (held, planned), key
        assert 'data-pipeline="lead"' not in html and "diffusion-des-pratiques" not in html
    client.force_login(data.users["int2"])
    TrainerProfile.objects.create(user=data.users["int2"], status="lead")  # the link to their record is live
    profile = TrainerProfile.objects.get(user=data.users["int2"])
    assert reverse("pilotage:trainer", args=[profile.pk]) in page(client)


def test_the_filters_offer_a_new_site_and_a_renamed_module_at_once(staff, data):
    html = page(staff, QUERY | {"module": data.modules[1].pk})
    assert f'<option value="{data.modules[1].pk}" selected>{data.modules[1].title}</option>' in html
    Location.objects.create(name="Site tout neuf", city="Brest")
    module = data.modules[1]
    module.title = "Module au titre tout neuf"
    module.save_revision().publish()
    html = page(staff, QUERY | {"module": module.pk})
    assert ">Site tout neuf</option>" in html
    assert f'<option value="{module.pk}" selected>Module au titre tout neuf</option>' in html
    figures = html.split('id="activite"')[1]
    assert '<th scope="row">Module au titre tout neuf</th>' in figures  # satisfaction by module


def test_a_migration_renews_every_generation(data):
    """A data migration writes without signals: after `migrate`, no fragment built before it is served."""
    before = fragments.generations()
    post_migrate.send(sender=apps.get_app_config("pilotage"), app_config=apps.get_app_config("pilotage"))
    after = fragments.generations()
    assert all(after[kind] != before[kind] for kind in fragments.KINDS)


def test_bad_or_unknown_filters_add_nothing_to_the_cache(staff, data):
    page(staff, {})  # the default period: cached
    before = len(fragments.local_fragments.items)
    for params in (
        {"module": "abc"},
        {"module": "999999"},
        {"site": "-1"},
        {"date_from": "2021-13-01"},
        {"date_from": "2021-12-31", "date_to": "2021-01-01"},
        {"date_from": "1900-01-01", "date_to": "2100-01-01"},
        {"utm": "anything", "page": "2"},
    ):
        response = staff.get(DASHBOARD, params)
        assert response.status_code in (200, 400), params
    assert len(fragments.local_fragments.items) == before


def count_queries(client, params=QUERY):
    with CaptureQueriesContext(connection) as queries:
        page(client, params)
    return len(queries)


def test_a_warm_dashboard_costs_a_few_queries_whatever_the_data(staff, data, django_assert_max_num_queries):
    page(staff)
    warm = count_queries(staff)
    assert warm <= 5  # session, user, site, the header's profile; the figures and the filters' choices are cached
    build(prefix="u")  # twice the sessions, registrations, evaluations and facilitators
    build(prefix="v")
    page(staff)  # the data changed: this request rebuilds the figures
    assert count_queries(staff) == warm


def test_an_agent_signing_in_does_not_rebuild_the_figures(staff, demo_user, data):
    """A sign-in saves only the account's last_login, which no fragment shows: the generations stay."""
    page(staff)
    warm = count_queries(staff)
    Client().force_login(demo_user("agent"))
    assert count_queries(staff) == warm
    agent = demo_user("agent2")
    agent.first_name = "Renommée"
    agent.save()  # any other change of an account does rebuild them (a facilitator's name is shown)
    assert count_queries(staff) > warm


def test_the_exports_follow_every_change_at_once(staff, data):
    url = reverse("pilotage:export", args=["inscriptions", "csv"])
    agent = newcomer(data)
    page(staff)
    before = read_csv(staff.get(url, QUERY))
    services.register(agent, data.sessions["S4"])
    after = read_csv(staff.get(url, QUERY))
    assert len(after) == len(before) + 1 and agent.username in [row[5] for row in after]
    assert kpi(page(staff), "waiting") == "4"
