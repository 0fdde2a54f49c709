"""The document resources at /xapi/ (State, Activity Profile, Agent Profile; xAPI 1.0.3 Communication 2.2-2.7,
3.1): storage, JSON merge, ETags and preconditions, scopes, the signed-in agent's browser, hostile input."""

import hashlib
import json
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from learning_records.models import Document

from .conftest import XapiClient
from .helpers import queries_during

pytestmark = pytest.mark.django_db

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITY = "http://example.org/activities/doc"
AGENT = {"objectType": "Agent", "mbox": "mailto:documents@example.org"}


class Documents:
    """Requests to a document resource with a credential's headers."""

    def __init__(self, xapi):
        self.xapi = xapi

    def request(self, method, path, params, body=None, content_type="application/json", headers=None):
        query = urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        extra = {"content_type": content_type} if body is not None else {}
        return self.xapi.client.generic(
            method, f"{path}?{query}", body if body is not None else b"", headers=self.xapi._headers(headers), **extra
        )

    def get(self, path, params, headers=None):
        return self.request("GET", path, params, headers=headers)

    def head(self, path, params, headers=None):
        return self.request("HEAD", path, params, headers=headers)

    def put(self, path, params, body, content_type="application/json", headers=None):
        return self.request("PUT", path, params, body, content_type, headers)

    def post(self, path, params, body, content_type="application/json", headers=None):
        return self.request("POST", path, params, body, content_type, headers)

    def delete(self, path, params, headers=None):
        return self.request("DELETE", path, params, headers=headers)


@pytest.fixture
def docs(xapi):
    return Documents(xapi)


@pytest.fixture
def docs_for(client, make_credential):
    def make(scopes):
        credential, secret = make_credential(scopes=scopes)
        return Documents(XapiClient(client, credential, secret))

    return make


def state(state_id="resume", **extra):
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": state_id, **extra}


def activity_profile(profile_id="settings"):
    return {"activityId": ACTIVITY, "profileId": profile_id}


def agent_profile(profile_id="preferences", agent=AGENT):
    return {"agent": agent, "profileId": profile_id}


def etag(content):
    return f'"{hashlib.sha1(content).hexdigest()}"'


# --- State --------------------------------------------------------------------------------------------


def test_state_document_lifecycle(docs):
    body = b'{"bookmark": 12.5, "note": "\\u0000 stays"}'
    response = docs.put(STATE, state(), body)
    assert response.status_code == 204
    assert response["ETag"] == etag(body)
    assert response["X-Experience-API-Version"] == "1.0.3"

    response = docs.get(STATE, state())
    assert response.status_code == 200
    assert response.content == body  # byte for byte
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == etag(body)
    assert response["Last-Modified"].endswith("GMT")

    head = docs.head(STATE, state())
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag(body)

    assert docs.post(STATE, state(), {"note": "replaced", "extra": [1]}).status_code == 204
    assert docs.get(STATE, state()).json() == {"bookmark": 12.5, "note": "replaced", "extra": [1]}

    docs.put(STATE, state("other"), {"x": 1})
    listing = docs.get(STATE, {"activityId": ACTIVITY, "agent": AGENT})
    assert listing.status_code == 200 and sorted(listing.json()) == ["other", "resume"]
    assert listing["ETag"] == etag(listing.content) and listing["Last-Modified"]

    assert docs.delete(STATE, state()).status_code == 204
    assert docs.get(STATE, state()).status_code == 404
    assert docs.delete(STATE, state()).status_code == 204  # deleting what is not there is not an error
    assert docs.get(STATE, {"activityId": ACTIVITY, "agent": AGENT}).json() == ["other"]


def test_binary_documents_keep_their_bytes_and_content_type(docs):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe"
    assert docs.put(STATE, state("picture"), png, content_type="image/png").status_code == 204
    response = docs.get(STATE, state("picture"))
    assert response.content == png
    assert response["Content-Type"] == "image/png"
    assert response["ETag"] == etag(png)
    text = "Déjà vu".encode()
    docs.put(STATE, state("text"), text, content_type="text/plain; charset=utf-8")
    assert docs.get(STATE, state("text"))["Content-Type"] == "text/plain; charset=utf-8"


