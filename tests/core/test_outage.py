"""A lost database connection answers 503 with Retry-After (DSFR page for people, xAPI error format on /xapi/),
nothing acknowledged is lost, and the site recovers by itself."""

import json
import time
import uuid
from contextlib import contextmanager
from unittest import mock

import psycopg2
import pytest
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorWrapper

from learning_records.models import Credential, Statement
from tests.learning_records.conftest import XapiClient
from tests.learning_records.helpers import make_statement, with_id

XAPI_ERROR_HEADERS = ("Retry-After", "X-Experience-API-Version", "Access-Control-Allow-Origin")


@contextmanager
def database_down(error=OperationalError):
    """Every query fails as it does when PostgreSQL restarts under the application."""

    def fail(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    with mock.patch.object(CursorWrapper, "_execute", fail), mock.patch.object(CursorWrapper, "_executemany", fail):
        yield


def assert_people_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Service momentanément indisponible" in html and "Erreur 503" in html
    assert 'lang="fr"' in html and "fr-btn" in html  # the DSFR error page


def assert_xapi_error(response):
    assert response.status_code == 503
    for header in XAPI_ERROR_HEADERS:
        assert response[header]
    assert response["Retry-After"] == "30"
    assert response.json()["error"] is True and "database" in response.json()["message"]
    assert "X-Experience-API-Consistent-Through" not in response


@pytest.fixture
def xapi_client(client):
    credential = Credential(name="LMS", scopes=["all"])
    secret = credential.set_secret()
    credential.save()
    return XapiClient(client, credential, secret)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_people_get_the_dsfr_503_page_then_the_site_works_again(client, agent, error):
    client.raise_request_exception = False  # the error is logged and answered by handler500
    client.force_login(agent)
    with database_down(error):
        assert_people_page(client.get("/mon-parcours/"))  # the session itself cannot be read
        assert_people_page(client.post("/mon-parcours/", {"modules": []}))
        assert_people_page(client.get("/connexion/"))
    assert client.get("/mon-parcours/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_xapi_clients_get_503_in_the_xapi_format_and_nothing_is_half_stored(xapi_client, error):
    before = Statement.objects.count()
    statement = with_id()
    with database_down(error):
        assert_xapi_error(xapi_client.post(statement))
        assert_xapi_error(xapi_client.put(make_statement(), uuid.uuid4()))
        assert_xapi_error(xapi_client.get())
        assert_xapi_error(xapi_client.get(params={"statementId": statement["id"]}))
        assert xapi_client.head().status_code == 503
        assert_xapi_error(xapi_client.get("/xapi/about"))
    assert Statement.objects.count() == before
    # The client retries: stored once.
    assert xapi_client.post(statement).status_code == 200
    assert xapi_client.get(params={"statementId": statement["id"]}).status_code == 200


@pytest.mark.django_db
def test_other_server_errors_still_answer_500(client, agent):
    client.raise_request_exception = False
    client.force_login(agent)
    with mock.patch("progress.views.dashboard.build", side_effect=RuntimeError("a bug")):
        response = client.get("/mon-parcours/")
    assert response.status_code == 500 and "Retry-After" not in response


# --- A real lost connection (PostgreSQL terminates the backend) ---------------------------------------


def terminate_our_backend():
    """Kill the test's own PostgreSQL connection from another one, as a restart would, and wait until it is
    gone for good."""
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    killer = psycopg2.connect(**connection.get_connection_params())
    killer.autocommit = True
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0]
            for _attempt in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
    finally:
        killer.close()
    raise AssertionError(f"backend {pid} did not stop")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_terminated_connection_answers_503_closes_it_and_recovers(client):
    client.raise_request_exception = False
    credential = Credential(name="LMS", scopes=["all"])
    secret = credential.set_secret()
    credential.save()
    xapi = XapiClient(client, credential, secret)
    first, second = with_id(), with_id()
    assert xapi.post(first).status_code == 200

    terminate_our_backend()
    response = xapi.post(second)
    assert_xapi_error(response)
    assert connection.connection is None  # the broken connection was closed, not kept for the next request
    assert xapi.post(second).status_code == 200  # a new connection

    user = get_user_model().objects.create_user("resilient", password="pw-123456789")
    client.force_login(user)
    terminate_our_backend()
    assert_people_page(client.get("/mon-parcours/"))
    assert connection.connection is None
    assert client.get("/healthz").status_code == 200

    # Nothing acknowledged was lost, nothing was stored twice.
    for statement in (first, second):
        response = xapi.get(params={"statementId": statement["id"]})
        assert response.status_code == 200 and json.loads(response.content)["id"] == statement["id"]
    assert Statement.objects.filter(statement_id__in=[first["id"], second["id"]]).count() == 2
