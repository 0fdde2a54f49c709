import json
import signal
import socket
import threading
import uuid
from datetime import timedelta
from io import StringIO

import pytest
import requests
import time_machine
from django.core.management import call_command
from django.utils import timezone

from learning_records.events import void
from pilotage.delivery import LrsClient, deliver, endpoint_lock, lease_lock, renew_lease
from pilotage.models import LrsEndpoint, RefusedStatement
from tests.pilotage.fakes import FakeSession, response

pytestmark = pytest.mark.django_db


def test_delivers_in_stored_order_in_batches_and_moves_the_cursor(endpoint, make_statements):
    rows = make_statements(25)
    session = FakeSession()
    result = deliver(endpoint, session=session)
    assert (result.delivered, result.batches, result.error) == (25, 3, "")
    assert [len(call["payload"]) for call in session.calls] == [10, 10, 5]
    assert session.posted_ids == [str(row.statement_id) for row in sorted(rows, key=lambda r: r.stored)]
    call = session.calls[0]
    assert call["headers"]["X-Experience-API-Version"] == "1.0.3"
    assert call["headers"]["Content-Type"] == "application/json"
    assert call["auth"] == ("passinnov", "s3cret-value")
    assert call["timeout"] == (2, 2)  # connect and read timeouts on every call
    endpoint.refresh_from_db()
    last = max(rows, key=lambda r: r.stored)
    assert (endpoint.cursor_stored, endpoint.cursor_statement_id) == (last.stored, last.statement_id)
    assert endpoint.delivered_count == 25 and endpoint.consecutive_failures == 0
    assert endpoint.last_success_at is not None and endpoint.lag == 0

    more = make_statements(3, start=100)
    session = FakeSession()
    assert deliver(endpoint, session=session).delivered == 3
    assert session.posted_ids == [str(row.statement_id) for row in more]


def test_the_exact_stored_text_is_sent(endpoint):
    from learning_records.store import save_statements
    from tests.pilotage.conftest import statement

    text = json.dumps(statement(1) | {"result": {"score": {"scaled": 0.50, "raw": 1.0e2}}})
    text = text.replace("0.5", "0.50").replace("100.0", "1.0E2")
    save_statements(text)
    session = FakeSession()
    deliver(endpoint, session=session)
    assert b'"scaled": 0.50' in session.calls[0]["body"] and b'"raw": 1.0E2' in session.calls[0]["body"]


def test_failure_keeps_the_cursor_and_backs_off(endpoint, make_statements):
    make_statements(15)
    ok = deliver(endpoint, session=FakeSession(), max_batches=1)
    assert ok.delivered == 10
    endpoint.refresh_from_db()
    cursor = endpoint.cursor_stored

    failing = FakeSession(lambda method, payload, params: response(503, b"Service Unavailable"))
    result = deliver(endpoint, session=failing)
    assert result.delivered == 0 and "HTTP 503 de http://lrs.test" in result.error
    endpoint.refresh_from_db()
    assert endpoint.cursor_stored == cursor and endpoint.lag == 5
    assert endpoint.consecutive_failures == 1 and "503" in endpoint.last_error
    assert endpoint.next_attempt_at > timezone.now() + timedelta(seconds=9)

    untouched = FakeSession()
    assert deliver(endpoint, session=untouched).skipped == "backoff"
    assert untouched.calls == []

    # A second failure doubles the wait.
    deliver(endpoint, session=failing, ignore_backoff=True)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 2
    assert endpoint.next_attempt_at > timezone.now() + timedelta(seconds=19)

    with time_machine.travel(endpoint.next_attempt_at + timedelta(seconds=1)):
        assert deliver(endpoint, session=FakeSession()).delivered == 5
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.next_attempt_at is None and endpoint.lag == 0
    assert "503" in endpoint.last_error  # the last error stays visible to the administrator


def test_unreachable_lrs_is_an_error_not_a_crash(endpoint, make_statements):
    make_statements(2)
    result = deliver(endpoint, session=FakeSession(lambda *a: requests.ConnectionError("refused")))
    assert "Injoignable\u00a0: http://127.0.0.1:8519" in result.error
    endpoint.refresh_from_db()
    assert endpoint.lag == 2 and endpoint.consecutive_failures == 1