def test_json_merge_replaces_top_level_properties_only(docs):
    docs.post(STATE, state(), {"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale", "n": 1.10})
    docs.post(STATE, state(), {"car": {"make": "Dodge"}, "series": {"nascar": "nextel"}})
    assert docs.get(STATE, state()).json() == {
        "car": {"make": "Dodge"},
        "driver": "Dale",
        "n": 1.1,
        "series": {"nascar": "nextel"},
    }


@pytest.mark.parametrize(
    ("stored", "stored_type", "posted", "posted_type"),
    [
        ({"a": 1}, "application/json", b"abc", "text/plain"),  # posted is not JSON
        (b"/ asdf / undefined", "application/octet-stream", {"a": 2}, "application/json"),  # stored is not JSON
        ({"a": 1}, "application/json", b'{"a": 2', "application/json"),  # malformed JSON
        ({"a": 1}, "application/json", [1, 2], "application/json"),  # not an object
        ([1, 2], "application/json", {"a": 2}, "application/json"),  # stored is not an object
    ],
)
def test_merge_refuses_anything_but_two_json_objects_and_changes_nothing(
    docs, stored, stored_type, posted, posted_type
):
    assert docs.put(STATE, state(), stored, content_type=stored_type).status_code == 204
    before = docs.get(STATE, state()).content
    response = docs.post(STATE, state(), posted, content_type=posted_type)
    assert response.status_code == 400
    assert response.json()["error"] is True and response.json()["message"]
    assert docs.get(STATE, state()).content == before


def test_post_creates_a_missing_document_whatever_its_type(docs):
    assert docs.post(STATE, state("new"), b"plain", content_type="text/plain").status_code == 204
    assert docs.get(STATE, state("new")).content == b"plain"


def test_registration_scopes_state_documents(docs):
    one, two = str(uuid.uuid4()), str(uuid.uuid4())
    docs.put(STATE, state("a"), {"r": None})
    docs.put(STATE, state("a", registration=one), {"r": 1})
    docs.put(STATE, state("b", registration=two), {"r": 2})
    docs.put(STATE, {**state("a"), "agent": {"mbox": "mailto:someone-else@example.org"}}, {"other": True})
    assert docs.get(STATE, state("a")).json() == {"r": None}
    assert docs.get(STATE, state("a", registration=one)).json() == {"r": 1}
    assert docs.get(STATE, state("b")).status_code == 404
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert sorted(docs.get(STATE, context).json()) == ["a", "a", "b"]
    assert docs.get(STATE, {**context, "registration": two}).json() == ["b"]

    # Delete everything of one registration, then everything of the context; the other agent keeps theirs.
    assert docs.delete(STATE, {**context, "registration": one}).status_code == 204
    assert sorted(docs.get(STATE, context).json()) == ["a", "b"]
    assert docs.delete(STATE, context).status_code == 204
    assert docs.get(STATE, context).json() == []
    assert Document.objects.filter(resource="state").count() == 1


def test_since_lists_documents_updated_after_it(docs):
    docs.put(STATE, state("old"), {"n": 1})
    Document.objects.filter(document_id="old").update(updated=timezone.now() - timedelta(hours=1))
    docs.put(STATE, state("new"), {"n": 2})
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert docs.get(STATE, {"activityId": ACTIVITY, "agent": AGENT, "since": since}).json() == ["new"]
    updated = Document.objects.get(document_id="new").updated
    exclusive = {"activityId": ACTIVITY, "agent": AGENT, "since": updated.isoformat()}
    assert docs.get(STATE, exclusive).json() == []
    bad = docs.get(STATE, {"activityId": ACTIVITY, "agent": AGENT, "since": "yesterday"})
    assert bad.status_code == 400


