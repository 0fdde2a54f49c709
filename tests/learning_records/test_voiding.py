"""Who may void what (docs/xapi-profile.md, "Voiding"), over HTTP and in the store, including voids whose
target arrives later."""

import json
import uuid

import pytest
from django.conf import settings
from django.db.models import Max
from django.test import Client

from learning_records import events
from learning_records import statements as builders
from learning_records.models import Statement
from learning_records.store import save_statements
from learning_records.validation import StatementError, StatementForbidden
from progress.models import BadgeAward, Progress
from progress.services import progress as progress_service
from tests.progress.helpers import entry_module

from .helpers import voiding, with_id

pytestmark = pytest.mark.django_db

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def everything():
    """What a refused void must leave untouched: the store, progress and badges."""
    return (
        Statement.objects.count(),
        Statement.objects.aggregate(last=Max("stored"))["last"],
        set(Statement.objects.filter(voided=True).values_list("pk", flat=True)),
        progress_service.snapshot(),
        set(BadgeAward.objects.values_list("pk", "user_id", "badge_id", "revoked")),
    )


def browser_of(user):
    """The agent's browser as the video player uses it: session cookie and CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/mon-parcours/")
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value, "X-Experience-API-Version": "1.0.3"}

    def post(statements):
        return client.post("/xapi/statements", json.dumps(statements), content_type="application/json", headers=headers)

    return post


def own(user, **overrides):
    actor = {
        "objectType": "Agent",
        "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": user.xapi_account_name},
    }
    return with_id(actor=actor, **overrides)


def test_an_agents_browser_cannot_void_another_agents_trusted_completion(demo_user):
    agent, agent2 = demo_user("agent"), demo_user("agent2")
    target = Statement.objects.get(
        actor_account_name=agent2.xapi_account_name,
        verb_id=COMPLETED,
        object_activity_id=entry_module().xapi_activity_id,
        voided=False,
    )
    assert target.trusted
    assert Progress.objects.get(user=agent2, module=entry_module()).is_completed
    before = everything()

    post = browser_of(agent)
    attack = own(agent, verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}})
    attack["object"] = {"objectType": "StatementRef", "id": str(target.statement_id)}
    for _attempt in range(2):
        response = post([attack])
        assert response.status_code == 403
        assert response["X-Experience-API-Version"] == "1.0.3"
        assert response.json()["error"] is True and str(target.statement_id) in response.json()["message"]
        assert everything() == before
    # In a batch with statements of their own: the whole batch is refused.
    response = post([own(agent), attack])
    assert response.status_code == 403
    assert everything() == before


def test_an_agents_browser_voids_its_own_untrusted_statements_only(demo_user):
    agent = demo_user("agent")
    post = browser_of(agent)
    mine = own(agent)
    assert post([mine]).status_code == 200
    # A statement about the agent, written by the server (trusted): not theirs to void.
    trusted = events.completed(agent, entry_module())
    response = post([own(agent, **void_fields(trusted.statement_id))])
    assert response.status_code == 403
    trusted.refresh_from_db()
    assert not trusted.voided
    assert post([own(agent, **void_fields(mine["id"]))]).status_code == 200
    assert Statement.objects.get(statement_id=mine["id"]).voided


def void_fields(target_id):
    return {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(target_id)},
    }


def test_credentials_void_what_they_stored_and_trusted_ones_void_anything(xapi_for, agent):
    first, second = xapi_for(scopes=["all"]), xapi_for(scopes=["all"])
    trusted = xapi_for(scopes=["statements/write"], trusted=True)
    statement = with_id()
    assert first.post(statement).status_code == 200
    server = events.completed(agent, entry_module())
    before = everything()

    response = second.post(voiding(statement["id"]))
    assert response.status_code == 403 and response.json()["error"] is True
    assert second.post(voiding(server.statement_id)).status_code == 403
    assert first.post(voiding(server.statement_id)).status_code == 403
    assert everything() == before

    assert first.post(voiding(statement["id"])).status_code == 200
    assert trusted.post(voiding(server.statement_id)).status_code == 200
    assert Statement.objects.filter(statement_id__in=[statement["id"], server.statement_id], voided=True).count() == 2


def test_a_statement_is_voided_once_and_progress_falls_back_once(agent):
    module = entry_module()
    completed = events.completed(agent, module)

    def completions():
        return Progress.objects.filter(user=agent, module=module).values_list("completed", flat=True).first() or 0

    counted = completions()
    first = events.void(completed)
    after_first = progress_service.snapshot()
    assert completions() == counted - 1
    # A second void (server, trusted credential, same batch twice): stored, but nothing is taken back again.
    second = events.void(completed)
    save_statements([voiding(completed.statement_id), voiding(completed.statement_id)])
    assert second.is_voiding and Statement.objects.filter(object_statement_id=completed.statement_id).count() == 4
    assert progress_service.snapshot() == after_first
    progress_service.rebuild()
    assert progress_service.snapshot() == after_first
    assert first.voided is False  # the voiding statement itself stays active


def test_a_void_that_arrives_before_its_target_obeys_the_same_rule(demo_user, make_credential):
    agent, agent2 = demo_user("agent"), demo_user("agent2")
    hostile, _secret = make_credential(scopes=["all"])
    # The ids the server will use are unknown to clients, except predictable ones (a day's `viewed`):
    # a browser or an untrusted credential voids them in advance.
    future = builders.build_completed(agent2, entry_module())
    future_id = future["id"]
    save_statements(own(agent, **void_fields(future_id)), user=agent)
    save_statements(voiding(future_id), credential=hostile)
    before = progress_service.snapshot()
    row = save_statements(future)
    assert row.trusted and not row.voided
    assert Statement.objects.get(pk=row.pk).voided is False
    assert progress_service.snapshot() != before  # the completion counts
    snapshot = progress_service.snapshot()
    progress_service.rebuild()
    assert progress_service.snapshot() == snapshot

    # Allowed in advance: the same credential, the same browser, the server.
    later = with_id()
    save_statements(voiding(later["id"]), credential=hostile)
    assert save_statements(later, credential=hostile).voided is True
    mine = own(agent)
    save_statements(own(agent, **void_fields(mine["id"])), user=agent)
    assert save_statements(mine, user=agent).voided is True
    anything = with_id()
    save_statements(voiding(anything["id"]))
    assert save_statements(anything, credential=hostile).voided is True


def test_store_level_rule(agent, make_credential):
    credential, _secret = make_credential(scopes=["all"])
    stored = save_statements(with_id(), credential=credential)
    with pytest.raises(StatementForbidden):
        save_statements(own(agent, **void_fields(stored.statement_id)), user=agent)
    other, _secret = make_credential(scopes=["all"])
    with pytest.raises(StatementForbidden):
        save_statements(voiding(stored.statement_id), credential=other)
    void = save_statements(voiding(stored.statement_id), credential=credential)
    with pytest.raises(StatementError, match="is a voiding statement"):
        save_statements(voiding(void.statement_id))


def test_a_statement_targeting_a_voided_statement_is_found_by_verb_and_since(xapi_for):
    """ADL suite, Communication 2.1.4: a voided statement, its voiding statement, then a statement with the same
    verb that targets the voided one; GET ?verb&since returns the latter (and not the voided one)."""
    client = xapi_for(scopes=["all"])
    verb = "http://adlnet.gov/expapi/test/voided/target/" + str(uuid.uuid4())
    since = Statement.objects.aggregate(last=Max("stored"))["last"]
    voided = with_id(verb={"id": verb})
    assert client.post(voided).status_code == 200
    assert client.post(voiding(voided["id"])).status_code == 200
    ref = with_id(verb={"id": verb}, object={"objectType": "StatementRef", "id": voided["id"]})
    assert client.post(ref).status_code == 200
    answer = client.get(params={"verb": verb, "since": since.isoformat()})
    assert answer.status_code == 200, answer.content
    voiding_id = Statement.objects.get(is_voiding=True, object_statement_id=voided["id"]).statement_id
    assert [s["id"] for s in answer.json()["statements"]] == [ref["id"], str(voiding_id)]