def test_conflict_on_a_batch_falls_back_to_one_by_one(endpoint, make_statements):
    rows = make_statements(3)
    already = str(rows[1].statement_id)

    def lrs(method, payload, params):
        if method == "GET":
            return response(200, {"id": params["statementId"]} if params["statementId"] == already else {}, "x")
        ids = [item["id"] for item in payload]
        return response(409, b"conflict") if already in ids else response(200, ids)

    session = FakeSession(lrs)
    result = deliver(endpoint, session=session)
    assert result.delivered == 3 and result.error == ""
    methods = [(call["method"], len(call["payload"] or [])) for call in session.calls]
    assert methods == [("POST", 3), ("POST", 1), ("POST", 1), ("GET", 0), ("POST", 1)]
    endpoint.refresh_from_db()
    assert endpoint.cursor_statement_id == rows[2].statement_id


def test_conflict_for_a_statement_the_lrs_does_not_have_is_an_error(endpoint, make_statements):
    make_statements(1)

    def lrs(method, payload, params):
        if method == "GET":
            return response(200, {"statements": [], "more": ""})  # Ralph's answer for an unknown id
        return response(409, b"conflict")

    result = deliver(endpoint, session=FakeSession(lrs))
    assert "409" in result.error
    endpoint.refresh_from_db()
    assert endpoint.lag == 1


def test_voided_and_voiding_statements_are_delivered(endpoint, make_statements):
    target = make_statements(1)[0]
    voiding = void(target)
    session = FakeSession()
    deliver(endpoint, session=session)
    assert session.posted_ids == [str(target.statement_id), str(voiding.statement_id)]
    sent = session.calls[0]["payload"][1]
    assert sent["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert sent["object"] == {"objectType": "StatementRef", "id": str(target.statement_id)}


def test_erasure_lists_are_delivered_as_voiding_statements(endpoint, make_statements, django_user_model):
    from progress.models import ErasureRequest

    erased = [str(row.statement_id) for row in make_statements(3)]
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(erasure_cursor_at=None)
    endpoint.refresh_from_db()
    already = set(ErasureRequest.objects.filter(status="done").values_list("pk", flat=True))
    erasure = ErasureRequest.objects.create(status="done", processed_at=timezone.now(), statement_ids=erased[:2])
    ErasureRequest.objects.create(status="pending", statement_ids=[erased[2]])  # not carried out: not sent

    session = FakeSession()
    result = deliver(endpoint, session=session)
    assert result.delivered == 3 and result.erasures == len(already) + 1
    voids = [item for call in session.calls[1:] for item in call["payload"]]
    mine = [item for item in voids if item["object"]["id"] in erased]
    assert [item["object"]["id"] for item in mine] == erased[:2]
    assert all(item["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided" for item in mine)
    assert all(item["object"]["objectType"] == "StatementRef" for item in mine)
    endpoint.refresh_from_db()
    assert (endpoint.erasure_cursor_at, endpoint.erasure_cursor_id) == (erasure.processed_at, erasure.pk)

    # Nothing is sent twice; the same erasure always gives the same voiding ids (a resend is idempotent).
    again = FakeSession()
    assert deliver(endpoint, session=again).erasures == 0 and again.calls == []
    from pilotage.delivery import erasure_voiding_statements

    assert [s.data["id"] for s in erasure_voiding_statements(erasure)] == [item["id"] for item in mine]


def test_failed_erasure_delivery_keeps_its_cursor(endpoint):
    from progress.models import ErasureRequest

    erasure = ErasureRequest.objects.create(
        status="done", processed_at=timezone.now(), statement_ids=[str(uuid.uuid4())]
    )
    failing = FakeSession(lambda *a: response(500, b"boom"))
    result = deliver(endpoint, session=failing)
    assert result.erasures == 0 and "HTTP 500" in result.error
    endpoint.refresh_from_db()
    assert endpoint.erasure_cursor_id != erasure.pk and endpoint.consecutive_failures == 1


def test_inactive_endpoint_is_skipped(endpoint, make_statements):
    make_statements(1)
    endpoint.active = False
    endpoint.save()
    session = FakeSession()
    assert deliver(endpoint, session=session).skipped == "inactive"
    assert session.calls == []


def test_recent_statements_wait_for_the_settle_delay(endpoint, make_statements, delivery_settings):
    delivery_settings.PASSINNOV_LRS_SETTLE_SECONDS = 60
    make_statements(2)
    assert deliver(endpoint, session=FakeSession()).delivered == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert deliver(endpoint, session=FakeSession()).delivered == 2


def test_lease_gives_one_worker_per_endpoint(endpoint, make_statements, monkeypatch):
    """The SQLite way (checked on any database: the lease is a conditional UPDATE)."""
    monkeypatch.setattr("pilotage.delivery.uses_advisory_locks", lambda: False)
    make_statements(1)
    assert renew_lease(endpoint, "server-a:1")
    session = FakeSession()
    assert deliver(endpoint, owner="server-b:2", session=session).skipped == "locked"
    assert session.calls == []
    with lease_lock(endpoint, "server-c:3") as acquired:
        assert not acquired
    # The holder renews its own lease; an expired lease (the holder died) is taken over.
    assert renew_lease(endpoint, "server-a:1")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert deliver(endpoint, owner="server-b:2", session=session).delivered == 1
    endpoint.refresh_from_db()
    assert endpoint.lease_owner == "" and endpoint.lease_expires_at is None  # released after the pass


@pytest.mark.postgres
def test_advisory_lock_gives_one_worker_per_endpoint(endpoint, make_statements):
    import psycopg2
    from django.db import connection

    make_statements(1)
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)  # another application server
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [0x50494C4F, endpoint.pk])
            assert cursor.fetchone()[0]
        session = FakeSession()
        assert deliver(endpoint, session=session).skipped == "locked"
        assert session.calls == []
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [0x50494C4F, endpoint.pk])
        assert deliver(endpoint, session=session).delivered == 1
        with endpoint_lock(endpoint, "x") as acquired:  # released after the pass
            assert acquired
    finally:
        other.close()


