"""The Activities resource (GET /xapi/activities): definitions merged from the stored statements, kept by the
store's `statements_stored` signal at a fixed, small cost per batch (learning_records/activity_definitions.py)."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from learning_records import activity_definitions
from learning_records.models import ActivityDefinition
from learning_records.store import save_statements

from .helpers import make_statement, queries_during

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_store")]

ACTIVITY = "http://example.org/activities/defined"


def with_definition(definition, activity_id=ACTIVITY, **overrides):
    return make_statement(object={"objectType": "Activity", "id": activity_id, "definition": definition}, **overrides)


def fetch(xapi, activity_id=ACTIVITY):
    response = xapi.get("/xapi/activities", {"activityId": activity_id})
    assert response.status_code == 200, response.content
    return response.json()


def test_unknown_activity_is_still_an_activity_object(xapi):
    assert fetch(xapi) == {"objectType": "Activity", "id": ACTIVITY}
    head = xapi.head("/xapi/activities", {"activityId": ACTIVITY})
    assert head.status_code == 200 and head.content == b"" and head["ETag"].startswith('"')


def test_languages_of_every_statement_are_merged(xapi):
    first = {
        "type": "http://adlnet.gov/expapi/activities/meeting",
        "name": {"en-US": "example meeting", "en-GB": "example meeting"},
        "description": {"en-US": "A meeting"},
        "extensions": {"http://example.org/ext/a": 1},
    }
    assert xapi.post([with_definition(first)]).status_code == 200
    assert fetch(xapi) == {"objectType": "Activity", "id": ACTIVITY, "definition": first}
    second = {
        "name": {"fr-FR": "réunion", "en-GB": "example meeting (UK)"},
        "extensions": {"http://example.org/ext/b": 2},
    }
    assert xapi.post([with_definition(second)]).status_code == 200
    definition = fetch(xapi)["definition"]
    assert definition["name"] == {"en-US": "example meeting", "en-GB": "example meeting (UK)", "fr-FR": "réunion"}
    assert definition["description"] == {"en-US": "A meeting"}
    assert definition["type"] == first["type"]
    assert definition["extensions"] == {"http://example.org/ext/a": 1, "http://example.org/ext/b": 2}


def test_context_activities_and_substatements_define_activities_too(xapi):
    parent = {"id": "http://example.org/activities/parent", "definition": {"name": {"fr-FR": "Parent"}}}
    inner = {
        "objectType": "Activity",
        "id": "http://example.org/activities/inner",
        "definition": {"name": {"en": "In"}},
    }
    statement = make_statement(context={"contextActivities": {"parent": parent}})
    sub = make_statement(
        object={
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:sub@example.org"},
            "verb": {"id": "http://example.org/verbs/planned"},
            "object": inner,
            "context": {
                "contextActivities": {
                    "grouping": [{"id": "http://example.org/g", "definition": {"type": "http://example.org/t"}}]
                }
            },
        }
    )
    assert xapi.post([statement, sub]).status_code == 200
    assert fetch(xapi, "http://example.org/activities/parent")["definition"] == {"name": {"fr-FR": "Parent"}}
    assert fetch(xapi, "http://example.org/activities/inner")["definition"] == {"name": {"en": "In"}}
    assert fetch(xapi, "http://example.org/g")["definition"] == {"type": "http://example.org/t"}


def test_a_new_interaction_type_replaces_the_interaction_and_components_keep_their_languages(xapi):
    choice = {
        "interactionType": "choice",
        "correctResponsesPattern": ["a"],
        "choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "b", "description": {"en-US": "B"}}],
    }
    xapi.post([with_definition(choice)])
    xapi.post([with_definition({**choice, "choices": [{"id": "a", "description": {"fr-FR": "Réponse A"}}]})])
    assert fetch(xapi)["definition"]["choices"] == [{"id": "a", "description": {"en-US": "A", "fr-FR": "Réponse A"}}]
    likert = {"interactionType": "likert", "scale": [{"id": "1", "description": {"en-US": "low"}}]}
    xapi.post([with_definition(likert)])
    assert fetch(xapi)["definition"] == likert


def test_writers_without_define_no_longer_change_a_canonical_definition(xapi_for, agent):
    untrusted = xapi_for(["statements/write", "statements/read"])
    definer = xapi_for(["statements/write", "define"])
    # Before any canonical definition, anyone's definition is shown.
    untrusted.post([with_definition({"name": {"en-US": "draft"}, "description": {"en-US": "draft"}})])
    assert fetch(untrusted)["definition"]["name"] == {"en-US": "draft"}
    # The first canonical definition replaces it; afterwards other writers change nothing.
    definer.post([with_definition({"name": {"en-US": "Official"}})])
    assert fetch(untrusted)["definition"] == {"name": {"en-US": "Official"}}
    untrusted.post([with_definition({"name": {"en-US": "hijacked"}})])
    own = {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": agent.xapi_account_name}}
    save_statements([with_definition({"name": {"en-US": "from a browser"}}, actor=own)], user=agent)
    assert fetch(untrusted)["definition"] == {"name": {"en-US": "Official"}}
    # The server's own statements are canonical.
    save_statements([with_definition({"name": {"fr-FR": "Officielle"}})])
    assert fetch(untrusted)["definition"]["name"] == {"en-US": "Official", "fr-FR": "Officielle"}


def test_definitions_keep_any_json_value(xapi):
    definition = {"name": {"en-US": "odd"}, "extensions": {"http://example.org/x": {"nul": "a\u0000b", "n": 1.5e300}}}
    assert xapi.post([with_definition(definition)]).status_code == 200
    extension = fetch(xapi)["definition"]["extensions"]["http://example.org/x"]
    assert extension["n"] == 1.5e300 and extension["nul"].startswith("a")


def test_reading_costs_the_same_whatever_the_store(xapi):
    xapi.post([with_definition({"name": {"en-US": "one"}})])
    first = queries_during(lambda: fetch(xapi))
    assert 0 < first <= 6
    xapi.post([with_definition({"name": {"fr-FR": f"n{index}"}}) for index in range(30)])
    assert queries_during(lambda: fetch(xapi)) == first


def queries_of(statements):
    return queries_during(lambda: save_statements(statements))


def test_the_store_pays_one_query_per_batch_for_known_definitions():
    known = {"name": {"en-US": "known"}}
    save_statements([with_definition(known, f"http://example.org/activities/{index}") for index in range(10)])
    without = queries_of(
        [make_statement(object={"id": f"http://example.org/activities/{index}"}) for index in range(10)]
    )
    again = queries_of([with_definition(known, f"http://example.org/activities/{index}") for index in range(10)])
    assert again == without + 1
    # A new definition costs a few more queries, whatever the number of statements in the batch.
    new = queries_of(
        [
            with_definition({"name": {"fr-FR": f"n{index}"}}, f"http://example.org/activities/{index}")
            for index in range(10)
        ]
    )
    assert new <= without + 4


def test_rebuild_gives_the_incremental_result(xapi_for, agent):
    ActivityDefinition.objects.all().delete()  # the demo's, whose statements empty_store removed
    untrusted = xapi_for(["statements/write"])
    definer = xapi_for(["all"])
    untrusted.post([with_definition({"name": {"en-US": "draft"}}, "http://example.org/activities/b")])
    definer.post([with_definition({"name": {"en-US": "A"}, "type": "http://example.org/t1"})])
    untrusted.post([with_definition({"name": {"en-US": "ignored"}})])
    definer.post([with_definition({"name": {"fr-FR": "A fr"}, "type": "http://example.org/t2"})])
    untrusted.post([with_definition({"name": {"de-DE": "B"}}, "http://example.org/activities/b")])
    incremental = {
        row.activity_id: (json.loads(row.definition), row.canonical) for row in ActivityDefinition.objects.all()
    }
    out = io.StringIO()
    call_command("rebuild_activity_definitions", stdout=out)
    rebuilt = {row.activity_id: (json.loads(row.definition), row.canonical) for row in ActivityDefinition.objects.all()}
    assert rebuilt == incremental
    assert incremental[ACTIVITY] == ({"name": {"en-US": "A", "fr-FR": "A fr"}, "type": "http://example.org/t2"}, True)
    assert incremental["http://example.org/activities/b"] == ({"name": {"en-US": "draft", "de-DE": "B"}}, False)
    assert "2" in out.getvalue()


def test_merge_rules_in_isolation():
    merge = activity_definitions.merge
    assert merge({"name": {"a": "1"}}, {"name": {"b": "2"}}) == {"name": {"a": "1", "b": "2"}}
    assert merge({"moreInfo": "http://a"}, {"moreInfo": "http://b"}) == {"moreInfo": "http://b"}
    assert merge(
        {"interactionType": "choice", "choices": [], "correctResponsesPattern": ["x"]}, {"interactionType": "other"}
    ) == {"interactionType": "other"}
