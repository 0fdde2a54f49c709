"""The statements the application writes are stored in the caller's transaction (learning_records.events)."""

import threading
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fiches.models import FichePage
from home.demo import get_or_create_home
from home.models import HomePage
from learning_records import events
from learning_records import statements as xs
from learning_records.models import Statement
from learning_records.validation import validate_statement
from learning_records.wagtail_hooks import record_page_view
from parcours.models import ModulePage, ParcoursPage
from tests.learning_records.xapi_objects import make_badge
from training_sessions.models import Session

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture
def module():
    """A published module page (the demo may not have one yet: create it under the path page)."""
    home = HomePage.objects.first()
    parcours = ParcoursPage.objects.first()
    if parcours is None:
        parcours = home.add_child(instance=ParcoursPage(title="Le parcours", slug="parcours-test-events"))
    entry_exists = ModulePage.objects.filter(is_entry_module=True).exists()
    return parcours.add_child(
        instance=ModulePage(
            title="Créativité (test)", slug=f"creativite-{uuid.uuid4().hex[:8]}", is_entry_module=not entry_exists
        )
    )


@pytest.fixture
def session(module):
    start = (timezone.now() - timedelta(days=3)).replace(microsecond=0)
    return Session.objects.create(
        module=module,
        start=start,
        end=start + timedelta(minutes=90),
        remote_url="https://visio.example.gouv.fr/passinnov",
        capacity=12,
    )


@pytest.fixture
def facilitator(demo_user):
    return demo_user("animateur")


