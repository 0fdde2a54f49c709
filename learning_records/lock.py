"""The store lock: one PostgreSQL advisory lock serialises the storing transactions (store.py), which makes
`stored` visible in increasing order; readers test it (query.py: `since`/`until` and "now" for paging)."""

from django.db import connection

ADVISORY_LOCK_KEY = 0x50415353  # "PASS"


def lock_store():
    """Hold the store lock until the end of the current transaction (PostgreSQL; SQLite serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