def test_state_honours_preconditions_when_given(docs):
    docs.put(STATE, state(), {"n": 1})
    current = docs.get(STATE, state())["ETag"]
    assert docs.put(STATE, state(), {"n": 2}, headers={"If-Match": '"' + "0" * 40 + '"'}).status_code == 412
    assert docs.put(STATE, state(), {"n": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert docs.post(STATE, state(), {"n": 2}, headers={"If-Match": '"' + "0" * 40 + '"'}).status_code == 412
    assert docs.delete(STATE, state(), headers={"If-Match": '"' + "0" * 40 + '"'}).status_code == 412
    assert docs.get(STATE, state()).json() == {"n": 1}
    assert docs.put(STATE, state(), {"n": 3}, headers={"If-Match": current}).status_code == 204
    # Without headers the State resource overwrites (Communication 3.1).
    assert docs.put(STATE, state(), {"n": 4}).status_code == 204
    assert docs.get(STATE, state()).json() == {"n": 4}


def test_conditional_get(docs):
    docs.put(STATE, state(), {"n": 1})
    current = docs.get(STATE, state())["ETag"]
    response = docs.get(STATE, state(), headers={"If-None-Match": current})
    assert response.status_code == 304 and response["ETag"] == current
    assert docs.get(STATE, state(), headers={"If-Match": '"' + "1" * 40 + '"'}).status_code == 412


# --- Profiles and concurrency ---------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params"), [(ACTIVITY_PROFILE, activity_profile()), (AGENT_PROFILE, agent_profile())])
def test_profile_put_needs_a_precondition(docs, path, params):
    # New document without If-Match / If-None-Match: refused, nothing stored.
    response = docs.put(path, params, {"v": 1})
    assert response.status_code == 400 and "If-None-Match" in response.json()["message"]
    assert docs.get(path, params).status_code == 404

    assert docs.put(path, params, {"v": 1}, headers={"If-None-Match": "*"}).status_code == 204
    assert docs.put(path, params, {"v": 2}, headers={"If-None-Match": "*"}).status_code == 412
    first = docs.get(path, params)["ETag"]

    # Existing document without a header: 409 with an explanation, unchanged.
    conflict = docs.put(path, params, {"v": 2})
    assert conflict.status_code == 409
    assert "If-Match" in conflict.json()["message"] and "ETag" in conflict.json()["message"]

    assert docs.put(path, params, {"v": 2}, headers={"If-Match": first}).status_code == 204
    # The ETag the client holds is stale now: 412, nothing changes.
    assert docs.put(path, params, {"v": 3}, headers={"If-Match": first}).status_code == 412
    assert docs.delete(path, params, headers={"If-Match": first}).status_code == 412
    assert docs.get(path, params).json() == {"v": 2}
    # Unquoted and weak ETags, and lists, are understood.
    second = docs.get(path, params)["ETag"]
    assert docs.put(path, params, {"v": 4}, headers={"If-Match": f'W/{second}, "x"'}).status_code == 204
    current = docs.get(path, params)["ETag"]
    assert docs.post(path, params, {"w": 5}, headers={"If-Match": current.strip('"')}).status_code == 204
    assert docs.get(path, params).json() == {"v": 4, "w": 5}
    # If-Match on a document that does not exist fails too.
    missing = {**params, "profileId": "missing"}
    assert docs.put(path, missing, {"v": 1}, headers={"If-Match": "*"}).status_code == 412
    assert docs.get(path, missing).status_code == 404

    listing = {key: value for key, value in params.items() if key != "profileId"}
    assert docs.get(path, listing).json() == [params["profileId"]]
    assert docs.delete(path, params).status_code == 204
    assert docs.get(path, listing).json() == []


def test_agent_profile_uses_the_agent_and_refuses_groups(docs):
    account = {"account": {"homePage": "http://lms.example.org", "name": "u1"}}
    docs.put(AGENT_PROFILE, agent_profile(agent=account), {"lang": "fr"}, headers={"If-None-Match": "*"})
    # The same agent written with objectType and in another key order is the same agent.
    same = {"objectType": "Agent", "account": {"name": "u1", "homePage": "http://lms.example.org"}}
    assert docs.get(AGENT_PROFILE, agent_profile(agent=same)).json() == {"lang": "fr"}
    group = {"objectType": "Group", "mbox": "mailto:team@example.org"}
    response = docs.get(AGENT_PROFILE, agent_profile(agent=group))
    assert response.status_code == 400


# --- Bad requests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("PUT", STATE, {"agent": AGENT, "stateId": "s"}),
        ("GET", STATE, {"activityId": ACTIVITY, "stateId": "s"}),
        ("POST", STATE, {"activityId": ACTIVITY, "agent": AGENT}),
        ("PUT", STATE, {**state(), "agent": "not JSON"}),
        ("GET", STATE, {**state(), "agent": "true"}),
        ("GET", STATE, {**state(), "agent": json.dumps({"name": "no identifier"})}),
        ("GET", STATE, {**state(), "agent": "[" * 5000 + "]" * 5000}),
        ("PUT", STATE, {**state(), "activityId": "not an IRI"}),
        ("PUT", STATE, {**state(), "registration": "true"}),
        ("PUT", STATE, {**state(), "stateId": ""}),
        ("PUT", STATE, {**state(), "stateId": "a\x00b"}),
        ("PUT", STATE, {**state(), "stateId": "x" * 3000}),
        ("PUT", STATE, {**state(), "since": "2026-01-01T00:00:00Z"}),
        ("PUT", STATE, {**state(), "unknown": "1"}),
        ("DELETE", ACTIVITY_PROFILE, {"activityId": ACTIVITY}),
        ("DELETE", AGENT_PROFILE, {"agent": AGENT}),
        ("GET", AGENT_PROFILE, {"agent": AGENT, "since": "true"}),
        ("GET", "/xapi/activities", {}),
        ("GET", "/xapi/activities", {"activityId": "true"}),
        ("GET", "/xapi/agents", {}),
        ("GET", "/xapi/agents", {"agent": json.dumps({"objectType": "Agent", "name": "Rick James"})}),
    ],
)
def test_malformed_requests_get_400_and_store_nothing(docs, method, path, params):
    response = docs.request(method, path, params, {"x": 1} if method in ("PUT", "POST") else None)
    assert response.status_code == 400, response.content
    assert response.json()["error"] is True
    assert not Document.objects.exists()


