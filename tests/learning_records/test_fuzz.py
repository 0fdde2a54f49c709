"""Fuzzing the Statement API with hypothesis: random and mutated statements, bodies, headers and query
strings against /xapi/statements (GET, HEAD, PUT, POST, the alternate syntax) and /xapi/about.

Whatever arrives: never a 5xx, and a refused request leaves the store as it was (count and greatest
`stored`). The normal suite runs a bounded number of examples (deterministic); PASSINNOV_FUZZ_EXAMPLES=5000
runs many more, with random seeds (docs/developing.md, "Property and fuzz tests").
"""

import copy
import json
import uuid
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from hypothesis import event, given
from hypothesis import strategies as st

from learning_records.models import Credential, Statement
from learning_records.query import FILTER_PARAMS, SINGLE_PARAMS
from tests.fuzzing import database_settings

from .conftest import basic
from .helpers import attachment_of, make_statement, multipart, part_headers

pytestmark = pytest.mark.django_db

PATH = "/xapi/statements"
VERSIONS = ["1.0.3", "1.0.0", "1.0", "1.0.9", "0.95", "2.0.0", "", " 1.0.3", "1.0.3\x00", "abc"]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "multipart/mixed; boundary=xAPIboundary",
    "multipart/mixed",
    "application/x-www-form-urlencoded",
    "text/plain",
    "",
]
INTERESTING = [
    "",
    " ",
    "not an iri",
    "http://example.org/x",
    "mailto:someone@example.org",
    "urn:x",
    str(uuid.uuid4()),
    "00000000-0000-0000-0000-000000000000",
    "2026-01-01T00:00:00Z",
    "2026-13-45T99:99:99+99:99",
    "PT1.5S",
    "P1W2D",
    "\x00",
    "\ud800",
    "é" * 300,
    "http://adlnet.gov/expapi/verbs/voided",
    "StatementRef",
    "SubStatement",
    "Group",
    "Agent",
    "Activity",
    0,
    -1,
    1e308,
    10**40,
    1.5,
    True,
    None,
    [],
    {},
    [{}],
]
ACTOR = {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": "fuzz"}}
BASES = [
    make_statement(),
    make_statement(
        actor=ACTOR,
        context={
            "registration": str(uuid.uuid4()),
            "instructor": {"mbox": "mailto:trainer@example.org"},
            "contextActivities": {"parent": {"id": "http://example.org/p"}, "category": [{"id": "http://e.org/c"}]},
            "extensions": {"http://example.org/ext": {"a": [1, 2.5, "x"]}},
            "language": "fr-FR",
            "platform": "PassInnov",
        },
        result={"score": {"raw": 3, "min": 1, "max": 5, "scaled": 0.5}, "success": True, "duration": "PT90M"},
        timestamp="2026-11-30T09:30:00.123+01:00",
    ),
    make_statement(
        object={
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:sub@example.org"},
            "verb": {"id": "http://example.org/v"},
            "object": {"id": "http://example.org/o"},
        }
    ),
    make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": str(uuid.uuid4())},
    ),
    make_statement(actor={"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}),
    make_statement(
        attachments=[dict(attachment_of(b"file"), fileUrl="http://example.org/file")],
        authority={"objectType": "Agent", "mbox": "mailto:authority@example.org"},
        version="1.0.3",
    ),
]


def usually(value, others):
    """`value` about half of the time, else any of `others`."""
    return st.one_of(st.just(value), st.sampled_from(others))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(INTERESTING).map(copy.deepcopy),  # drawn values are mutated: never share them
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=12,
)


def slots(value, path=()):
    """Every (path) of a key or index inside a parsed statement."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*path, key))
            found += slots(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append((*path, index))
            found += slots(child, (*path, index))
    return found


@st.composite
def mutated_statements(draw):
    statement = copy.deepcopy(draw(st.sampled_from(BASES)))
    if draw(st.booleans()):
        statement["id"] = str(draw(st.uuids(version=4)))
    for _mutation in range(draw(st.integers(0, 3))):
        # Deepest places first: hypothesis leans to the first choices, which then change the least.
        places = sorted(slots(statement), key=len, reverse=True)
        if not places:
            break
        *parent_path, key = draw(st.sampled_from(places))
        parent = statement
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "add", "delete"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["objectType", "id", "mbox", "extra", "definition", "member"]))] = draw(
                json_values
            )
    return statement


statement_bodies = st.one_of(
    mutated_statements().map(json.dumps),
    st.lists(mutated_statements(), min_size=1, max_size=3).map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=200),
    st.sampled_from(["", "[]", "{}", "[{}]", "null", "[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000]),
)
query_params = st.dictionaries(
    st.sampled_from(sorted(FILTER_PARAMS | SINGLE_PARAMS) + ["more", "method", "Verb", "x"]),
    st.one_of(st.text(max_size=40), st.sampled_from([str(v) for v in INTERESTING]), json_values.map(json.dumps)),
    max_size=4,
)


@pytest.fixture
def credentials(db):
    """Two clients (one reads only its own statements) and the agent whose browser writes."""
    made = {}
    for name, scopes in (("all", ["all"]), ("mine", ["statements/read/mine", "statements/write"])):
        credential = Credential(name=name, scopes=scopes)
        made[name] = basic(credential.key, credential.set_secret())
        credential.save()
    made["wrong"] = basic(credential.key, "not the secret")
    made["garbage"] = "Basic !!!"
    return made


def store_state():
    return Statement.objects.count(), Statement.objects.aggregate(last=Max("stored"))["last"]


def check(response, before):
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert store_state() == before, f"refused with {response.status_code} but the store changed"
        if response.get("Content-Type", "").startswith("application/json") and response.content:
            body = response.json()
            assert body["error"] is True and isinstance(body["message"], str)


def send(client, method, body, params, headers, content_type):
    query = "?" + urlencode(params, errors="surrogatepass") if params else ""
    kwargs = {"headers": {k: v for k, v in headers.items() if v is not None}}
    if method in ("GET", "HEAD"):
        return getattr(client, method.lower())(PATH + query, **kwargs)
    data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    return getattr(client, method.lower())(PATH + query, data, content_type=content_type, **kwargs)


def in_rolled_back_transaction(run):
    cache.clear()  # throttling counters: every example starts afresh
    with transaction.atomic():
        run()
        transaction.set_rollback(True)


@database_settings(default=150)
@given(
    method=st.sampled_from(["POST", "PUT"]),
    body=statement_bodies,
    who=st.sampled_from(["all", "mine", "browser"]),
    version=usually("1.0.3", VERSIONS),
    content_type=usually("application/json", CONTENT_TYPES),
    statement_id=st.one_of(st.uuids(version=4).map(str), st.uuids(version=4).map(str), st.text(max_size=10)),
)
def test_writes_never_fail_and_refusals_change_nothing(
    client, agent, credentials, method, body, who, version, content_type, statement_id
):
    def run():
        headers = {"X-Experience-API-Version": version}
        if who == "browser":
            client.force_login(agent)
        else:
            client.logout()
            headers["Authorization"] = credentials[who]
        params = {"statementId": statement_id} if method == "PUT" else {}
        before = store_state()
        check(send(client, method, body, params, headers, content_type), before)

    in_rolled_back_transaction(run)


@database_settings(default=60)
@given(statement=mutated_statements(), content=st.binary(max_size=50), hash_ok=st.booleans())
def test_multipart_writes_never_fail(client, credentials, statement, content, hash_ok):
    def run():
        sent = copy.deepcopy(statement)
        if not isinstance(sent.get("attachments"), list):
            sent["attachments"] = []
        sent["attachments"].append(attachment_of(content))
        headers = part_headers(content if hash_ok else b"other")
        body, content_type = multipart(sent, [(content, headers)])
        before = store_state()
        response = client.post(
            PATH,
            body,
            content_type=content_type,
            headers={"Authorization": credentials["all"], "X-Experience-API-Version": "1.0.3"},
        )
        check(response, before)

    in_rolled_back_transaction(run)


@database_settings(default=150)
@given(
    method=st.sampled_from(["GET", "HEAD"]),
    params=query_params,
    who=st.sampled_from(["all", "all", "mine", "mine", "wrong", "garbage", None]),
    version=usually("1.0.3", VERSIONS),
    language=st.one_of(st.none(), st.text(max_size=30), st.just("fr-FR, en;q=0.5, *;q=0")),
)
def test_reads_never_fail(client, credentials, method, params, who, version, language):
    def run():
        headers = {"X-Experience-API-Version": version, "Accept-Language": language}
        if who is not None:
            headers["Authorization"] = credentials[who]
        before = store_state()
        check(send(client, method, "", params, headers, None), before)

    in_rolled_back_transaction(run)


@database_settings(default=60)
@given(form=st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=4), target=st.sampled_from(
    ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", ""]), body=statement_bodies)  # fmt: skip
def test_the_alternate_syntax_never_fails(client, credentials, form, target, body):
    def run():
        content = body.decode("latin-1") if isinstance(body, bytes) else body
        fields = {"Authorization": credentials["all"], "X-Experience-API-Version": "1.0.3", "content": content, **form}
        before = store_state()
        response = client.post(
            f"{PATH}?method={target}",
            urlencode(fields, errors="surrogatepass"),
            content_type="application/x-www-form-urlencoded",
        )
        check(response, before)

    in_rolled_back_transaction(run)


@database_settings(default=40)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS"]),
    params=query_params,
    version=st.sampled_from(VERSIONS),
    body=st.text(max_size=50),
)
def test_about_never_fails(client, method, params, version, body):
    def run():
        query = "?" + urlencode(params, errors="surrogatepass") if params else ""
        kwargs = {"headers": {"X-Experience-API-Version": version}}
        if method in ("POST", "PUT"):
            kwargs.update(data=body, content_type="application/json")
        before = store_state()
        check(getattr(client, method.lower())("/xapi/about" + query, **kwargs), before)

    in_rolled_back_transaction(run)
