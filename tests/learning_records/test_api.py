"""The Statement API at /xapi/ (xAPI 1.0.3, Communication part), through Django's test client."""

import hashlib
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from learning_records.models import Statement

from .helpers import attachment_of, jws, make_statement, multipart, part_headers, voiding, with_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_store")]


def ids_of(response):
    return [statement["id"] for statement in response.json()["statements"]]


# --- Headers, about, CORS ----------------------------------------------------------------------------


def test_about_lists_versions_without_version_header(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_version_header_is_required_and_checked(xapi_for):
    assert xapi_for(version=None).get().status_code == 400
    assert xapi_for(version="0.95").get().status_code == 400
    assert xapi_for(version="2.0.0").post(make_statement()).status_code == 400
    response = xapi_for(version="1.0.1").get()
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["X-Experience-API-Consistent-Through"]


def test_cors_preflight_and_headers(client, xapi):
    response = client.options("/xapi/statements", headers={"Origin": "http://lms.example.org"})
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]
    assert "PUT" in response["Access-Control-Allow-Methods"]
    assert "X-Experience-API-Consistent-Through" in xapi.get()["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "path",
    ["/xapi/activities/state", "/xapi/agents", "/xapi/activities/profile", "/xapi/agents/profile", "/xapi/activities"],
)
def test_every_resource_answers_in_xapi_terms(xapi, path):
    response = xapi.get(path)  # no parameter: every one of them requires one
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response.json()["error"] is True
    assert xapi.get(path + "/").status_code == 400  # not Wagtail's page tree
    assert xapi.get(path, headers={"X-Experience-API-Version": None}).status_code == 400


def test_unsupported_method(xapi):
    response = xapi.client.delete("/xapi/statements", headers=xapi._headers({}))
    assert response.status_code == 405


# --- Authentication and authorisation --------------------------------------------------------------


