"""Benchmark 1: statement ingestion over HTTP, beside PostgreSQL's own bulk_create rate for the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passinnov_bench .venv/bin/python bench/xapi_ingest.py \
        [--batches 60] [--clients 4] [--workers 5]

Measures, on the same machine in the same run, with statements as PassInnov writes them (one session
registration each, built by learning_records.statements, about 1.8 kB of JSON):
  1. HTTP: `--clients` threads POST batches of 100 statements to /xapi/statements (gunicorn, sync workers,
     a statements/write credential), each batch one request; statements per second over the whole run.
  2. In process: `save_statements` on the same batches (validation, ids, stored, index, signals), no HTTP.
  3. bulk_create: Django `bulk_create` of the very rows the store builds, 100 per transaction, alone and
     with their filter-index rows: the database's own insert rate, the ceiling of the two above.
Each phase starts from empty statement tables. Bounded: `--batches` batches per phase, then it stops.
"""

import argparse
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from common import empty_statement_tables, gunicorn, print_machine, setup_django

BATCH = 100


def build_batches(count):
    from django.utils import timezone

    from learning_records import statements as xs
    from learning_records.activities import XapiActivityMixin
    from learning_records.statements import TYPE_MEETING, TYPE_MODULE

    class Activity:
        xapi_activity_id = XapiActivityMixin.xapi_activity_id
        xapi_names = XapiActivityMixin.xapi_names

        def __init__(self, kind, activity_type, title, **attrs):
            self.XAPI_KIND, self.XAPI_ACTIVITY_TYPE, self.title = kind, activity_type, title
            self.activity_uuid = uuid.uuid4()
            self.__dict__.update(attrs)

    class Agent:
        def __init__(self):
            self.xapi_account_name = uuid.uuid4().hex

    start = timezone.now() - timedelta(days=30)
    modules = [Activity("module", TYPE_MODULE, f"Module {n}", duration_minutes=90) for n in range(5)]
    sessions = [
        Activity(
            "session", TYPE_MEETING, f"Session {n}", module=modules[n % 5],
            start=start + timedelta(days=n), end=start + timedelta(days=n, minutes=90),
        )
        for n in range(20)
    ]  # fmt: skip
    batches = []
    for b in range(count):
        batches.append([xs.build_registered(Agent(), sessions[(b + i) % 20], uuid.uuid4()) for i in range(BATCH)])
    return batches


def http_phase(env, batches, clients, workers):
    import requests

    from learning_records.models import Credential

    credential = Credential(name="bench ingestion", scopes=["statements/write"], trusted=True)
    secret = credential.set_secret()
    credential.save()
    bodies = [json.dumps(batch).encode() for batch in batches]
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    with gunicorn(env, workers) as url:
        local = threading.local()

        def post(body):
            if not hasattr(local, "session"):
                local.session = requests.Session()
            session = local.session
            response = session.post(
                f"{url}/xapi/statements", data=body, headers=headers, auth=(credential.key, secret), timeout=120
            )
            if response.status_code != 200:
                raise SystemExit(f"POST failed: {response.status_code} {response.text[:500]}")
            return len(response.json())

        post(bodies[0])  # warm-up (imports, first connection); not timed, not counted
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            stored = sum(pool.map(post, bodies[1:]))
        elapsed = time.perf_counter() - started
    return stored, elapsed


def in_process_phase(batches):
    from django.db import transaction

    from learning_records.store import save_statements

    started = time.perf_counter()
    for batch in batches:
        with transaction.atomic():
            save_statements(batch)
    return len(batches) * BATCH, time.perf_counter() - started


def prepare_rows(batches):
    """The Statement rows (and index rows) `save_statements` would write, built before the clock starts."""
    from learning_records.models import Statement, StatementIndexEntry, index_key
    from learning_records.store import Received, build_rows, index_values, server_authority

    items = [(statement["id"], Received(None, statement)) for batch in batches for statement in batch]
    rows = build_rows(items, server_authority(), True, None, None)
    entries = [[(kind, index_key(kind, value)) for kind, value in index_values(row.data)] for row in rows]
    return rows, entries, Statement, StatementIndexEntry


def bulk_phase(batches, with_index):
    from django.db import transaction

    rows, entries, Statement, StatementIndexEntry = prepare_rows(batches)
    started = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        with transaction.atomic():
            chunk = Statement.objects.bulk_create(rows[offset : offset + BATCH])
            if with_index:
                StatementIndexEntry.objects.bulk_create(
                    [
                        StatementIndexEntry(statement_id=row.pk, kind=kind, key=key, stored=row.stored)
                        for row, pairs in zip(chunk, entries[offset : offset + BATCH], strict=True)
                        for kind, key in set(pairs)
                    ]
                )
    return len(rows), time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=60, help="batches of 100 statements per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    args = parser.parse_args()
    if args.batches < 2 or args.clients < 1 or args.workers < 1:
        parser.error("--batches ≥ 2, --clients ≥ 1, --workers ≥ 1")
    env = setup_django()
    print_machine()
    print(f"batches of {BATCH} statements, {args.batches} batches per phase\n")
    results = []

    empty_statement_tables()
    count, seconds = http_phase(env, build_batches(args.batches), args.clients, args.workers)
    results.append(
        (f"HTTP POST /xapi/statements ({args.clients} clients, {args.workers} gunicorn workers)", count, seconds)
    )

    empty_statement_tables()
    count, seconds = in_process_phase(build_batches(args.batches))
    results.append(("save_statements in process (no HTTP)", count, seconds))

    empty_statement_tables()
    count, seconds = bulk_phase(build_batches(args.batches), with_index=False)
    results.append(("bulk_create of the Statement rows", count, seconds))

    empty_statement_tables()
    count, seconds = bulk_phase(build_batches(args.batches), with_index=True)
    results.append(("bulk_create of the Statement rows + their index rows", count, seconds))
    empty_statement_tables()

    from learning_records.models import Credential

    credential = Credential(name="bench")
    secret = credential.set_secret()
    started = time.perf_counter()
    credential.check_secret(secret)
    check_ms = (time.perf_counter() - started) * 1000
    print(f"checking a credential's secret (paid by every HTTP request): {check_ms:.0f} ms\n")

    width = max(len(label) for label, _c, _s in results)
    print(f"{'phase':<{width}}  statements  seconds  statements/s")
    for label, count, seconds in results:
        print(f"{label:<{width}}  {count:>10}  {seconds:>7.2f}  {count / seconds:>12.0f}")


if __name__ == "__main__":
    main()