def test_every_event_stores_a_valid_trusted_statement(agent, facilitator, module, session):
    registration = uuid.uuid4()
    stored = {
        "registered": events.registered(agent, session, registration),
        "unregistered": events.unregistered(agent, session, registration),
        "attended": events.attended(agent, session, registration, instructor=facilitator),
        "completed": events.completed(agent, module, registration),
        "rated": events.rated(agent, session, registration, 5, {"content": 4, "facilitation": 5}),
        "viewed": events.viewed(agent, module),
        "earned": events.earned(agent, make_badge(), "http://testserver/badges/assertions/1"),
        "hosted": events.hosted(facilitator, session, "co-facilitator"),
    }
    for key, statement in stored.items():
        assert isinstance(statement, Statement), key
        validate_statement(statement.data)  # raises StatementError when a rule of xAPI 1.0.3 is broken
        assert statement.verb_id == xs.VERBS[key][0]
        assert statement.trusted, "statements written by the server are trusted"
        assert statement.data["stored"] and statement.data["authority"]
        assert Statement.objects.filter(pk=statement.pk).exists()
    assert stored["registered"].actor_account_name == agent.xapi_account_name
    assert stored["registered"].registration == registration
    assert stored["registered"].object_activity_id == session.xapi_activity_id
    assert stored["hosted"].actor_account_name == facilitator.xapi_account_name
    assert stored["completed"].object_activity_id == module.xapi_activity_id
    assert stored["attended"].data["context"]["instructor"]["account"]["name"] == facilitator.xapi_account_name
    assert stored["attended"].data["result"]["duration"] == "PT1H30M"
    parent = stored["registered"].data["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parent] == [module.xapi_activity_id]


def test_self_declarations_are_stored_untrusted_with_the_agent_as_authority(agent, module):
    from progress.models import Progress

    fiche = FichePage.objects.live().first()
    before = set(Progress.objects.filter(user=agent).values_list("module_id", "status"))
    stored = {
        "used": events.used(
            agent, fiche, date(2026, 11, 20), rating=4, team_size="6-12", setting="meeting", audience="own_team",
            module=module,
        ),
        "answered": events.answered(agent, module, frequency="regularly", fiches=[fiche], obstacles=["time"]),
    }  # fmt: skip
    for key, statement in stored.items():
        validate_statement(statement.data)
        assert statement.verb_id == xs.VERBS[key][0]
        assert not statement.trusted, "what the agent declares is never trusted"
        assert statement.data["authority"]["account"]["name"] == agent.xapi_account_name
        assert statement.actor_account_name == agent.xapi_account_name
    assert stored["used"].object_activity_id == fiche.xapi_activity_id
    assert stored["used"].data["timestamp"] == "2026-11-20T12:00:00.000+01:00"
    assert stored["used"].data["result"]["score"]["raw"] == 4
    assert stored["answered"].data["object"]["definition"]["type"] == xs.TYPE_SURVEY
    # Neither completes nor starts a module.
    assert set(Progress.objects.filter(user=agent).values_list("module_id", "status")) == before


def test_bad_declarations_store_nothing(agent, module):
    fiche = FichePage.objects.live().first()
    before = Statement.objects.count()
    with pytest.raises(ValueError):
        events.used(agent, fiche, date(2026, 1, 1), rating=6, team_size="6-12", setting="meeting", audience="own_team")
    with pytest.raises(ValueError):
        events.used(agent, fiche, date(2026, 1, 1), rating=3, team_size="", setting="meeting", audience="own_team")
    with pytest.raises(ValueError):
        events.answered(agent, module, frequency="")
    assert Statement.objects.count() == before


def test_a_rolled_back_registration_rolls_back_its_statement(agent, session):
    before = Statement.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        statement = events.registered(agent, session, uuid.uuid4())
        assert Statement.objects.filter(pk=statement.pk).exists()
        raise RuntimeError("the registration failed after its statement was built")
    assert Statement.objects.count() == before


def test_invalid_input_stores_nothing(agent, session):
    before = Statement.objects.count()
    with pytest.raises(ValueError):
        events.rated(agent, session, uuid.uuid4(), 9)
    with pytest.raises(ValueError):
        events.hosted(agent, session, "spectator")
    assert Statement.objects.count() == before


def test_void_marks_the_statement_voided(agent, session):
    statement = events.registered(agent, session, uuid.uuid4())
    voiding = events.void(statement)
    statement.refresh_from_db()
    assert statement.voided
    assert voiding.data["object"] == {"objectType": "StatementRef", "id": str(statement.statement_id)}
    assert not Statement.objects.active().filter(pk=statement.pk).exists()


def test_viewed_is_recorded_once_per_agent_page_and_paris_day(
    agent, facilitator, module, django_assert_max_num_queries
):
    morning = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    first = events.viewed(agent, module, timestamp=morning)
    with django_assert_max_num_queries(1):  # a repeated view costs one indexed lookup, no write
        again = events.viewed(agent, module, timestamp=morning + timedelta(hours=15))  # 23:00 in Paris
    assert again.pk == first.pk
    next_day = events.viewed(agent, module, timestamp=morning + timedelta(hours=16))  # 00:00 the next day in Paris
    other_agent = events.viewed(facilitator, module, timestamp=morning)
    assert len({first.pk, next_day.pk, other_agent.pk}) == 3
    assert (
        Statement.objects.filter(verb_id=xs.VERBS["viewed"][0], object_activity_id=module.xapi_activity_id).count() == 3
    )


def test_viewed_recovers_when_another_request_stored_the_view_first(agent, module, monkeypatch):
    """The race: the lookup saw nothing, but another request stored the same view before this one."""
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    winner = events.viewed(agent, module, timestamp=now)
    real_filter = Statement.objects.filter
    calls = []

    def first_lookup_misses(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Statement.objects, "filter", first_lookup_misses)
    loser = events.viewed(agent, module, timestamp=now + timedelta(minutes=5))
    assert loser.pk == winner.pk
    assert Statement.objects.filter(statement_id=winner.statement_id).count() == 1


# --- The before_serve_page hook -------------------------------------------------------------------------


def viewed_count(page):
    return Statement.objects.filter(verb_id=xs.VERBS["viewed"][0], object_activity_id=page.xapi_activity_id).count()


def test_module_and_fiche_pages_opt_in_to_view_recording():
    assert ModulePage.XAPI_RECORD_VIEWS is True
    assert FichePage.XAPI_RECORD_VIEWS is True
    assert not getattr(HomePage, "XAPI_RECORD_VIEWS", False)


def test_a_signed_in_get_records_one_view_per_day(agent_client, module):
    response = agent_client.get(module.url)
    assert response.status_code == 200
    assert viewed_count(module) == 1
    with CaptureQueriesContext(connection) as queries:
        agent_client.get(module.url)
    assert viewed_count(module) == 1
    # A repeated view costs the page one indexed lookup of the day's statement id, and writes nothing.
    statement_queries = [q["sql"] for q in queries if Statement._meta.db_table in q["sql"]]
    assert len(statement_queries) == 1 and statement_queries[0].lstrip().upper().startswith("SELECT")
    statement = Statement.objects.get(object_activity_id=module.xapi_activity_id)
    assert statement.actor_account_name == response.wsgi_request.user.xapi_account_name
    assert statement.data["object"]["definition"]["name"]["fr-FR"] == module.title


def test_other_methods_anonymous_users_and_other_pages_record_nothing(client, agent_client, module):
    agent_client.head(module.url)
    agent_client.post(module.url)
    client.logout()
    client.get(module.url)
    assert viewed_count(module) == 0
    home = HomePage.objects.first()
    before = Statement.objects.count()
    agent_client.get(home.url)
    assert Statement.objects.count() == before


def test_previews_and_errors_are_never_recorded(agent, module):
    serve = record_page_view(lambda page, request, args, kwargs: HttpResponse("page"))
    request = RequestFactory().get(module.url)
    request.user = agent
    request.is_preview = True
    serve(module, request, [], {})
    assert viewed_count(module) == 0
    request.is_preview = False
    record_page_view(lambda page, request, args, kwargs: HttpResponse(status=404))(module, request, [], {})
    assert viewed_count(module) == 0
    response = serve(module, request, [], {})
    assert response.content == b"page"
    assert viewed_count(module) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_views_store_one_statement(django_user_model):
    """Two requests recording the same first view at the same instant: one statement, both get it."""
    user = django_user_model.objects.create(username=f"concurrent-{uuid.uuid4().hex[:8]}")
    home = get_or_create_home()  # a transactional test may start from a flushed database
    parcours = home.add_child(instance=ParcoursPage(title="Parcours", slug=f"parcours-{uuid.uuid4().hex[:6]}"))
    module = parcours.add_child(
        instance=ModulePage(
            title="Concurrence",
            slug="concurrence",
            is_entry_module=not ModulePage.objects.filter(is_entry_module=True).exists(),
        )
    )
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def view(offset):
        try:
            barrier.wait(timeout=10)
            results.append(events.viewed(user, module, timestamp=now + timedelta(seconds=offset)).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=view, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 4 and len(set(results)) == 1
    assert viewed_count(module) == 1


def test_events_can_be_dated_at_the_experience(agent, session):
    when = datetime(2026, 3, 2, 9, 15, 30, 123000, tzinfo=UTC)
    statement = events.registered(agent, session, uuid.uuid4(), timestamp=when)
    assert statement.data["timestamp"] == "2026-03-02T10:15:30.123+01:00"
    assert statement.timestamp == when


def test_viewing_a_demo_fiche_records_one_view(agent_client):
    fiche = FichePage.objects.live().first()
    assert fiche is not None, "the demo content has fiches"
    assert agent_client.get(fiche.url).status_code == 200
    assert viewed_count(fiche) == 1
    statement = Statement.objects.get(object_activity_id=fiche.xapi_activity_id, verb_id=xs.VERBS["viewed"][0])
    assert statement.data["object"]["definition"]["type"] == "http://id.tincanapi.com/activitytype/document"
    assert agent_client.get(fiche.url).status_code == 200
    assert viewed_count(fiche) == 1


def test_a_page_the_agent_may_not_see_yet_records_nothing(agent_client, module):
    """Wagtail's view restrictions answer before the hook (order=100): a password form is not a view."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    response = agent_client.get(module.url)
    assert response.status_code == 200  # Wagtail's password form
    assert "password" in response.content.decode().lower()
    assert viewed_count(module) == 0
