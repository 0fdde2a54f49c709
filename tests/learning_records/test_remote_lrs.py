"""tincan.RemoteLRS (a real xAPI client) against a live PassInnov server."""

import socket
import uuid

import pytest
from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, StatementRef, Verb

from learning_records.models import Credential

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lrs(live_server):
    credential = Credential(name="tincan", scopes=["all"])
    secret = credential.set_secret()
    credential.save()
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(10)  # tincan opens connections without a timeout
    yield RemoteLRS(endpoint=f"{live_server.url}/xapi/", version="1.0.3", username=credential.key, password=secret)
    socket.setdefaulttimeout(previous)


def statement(verb="http://adlnet.gov/expapi/verbs/experienced", activity="http://example.org/activities/tincan"):
    return Statement(
        id=str(uuid.uuid4()),
        actor=Agent(account=AgentAccount(home_page="http://example.org", name="tincan-agent")),
        verb=Verb(id=verb),
        object=Activity(id=activity),
        timestamp="2026-11-27T10:00:00.000Z",
    )


def test_remote_lrs_round_trip(lrs):
    about = lrs.about()
    assert about.success and "1.0.3" in about.content.version

    first = statement()
    response = lrs.save_statement(first)
    assert response.success, response.data
    retrieved = lrs.retrieve_statement(str(first.id))
    assert retrieved.success and str(retrieved.content.id) == str(first.id)

    batch = [statement(activity="http://example.org/activities/batch") for _ in range(3)]
    response = lrs.save_statements(batch)
    assert response.success, response.data

    void = Statement(
        actor=Agent(mbox="mailto:admin@example.org"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
        object=StatementRef(id=str(first.id)),
    )
    assert lrs.save_statement(void).success
    assert not lrs.retrieve_statement(str(first.id)).success
    voided = lrs.retrieve_voided_statement(str(first.id))
    assert voided.success and str(voided.content.id) == str(first.id)

    query = lrs.query_statements({"activity": Activity(id="http://example.org/activities/batch"), "limit": 2})
    assert query.success, query.data
    seen = [str(s.id) for s in query.content.statements]
    assert len(seen) == 2 and query.content.more
    more = lrs.more_statements(query.content)
    assert more.success, more.data
    seen += [str(s.id) for s in more.content.statements]
    assert sorted(seen) == sorted(str(s.id) for s in batch)
    assert not more.content.more
