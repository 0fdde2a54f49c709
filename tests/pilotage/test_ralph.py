"""Delivery to a real Ralph LRS (ralph-malph 5.1.0, fs backend) started on 127.0.0.1 by the test."""

from collections import Counter
from datetime import timedelta

import pytest
import requests
import time_machine
from django.utils import timezone

from learning_records import events
from learning_records.store import save_statements
from pilotage.delivery import deliver, erasure_voiding_statements
from pilotage.models import RefusedStatement
from progress.models import ErasureRequest
from progress.services import personal_data
from tests.pilotage.conftest import statement
from tests.pilotage.ralph_harness import PASSWORD, USERNAME, Ralph, ralph_bin
from tests.progress.helpers import attend, entry_module, host, make_session, make_user

pytestmark = [pytest.mark.ralph, pytest.mark.django_db]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(ralph_bin(), tmp_path)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def ralph_endpoint(endpoint, ralph):
    endpoint.statements_url = ralph.statements_url
    endpoint.username, endpoint.password = USERNAME, PASSWORD
    endpoint.batch_size = 100
    endpoint.timeout = 60  # generous: CI machines are shared; the hung-LRS test covers the timeout itself
    endpoint.save()
    return endpoint


def delivered_ids(ralph, expected):
    counts = Counter(record["id"] for record in ralph.stored_records())
    assert set(counts) == expected, f"missing: {len(expected - set(counts))}, unexpected: {len(set(counts) - expected)}"
    duplicates = {statement_id: n for statement_id, n in counts.items() if n > 1}
    assert duplicates == {}
    return counts


def test_a_thousand_statements_are_delivered_exactly_once(ralph, ralph_endpoint, make_statements):
    rows = make_statements(1000)
    expected = {str(row.statement_id) for row in rows}

    result = deliver(ralph_endpoint)
    assert (result.delivered, result.batches, result.error) == (1000, 10, "")
    assert len(delivered_ids(ralph, expected)) == 1000
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.lag == 0 and ralph_endpoint.delivered_count == 1000

    # Read one back through Ralph's API, as the department would.
    sample = rows[517]
    answer = requests.get(
        ralph.statements_url,
        params={"statementId": str(sample.statement_id)},
        auth=(USERNAME, PASSWORD),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["statements"][0]["object"]["id"] == sample.data["object"]["id"]

    # Another pass sends nothing.
    assert deliver(ralph_endpoint).delivered == 0
    assert len(ralph.stored_records()) == 1000

    # An erasure carried out here reaches Ralph as voiding statements for the erased ids.
    erased = [str(rows[3].statement_id), str(rows[4].statement_id)]
    ErasureRequest.objects.create(status="done", processed_at=timezone.now(), statement_ids=erased)
    assert deliver(ralph_endpoint).erasures == 1
    records = ralph.stored_records()
    voids = [r for r in records if r["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"]
    assert len(records) == 1002 and sorted(r["object"]["id"] for r in voids) == sorted(erased)


def test_lrs_stopped_in_the_middle_and_restarted_gets_everything_once(ralph, ralph_endpoint, make_statements):
    rows = make_statements(1000)
    expected = {str(row.statement_id) for row in rows}

    assert deliver(ralph_endpoint, max_batches=4).delivered == 400
    ralph.stop()

    failed = deliver(ralph_endpoint)
    assert failed.delivered == 0 and "Injoignable" in failed.error
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.lag == 600 and ralph_endpoint.consecutive_failures == 1
    assert deliver(ralph_endpoint).skipped == "backoff"

    ralph.start()
    # The worker crashed after Ralph stored a batch but before the cursor was saved: it resends that batch.
    ordered = sorted(rows, key=lambda row: row.stored)
    ralph_endpoint.cursor_stored = ordered[299].stored
    ralph_endpoint.cursor_statement_id = ordered[299].statement_id
    ralph_endpoint.save(update_fields=["cursor_stored", "cursor_statement_id"])

    with time_machine.travel(ralph_endpoint.next_attempt_at + timedelta(seconds=1), tick=True):
        result = deliver(ralph_endpoint)
    assert (result.delivered, result.error) == (700, "")
    delivered_ids(ralph, expected)
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.lag == 0 and ralph_endpoint.consecutive_failures == 0


def test_a_statement_ralph_refuses_is_recorded_and_everything_else_delivered(ralph, ralph_endpoint, make_statements):
    """Ralph 5.1 answers 422 to a valid statement whose object is a SubStatement (its model wants an object
    id): that statement is recorded as refused, and delivery goes on with the following ones."""
    before = make_statements(40)
    sub = statement(999)
    sub["object"] = {"objectType": "SubStatement", **statement(998)}
    refused = save_statements(sub)
    after = make_statements(40, start=100)
    expected = {str(row.statement_id) for row in before + after}

    result = deliver(ralph_endpoint)
    assert (result.delivered, result.refused, result.error) == (80, 1, "")
    delivered_ids(ralph, expected)
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.lag == 0 and ralph_endpoint.consecutive_failures == 0
    record = RefusedStatement.objects.get(endpoint=ralph_endpoint)
    assert (record.statement_id, record.status_code, record.kind) == (refused.statement_id, 422, "statement")


def test_an_erasure_reaches_ralph_without_voids_of_voiding_statements(ralph, ralph_endpoint):
    """A facilitator who took back an attendance is the actor of the voiding statements written then: their
    erasure voids their other statements at the LRS, never those voiding statements."""
    facilitator = make_user("animatrice.effacee")
    participant = make_user("participant.ralph")
    session = make_session(entry_module(), days=-2)
    host(facilitator, session, "lead")
    _registration, attended, completed = attend(participant, session, instructor=facilitator)
    voids = {str(events.void(s, reason_user=facilitator).statement_id) for s in (attended, completed)}
    assert deliver(ralph_endpoint).error == ""

    erasure, _created = personal_data.request_erasure(facilitator)
    done = personal_data.process(erasure)
    assert done.statement_ids and not voids & set(done.statement_ids)
    result = deliver(ralph_endpoint)
    assert (result.erasures, result.refused, result.error) == (1, 0, "")
    records = {record["id"]: record for record in ralph.stored_records()}
    sent = [statement.statement_id for statement in erasure_voiding_statements(done)]
    assert {records[str(i)]["object"]["id"] for i in sent} == set(done.statement_ids)
    assert not [r for r in records.values() if r["verb"]["id"] == VOIDED and r["object"]["id"] in voids]
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.erasure_cursor_id == done.pk