@pytest.fixture
def hung_lrs():
    """A server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/xAPI/statements"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_hung_lrs_does_not_block_beyond_the_timeout(endpoint, make_statements, hung_lrs):
    make_statements(3)
    endpoint.statements_url = hung_lrs
    endpoint.timeout = 1
    endpoint.save()
    started = timezone.now()
    result = deliver(endpoint)  # a real requests.Session
    elapsed = (timezone.now() - started).total_seconds()
    assert elapsed < 5
    assert "Pas de réponse de http://127.0.0.1:" in result.error and "(1 s)" in result.error
    endpoint.refresh_from_db()
    assert endpoint.lag == 3 and endpoint.consecutive_failures == 1
    assert "Pas de réponse" in endpoint.last_error


def test_client_exists_understands_both_answers(endpoint):
    statement_id = "0b9a3f8e-6d0c-4c1a-9d0e-1f2a3b4c5d6e"
    present = LrsClient(endpoint, session=FakeSession(lambda *a: response(200, {"id": statement_id})))
    assert present.exists(statement_id)
    missing = LrsClient(endpoint, session=FakeSession(lambda *a: response(404, b"")))
    assert not missing.exists(statement_id)


def test_command_once_delivers_every_active_endpoint(endpoint, make_statements, monkeypatch):
    make_statements(4)
    LrsEndpoint.objects.create(
        name="Inactif", statements_url="http://127.0.0.1:8518/x", username="u", password="p", active=False
    )
    session = FakeSession()
    monkeypatch.setattr("pilotage.delivery.requests.Session", lambda: session)
    out = StringIO()
    call_command("deliver_statements", "--once", stdout=out)
    assert "LRS du service formation: 4 delivered in 1 batch(es)" in out.getvalue()
    assert len(session.posted_ids) == 4


def test_command_loop_stops_cleanly_on_sigterm(endpoint, make_statements, monkeypatch):
    make_statements(2)
    session = FakeSession()
    monkeypatch.setattr("pilotage.delivery.requests.Session", lambda: session)
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGTERM))
    timer.start()
    try:
        out = StringIO()
        call_command("deliver_statements", "--interval", "30", "-v", "2", stdout=out)
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous)
    assert "Stopped." in out.getvalue()
    assert len(session.posted_ids) == 2


# --- Statements a LRS refuses: recorded, skipped, the queue moves on ------------------------------------


VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def conformant_lrs(refused_ids=()):
    """A LRS that answers 400 to a batch holding a statement it refuses (e.g. a void of a voiding statement,
    which xAPI 1.0.3 forbids), and 200 otherwise."""
    refused_ids = {str(i) for i in refused_ids}

    def answer(method, payload, params):
        for item in payload:
            if item["id"] in refused_ids or (item["verb"]["id"] == VOIDED and item["object"]["id"] in refused_ids):
                return response(400, {"error": True, "message": f"statement {item['id']} refused"})
        return response(200, [item["id"] for item in payload])

    return answer


def test_a_refused_statement_is_recorded_and_the_queue_moves_on(endpoint, make_statements):
    rows = make_statements(12)
    bad = rows[4]
    session = FakeSession(conformant_lrs([bad.statement_id]))
    result = deliver(endpoint, session=session)
    assert (result.delivered, result.refused, result.error) == (11, 1, "")
    posted = [item["id"] for call in session.calls for item in call["payload"] if len(call["payload"]) == 1]
    assert str(bad.statement_id) in posted  # found by sending its batch one by one
    endpoint.refresh_from_db()
    assert endpoint.lag == 0 and endpoint.consecutive_failures == 0 and endpoint.delivered_count == 11
    refused = RefusedStatement.objects.get(endpoint=endpoint)
    assert (refused.statement_id, refused.kind, refused.status_code) == (bad.statement_id, "statement", 400)
    assert "refused" in refused.message
    # Nothing is sent again.
    again = FakeSession(conformant_lrs([bad.statement_id]))
    assert deliver(endpoint, session=again).delivered == 0 and again.calls == []


def test_an_endpoint_that_refuses_everything_fails_instead_of_skipping(endpoint, make_statements):
    make_statements(3)
    session = FakeSession(lambda *a: response(400, b"bad request"))
    result = deliver(endpoint, session=session)
    assert result.delivered == 0 and result.refused == 0 and "400" in result.error
    endpoint.refresh_from_db()
    assert endpoint.lag == 3 and endpoint.consecutive_failures == 1
    assert not RefusedStatement.objects.exists()


@pytest.mark.parametrize("status", [401, 403, 404, 429])
def test_answers_about_the_endpoint_are_failures_not_refusals(endpoint, make_statements, status):
    make_statements(2)
    result = deliver(endpoint, session=FakeSession(lambda *a: response(status, b"no")))
    assert result.delivered == 0 and str(status) in result.error
    assert not RefusedStatement.objects.exists()


def test_an_erasure_listing_a_voiding_statement_does_not_block_later_erasures(endpoint, make_statements):
    """Erasure lists written before voiding statements were left out may still name one: the LRS refuses its
    void, the refusal is recorded, and this erasure and the next ones are delivered."""
    from progress.models import ErasureRequest

    target = make_statements(1)[0]
    voiding = void(target)
    deliver(endpoint, session=FakeSession())  # the LRS has both
    others = [str(row.statement_id) for row in make_statements(2, start=10)]
    deliver(endpoint, session=FakeSession())
    old = ErasureRequest.objects.create(
        status="done", processed_at=timezone.now(), statement_ids=[str(target.statement_id), str(voiding.statement_id)]
    )
    later = ErasureRequest.objects.create(status="done", processed_at=timezone.now(), statement_ids=others)

    session = FakeSession(conformant_lrs([voiding.statement_id]))
    result = deliver(endpoint, session=session)
    assert (result.erasures, result.refused, result.error) == (2, 1, "")
    voided = [item["object"]["id"] for call in session.calls for item in call["payload"] if call["payload"]]
    assert set(others) <= set(voided) and str(target.statement_id) in voided
    endpoint.refresh_from_db()
    assert (endpoint.erasure_cursor_at, endpoint.erasure_cursor_id) == (later.processed_at, later.pk)
    refused = RefusedStatement.objects.get(endpoint=endpoint)
    assert refused.kind == "erasure" and refused.erasure_id == old.pk
    assert refused.voided_statement_id == voiding.statement_id
