"""Statements used by the learning_records tests."""

import base64
import copy
import hashlib
import json
import uuid

BASE = "http://testserver"


def make_statement(**overrides):
    statement = {
        "actor": {"objectType": "Agent", "mbox": "mailto:test-agent@example.org", "name": "Test agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {
            "objectType": "Activity",
            "id": "http://example.org/activities/one",
            "definition": {"name": {"fr-FR": "Une activité"}},
        },
    }
    for key, value in overrides.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = copy.deepcopy(value)
    return statement


def with_id(statement=None, **overrides):
    statement = statement or make_statement(**overrides)
    statement["id"] = str(uuid.uuid4())
    return statement


def voiding(target_id, **overrides):
    return make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": str(target_id)},
        **overrides,
    )


def queries_during(action):
    """Number of SQL queries `action()` makes. The log is emptied first: a test-client request empties it
    when it starts (request_started), which would otherwise hide the queries from a capture begun earlier."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def assert_served_by_an_index(queryset):
    """PostgreSQL's plan for `queryset` reads no table sequentially (sequential scans disabled for the check)."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan


def multipart(statement, parts, boundary="xAPIboundary", first_type="application/json"):
    chunks = [f"--{boundary}\r\nContent-Type: {first_type}\r\n\r\n".encode(), json.dumps(statement).encode(), b"\r\n"]
    for content, headers in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks += [f"--{boundary}\r\n{head}\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def attachment_of(content, usage="http://example.org/usage", content_type="text/plain"):
    return {
        "usageType": usage,
        "display": {"en-US": "file"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def part_headers(content, **overrides):
    headers = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
    }
    headers.update(overrides)
    return {name: value for name, value in headers.items() if value is not None}


def jws(header, payload, signature=b"signature"):
    def encode(value):
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{encode(header)}.{encode(payload)}.{encode(signature)}".encode()
