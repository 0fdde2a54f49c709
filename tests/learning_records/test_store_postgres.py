"""PostgreSQL-only guarantees of the store: concurrent writers and index use for every filter."""

import json
import threading
import uuid

import pytest
from django.db import connection, connections

from learning_records import query as queries
from learning_records.models import Statement, StatementIndexEntry
from learning_records.store import save_statements

from .helpers import assert_served_by_an_index, make_statement


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_unique_stored_in_commit_order():
    errors = []

    def writer():
        try:
            for _ in range(5):
                save_statements([make_statement() for _ in range(3)])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    rows = list(Statement.objects.order_by("pk").values_list("stored", flat=True))
    assert len(rows) >= 60
    assert len(set(rows)) == len(rows)
    # Rows are inserted under the store lock, so insertion order (pk) is `stored` order.
    assert rows == sorted(rows)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"agent": json.dumps({"account": {"homePage": "http://example.org", "name": "u"}})},
        {"agent": json.dumps({"mbox": "mailto:a@example.org"}), "related_agents": "true"},
        {"verb": "http://example.org/v"},
        {"activity": "http://example.org/a"},
        {"activity": "http://example.org/a", "related_activities": "true"},
        {"registration": str(uuid.uuid4())},
        {"since": "2026-01-01T00:00:00Z", "until": "2026-12-31T00:00:00Z"},
        {},
    ],
)
def test_every_filter_is_served_by_an_index(params):
    save_statements([make_statement()])
    assert_served_by_an_index(queries.filtered(queries.parse_query(params))[: queries.DEFAULT_LIMIT])


@pytest.mark.postgres
@pytest.mark.django_db
def test_large_statements_are_compressed_with_lz4():
    """A statement above the TOAST threshold has its exact text and its jsonb compressed with lz4 (faster to
    write than pglz), and reads back unchanged."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL is built without lz4")
    response = "un texte qui se répète " * 400
    row = save_statements([make_statement(result={"response": response})])[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_compression(data), pg_column_compression(exact) FROM {Statement._meta.db_table} "
            "WHERE id = %s",
            [row.pk],
        )
        assert cursor.fetchone() == ("lz4", "lz4")
    stored = Statement.objects.get(pk=row.pk)
    assert stored.data["result"]["response"] == response
    assert json.loads(stored.exact)["result"]["response"] == response


@pytest.mark.postgres
@pytest.mark.django_db
def test_index_rows_of_a_statement_are_found_through_an_index():
    """Deleting or reading a statement's filter-index rows (erasure, cascades) uses the unique (statement, key)
    index: the column has no btree of its own."""
    row = save_statements([make_statement()])[0]
    entries = StatementIndexEntry.objects.filter(statement_id=row.pk)
    assert entries.count() > 0
    assert_served_by_an_index(entries)
