"""Bodies built to break the parser (5,000 nested levels and friends) answer 400 in the xAPI error format,
never 500, on every way into the Statement API, and change nothing."""

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.db.models import Max
from django.test import Client

from learning_records.models import Statement

from .helpers import attachment_of, jws, make_statement, multipart, part_headers, with_id

pytestmark = pytest.mark.django_db

LEVELS = 5000
NESTED_ARRAYS = "[" * LEVELS + "]" * LEVELS
NESTED_OBJECTS = '{"a":' * LEVELS + "1" + "}" * LEVELS
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def store_state():
    return Statement.objects.count(), Statement.objects.aggregate(last=Max("stored"))["last"]


def assert_refused(response, before, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Experience-API-Version"] == "1.0.3"
    body = response.json()
    assert body["error"] is True and body["message"]
    assert store_state() == before


def with_deep_extension(levels):
    statement = json.dumps(make_statement())
    deep = '{"a":' * levels + "1" + "}" * levels
    return statement[:-1] + ', "context": {"extensions": {"http://example.org/deep": ' + deep + "}}}"


@pytest.mark.parametrize(
    "body",
    [
        NESTED_ARRAYS,
        NESTED_OBJECTS,
        "[" + NESTED_OBJECTS + "]",
        "[" + json.dumps(make_statement()) + "," + NESTED_ARRAYS + "]",
        with_deep_extension(900),  # parses, then is deeper than any statement may be
        with_deep_extension(LEVELS),
    ],
    ids=["arrays", "objects", "batch of one", "second of a batch", "900-level extension", "5000-level extension"],
)
def test_post_of_a_deeply_nested_body_answers_400(xapi, body):
    before = store_state()
    assert_refused(xapi.post(body), before)


def test_put_of_a_deeply_nested_body_answers_400(xapi):
    before = store_state()
    assert_refused(xapi.put(NESTED_ARRAYS, uuid.uuid4()), before)
    assert_refused(xapi.put(NESTED_OBJECTS, uuid.uuid4()), before)


def test_multipart_with_a_deeply_nested_first_part_answers_400(xapi):
    before = store_state()
    body = (
        b"--xAPIboundary\r\nContent-Type: application/json\r\n\r\n"
        + NESTED_ARRAYS.encode()
        + b"\r\n--xAPIboundary--\r\n"
    )
    assert_refused(xapi.post(body, content_type="multipart/mixed; boundary=xAPIboundary"), before)


def test_signature_with_a_deeply_nested_jws_answers_400(xapi):
    statement = with_id()
    for header, payload in [({"alg": "RS256"}, NESTED_ARRAYS.encode()), (NESTED_OBJECTS.encode(), statement)]:
        token = jws(header, payload)
        signed = dict(
            statement, attachments=[attachment_of(token, usage=SIGNATURE, content_type="application/octet-stream")]
        )
        body, content_type = multipart(
            signed, [(token, part_headers(token, **{"Content-Type": "application/octet-stream"}))]
        )
        before = store_state()
        assert_refused(xapi.post(body, content_type=content_type), before)


def test_alternate_syntax_with_a_deeply_nested_content_or_agent_answers_400(xapi):
    before = store_state()
    form = {"content": NESTED_ARRAYS, "Content-Type": "application/json", **xapi.headers}
    response = xapi.client.post(
        "/xapi/statements?method=POST", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert_refused(response, before)
    form = {"agent": NESTED_OBJECTS, **xapi.headers}
    response = xapi.client.post(
        "/xapi/statements?method=GET", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert_refused(response, before)


def test_query_agent_deeply_nested_answers_400(xapi):
    before = store_state()
    assert_refused(xapi.get(params={"agent": NESTED_ARRAYS}), before)


def test_the_browser_write_path_answers_400_too(agent):
    """The video player's way in: session cookie and CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    client.get("/mon-parcours/")  # sets the CSRF cookie
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value, "X-Experience-API-Version": "1.0.3"}
    before = store_state()
    for body in (NESTED_ARRAYS, "[" + NESTED_OBJECTS + "]"):
        response = client.post("/xapi/statements", body, content_type="application/json", headers=headers)
        assert_refused(response, before)


def test_a_statement_at_the_depth_limit_is_stored_and_read_back(xapi):
    """The limit refuses only what no statement needs: 60 levels inside an extension go through."""
    statement = with_id()
    statement["context"] = {"extensions": {"http://example.org/deep": json.loads('{"a":' * 60 + "1" + "}" * 60)}}
    assert xapi.post(statement).status_code == 200
    for statement_format in ("exact", "canonical", "ids"):
        response = xapi.get(params={"statementId": statement["id"], "format": statement_format})
        assert response.status_code == 200
        assert response.json()["context"]["extensions"] == statement["context"]["extensions"]


@pytest.mark.parametrize(
    "attachments",
    [None, "x", [{"sha2": []}], [{"sha2": {"a": 1}}], [None]],
    ids=["null", "a string", "sha2 list", "sha2 object", "null item"],
)
def test_attachments_of_any_shape_answer_400(xapi, attachments):
    """Found by the fuzz tests: the declared attachments are read before validation."""
    statement = make_statement(attachments=None)
    statement["attachments"] = attachments
    before = store_state()
    assert_refused(xapi.post(statement), before)
    body, content_type = multipart(statement, [(b"data", part_headers(b"data"))])
    assert_refused(xapi.post(body, content_type=content_type), before)
