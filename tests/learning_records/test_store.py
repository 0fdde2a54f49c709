import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from learning_records.models import Statement
from learning_records.signals import statements_stored
from learning_records.store import save_statements
from learning_records.validation import StatementConflict, StatementError

from .helpers import make_statement, voiding, with_id

pytestmark = pytest.mark.django_db


def test_server_statement_gets_id_stored_authority_version_and_is_trusted():
    row = save_statements([make_statement()])[0]
    assert row.trusted is True
    assert row.data["id"] == str(row.statement_id)
    assert row.data["version"] == "1.0.0"
    assert row.data["authority"]["account"]["name"] == "passinnov"
    assert row.data["timestamp"] == row.data["stored"]
    assert row.verb_id == "http://adlnet.gov/expapi/verbs/experienced"
    assert row.object_activity_id == "http://example.org/activities/one"
    assert json.loads(row.exact)["stored"] == row.data["stored"]


def test_stored_is_strictly_increasing_and_unique():
    rows = save_statements([make_statement() for _ in range(5)]) + save_statements([make_statement()])
    stored = [row.stored for row in rows]
    assert stored == sorted(stored)
    assert len(set(stored)) == len(stored)


def test_exact_text_is_kept_with_numbers_and_key_order():
    text = (
        '{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://example.org/v"}, '
        '"object": {"id": "http://example.org/a"}, "result": {"score": {"raw": 1.0e2, "max": 1E+3}}}'
    )
    row = save_statements([text])[0]
    assert '"raw": 1.0e2, "max": 1E+3' in row.exact
    assert row.exact.endswith('"max": 1E+3}}}')


def test_batch_is_atomic():
    bad = make_statement(verb={"id": "not an iri"})
    before = Statement.objects.count()
    with pytest.raises(StatementError, match=r"statement\[1\] verb.id"):
        save_statements([make_statement(), bad])
    assert Statement.objects.count() == before


def test_same_id_same_content_is_not_stored_twice_and_different_content_conflicts():
    statement = with_id()
    first = save_statements([statement])[0]
    again = save_statements([dict(statement)])[0]
    assert again.pk == first.pk
    changed = dict(statement, verb={"id": "http://example.org/other"})
    with pytest.raises(StatementConflict):
        save_statements([changed])


def test_one_signal_per_stored_batch_and_voiding_marks_the_target():
    batches = []

    def on_batch(sender, statements, voided, **kwargs):
        batches.append(([s.statement_id for s in statements], [(t.statement_id, v.statement_id) for t, v in voided]))

    statements_stored.connect(on_batch)
    try:
        targets = save_statements([make_statement(), make_statement()])
        void = save_statements([voiding(targets[0].statement_id)])[0]
        assert save_statements([targets[1].exact])[0].pk == targets[1].pk  # nothing new: no signal
    finally:
        statements_stored.disconnect(on_batch)
    assert batches == [
        ([targets[0].statement_id, targets[1].statement_id], []),
        ([void.statement_id], [(targets[0].statement_id, void.statement_id)]),
    ]
    targets[0].refresh_from_db()
    assert targets[0].voided is True
    assert void.is_voiding is True
    assert not Statement.objects.active().filter(pk__in=[targets[0].pk, void.pk]).exists()


def test_voiding_cannot_target_a_voiding_statement():
    target = save_statements([make_statement()])[0]
    void = save_statements([voiding(target.statement_id)])[0]
    with pytest.raises(StatementError, match="is a voiding statement"):
        save_statements([voiding(void.statement_id)])
    void.refresh_from_db()
    assert void.voided is False


def test_voiding_an_unknown_statement_is_accepted_and_voids_it_when_it_arrives():
    voided = []

    def on_batch(sender, statements, **kwargs):
        voided.extend((target.statement_id, by.statement_id) for target, by in kwargs["voided"])

    late = with_id()
    void = save_statements([voiding(late["id"])])[0]
    statements_stored.connect(on_batch)
    try:
        row = save_statements([late])[0]
    finally:
        statements_stored.disconnect(on_batch)
    assert row.voided is True
    row.refresh_from_db()
    assert row.voided is True
    assert voided == [(row.statement_id, void.statement_id)]


def test_rollback_of_the_caller_removes_the_statement():
    statement = with_id()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            save_statements([statement])
            raise RuntimeError("the registration failed")
    assert not Statement.objects.filter(statement_id=statement["id"]).exists()


def test_credential_and_browser_user_trust(agent):
    from learning_records.models import Credential
    from learning_records.validation import StatementForbidden

    credential = Credential(name="LMS", scopes=["all"], trusted=False)
    credential.set_secret()
    credential.save()
    row = save_statements([make_statement()], credential=credential)[0]
    assert row.trusted is False
    assert row.data["authority"]["account"]["name"] == f"credential:{credential.key}"
    own = make_statement(actor={"account": {"homePage": "http://testserver", "name": agent.xapi_account_name}})
    row = save_statements([own], user=agent)[0]
    assert row.trusted is False
    assert row.actor_account_name == agent.xapi_account_name
    with pytest.raises(StatementForbidden):
        save_statements([make_statement()], user=agent)


def test_single_statement_and_tincan_objects_are_accepted():
    from tincan import Activity, Agent, Verb
    from tincan import Statement as TinCanStatement

    built = TinCanStatement(
        actor=Agent(mbox="mailto:tc@example.org"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/experienced"),
        object=Activity(id="http://example.org/tc"),
    )
    row = save_statements(built)
    assert isinstance(row, Statement)
    assert row.data["actor"]["mbox"] == "mailto:tc@example.org"


def statement_table_queries(batch):
    with CaptureQueriesContext(connection) as queries:
        save_statements(batch)
    return [q["sql"] for q in queries.captured_queries if Statement._meta.db_table in q["sql"]]


def test_a_batch_reads_the_store_once_and_writes_each_table_once_whatever_its_size():
    """Under the lock, one read (greatest `stored`, ids already stored, statements that target the batch),
    then one INSERT of the statements and one of their index rows: 1 statement or 60, with or without a
    StatementRef to a statement of the same batch."""
    assert len(statement_table_queries([make_statement()])) == 3
    assert len(statement_table_queries([make_statement() for _ in range(60)])) == 3
    target = with_id()
    ref = make_statement(object={"objectType": "StatementRef", "id": target["id"]})
    sql = statement_table_queries([target, ref])
    assert len(sql) == 3
    assert sql[0].lstrip().upper().startswith("SELECT")
    assert all(q.lstrip().upper().startswith("INSERT") for q in sql[1:])