def test_missing_and_wrong_credentials_get_401_with_a_challenge(client, make_credential):
    from .conftest import XapiClient

    credential, secret = make_credential()
    for anonymous in (XapiClient(client), XapiClient(client, credential, "wrong secret")):
        response = anonymous.get()
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
    response = client.get(
        "/xapi/statements", headers={"Authorization": "Basic !!!", "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401
    response = client.get(
        "/xapi/statements", headers={"Authorization": "Bearer abc", "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401


def test_inactive_credential_is_refused(client, make_credential):
    from .conftest import XapiClient

    credential, secret = make_credential(active=False)
    assert XapiClient(client, credential, secret).get().status_code == 401


def test_verified_secrets_are_cached_but_never_for_a_wrong_secret_or_inactive_credential(client, make_credential):
    from .conftest import XapiClient

    credential, secret = make_credential()
    assert XapiClient(client, credential, secret).get().status_code == 200
    assert XapiClient(client, credential, secret + "x").get().status_code == 401
    credential.active = False
    credential.save()
    assert XapiClient(client, credential, secret).get().status_code == 401
    credential.active = True
    new_secret = credential.set_secret()
    credential.save()
    assert XapiClient(client, credential, secret).get().status_code == 401
    assert XapiClient(client, credential, new_secret).get().status_code == 200


def test_scopes_give_403(xapi_for):
    reader = xapi_for(scopes=["statements/read"])
    assert reader.get().status_code == 200
    assert reader.post(make_statement()).status_code == 403
    writer = xapi_for(scopes=["statements/write"])
    assert writer.post(make_statement()).status_code == 200
    assert writer.get().status_code == 403
    assert Statement.objects.count() == 1


def test_read_mine_only_sees_its_own_statements(xapi_for):
    other = xapi_for(scopes=["all"])
    other_id = other.post(make_statement()).json()[0]
    mine = xapi_for(scopes=["statements/read/mine", "statements/write"])
    my_id = mine.post(make_statement()).json()[0]
    assert ids_of(mine.get()) == [my_id]
    assert mine.get(params={"statementId": other_id}).status_code == 404
    assert set(ids_of(xapi_for(scopes=["all/read"]).get())) >= {my_id, other_id}


def test_last_used_at_is_recorded(xapi):
    assert xapi.credential.last_used_at is None
    xapi.get()
    xapi.credential.refresh_from_db()
    assert xapi.credential.last_used_at is not None


def test_authority_is_the_credential(xapi):
    statement_id = xapi.post(make_statement()).json()[0]
    statement = xapi.get(params={"statementId": statement_id}).json()
    assert statement["authority"]["account"]["name"] == f"credential:{xapi.credential.key}"


def test_trusted_flag_follows_the_credential(xapi_for):
    trusted = xapi_for(trusted=True).post(make_statement()).json()[0]
    untrusted = xapi_for(trusted=False).post(make_statement()).json()[0]
    assert Statement.objects.get(statement_id=trusted).trusted is True
    assert Statement.objects.get(statement_id=untrusted).trusted is False


# --- Browser session (signed-in agent) -------------------------------------------------------------


def own_statement(user):
    return make_statement(
        actor={"objectType": "Agent", "account": {"homePage": "http://testserver", "name": user.xapi_account_name}}
    )


def test_browser_session_needs_csrf_and_writes_only_about_itself(agent):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    browser.get("/xapi/about")
    headers = {"X-Experience-API-Version": "1.0.3"}
    response = browser.post(
        "/xapi/statements", json.dumps(own_statement(agent)), content_type="application/json", headers=headers
    )
    assert response.status_code == 403  # no CSRF token
    token = "a" * 32
    browser.cookies["csrftoken"] = token
    headers["X-CSRFToken"] = token
    response = browser.post(
        "/xapi/statements", json.dumps(make_statement()), content_type="application/json", headers=headers
    )
    assert response.status_code == 403  # somebody else's statement
    response = browser.post(
        "/xapi/statements", json.dumps(own_statement(agent)), content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    row = Statement.objects.get(statement_id=response.json()[0])
    assert row.trusted is False and row.user == agent
    assert browser.get("/xapi/statements", headers=headers).status_code == 401  # sessions only write


def test_anonymous_browser_gets_401(client):
    response = client.post(
        "/xapi/statements",
        json.dumps(make_statement()),
        content_type="application/json",
        headers={"X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 401


# --- PUT and POST ----------------------------------------------------------------------------------


def test_put_stores_then_204_for_a_duplicate_and_409_for_a_conflict(xapi):
    statement_id = str(uuid.uuid4())
    assert xapi.put(make_statement(), statement_id).status_code == 204
    assert xapi.put(make_statement(), statement_id).status_code == 204
    assert xapi.put(make_statement(verb={"id": "http://example.org/other"}), statement_id).status_code == 409
    assert Statement.objects.filter(statement_id=statement_id).count() == 1


def test_put_needs_a_matching_statement_id(xapi):
    assert (
        xapi.client.put(
            "/xapi/statements", json.dumps(make_statement()), content_type="application/json", headers=xapi.headers
        ).status_code
        == 400
    )
    assert xapi.put(make_statement(), "not-a-uuid").status_code == 400
    assert xapi.put(with_id(), str(uuid.uuid4())).status_code == 400
    assert xapi.put([make_statement()], str(uuid.uuid4())).status_code == 400
    assert Statement.objects.count() == 0


def test_post_single_and_batch_return_ids_in_order(xapi):
    first = with_id()
    response = xapi.post([first, make_statement()])
    assert response.status_code == 200
    ids = response.json()
    assert ids[0] == first["id"] and len(ids) == 2
    assert len(xapi.post(make_statement()).json()) == 1


def test_post_duplicate_is_accepted_and_conflict_refused(xapi):
    statement = with_id()
    assert xapi.post(statement).status_code == 200
    assert xapi.post(statement).status_code == 200
    assert xapi.post(dict(statement, result={"success": True})).status_code == 409


def test_batch_is_atomic(xapi):
    response = xapi.post([make_statement(), make_statement(verb={"id": "no iri"})])
    assert response.status_code == 400
    assert "statement[1]" in response.json()["message"]
    assert Statement.objects.count() == 0


def test_batch_with_the_same_id_twice_is_refused(xapi):
    statement = with_id()
    assert xapi.post([statement, statement]).status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ("[1, 2]", "application/json"),
        ('"a string"', "application/json"),
        (
            '{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.org/v"}, "object": {"id": "http://x.org/a"}, "result": {"score": {"raw": NaN}}}',
            "application/json",
        ),
        ("[{}] trailing", "application/json"),
        ("actor=me", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_malformed_bodies_are_refused(xapi, body, content_type):
    response = xapi.post(body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["message"]
    assert Statement.objects.count() == 0


def test_nul_in_an_account_name_and_huge_numbers_do_not_break_the_store(xapi):
    text = (
        '{"actor": {"account": {"homePage": "http://testserver", "name": "a\\u0000b"}}, '
        '"verb": {"id": "http://example.org/v"}, "object": {"id": "http://example.org/a"}}'
    )
    assert xapi.post(text).status_code == 200
    huge = text.replace('"object"', '"result": {"score": {"raw": 1e400}}, "object"')
    assert xapi.post(huge).status_code == 400


def test_post_with_unknown_parameter_is_refused(xapi):
    response = xapi.post(make_statement(), path="/xapi/statements?foo=bar")
    assert response.status_code == 400


def test_huge_body_is_refused(xapi, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = xapi.post([make_statement() for _ in range(50)])
    assert response.status_code == 413
    assert Statement.objects.count() == 0


def test_voiding_rules_over_http(xapi):
    target = xapi.post(make_statement()).json()[0]
    assert xapi.post(voiding(uuid.uuid4())).status_code == 200  # Data 2.3.2: SHOULD NOT reject
    void_id = xapi.post(voiding(target)).json()[0]
    assert xapi.post(voiding(void_id)).status_code == 400
    assert xapi.get(params={"statementId": target}).status_code == 404
    response = xapi.get(params={"voidedStatementId": target})
    assert response.status_code == 200 and response.json()["id"] == target
    assert xapi.get(params={"voidedStatementId": void_id}).status_code == 404
    assert target not in ids_of(xapi.get())
    assert void_id in ids_of(xapi.get())


# --- GET -------------------------------------------------------------------------------------------


def test_get_single_statement_with_last_modified(xapi):
    statement = with_id()
    xapi.post(statement)
    response = xapi.get(params={"statementId": statement["id"]})
    assert response.status_code == 200
    assert response.json()["id"] == statement["id"]
    assert response["Last-Modified"].endswith("GMT")
    assert xapi.get(params={"statementId": str(uuid.uuid4())}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"statementId": "nope"},
        {"statementId": str(uuid.uuid4()), "verb": "http://example.org/v"},
        {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
        {"statementid": str(uuid.uuid4())},
        {"Verb": "http://example.org/v"},
        {"verb": "not an iri"},
        {"agent": "not json"},
        {"agent": '{"name": "no ifi"}'},
        {"registration": "nope"},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"format": "full"},
        {"ascending": "yes"},
        {"attachments": "1"},
        {"more": "forged"},
    ],
)
def test_bad_query_parameters_get_400(xapi, params):
    response = xapi.get(params=params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_head_answers_like_get_without_body(xapi):
    xapi.post(make_statement())
    response = xapi.head()
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_filters(xapi):
    registration = str(uuid.uuid4())
    account = {"objectType": "Agent", "account": {"homePage": "http://example.org", "name": "u1"}}
    other_activity = "http://example.org/activities/two"
    a = xapi.post(make_statement(actor=account, context={"registration": registration})).json()[0]
    b = xapi.post(make_statement(verb={"id": "http://example.org/verbs/other"}, object={"id": other_activity})).json()[
        0
    ]
    c = xapi.post(
        make_statement(context={"contextActivities": {"parent": {"id": other_activity}}, "instructor": account})
    ).json()[0]
    d = xapi.post(make_statement(object={"objectType": "Agent", "mbox_sha1sum": "b" * 40})).json()[0]

    assert ids_of(xapi.get(params={"agent": json.dumps(account)})) == [a]
    assert set(ids_of(xapi.get(params={"agent": json.dumps(account), "related_agents": "true"}))) == {a, c}
    assert ids_of(xapi.get(params={"agent": json.dumps({"mbox_sha1sum": "b" * 40})})) == [d]
    assert ids_of(xapi.get(params={"verb": "http://example.org/verbs/other"})) == [b]
    assert ids_of(xapi.get(params={"activity": other_activity})) == [b]
    assert set(ids_of(xapi.get(params={"activity": other_activity, "related_activities": "true"}))) == {b, c}
    assert ids_of(xapi.get(params={"registration": registration.upper()})) == [a]
    assert ids_of(xapi.get(params={"registration": registration, "verb": "http://example.org/verbs/other"})) == []


def test_agent_filter_matches_group_members_and_substatements_with_related_agents(xapi):
    member = {"mbox": "mailto:member@example.org"}
    in_group = xapi.post(make_statement(actor={"objectType": "Group", "member": [member]})).json()[0]
    sub = {
        "objectType": "SubStatement",
        "actor": member,
        "verb": {"id": "http://example.org/v"},
        "object": {"id": "http://example.org/sub-activity"},
    }
    in_sub = xapi.post(make_statement(object=sub)).json()[0]
    assert ids_of(xapi.get(params={"agent": json.dumps(member)})) == [in_group]
    assert set(ids_of(xapi.get(params={"agent": json.dumps(member), "related_agents": "true"}))) == {in_group, in_sub}
    related = xapi.get(params={"activity": "http://example.org/sub-activity", "related_activities": "true"})
    assert ids_of(related) == [in_sub]


def test_statement_refs_match_the_filters_of_their_target(xapi):
    verb = "http://example.org/verbs/special"
    target = xapi.post(make_statement(verb={"id": verb})).json()[0]
    ref = xapi.post(make_statement(object={"objectType": "StatementRef", "id": target})).json()[0]
    ref_of_ref = xapi.post(make_statement(object={"objectType": "StatementRef", "id": ref})).json()[0]
    void = xapi.post(voiding(target)).json()[0]
    assert set(ids_of(xapi.get(params={"verb": verb}))) == {ref, ref_of_ref, void}


def test_reference_stored_before_its_target_matches_once_the_target_arrives(xapi):
    verb = "http://example.org/verbs/later"
    target_id = str(uuid.uuid4())
    ref = xapi.post(make_statement(object={"objectType": "StatementRef", "id": target_id})).json()[0]
    assert ids_of(xapi.get(params={"verb": verb})) == []
    xapi.put(make_statement(verb={"id": verb}), target_id)
    assert set(ids_of(xapi.get(params={"verb": verb}))) == {ref, target_id}


def test_a_chain_of_references_stored_before_its_target_matches_once_the_target_arrives(xapi):
    verb = "http://example.org/verbs/chain"
    target_id, ref_id = str(uuid.uuid4()), str(uuid.uuid4())
    ref_of_ref = xapi.post(make_statement(object={"objectType": "StatementRef", "id": ref_id})).json()[0]
    xapi.put(make_statement(object={"objectType": "StatementRef", "id": target_id}), ref_id)
    assert ids_of(xapi.get(params={"verb": verb})) == []
    xapi.put(make_statement(verb={"id": verb}), target_id)
    assert set(ids_of(xapi.get(params={"verb": verb}))) == {ref_of_ref, ref_id, target_id}


def test_since_until_ascending_and_limit(xapi):
    ids = [xapi.post(make_statement()).json()[0] for _ in range(4)]
    rows = {str(row.statement_id): row for row in Statement.objects.all()}
    second = rows[ids[1]].data["stored"]
    assert ids_of(xapi.get(params={"since": second, "ascending": "true"})) == ids[2:]
    assert ids_of(xapi.get(params={"until": second})) == [ids[1], ids[0]]
    assert ids_of(xapi.get(params={"limit": "2"})) == [ids[3], ids[2]]
    assert ids_of(xapi.get(params={"ascending": "true", "limit": "1"})) == [ids[0]]


def test_more_pages_through_everything_with_a_signed_link(xapi):
    ids = [xapi.post(make_statement()).json()[0] for _ in range(5)]
    seen = []
    response = xapi.get(params={"limit": "2", "ascending": "true"})
    pages = 0
    while True:
        pages += 1
        payload = response.json()
        seen += [statement["id"] for statement in payload["statements"]]
        if not payload["more"]:
            break
        url = urlsplit(payload["more"])
        assert url.path == "/xapi/statements" and not url.netloc
        assert set(parse_qs(url.query)) == {"more"}
        response = xapi.get(params={key: values[0] for key, values in parse_qs(url.query).items()})
    assert seen == ids and pages == 3


def test_more_is_signed_and_expires(xapi, settings):
    import time_machine

    for _ in range(3):
        xapi.post(make_statement())
    more = xapi.get(params={"limit": "1"}).json()["more"]
    token = parse_qs(urlsplit(more).query)["more"][0]
    assert xapi.get(params={"more": token[:-2] + "xx"}).status_code == 400
    assert xapi.get(params={"more": token}).status_code == 200
    from datetime import timedelta

    from django.utils import timezone

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert xapi.get(params={"more": token}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert xapi.get(params={"more": token}).status_code == 400


def test_more_pages_by_key_without_offset(xapi):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(4):
        xapi.post(make_statement())
    more = xapi.get(params={"limit": "1"}).json()["more"]
    token = parse_qs(urlsplit(more).query)["more"][0]
    with CaptureQueriesContext(connection) as queries:
        assert len(xapi.get(params={"more": token}).json()["statements"]) == 1
    statement_queries = [q["sql"] for q in queries.captured_queries if "learning_records_statement" in q["sql"]]
    assert statement_queries and not any("OFFSET" in sql.upper() for sql in statement_queries)


def test_errors_carry_cors_and_version_headers(client):
    response = client.get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_paging_query_count_does_not_grow(xapi, django_assert_max_num_queries):
    for _ in range(30):
        xapi.post(make_statement())
    with django_assert_max_num_queries(4):
        response = xapi.get(params={"limit": "25"})
    assert len(response.json()["statements"]) == 25


def test_formats(xapi):
    statement = with_id(
        verb={"id": "http://example.org/v", "display": {"en-US": "did", "fr-FR": "a fait"}},
        object={"id": "http://example.org/a", "definition": {"name": {"en-US": "Thing", "fr-FR": "Chose"}}},
        actor={"mbox": "mailto:a@example.org", "name": "Alice"},
    )
    xapi.post(statement)
    ids_format = xapi.get(params={"statementId": statement["id"], "format": "ids"}).json()
    assert ids_format["actor"] == {"objectType": "Agent", "mbox": "mailto:a@example.org"}
    assert ids_format["verb"] == {"id": "http://example.org/v"}
    assert ids_format["object"] == {"id": "http://example.org/a"}
    canonical = xapi.get(
        params={"statementId": statement["id"], "format": "canonical"}, headers={"Accept-Language": "fr-FR, en;q=0.5"}
    ).json()
    assert canonical["verb"]["display"] == {"fr-FR": "a fait"}
    assert canonical["object"]["definition"]["name"] == {"fr-FR": "Chose"}
    exact = xapi.get(params={"statementId": statement["id"]}, headers={"Accept-Language": "fr-FR"}).json()
    assert exact["verb"]["display"] == {"en-US": "did", "fr-FR": "a fait"}


def test_canonical_prefers_the_exact_language_tag(xapi):
    statement = with_id(verb={"id": "http://example.org/v", "display": {"en-US": "did (US)", "en-GB": "did (GB)"}})
    xapi.post(statement)
    params = {"statementId": statement["id"], "format": "canonical"}
    assert xapi.get(params=params, headers={"Accept-Language": "en-GB"}).json()["verb"]["display"] == {
        "en-GB": "did (GB)"
    }
    assert xapi.get(params=params, headers={"Accept-Language": "en"}).json()["verb"]["display"] == {"en-US": "did (US)"}


def test_exact_format_returns_numbers_and_nul_as_received(xapi):
    text = (
        '{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://example.org/v"}, '
        '"object": {"id": "http://example.org/a"}, "result": {"response": "a\\u0000b", "score": {"raw": 1.50E+1, "max": 100}}}'
    )
    statement_id = xapi.post(text).json()[0]
    body = xapi.get(params={"statementId": statement_id}).content.decode()
    assert '"raw": 1.50E+1' in body and '"a\\u0000b"' in body


def test_context_activities_are_returned_as_arrays(xapi):
    statement_id = xapi.post(
        make_statement(context={"contextActivities": {"parent": {"id": "http://example.org/p"}}})
    ).json()[0]
    statement = xapi.get(params={"statementId": statement_id}).json()
    assert statement["context"]["contextActivities"]["parent"] == [{"id": "http://example.org/p"}]


def test_version_defaults_to_1_0_0_and_is_kept(xapi):
    first = xapi.post(make_statement()).json()[0]
    second = xapi.post(make_statement(version="1.0.3")).json()[0]
    assert xapi.get(params={"statementId": first}).json()["version"] == "1.0.0"
    assert xapi.get(params={"statementId": second}).json()["version"] == "1.0.3"


# --- Alternate request syntax ----------------------------------------------------------------------


def alternate(xapi, method, form):
    from urllib.parse import urlencode

    fields = {"X-Experience-API-Version": "1.0.3", "Authorization": xapi.headers["Authorization"], **form}
    return xapi.client.post(
        f"/xapi/statements?method={method}", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )


def test_alternate_syntax_put_and_get(xapi):
    statement_id = str(uuid.uuid4())
    response = alternate(xapi, "PUT", {"statementId": statement_id, "content": json.dumps(make_statement())})
    assert response.status_code == 204
    response = alternate(xapi, "GET", {"statementId": statement_id})
    assert response.status_code == 200 and response.json()["id"] == statement_id
    response = alternate(xapi, "POST", {"content": json.dumps(make_statement())})
    assert response.status_code == 200


def test_alternate_syntax_refusals(xapi):
    assert alternate(xapi, "PUT", {"statementId": str(uuid.uuid4())}).status_code == 400  # no content
    assert alternate(xapi, "PATCH", {"content": "{}"}).status_code == 400
    response = xapi.client.post(
        "/xapi/statements?method=GET&verb=http://example.org/v",
        "X-Experience-API-Version=1.0.3",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    response = xapi.client.get("/xapi/statements?method=GET", headers=xapi.headers)
    assert response.status_code == 400
    response = xapi.client.post(
        "/xapi/statements?method=POST",
        json.dumps(make_statement()),
        content_type="application/json",
        headers=xapi.headers,
    )
    assert response.status_code == 400
    assert Statement.objects.count() == 0


# --- Attachments and signatures --------------------------------------------------------------------


def test_attachment_round_trip(xapi):
    content = b"hello attachment"
    statement = with_id(attachments=[attachment_of(content)])
    body, content_type = multipart(statement, [(content, part_headers(content))])
    assert xapi.post(body, content_type=content_type).status_code == 200
    response = xapi.get(params={"statementId": statement["id"], "attachments": "true"})
    assert response["Content-Type"].startswith("multipart/mixed")
    assert content in response.content
    assert hashlib.sha256(content).hexdigest().encode() in response.content
    plain = xapi.get(params={"statementId": statement["id"]})
    assert plain["Content-Type"].startswith("application/json")
    listing = xapi.get(params={"attachments": "true"})
    assert content in listing.content


def test_every_attachment_without_file_url_needs_its_part_in_the_same_request(xapi):
    first, second = b"first attachment", b"second attachment"
    stored = with_id(attachments=[attachment_of(second)])
    body, content_type = multipart(stored, [(second, part_headers(second))])
    assert xapi.post(body, content_type=content_type).status_code == 200
    statement = make_statement(attachments=[attachment_of(first), attachment_of(second)])
    body, content_type = multipart(statement, [(first, part_headers(first))])
    response = xapi.post(body, content_type=content_type)
    assert response.status_code == 400  # the second one is known from before, but not sent now
    assert Statement.objects.count() == 1


def test_file_url_attachment_needs_no_part(xapi):
    attachment = dict(attachment_of(b"x"), fileUrl="http://example.org/file.txt")
    assert xapi.post(make_statement(attachments=[attachment])).status_code == 200


@pytest.mark.parametrize(
    "case",
    [
        "missing part",
        "wrong hash",
        "no hash header",
        "not binary",
        "undeclared part",
        "no boundary",
        "first not json",
        "form-data",
    ],
)
def test_attachment_errors(xapi, case):
    content = b"hello attachment"
    statement = make_statement(attachments=[attachment_of(content)])
    parts = [(content, part_headers(content))]
    content_type_override = None
    first_type = "application/json"
    if case == "missing part":
        response = xapi.post(statement)
        assert response.status_code == 400
        return
    if case == "wrong hash":
        parts = [(b"other content", part_headers(content))]
    elif case == "no hash header":
        parts = [(content, part_headers(content, **{"X-Experience-API-Hash": None}))]
    elif case == "not binary":
        parts = [(content, part_headers(content, **{"Content-Transfer-Encoding": "base64"}))]
    elif case == "undeclared part":
        parts.append((b"extra", part_headers(b"extra")))
    elif case == "no boundary":
        content_type_override = "multipart/mixed"
    elif case == "first not json":
        first_type = "text/plain"
    elif case == "form-data":
        content_type_override = "multipart/form-data; boundary=xAPIboundary"
    body, content_type = multipart(statement, parts, first_type=first_type)
    response = xapi.post(body, content_type=content_type_override or content_type)
    assert response.status_code == 400
    assert Statement.objects.count() == 0


SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.mark.parametrize(
    "case, expected",
    [
        ("RS256", 200),
        ("RS512", 200),
        ("HS256", 400),
        ("other payload", 400),
        ("not a jws", 400),
        ("wrong content type", 400),
    ],
)
def test_signed_statements(xapi, case, expected):
    statement = with_id()
    payload = dict(statement)
    alg = case if case.startswith(("RS", "HS")) else "RS256"
    if case == "other payload":
        payload = dict(statement, verb={"id": "http://example.org/forged"})
    signature = jws({"alg": alg}, payload)
    if case == "not a jws":
        signature = b"this is not a jws"
    content_type = "text/plain" if case == "wrong content type" else "application/octet-stream"
    statement["attachments"] = [attachment_of(signature, usage=SIGNATURE, content_type=content_type)]
    body, multipart_type = multipart(
        statement, [(signature, part_headers(signature, **{"Content-Type": content_type}))]
    )
    response = xapi.post(body, content_type=multipart_type)
    assert response.status_code == expected, response.content
