"""Guessing a credential's secret is throttled per key and per client address (429 + Retry-After, before any
password hash), on the Statement API and on the erasure list; the success path is unchanged."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning_records import models
from learning_records.auth import FailureThrottle

from .conftest import XapiClient, basic

pytestmark = pytest.mark.django_db

ERASURES = "/mon-parcours/effacements.json"


@pytest.fixture
def limits(settings):
    settings.PASSINNOV_AUTH_FAILURES_PER_KEY = 3
    settings.PASSINNOV_AUTH_FAILURES_PER_ADDRESS = 5
    settings.PASSINNOV_AUTH_FAILURE_WINDOW = 300
    return settings


@pytest.fixture
def hashes():
    """Counts the password hashes computed."""
    with mock.patch.object(models, "check_password", wraps=models.check_password) as spy:
        yield spy


def from_address(client, credential, secret, address="203.0.113.7", **headers):
    return client.get(
        "/xapi/statements",
        headers={"Authorization": basic(credential.key, secret), "X-Experience-API-Version": "1.0.3", **headers},
        REMOTE_ADDR=address,
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] is True and response.json()["message"]


def test_wrong_secrets_for_one_key_are_throttled_before_any_hash(client, make_credential, limits, hashes):
    credential, secret = make_credential()
    for _attempt in range(3):
        assert from_address(client, credential, "guess").status_code == 401
    assert hashes.call_count == 3
    response = from_address(client, credential, "guess")
    assert_throttled(response)
    assert response["X-Experience-API-Version"] == "1.0.3"
    # Even the right secret is not checked while the key is throttled (a guess must learn nothing)...
    assert_throttled(from_address(client, credential, secret, address="198.51.100.1"))
    assert hashes.call_count == 3
    # ...and the key is usable again once the window is over.
    with time_machine.travel(timezone.now() + timedelta(seconds=int(response["Retry-After"]) + 1)):
        assert from_address(client, credential, secret).status_code == 200


def test_failures_from_one_address_are_throttled_whatever_the_key(client, make_credential, limits, hashes):
    keys = [make_credential()[0] for _n in range(5)]
    for credential in keys:
        assert from_address(client, credential, "guess").status_code == 401
    unknown = mock.Mock(key="no-such-key")
    assert_throttled(from_address(client, unknown, "guess"))
    assert_throttled(from_address(client, keys[0], "guess"))
    assert hashes.call_count == 5
    # Another address is not affected.
    assert from_address(client, unknown, "guess", address="198.51.100.2").status_code == 401


def test_the_client_address_is_read_past_trusted_proxies_only(client, make_credential, limits):
    limits.PASSINNOV_TRUSTED_PROXIES = 1
    unknown = [mock.Mock(key=f"unknown-{n}") for n in range(7)]
    for n in range(5):
        # Behind nginx: REMOTE_ADDR is the proxy; the client forges a first hop, nginx appends the real one.
        forwarded = {"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.9"}
        assert from_address(client, unknown[n], "guess", address="127.0.0.1", **forwarded).status_code == 401
    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.9"}
    assert_throttled(from_address(client, unknown[5], "guess", address="127.0.0.1", **forwarded))
    # Another client behind the same proxy is not affected.
    forwarded = {"X-Forwarded-For": "203.0.113.10"}
    assert from_address(client, unknown[6], "guess", address="127.0.0.1", **forwarded).status_code == 401


def test_the_success_path_costs_no_hash_no_throttle_and_no_extra_query(client, make_credential, limits, hashes):
    credential, secret = make_credential()
    xapi = XapiClient(client, credential, secret)
    assert xapi.get().status_code == 200  # first request: one hash, then remembered
    assert hashes.call_count == 1
    with (
        mock.patch.object(FailureThrottle, "check") as check,
        CaptureQueriesContext(connection) as queries,
    ):
        assert xapi.get().status_code == 200
    assert hashes.call_count == 1 and not check.called
    credential_queries = [q for q in queries.captured_queries if "learning_records_credential" in q["sql"]]
    assert len(credential_queries) == 1  # the key lookup, as before; last_used_at is recent

    # A client that proved its secret recently keeps working while someone guesses its key.
    for _attempt in range(4):
        from_address(client, credential, "guess")
    assert xapi.get().status_code == 200


def test_the_erasure_list_is_throttled_the_same_way(client, make_credential, limits, hashes):
    credential, secret = make_credential(scopes=["all/read"])
    assert client.get(ERASURES, headers={"Authorization": basic(credential.key, secret)}).status_code == 200
    for _attempt in range(3):
        response = client.get(ERASURES, headers={"Authorization": basic(credential.key, "guess")})
        assert response.status_code == 401 and response.json()["error"] is True
    response = client.get(ERASURES, headers={"Authorization": basic(credential.key, "guess")})
    assert_throttled(response)
    assert hashes.call_count == 4