def test_hostile_documents_are_refused_without_a_5xx(docs, settings):
    deep = "[" * 5000 + "]" * 5000
    for method in ("put", "post"):
        response = getattr(docs, method)(STATE, state(), deep)
        assert response.status_code == 400, response.content
        assert "nested" in response.json()["message"]
    assert docs.put(STATE, state(), "[" * 65 + "]" * 65).status_code == 400  # beyond MAX_JSON_DEPTH
    assert docs.put(STATE, state(), '{"n": NaN}').status_code == 400
    assert docs.put(STATE, state(), b'{"n": "\xff"}').status_code == 400  # not UTF-8

    ten_mb = b"x" * (10 * 1000 * 1000)
    response = docs.put(STATE, state(), ten_mb, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "limited" in response.json()["message"]
    settings.XAPI_DOCUMENT_MAX_BYTES = 100
    assert docs.put(STATE, state(), b"y" * 101, content_type="text/plain").status_code == 413
    assert docs.put(STATE, state(), b"y" * 100, content_type="text/plain").status_code == 204
    assert bytes(Document.objects.get().content) == b"y" * 100


@pytest.mark.parametrize("path", [STATE, "/xapi/statements"])
def test_an_alternate_syntax_request_beyond_the_upload_limit_gets_413_in_xapi_terms(docs, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    form = urlencode(
        {"content": "x" * 2000, "X-Experience-API-Version": "1.0.3", **state()} | {"agent": json.dumps(AGENT)}
    )
    response = docs.xapi.client.post(f"{path}?method=PUT", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.json()["error"] is True
    assert not Document.objects.exists()


def test_version_header_methods_and_cors(docs, client):
    response = docs.get(STATE, state(), headers={"X-Experience-API-Version": None})
    assert response.status_code == 400
    assert docs.request("PATCH", STATE, state(), {"x": 1}).status_code == 405
    assert docs.request("PUT", "/xapi/activities", {"activityId": ACTIVITY}, {"x": 1}).status_code == 405
    preflight = client.options(STATE, headers={"Origin": "http://lms.example.org"})
    assert preflight.status_code == 204
    assert "DELETE" in preflight["Access-Control-Allow-Methods"]
    assert "If-Match" in preflight["Access-Control-Allow-Headers"]
    assert "ETag" in docs.get(STATE, state())["Access-Control-Expose-Headers"]


def test_alternate_request_syntax(docs):
    xapi = docs.xapi
    form = {
        "content": json.dumps({"via": "form"}),
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": xapi.headers["Authorization"],
        **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in state().items()},
    }
    response = xapi.client.post(
        f"{STATE}?method=PUT", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204, response.content
    form.pop("content")
    form.pop("Content-Type")
    response = xapi.client.post(
        f"{STATE}?method=GET", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and response.json() == {"via": "form"}


def test_documents_answer_a_bounded_number_of_queries(docs):
    context = {"activityId": ACTIVITY, "agent": AGENT}
    docs.put(STATE, state(), {"n": 0})
    listing = queries_during(lambda: docs.get(STATE, context))
    single = queries_during(lambda: docs.get(STATE, state()))
    write = queries_during(lambda: docs.post(STATE, state(), {"n": 1}))
    assert 0 < single <= 4 and 0 < listing <= 4 and 0 < write <= 8
    for index in range(20):
        docs.put(STATE, state(f"more-{index}"), {"n": index})
    assert queries_during(lambda: docs.get(STATE, context)) == listing
    assert queries_during(lambda: docs.get(STATE, state())) == single
    assert queries_during(lambda: docs.post(STATE, state(), {"n": 2})) == write


# --- Who may do what ------------------------------------------------------------------------------------


def test_scopes_decide_who_reads_and_writes(docs_for):
    writer = docs_for(["statements/write"])
    assert writer.put(STATE, state(), {"n": 1}).status_code == 403
    assert writer.get(STATE, state()).status_code == 403
    assert docs_for(["state"]).put(ACTIVITY_PROFILE, activity_profile(), {"n": 1}).status_code == 403
    assert docs_for(["profile"]).put(STATE, state(), {"n": 1}).status_code == 403
    reader = docs_for(["all/read"])
    assert reader.put(STATE, state(), {"n": 1}).status_code == 403
    assert not Document.objects.exists()


def test_state_and_profile_scopes_only_reach_their_own_documents(docs_for):
    first, second, everything, reader = (
        docs_for(["state"]),
        docs_for(["state"]),
        docs_for(["all"]),
        docs_for(["all/read"]),
    )
    assert first.put(STATE, state("mine"), {"by": "first"}).status_code == 204
    # Another client with the state scope neither sees nor changes it.
    assert second.get(STATE, state("mine")).status_code == 404
    assert second.put(STATE, state("mine"), {"by": "second"}).status_code == 403
    assert second.post(STATE, state("mine"), {"by": "second"}).status_code == 403
    assert second.delete(STATE, state("mine")).status_code == 403
    assert second.put(STATE, state("theirs"), {"by": "second"}).status_code == 204
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert first.get(STATE, context).json() == ["mine"]
    assert second.delete(STATE, context).status_code == 204  # deletes only what it may change
    assert first.get(STATE, state("mine")).json() == {"by": "first"}
    # all/read reads everything, all changes everything.
    assert reader.get(STATE, state("mine")).json() == {"by": "first"}
    assert everything.post(STATE, state("mine"), {"by": "all"}).status_code == 204
    assert first.get(STATE, state("mine")).json() == {"by": "all"}  # still the first client's document
    profiles = docs_for(["profile"])
    assert profiles.put(AGENT_PROFILE, agent_profile(), {"p": 1}, headers={"If-None-Match": "*"}).status_code == 204
    assert docs_for(["profile"]).get(AGENT_PROFILE, agent_profile()).status_code == 404


def test_activities_and_agents_need_a_reading_scope(docs_for):
    writer = docs_for(["statements/write"])
    assert writer.get("/xapi/activities", {"activityId": ACTIVITY}).status_code == 403
    assert writer.get("/xapi/agents", {"agent": AGENT}).status_code == 403
    for scopes in (["statements/read/mine"], ["define"], ["state"]):
        assert docs_for(scopes).get("/xapi/activities", {"activityId": ACTIVITY}).status_code == 200


# --- A signed-in agent's browser ------------------------------------------------------------------------


@pytest.fixture
def browser(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    client.get("/")  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    own = {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": agent.xapi_account_name}}

    def request(method, params, body=None, csrf=True, path=STATE, content_type="application/json"):
        headers = {"X-Experience-API-Version": "1.0.3"}
        if csrf:
            headers["X-CSRFToken"] = token
        query = urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()})
        extra = {"content_type": content_type} if body is not None else {}
        data = json.dumps(body) if isinstance(body, dict) else (body or b"")
        return client.generic(method, f"{path}?{query}", data, headers=headers, **extra)

    request.own = own
    return request


def test_a_browser_uses_the_state_of_its_own_agent_only(browser, docs):
    own = {**state("video"), "agent": browser.own}
    assert browser("POST", own, {"time": 12.5}).status_code == 204
    assert browser("GET", own).json() == {"time": 12.5}
    assert browser("PUT", own, {"time": 13}).status_code == 204
    document = Document.objects.get()
    assert document.credential is None and document.user.xapi_account_name == browser.own["account"]["name"]
    assert document.agent_account_name == browser.own["account"]["name"]

    # Without the CSRF token: refused (reading needs none).
    assert browser("PUT", own, {"time": 99}, csrf=False).status_code == 403
    assert browser("DELETE", own, csrf=False).status_code == 403
    # Another agent's state, a profile, the Activities resource: refused.
    someone = {**own, "agent": {"account": {"homePage": settings.PASSINNOV_BASE_URL, "name": "someone-else"}}}
    assert browser("PUT", someone, {"time": 1}).status_code == 403
    assert browser("GET", someone).status_code == 403
    profile = {"agent": browser.own, "profileId": "p"}
    assert browser("POST", profile, {"p": 1}, path=AGENT_PROFILE).status_code == 403
    assert browser("GET", {"activityId": ACTIVITY}, path="/xapi/activities").status_code == 403
    # A document a client wrote about this agent is not the browser's to read or change.
    docs.put(STATE, {**state("lms"), "agent": browser.own}, {"suspend": "x"})
    assert browser("GET", {**own, "stateId": "lms"}).status_code == 404
    assert browser("PUT", {**own, "stateId": "lms"}, {"x": 1}).status_code == 403
    assert browser("GET", {"activityId": ACTIVITY, "agent": browser.own}).json() == ["video"]
    # The browser's documents are small.
    big = json.dumps({"pad": "x" * 70_000})
    assert browser("PUT", own, big).status_code == 413
    assert browser("GET", own).json() == {"time": 13}
    assert browser("DELETE", own).status_code == 204
    assert Document.objects.filter(document_id="video").count() == 0


@pytest.mark.parametrize("path", [STATE, "/xapi/statements"])
def test_a_browser_posting_a_form_body_gets_an_xapi_answer(browser, path):
    body = b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--XX--\r\n'
    params = {**state("form"), "agent": browser.own} if path == STATE else {}
    response = browser("POST", params, body, path=path, content_type="multipart/form-data; boundary=XX")
    assert response.status_code in (204, 400), response.content  # stored as a document / not a statement
    if path == STATE:
        assert bytes(Document.objects.get(document_id="form").content) == body


def test_anonymous_requests_get_401(client):
    response = client.get(
        f"{STATE}?{urlencode(state() | {'agent': json.dumps(AGENT)})}", headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
